"""Folder-of-files connector: every CSV/TSV and Parquet file below a folder is a dataset.

URL: ``file:///folder`` or a plain folder path (a single file also works). A dataset's
``schema`` is its sub-folder relative to the root (``"2024/rh"``), None at the root;
its ``name`` is the file name. Files are only ever opened for reading.

CSV: encoding, separator, header and estimated row count from the first 64 kB
(:func:`registre.scanners.connectors.csv_format.sniff_csv`); every column is typed
``text``. Sampling is a reservoir sample over the rows read in one pass: its cost is
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

import csv
import io
import logging
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

from registre.catalog.data.harvested import ColumnInfo, TableInfo
from registre.scanners.connectors.csv_format import sniff_csv
from registre.scanners.connectors.registry import MAX_TEXT_CHARS, clean_value, url_scheme
from registre.scanners.errors import ScanError

logger = logging.getLogger(__name__)

CSV_SUFFIXES = (".csv", ".tsv")
PARQUET_SUFFIXES = (".parquet", ".pq")
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


def _csv_values(row: list[str], width: int) -> list[object]:
    """A row cut or padded to the header; empty fields are None, long ones truncated."""
    values: list[object] = []
    for value in row[:width]:
        values.append(value[:MAX_TEXT_CHARS] if value != "" else None)
    values.extend([None] * (width - len(values)))
    return values
