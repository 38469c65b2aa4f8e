"""Folder-of-files connector: every CSV/TSV, Parquet, Excel and ODS file below a folder
is a dataset.

URL: ``file:///folder`` or a plain folder path (a single file also works). A dataset's
``schema`` is its sub-folder relative to the root (``"2024/rh"``), None at the root;
its ``name`` is the file name. Files are only ever opened for reading.

What a folder may hold is not trusted: symbolic links are never followed (neither a
linked file nor a linked folder, so nothing outside the root is ever read, even if a link
is swapped in during the scan: every path component is opened with ``O_NOFOLLOW``
relative to its parent), and only regular files are opened (a FIFO, socket or device named
``x.csv`` is refused without blocking: ``O_NONBLOCK`` then ``fstat``). Such an entry, and a
file that cannot be parsed, is listed as a dataset whose sampling fails with the reason:
the run records that one failure and scans the other files.

CSV: encoding, separator, header and estimated row count from the first 64 kB
(:func:`registre.scanners.connectors.csv_format.sniff_csv`); every column is typed
``text``. Sampling is a reservoir sample over the rows read in one pass: its cost is
linear in the file size, which cannot be avoided without an index, so reading stops
after ``max_file_bytes`` (setting ``scan_file_max_bytes``, 256 MB by default) or the
timeout (``scan_statement_timeout_s``, a time budget per file), and the sample then
covers that prefix only (logged as a warning). Memory stays bounded by ``size`` rows.

Parquet: columns and types from the schema, rows from the footer metadata. Sampling
reads whole row groups in random order until ``size`` rows from at least
``min_row_groups`` groups are in hand (at most ``max_row_groups`` groups, never one
larger than ``max_file_bytes``, within the time budget), then picks ``size`` of them at
random: the cost is bounded by the row-group size, not the file size. Binary columns are
never read.

Excel (``.xlsx``/``.xlsm``) and ODS: the first sheet, read by
:mod:`registre.scanners.connectors.spreadsheets` under the same byte cap (on the
uncompressed content), time budget and cancellation.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, ClassVar
from urllib.parse import unquote, urlsplit

from registre.catalog.data.harvested import ColumnInfo, TableInfo
from registre.catalog.data.scan_errors import ScanErrorKind, refusal
from registre.catalog.data.store_urls import store_kind
from registre.catalog.errors import InvalidInput
from registre.catalog.i18n import Text
from registre.scanners.connectors.base import CancelFlag, SampleMethod
from registre.scanners.connectors.csv_format import CsvFormat, sniff_csv, sniff_csv_file
from registre.scanners.connectors.registry import MAX_TEXT_CHARS, clean_value, url_scheme
from registre.scanners.connectors.safe_open import open_inside
from registre.scanners.connectors.spreadsheets import (
    SPREADSHEET_SUFFIXES,
    describe_spreadsheet,
    is_spreadsheet,
    sample_spreadsheet,
)
from registre.scanners.errors import ScanError, error_kind, missing_extra

__all__ = ["FileConnector", "folder_from_url", "sniff_csv"]

logger = logging.getLogger(__name__)

CSV_SUFFIXES = (".csv", ".tsv")
PARQUET_SUFFIXES = (".parquet", ".pq")
_BINARY_ARROW_TYPES = ("binary", "large_binary", "fixed_size_binary", "binary_view")
#: the default of the ``scan_file_max_bytes`` setting
DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024


def folder_from_url(url: str) -> Path:
    """``file:///srv/data`` -> ``/srv/data``; a plain path is taken as is."""
    if url_scheme(url) == "file":
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise ScanError(
                Text(
                    "file URLs must be local (file:///folder), not on host {host}",
                    host=parts.netloc,
                ),
                kind=ScanErrorKind.INVALID_CONFIGURATION,
            )
        try:
            store_kind(url)  # the catalog's rules: an absolute path
        except InvalidInput as exc:
            raise ScanError(refusal(exc), kind=ScanErrorKind.INVALID_CONFIGURATION) from None
        return Path(unquote(parts.path))
    if url_scheme(url):
        raise ScanError(
            Text("not a folder URL: {scheme}://", scheme=url_scheme(url)),
            kind=ScanErrorKind.INVALID_CONFIGURATION,
        )
    return Path(url).expanduser()


