"""Folder-of-files connector: every CSV/TSV and Parquet file below a folder is a dataset.

URL: ``file:///folder`` or a plain folder path (a single file also works). A dataset's
``schema`` is its sub-folder relative to the root (``"2024/rh"``), None at the root;
its ``name`` is the file name. Files are only ever opened for reading.

CSV: encoding from the first 64 kB (UTF-8 with or without BOM, UTF-16 with BOM, else
cp1252, else Latin-1), separator by ``csv.Sniffer`` over ``; , tab |`` with a
header-line fallback; the first row is the header and every column is typed
``text``. The estimated row count is extrapolated from the first 64 kB and the file
size. Sampling is a reservoir sample over the rows read in one pass: its cost is
linear in the file size, which cannot be avoided without an index, so reading stops
after ``max_csv_bytes`` (256 MB by default) or the timeout, and the sample then
covers that prefix only (logged as a warning). Memory stays bounded by ``size`` rows.

Parquet: columns and types from the schema, rows from the footer metadata. Sampling
reads whole row groups in random order until ``size`` rows from at least
``min_row_groups`` groups are in hand (at most ``max_row_groups`` groups), then
picks ``size`` of them at random: the cost is bounded by
the row-group size, not the file size (a file written as one huge row group is read
whole). Binary columns are never read.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import os
import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

from registre.catalog.data.harvested import ColumnInfo, TableInfo
from registre.scanners.connectors.registry import MAX_TEXT_CHARS, clean_value, url_scheme
from registre.scanners.detection.validators import VALIDATORS
from registre.scanners.errors import ScanError

logger = logging.getLogger(__name__)

CSV_SUFFIXES = (".csv", ".tsv")
PARQUET_SUFFIXES = (".parquet", ".pq")
_HEAD_BYTES = 64 * 1024
_DELIMITERS = ";,\t|"
_BINARY_ARROW_TYPES = ("binary", "large_binary", "fixed_size_binary", "binary_view")


def folder_from_url(url: str) -> Path:
    """``file:///srv/data`` -> ``/srv/data``; a plain path is taken as is."""
    if url_scheme(url) == "file":
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise ScanError(f"file URLs must be local (file:///folder), not on host {parts.netloc}")
        return Path(unquote(parts.path))
    if url_scheme(url):
        raise ScanError(f"not a folder URL: {url_scheme(url)}://")
    return Path(url).expanduser()


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


