"""Excel (``.xlsx``/``.xlsm``, openpyxl) and OpenDocument (``.ods``, odfpy) files of a
file store: the first sheet is the dataset, its first non-empty row the header.

The same rules as CSV files (:mod:`registre.scanners.connectors.files`): a file is
opened read-only by the caller; a file whose *uncompressed* content is larger than
``max_file_bytes`` is refused before it is parsed (a zipped spreadsheet may inflate a
hundredfold); rows are drawn by a reservoir sample within a time budget, cancellable
between rows; a parser's error is reported by its class only (its message may quote a
cell). Cells keep their types: dates stay dates, numbers numbers.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from registre.catalog.data.harvested import ColumnInfo
from registre.catalog.data.scan_errors import ScanErrorKind
from registre.catalog.i18n import Text
from registre.scanners.connectors.base import CancelFlag
from registre.scanners.connectors.registry import MAX_TEXT_CHARS
from registre.scanners.errors import ScanError, missing_extra

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
ODS_SUFFIXES = (".ods",)
SPREADSHEET_SUFFIXES = EXCEL_SUFFIXES + ODS_SUFFIXES
#: header rows looked at before giving up (a title block above the table)
_HEADER_SEARCH = 20
#: ODS writes trailing empty cells as one cell repeated thousands of times
_MAX_REPEAT = 256


def is_spreadsheet(name: str) -> bool:
    return name.lower().endswith(SPREADSHEET_SUFFIXES)


def check_inflated_size(raw: IO[bytes], name: str, max_bytes: int) -> None:
    """Refuse a spreadsheet whose members inflate beyond ``max_bytes`` (or no zip at all)."""
    try:
        with zipfile.ZipFile(raw) as archive:
            inflated = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ScanError(
            Text(
                "not a readable spreadsheet: {name}: {error}", name=name, error=type(exc).__name__
            ),
            kind=ScanErrorKind.INVALID_DATA,
        ) from None
    finally:
        raw.seek(0)
    if inflated > max_bytes:
        raise ScanError(
            Text(
                "spreadsheet {name} holds {size} MB uncompressed, more than {limit} MB "
                "(scan_file_max_bytes)",
                name=name,
                size=inflated // 2**20,
                limit=max_bytes // 2**20,
            ),
            kind=ScanErrorKind.INVALID_DATA,
        )


def _cell(value: Any) -> object:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    if isinstance(value, str):
        return value[:MAX_TEXT_CHARS]
    return value


def _excel_rows(raw: IO[bytes]) -> Iterator[list[object]]:
    try:
        import openpyxl
    except ImportError as exc:
        raise missing_extra(Text("reading Excel files"), "openpyxl", "spreadsheets") from exc
    book = openpyxl.load_workbook(raw, read_only=True, data_only=True)
    try:
        if not book.worksheets:
            return
        for row in book.worksheets[0].iter_rows(values_only=True):
            yield [_cell(v) for v in row]
    finally:
        book.close()


def _ods_rows(raw: IO[bytes]) -> Iterator[list[object]]:
    try:
        from odf import table, text
        from odf.opendocument import load
    except ImportError as exc:
        raise missing_extra(Text("reading ODS files"), "odfpy", "spreadsheets") from exc
    sheets = load(raw).spreadsheet.getElementsByType(table.Table)
    if not sheets:
        return
    for row in sheets[0].getElementsByType(table.TableRow):
        values: list[object] = []
        for cell in row.getElementsByType(table.TableCell):
            kind = cell.getAttribute("valuetype")
            if kind in ("float", "percentage", "currency"):
                number = float(cell.getAttribute("value"))
                value: object = int(number) if number.is_integer() else number
            elif kind == "date":
                value = _ods_date(cell.getAttribute("datevalue"))
            else:
                value = "\n".join(str(p) for p in cell.getElementsByType(text.P))
            repeat = min(int(cell.getAttribute("numbercolumnsrepeated") or 1), _MAX_REPEAT)
            values.extend([_cell(value)] * repeat)
        while values and values[-1] is None:
            values.pop()
        yield values


def _ods_date(text: str) -> object:
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    return parsed.date() if parsed.time() == dt.time(0) else parsed


def _rows(raw: IO[bytes], name: str) -> Iterator[list[object]]:
    reader = _excel_rows if name.lower().endswith(EXCEL_SUFFIXES) else _ods_rows
    try:
        yield from reader(raw)
    except ScanError:
        raise
    except Exception as exc:  # noqa: BLE001 - a parser's message may quote a cell
        raise ScanError(
            Text("could not read spreadsheet {name}: {error}", name=name, error=type(exc).__name__),
            kind=ScanErrorKind.INVALID_DATA,
        ) from None


def _header(rows: Iterator[list[object]]) -> list[str]:
    """The first row with at least two non-empty cells (a title block may sit above)."""
    for _ in range(_HEADER_SEARCH):
        row = next(rows, None)
        if row is None:
            break
        if sum(1 for v in row if v is not None) >= 2:
            names: list[str] = []
            for i, value in enumerate(row):
                name = str(value).strip() if value is not None else ""
                name = name or f"column_{i + 1}"
                candidate, n = name, 2
                while candidate in names:
                    candidate, n = f"{name}_{n}", n + 1
                names.append(candidate)
            return names
    return []


def describe_spreadsheet(
    raw: IO[bytes], name: str, max_bytes: int
) -> tuple[tuple[ColumnInfo, ...], int | None]:
    """Columns of the first sheet (typed ``text``: a sheet has no column types)."""
    check_inflated_size(raw, name, max_bytes)
    header = _header(_rows(raw, name))
    return tuple(ColumnInfo(col, i + 1, "text") for i, col in enumerate(header)), None


def sample_spreadsheet(
    raw: IO[bytes],
    name: str,
    columns: list[str],
    size: int,
    *,
    rng: random.Random,
    max_bytes: int,
    timeout_s: float,
    cancelled: CancelFlag,
) -> tuple[dict[str, list[object]], str | None]:
    """At most ``size`` rows of the first sheet, by reservoir; and what cut the read short
    (the time budget), None when the whole sheet was read."""
    check_inflated_size(raw, name, max_bytes)
    rows = _rows(raw, name)
    header = _header(rows)
    width = len(header)
    reservoir: list[list[object]] = []
    deadline = time.monotonic() + timeout_s
    stopped: str | None = None
    kept = 0
    for seen, row in enumerate(rows):
        if seen % 256 == 0 and seen:
            cancelled.check()
            if time.monotonic() > deadline:
                stopped = f"what was read in {timeout_s:g} s"
                break
        if not any(v is not None for v in row):
            continue
        values = (row + [None] * width)[:width]
        if kept < size:
            reservoir.append(values)
        else:
            slot = rng.randint(0, kept)
            if slot < size:
                reservoir[slot] = values
        kept += 1
    by_name = {col: i for i, col in enumerate(header)}
    sample = {
        col: [r[by_name[col]] if col in by_name else None for r in reservoir] for col in columns
    }
    return sample, stopped