class FileConnector:
    """Read-only connector over a folder of CSV/TSV and Parquet files."""

    kind: ClassVar[str] = "file"
    min_row_groups: ClassVar[int] = 4  # rows of one group are neighbours: spread the draw
    max_row_groups: ClassVar[int] = 32

    def __init__(
        self,
        url: str,
        *,
        timeout_s: float = 30,
        seed: int | None = None,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    ) -> None:
        self.root = folder_from_url(url)
        if not self.root.exists():
            raise ScanError(
                Text("folder not found: {folder}", folder=str(self.root)),
                kind=ScanErrorKind.NOT_FOUND,
            )
        if not os.access(self.root, os.R_OK):
            raise ScanError(
                Text("folder not readable: {folder}", folder=str(self.root)),
                kind=ScanErrorKind.PERMISSION_DENIED,
            )
        self._timeout_s = timeout_s
        self._rng = random.Random(seed)
        self.max_file_bytes = max_file_bytes
        self._cancelled = CancelFlag()
        #: why a listed file could not be described, by (schema, name)
        self._unreadable: dict[tuple[str | None, str], ScanError] = {}
        self.sample_method: str | None = None  # of the last sample (base.SampleMethod)

    def cancel(self) -> None:
        """Stop the file being read (checked between row blocks and row groups); every
        later call raises ScanError (cancelled). Safe from any thread, at any time."""
        self._cancelled.set()

    # --- harvest -------------------------------------------------------------------

    def list_tables(self) -> Iterator[TableInfo]:
        """One dataset per CSV/TSV/Parquet/Excel/ODS file, hidden files and folders skipped.

        A file that cannot be read (a link, a FIFO, a malformed file) is still listed,
        with no columns, so that :meth:`sample` reports its failure rather than hiding it.
        """
        self._cancelled.check()
        for path in self._files():
            schema = self._schema_of(path)
            table = TableInfo(schema, path.name, "file", (), None)
            try:
                with self._open(table) as raw:
                    columns, estimated = self._describe(raw, path.name)
            except Exception as exc:  # noqa: BLE001 - one file never fails the harvest
                failure = _as_scan_error(exc, self._label(table))
                logger.warning("%s", failure)
                self._unreadable[(schema, path.name)] = failure
                columns, estimated = (), None
            yield TableInfo(schema, path.name, "file", columns, estimated)

    def _files(self) -> Iterator[Path]:
        if self.root.is_file():
            yield self.root
            return
        for folder, dirs, files in os.walk(self.root):  # never descends into a linked folder
            linked = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
            for name in linked:
                logger.warning("folder %s is a symbolic link: not followed", name)
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in linked)
            for name in sorted(files):
                if name.startswith((".", "~$")):
                    continue
                if name.lower().endswith(CSV_SUFFIXES + PARQUET_SUFFIXES + SPREADSHEET_SUFFIXES):
                    yield Path(folder) / name

    def _schema_of(self, path: Path) -> str | None:
        if self.root.is_file():
            return None
        relative = path.parent.relative_to(self.root).as_posix()
        return None if relative == "." else relative

    def _open(self, table: TableInfo) -> IO[bytes]:
        """The dataset's file, opened for reading, if it is a regular file inside the root
        (:func:`~registre.scanners.connectors.safe_open.open_inside`)."""
        return open_inside(self.root, table.schema, table.name, self._label(table))

    def _label(self, table: TableInfo) -> str:
        return f"{table.schema}/{table.name}" if table.schema else table.name

    def _describe(self, raw: IO[bytes], name: str) -> tuple[tuple[ColumnInfo, ...], int | None]:
        if name.lower().endswith(PARQUET_SUFFIXES):
            parquet = _open_parquet(raw, name)
            columns = tuple(
                ColumnInfo(field.name, i + 1, str(field.type), field.nullable)
                for i, field in enumerate(parquet.schema_arrow)
            )
            return columns, parquet.metadata.num_rows
        if is_spreadsheet(name):
            return describe_spreadsheet(raw, name, self.max_file_bytes)
        fmt = sniff_csv_file(raw, name, os.fstat(raw.fileno()).st_size)
        return (
            tuple(ColumnInfo(col, i + 1, "text") for i, col in enumerate(fmt.header)),
            fmt.estimated_rows,
        )

    # --- sampling ------------------------------------------------------------------

    def sample(self, table: TableInfo, size: int) -> dict[str, list[object]]:
        """At most ``size`` rows: reservoir over a CSV, random row groups of a Parquet."""
        self._cancelled.check()
        unreadable = self._unreadable.get((table.schema, table.name))
        if unreadable is not None and not table.columns:
            raise unreadable
        names = [c.name for c in table.columns]
        self.sample_method = None
        with self._open(table) as raw:
            if table.name.lower().endswith(PARQUET_SUFFIXES):
                self.sample_method = SampleMethod.ROW_GROUPS
                return self._sample_parquet(raw, table, names, size)
            if is_spreadsheet(table.name):
                sample, stopped_at = sample_spreadsheet(
                    raw,
                    self._label(table),
                    names,
                    size,
                    rng=self._rng,
                    max_bytes=self.max_file_bytes,
                    timeout_s=self._timeout_s,
                    cancelled=self._cancelled,
                )
                if stopped_at:
                    logger.warning("%s: sample drawn from %s only", self._label(table), stopped_at)
                self.sample_method = SampleMethod.reservoir(stopped_at)
                return sample
            return self._sample_csv(raw, table, names, size)

    def _sample_csv(
        self, raw: IO[bytes], table: TableInfo, names: list[str], size: int
    ) -> dict[str, list[object]]:
        fmt = sniff_csv_file(raw, table.name, os.fstat(raw.fileno()).st_size)
        raw.seek(0)
        reservoir = self._read_csv(raw, table, fmt, size)
        by_name = {name: i for i, name in enumerate(fmt.header)}
        return {
            name: [row[by_name[name]] if name in by_name else None for row in reservoir]
            for name in names
        }

    def _read_csv(
        self, raw: IO[bytes], table: TableInfo, fmt: CsvFormat, size: int
    ) -> list[list[object]]:
        width = len(fmt.header)
        reservoir: list[list[object]] = []
        deadline = time.monotonic() + self._timeout_s
        stopped_at: str | None = None
        text = io.TextIOWrapper(raw, encoding=fmt.encoding, errors="replace", newline="")
        reader = csv.reader(text, delimiter=fmt.delimiter, quotechar=fmt.quotechar)
        try:
            if fmt.has_header:
                next(reader, None)
            kept = 0
            for seen, row in enumerate(reader):
                if seen % 1024 == 0 and seen:
                    self._cancelled.check()
                    if raw.tell() > self.max_file_bytes:
                        stopped_at = f"the first {self.max_file_bytes // 2**20} MB"
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
                Text(
                    "malformed CSV {file} near line {line}: {error}",
                    file=self._label(table),
                    line=reader.line_num,
                    error=str(exc),
                ),
                kind=ScanErrorKind.INVALID_DATA,
            ) from None
        finally:
            text.detach()  # the caller closes the file
        if stopped_at:
            logger.warning("CSV %s: sample drawn from %s only", self._label(table), stopped_at)
        self.sample_method = SampleMethod.reservoir(stopped_at)
        return reservoir

    def _sample_parquet(
        self, raw: IO[bytes], table: TableInfo, names: list[str], size: int
    ) -> dict[str, list[object]]:
        import pyarrow as pa

        parquet = _open_parquet(raw, table.name)
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
        parts: list[Any] = []
        count = 0
        deadline = time.monotonic() + self._timeout_s
        try:
            for group in groups[: self.max_row_groups]:
                self._cancelled.check()
                if parts and time.monotonic() > deadline:
                    logger.warning("Parquet %s: time budget spent", self._label(table))
                    break
                if parquet.metadata.row_group(group).total_byte_size > self.max_file_bytes:
                    raise ScanError(
                        Text(
                            "Parquet {file}: a row group is larger than {mb} MB "
                            "(scan_file_max_bytes)",
                            file=self._label(table),
                            mb=self.max_file_bytes // 2**20,
                        ),
                        kind=ScanErrorKind.INVALID_DATA,
                    )
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
                Text(
                    "could not read Parquet {file}: {error}",
                    file=self._label(table),
                    error=type(exc).__name__,
                ),
                kind=ScanErrorKind.INVALID_DATA,
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


def _as_scan_error(exc: Exception, name: str) -> ScanError:
    if isinstance(exc, ScanError):
        return exc
    # A parser's message can quote the bytes it choked on: its class only.
    kind = error_kind(exc)
    if kind is ScanErrorKind.INTERNAL:
        kind = ScanErrorKind.INVALID_DATA
    return ScanError(
        Text("cannot read {name}: {error}", name=name, error=type(exc).__name__), kind=kind
    )


def _open_parquet(raw: IO[bytes], name: str) -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise missing_extra(Text("reading Parquet files"), "pyarrow", "parquet") from exc
    try:
        return pq.ParquetFile(raw)
    except (pa.ArrowException, OSError) as exc:
        # Footer errors ("magic bytes not found") carry no row values.
        raise ScanError(
            Text("not a readable Parquet file: {file}: {error}", file=name, error=str(exc)),
            kind=ScanErrorKind.INVALID_DATA,
        ) from None


def _csv_values(row: list[str], width: int) -> list[object]:
    """A row cut or padded to the header; empty fields are None, long ones truncated."""
    values: list[object] = [v[:MAX_TEXT_CHARS] if v != "" else None for v in row[:width]]
    return values + [None] * (width - len(values))
