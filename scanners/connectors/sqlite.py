"""SQLite connector: ``sqlite:///relative.db`` or ``sqlite:////absolute/path.db``.

The file is opened read-only (``file:...?mode=ro`` URI) with ``PRAGMA query_only``;
a progress handler interrupts any statement running past the timeout. Estimated
rows come from ``sqlite_stat1`` when ANALYZE has run, else from ``max(rowid)`` (an
index lookup; an over-estimate after deletions), else None; never ``count(*)``.

Sampling: rowid tables with more than ``small_table_rows`` rowids are read by many
short ranges (``size / 10`` reads of 10 rows) ``WHERE rowid >= <random rowid> ORDER BY
rowid LIMIT 10`` (cost independent of the table size); smaller tables are shuffled whole
(``ORDER BY random()`` over at most that many rows); views and WITHOUT ROWID tables are
counted (``sqlite_stat1`` when ANALYZE ran, else ``count(*)`` under the timeout) and, when
large, read once keeping the rows at random positions (``row_number() OVER ()``): spread
over the whole relation, at the cost of one pass.
"""

from __future__ import annotations

import contextlib
import json
import math
import random
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from registre.catalog.data.harvested import ColumnInfo, TableInfo, TableKind
from registre.catalog.data.scan_errors import ScanErrorKind
from registre.catalog.i18n import Text
from registre.scanners.connectors.base import (
    CancelFlag,
    SampleMethod,
    random_positions,
    range_plan,
)
from registre.scanners.connectors.registry import columns_from_rows, random_starts
from registre.scanners.errors import ScanError

_WITHOUT_ROWID = re.compile(r"\)\s*(?:STRICT\s*,\s*)?WITHOUT\s+ROWID\b", re.IGNORECASE)
_BINARY = re.compile(r"\bBLOB\b", re.IGNORECASE)


def quote(name: str) -> str:
    """An SQLite identifier: double quotes, inner double quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def path_from_url(url: str) -> Path:
    """SQLAlchemy's convention: three slashes then a relative path, four for absolute."""
    if not url.lower().startswith("sqlite:///"):
        raise ScanError(
            Text("an SQLite URL looks like sqlite:///relative.db or sqlite:////abs.db"),
            kind=ScanErrorKind.INVALID_CONFIGURATION,
        )
    raw = url[len("sqlite:///") :].split("?", 1)[0]
    if not raw or raw == ":memory:":
        raise ScanError(
            Text("an SQLite URL must name a database file"),
            kind=ScanErrorKind.INVALID_CONFIGURATION,
        )
    return Path(raw)


