"""What the head of a CSV file tells: encoding, dialect, header, an estimated row count.

Encoding from the first 64 kB (UTF-8 with or without BOM, UTF-16 with BOM, else
cp1252, else Latin-1), separator by ``csv.Sniffer`` over ``; , tab |`` with a
header-line fallback. The first row is the header unless it looks like data: a row of
data must never become column names (they are stored in the catalog and shown to every
role), so when in doubt the columns are named ``column_1``, ``column_2``... The
estimated row count is extrapolated from the head and the file size.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from registre.catalog.data.scan_errors import ScanErrorKind
from registre.catalog.i18n import Text
from registre.scanners.detection.validators import VALIDATORS
from registre.scanners.errors import ScanError

_HEAD_BYTES = 64 * 1024
_DELIMITERS = ";,\t|"


@dataclass(frozen=True)
class CsvFormat:
    """What the first kilobytes of a CSV tell: encoding, dialect, header, size hint."""

    encoding: str
    delimiter: str
    quotechar: str
    header: tuple[str, ...]
    estimated_rows: int | None
    #: False when the first line holds data: columns are then named column_1, column_2...
    has_header: bool = True


def sniff_csv(path: Path) -> CsvFormat:
    """Encoding, separator, header and a size-based row estimate from the file's head."""
    try:
        with path.open("rb") as raw:
            return sniff_csv_file(raw, path.name, path.stat().st_size)
    except OSError as exc:
        raise ScanError(
            Text("cannot read {file}: {error}", file=path.name, error=type(exc).__name__), cause=exc
        ) from None


def sniff_csv_file(raw: IO[bytes], name: str, size: int) -> CsvFormat:
    """:func:`sniff_csv` on a file already open (the connector opens it safely itself)."""
    try:
        head = raw.read(_HEAD_BYTES)
    except OSError as exc:
        raise ScanError(
            Text("cannot read {file}: {error}", file=name, error=type(exc).__name__), cause=exc
        ) from None
    complete = len(head) >= size
    encoding = _guess_encoding(head, complete)
    if b"\x00" in head and not encoding.startswith("utf-16"):
        raise ScanError(
            Text("{file} holds NUL bytes: not a text (CSV) file", file=name),
            kind=ScanErrorKind.INVALID_DATA,
        )
    text = head.decode(encoding, errors="replace")
    if not complete:  # drop the last, cut line
        text = text[: text.rfind("\n") + 1] or text
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiter, quotechar = _guess_dialect(text, "\t" if name.lower().endswith(".tsv") else None)
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter, quotechar=quotechar))
    except csv.Error as exc:
        raise ScanError(
            Text("malformed CSV {file}: {error}", file=name, error=str(exc)),
            kind=ScanErrorKind.INVALID_DATA,
        ) from None
    if not rows:
        raise ScanError(Text("empty CSV file: {file}", file=name), kind=ScanErrorKind.INVALID_DATA)
    has_header = _has_header(rows, text)
    if has_header:
        header = _unique_names(rows[0])
    else:
        # A first line of data must never become column names: they would be stored in
        # the catalog and shown to every role.
        header = tuple(f"column_{i + 1}" for i in range(max(len(r) for r in rows[:50])))
    data_rows = sum(1 for row in rows[int(has_header) :] if row)
    if complete:
        estimated: int | None = data_rows
    elif data_rows and not encoding.startswith("utf-16"):
        head_used = len(text.encode(encoding, errors="replace"))
        header_bytes = head.find(b"\n") + 1
        per_row = (head_used - header_bytes) / data_rows
        estimated = round((size - header_bytes) / per_row) if per_row > 0 else None
    else:
        estimated = None
    return CsvFormat(encoding, delimiter, quotechar, header, estimated, has_header)


def _guess_encoding(head: bytes, complete: bool) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1252")  # Windows exports; fails only on 5 unused bytes
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _guess_dialect(text: str, default: str | None) -> tuple[str, str]:
    first_line = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(text[:16_384], delimiters=_DELIMITERS)
        if dialect.delimiter in first_line:
            return dialect.delimiter, dialect.quotechar or '"'
    except csv.Error:
        pass
    if default is not None:
        return default, '"'
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return (best if counts[best] else ","), '"'


def _has_header(rows: list[list[str]], text: str) -> bool:
    """Whether the first row names the columns. When in doubt, no: column_N names are
    a small loss, a row of data stored as field names (seen by every role) is a leak."""
    first = [cell.strip() for cell in rows[0]]
    if len(rows) == 1 or any(
        _looks_like_value(cell) or any(c.isdigit() for c in cell) for cell in first
    ):
        return False  # a lone row, a number, a date, an identifier, a house number: data
    if all(_machine_name(cell) for cell in first) and not all(
        _machine_name(cell.strip()) for row in rows[1:4] for cell in row if cell.strip()
    ):
        return True  # machine names (nom, prénom, date_naissance) above other-looking rows
    if len(rows) < 3:
        return False  # too little to compare the first row with the others
    try:
        # Compares the first row with the next ones, column by column (types, lengths).
        return csv.Sniffer().has_header(text[:16_384])
    except csv.Error:
        return False


def _machine_name(cell: str) -> bool:
    return bool(_IDENTIFIER.fullmatch(cell)) and cell.islower()


_IDENTIFIER = re.compile(r"[^\W\d_][\w]*")  # one word: nom, prénom, date_naissance
_NUMBER_OR_DATE = re.compile(r"[\d\s.,:/+-]+")


def _looks_like_value(cell: str) -> bool:
    """A header cell is a name; this one is a number, a date or an identifier: data."""
    text = cell.strip()
    if not text:
        return False
    if "@" in text or any(char.isdigit() for char in text) and _NUMBER_OR_DATE.fullmatch(text):
        return True
    return any(check(text) for check in VALIDATORS.values())


def _unique_names(raw: list[str]) -> tuple[str, ...]:
    names: list[str] = []
    for i, value in enumerate(raw):
        name = value.strip() or f"column_{i + 1}"
        candidate, n = name, 2
        while candidate in names:
            candidate, n = f"{name}_{n}", n + 1
        names.append(candidate)
    return tuple(names)