class FileConnector:
    """Read-only connector over a folder of CSV/TSV and Parquet files."""

    kind: ClassVar[str] = "file"
    max_csv_bytes: ClassVar[int] = 256 * 1024 * 1024
    min_row_groups: ClassVar[int] = 4  # rows of one group are neighbours: spread the draw
    max_row_groups: ClassVar[int] = 32

    def __init__(self, url: str, *, timeout_s: float = 30, seed: int | None = None) -> None:
        self.root = folder_from_url(url)
        if not self.root.exists():
            raise ScanError(f"folder not found: {self.root}")
        if not os.access(self.root, os.R_OK):
            raise ScanError(f"folder not readable: {self.root}")
        self._timeout_s = timeout_s
        self._rng = random.Random(seed)

    # --- harvest -------------------------------------------------------------------

    def list_tables(self) -> Iterator[TableInfo]:
        """One dataset per CSV/TSV/Parquet file, hidden files and folders skipped.

        A file that cannot be read is still listed (with no columns), so that its
        failure is reported by :meth:`sample` rather than hiding the file.
        """
        for path in self._files():
            schema = self._schema_of(path)
            try:
                columns, estimated = self._describe(path)
            except ScanError as exc:
                logger.warning("%s", exc)
                columns, estimated = (), None
            yield TableInfo(schema, path.name, "file", columns, estimated)

    def _files(self) -> Iterator[Path]:
        if self.root.is_file():
            yield self.root
            return
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith((".", "~$")):
                    continue
                if name.lower().endswith(CSV_SUFFIXES + PARQUET_SUFFIXES):
                    yield Path(folder) / name

    def _schema_of(self, path: Path) -> str | None:
        if self.root.is_file():
            return None
        relative = path.parent.relative_to(self.root).as_posix()
        return None if relative == "." else relative

    def _path_of(self, table: TableInfo) -> Path:
        """The file behind a dataset, refusing anything outside the root folder."""
        path = self.root
        if not self.root.is_file():
            path = self.root / (table.schema or "") / table.name
        root = self.root.resolve()
        resolved = path.resolve()
        if resolved != root and not resolved.is_relative_to(root):
            raise ScanError(f"dataset {table.name!r} is outside the scanned folder")
        if not resolved.is_file():
            raise ScanError(f"file not found: {self._label(table)}")
        return resolved

    def _label(self, table: TableInfo) -> str:
        return f"{table.schema}/{table.name}" if table.schema else table.name

    def _describe(self, path: Path) -> tuple[tuple[ColumnInfo, ...], int | None]:
        if path.name.lower().endswith(PARQUET_SUFFIXES):
            parquet = _open_parquet(path)
            columns = tuple(
                ColumnInfo(field.name, i + 1, str(field.type), field.nullable)
                for i, field in enumerate(parquet.schema_arrow)
            )
            return columns, parquet.metadata.num_rows
        fmt = sniff_csv(path)
        return (
            tuple(ColumnInfo(name, i + 1, "text") for i, name in enumerate(fmt.header)),
            fmt.estimated_rows,
        )

    # --- sampling ------------------------------------------------------------------

    def sample(self, table: TableInfo, size: int) -> dict[str, list[object]]:
        """At most ``size`` rows: reservoir over a CSV, random row groups of a Parquet."""
        path = self._path_of(table)
        names = [c.name for c in table.columns]
        if path.name.lower().endswith(PARQUET_SUFFIXES):
            return self._sample_parquet(path, table, names, size)
        return self._sample_csv(path, table, names, size)

    def _sample_csv(
        self, path: Path, table: TableInfo, names: list[str], size: int
    ) -> dict[str, list[object]]:
        fmt = sniff_csv(path)
        width = len(fmt.header)
        reservoir: list[list[object]] = []
        deadline = time.monotonic() + self._timeout_s
        stopped_at: str | None = None
        with path.open("rb") as raw:
            text = io.TextIOWrapper(raw, encoding=fmt.encoding, errors="replace", newline="")
            reader = csv.reader(text, delimiter=fmt.delimiter, quotechar=fmt.quotechar)
            try:
                if fmt.has_header:
                    next(reader, None)
                kept = 0
                for seen, row in enumerate(reader):
                    if seen % 4096 == 0 and seen:
                        if raw.tell() > self.max_csv_bytes:
                            stopped_at = f"the first {self.max_csv_bytes // 2**20} MB"
                            break
                        if time.monotonic() > deadline:
                            stopped_at = f"what was read in {self._timeout_s:g} s"
                            break
                    if not row:  # blank line
                        continue
                    if kept < size:
                        reservoir.append(_csv_values(row, width))
                    else:
                        slot = self._rng.randint(0, kept)
                        if slot < size:
                            reservoir[slot] = _csv_values(row, width)
                    kept += 1
            except csv.Error as exc:
                raise ScanError(
                    f"malformed CSV {self._label(table)} near line {reader.line_num}: {exc}"
                ) from None
        if stopped_at:
            logger.warning("CSV %s: sample drawn from %s only", self._label(table), stopped_at)
        by_name = {name: i for i, name in enumerate(fmt.header)}
        return {
            name: [row[by_name[name]] if name in by_name else None for row in reservoir]
            for name in names
        }

    def _sample_parquet(
        self, path: Path, table: TableInfo, names: list[str], size: int
    ) -> dict[str, list[object]]:
        import pyarrow as pa

        parquet = _open_parquet(path)
        schema = parquet.schema_arrow
        readable = [
            name
            for name in names
            if schema.get_field_index(name) >= 0
            and not str(schema.field(name).type).startswith(_BINARY_ARROW_TYPES)
        ]
        if size <= 0 or not names:
            return {name: [] for name in names}
        groups = list(range(parquet.num_row_groups))
        self._rng.shuffle(groups)
        parts = []
        count = 0
        try:
            for group in groups[: self.max_row_groups]:
                part = parquet.read_row_group(group, columns=readable)
                parts.append(part)
                count += part.num_rows
                if count >= size and len(parts) >= self.min_row_groups:
                    break
            if not parts or count == 0:
                return {name: [] for name in names}
            picked = sorted(self._rng.sample(range(count), min(size, count)))
            rows = pa.concat_tables(parts).take(pa.array(picked, type=pa.int64()))
        except (pa.ArrowException, OSError) as exc:
            raise ScanError(
                f"could not read Parquet {self._label(table)}: {type(exc).__name__}"
            ) from None
        out: dict[str, list[object]] = {}
        for name in names:
            if name in readable:
                out[name] = [clean_value(v) for v in rows.column(name).to_pylist()]
            else:
                out[name] = [None] * rows.num_rows
        return out

    def close(self) -> None:
        """Nothing stays open between calls."""

    def __enter__(self) -> FileConnector:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _open_parquet(path: Path) -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ScanError("reading Parquet files needs pyarrow: install registre[parquet]") from exc
    try:
        return pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        # Footer errors ("magic bytes not found") carry no row values.
        raise ScanError(f"not a readable Parquet file: {path.name}: {exc}") from None


def sniff_csv(path: Path) -> CsvFormat:
    """Encoding, separator, header and a size-based row estimate from the file's head."""
    try:
        size = path.stat().st_size
        with path.open("rb") as raw:
            head = raw.read(_HEAD_BYTES)
    except OSError as exc:
        raise ScanError(f"cannot read {path.name}: {type(exc).__name__}") from None
    complete = len(head) >= size
    encoding = _guess_encoding(head, complete)
    text = head.decode(encoding, errors="replace")
    if not complete:  # drop the last, cut line
        text = text[: text.rfind("\n") + 1] or text
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiter, quotechar = _guess_dialect(text, "\t" if path.suffix.lower() == ".tsv" else None)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter, quotechar=quotechar))
    if not rows:
        raise ScanError(f"empty CSV file: {path.name}")
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


def _csv_values(row: list[str], width: int) -> list[object]:
    """A row cut or padded to the header; empty fields are None, long ones truncated."""
    values: list[object] = []
    for value in row[:width]:
        values.append(value[:MAX_TEXT_CHARS] if value != "" else None)
    values.extend([None] * (width - len(values)))
    return values