class SqliteConnector:
    """Read-only SQLite connector over one database file."""

    kind: ClassVar[str] = "sqlite"
    small_table_rows: ClassVar[int] = 10_000

    def __init__(self, url: str, *, timeout_s: float = 30, seed: int | None = None) -> None:
        self.path = path_from_url(url)
        if not self.path.is_file():
            raise ScanError(
                Text("SQLite file not found: {file}", file=str(self.path)),
                kind=ScanErrorKind.NOT_FOUND,
            )
        self._rng = random.Random(seed)
        #: how the last sample was drawn (SampleMethod), for the scan's report
        self.sample_method: str | None = None
        self._timeout_s = timeout_s
        self._deadline = math.inf
        self._cancelled = CancelFlag()
        try:
            self._conn = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout_s
            )
            # Never fail on (or decode into mojibake silently) a badly encoded TEXT value.
            self._conn.text_factory = lambda raw: raw.decode("utf-8", "replace")
            self._conn.execute("PRAGMA query_only = 1")
            self._conn.set_progress_handler(self._past_deadline, 10_000)
            self._conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()  # is it SQLite?
        except sqlite3.Error as exc:
            raise ScanError(
                Text(
                    "cannot open SQLite file {file}: {error}", file=str(self.path), error=_code(exc)
                ),
                cause=exc,
            ) from None

    def cancel(self) -> None:
        """Interrupt the statement in progress (``sqlite3.Connection.interrupt``); every
        later call raises ScanError (cancelled). Safe from any thread, at any time."""
        self._cancelled.set()
        with contextlib.suppress(sqlite3.Error):  # closed: nothing runs
            self._conn.interrupt()

    def _past_deadline(self) -> int:
        # non-zero interrupts; the flag also catches a cancel() between two statements
        return 1 if self._cancelled.is_set() or time.monotonic() > self._deadline else 0

    def _failure(self, message: str, exc: sqlite3.Error) -> ScanError:
        return self._cancelled.failure(message, _code(exc), exc)

    def _run(self, query: str, params: tuple[Any, ...] = ()) -> list[Any]:
        self._cancelled.check()
        self._deadline = time.monotonic() + self._timeout_s
        try:
            return self._conn.execute(query, params).fetchall()
        finally:
            self._deadline = math.inf

    # --- harvest -------------------------------------------------------------------

    def list_tables(self) -> Iterator[TableInfo]:
        """Tables and views (``sqlite_*`` internal tables excluded); schema is None."""
        try:
            objects = self._run(
                "SELECT name, type, coalesce(sql, '') FROM sqlite_schema"
                " WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                " ORDER BY name"
            )
            stats = self._stat1()
            infos = []
            for name, kind, ddl in objects:
                try:
                    columns = self._columns(name)
                except sqlite3.Error:
                    # A view over a dropped table (or a missing function or module) cannot
                    # be described. Harvest it without columns: sampling it raises, so the
                    # run records this one relation as failed and scans the others.
                    infos.append(TableInfo(None, name, _kind(kind), (), None))
                    continue
                rows = None
                if kind == "table":
                    rows = stats.get(name)
                    if rows is None and not _WITHOUT_ROWID.search(ddl):
                        found = self._run(f"SELECT max(rowid) FROM {quote(name)}")  # noqa: S608
                        rows = found[0][0] if found and found[0][0] is not None else 0
                infos.append(TableInfo(None, name, _kind(kind), columns, rows))
        except sqlite3.Error as exc:
            raise self._failure(
                Text("SQLite harvest failed for {file}", file=str(self.path)), exc
            ) from None
        yield from infos

    def _stat1(self) -> dict[str, int]:
        if not self._run("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'"):
            return {}
        stats: dict[str, int] = {}
        for table, stat in self._run("SELECT tbl, stat FROM sqlite_stat1"):
            head = str(stat or "").split(" ", 1)[0]
            if head.isdigit():
                stats.setdefault(table, int(head))
        return stats

    def _columns(self, table: str) -> tuple[ColumnInfo, ...]:
        rows = self._run(
            'SELECT cid, name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY cid',
            (table,),
        )
        single_pk = sum(1 for row in rows if row[4]) == 1
        return tuple(
            ColumnInfo(
                name=name,
                position=cid + 1,
                data_type=data_type or "",
                # INTEGER PRIMARY KEY is the rowid: never NULL even without NOT NULL.
                nullable=not notnull and not (pk and single_pk and data_type.upper() == "INTEGER"),
            )
            for cid, name, data_type, notnull, pk in rows
        )

    # --- sampling ------------------------------------------------------------------

    def sample(self, table: TableInfo, size: int) -> dict[str, list[object]]:
        """At most ``size`` rows, by random rowid ranges on large tables."""
        names = [c.name for c in table.columns]
        self.sample_method = None
        if not names:
            # Every SQLite table and view has columns: none harvested means it could not be
            # described (see list_tables); say so instead of "scanning" nothing.
            try:
                self._columns(table.name)
            except sqlite3.Error as exc:
                raise self._failure(
                    Text("SQLite could not read the columns of {name}", name=table.name), exc
                ) from None
        if size <= 0 or not names:
            return {name: [] for name in names}
        try:
            rows = self._sample_rows(table, size)
        except sqlite3.Error as exc:
            raise self._failure(
                Text("SQLite could not sample {name}", name=table.name), exc
            ) from None
        return columns_from_rows(names, rows)

    def _sample_rows(self, table: TableInfo, size: int) -> list[tuple[Any, ...]]:
        relation = quote(table.name)
        # Columns are qualified: SQLite reads an unknown "name" as a string literal
        # (its double-quote misfeature), a qualified one is an error as it should be.
        select = ", ".join(
            "NULL" if _BINARY.search(c.data_type) else f"{relation}.{quote(c.name)}"
            for c in table.columns
        )
        found = self._run(
            "SELECT type, coalesce(sql, '') FROM sqlite_schema WHERE name = ?", (table.name,)
        )
        if not found:
            raise ScanError(
                Text("SQLite table {name} not found", name=table.name), kind=ScanErrorKind.NOT_FOUND
            )
        kind, ddl = found[0]
        shuffled = f"SELECT {select} FROM {relation} ORDER BY random() LIMIT ?"  # noqa: S608
        if kind != "table" or _WITHOUT_ROWID.search(ddl):
            total = self._stat1().get(table.name) if kind == "table" else None
            if total is None:
                total = self._run(f"SELECT count(*) FROM {relation}")[0][0]  # noqa: S608
            if total <= self.small_table_rows:
                self.sample_method = SampleMethod.SHUFFLED_WHOLE
                return self._run(shuffled, (size,))
            self.sample_method = SampleMethod.RANDOM_POSITIONS
            positions = random_positions(int(total), size, self._rng)
            columns = ", ".join(f"{relation}.{quote(c.name)}" for c in table.columns)
            # the outer select names the columns through the derived table
            outer = ", ".join(
                "NULL" if _BINARY.search(c.data_type) else f"s.{quote(c.name)}"
                for c in table.columns
            )
            query = (
                f"SELECT {outer} FROM (SELECT {columns}, row_number() OVER ()"  # noqa: S608
                f" AS registre_position_ FROM {relation}) AS s"
                " WHERE registre_position_ IN (SELECT value FROM json_each(?))"
            )
            return self._run(query, (json.dumps(positions),))

        low, high = self._run(f"SELECT min(rowid), max(rowid) FROM {relation}")[0]  # noqa: S608
        if low is None:
            return []
        if high - low + 1 <= self.small_table_rows:
            self.sample_method = SampleMethod.SHUFFLED_WHOLE
            return self._run(shuffled, (size,))
        self.sample_method = SampleMethod.RANGE_READS
        reads, per_read = range_plan(size)
        query = (
            f"SELECT rowid, {select} FROM {relation}"  # noqa: S608
            " WHERE rowid >= ? ORDER BY rowid LIMIT ?"
        )
        by_rowid: dict[int, tuple[Any, ...]] = {}
        for _round in range(2):  # a second round if reads overlapped or hit the top
            for start in random_starts(low, high, reads, self._rng):
                for row in self._run(query, (start, per_read)):
                    by_rowid.setdefault(row[0], tuple(row[1:]))
            if len(by_rowid) >= size:
                break
        rows = list(by_rowid.values())
        self._rng.shuffle(rows)
        return rows[:size]

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> SqliteConnector:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _kind(sqlite_type: str) -> TableKind:
    return "view" if sqlite_type == "view" else "table"


def _code(exc: sqlite3.Error) -> str:
    """Error class and SQLite error name; messages can quote values (CHECK, UNIQUE)."""
    name = getattr(exc, "sqlite_errorname", None)
    return f"{type(exc).__name__} ({name})" if name else type(exc).__name__
