"""MySQL / MariaDB connector (pymysql): the database named in the URL.

The session is read-only (``SET SESSION TRANSACTION READ ONLY``) and statements are
cut after the timeout (``max_statement_time`` on MariaDB, ``max_execution_time`` on
MySQL, which applies to SELECT only). Estimated rows come from
``information_schema.TABLES.TABLE_ROWS`` (InnoDB's estimate; MySQL 8 caches it for
``information_schema_stats_expiry`` seconds), never from ``count(*)``.

Sampling never uses ``ORDER BY RAND()`` over a large table (a full scan and sort):

* tables with a single-column integer primary key whose key span is larger than
  ``small_table_rows``: many short index range reads (``size / 10`` reads of 10 rows)
  ``WHERE pk >= <random key> ORDER BY pk LIMIT 10``; each read costs one index descent
  plus 10 rows, whatever the table size, and the sample is spread over the key span
  instead of a few clusters of neighbours. Keys that follow a large gap are somewhat
  over-represented;
* small tables (key span, or estimated rows and data length, under the thresholds):
  ``ORDER BY RAND() LIMIT size`` over at most that many rows;
* views that aggregate (``EXPLAIN``: a derived or materialized table, a temporary table
  or a file sort): run whole, shuffled, under the statement timeout, or skipped with the
  reason when their plan reads more than ``max_view_rows`` rows;
* other views, and large tables without an integer key: one pass over the relation keeping the
  rows at random positions (``ROW_NUMBER() OVER ()``) drawn from the estimated row count
  (a view's is counted first, under the statement timeout): spread over the whole
  relation, at the cost of reading it once.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator
from typing import Any, ClassVar

from registre.catalog.data.harvested import ColumnInfo, TableInfo
from registre.catalog.data.scan_errors import ScanErrorKind
from registre.catalog.i18n import Text
from registre.scanners.connectors.base import (
    CancelFlag,
    SampleMethod,
    random_positions,
    range_plan,
)
from registre.scanners.connectors.mysql_sql import (
    INTEGER_TYPES,
    KINDS,
    SSL_UNSUPPORTED,
    connect_args,
    connect_detail,
    decoded,
    error_code,
    quote,
    select_item,
)
from registre.scanners.connectors.registry import columns_from_rows, random_starts, redact_url
from registre.scanners.errors import ScanError, missing_extra

log = logging.getLogger(__name__)
#: what a protocol error (not PyMySQL's own) while connecting means: no MySQL answered
_NOT_MYSQL = ScanErrorKind.UNREACHABLE


class MysqlConnector:
    """Read-only MySQL/MariaDB connector over one database."""

    kind: ClassVar[str] = "mysql"
    small_table_rows: ClassVar[int] = 10_000
    small_table_bytes: ClassVar[int] = 8 * 1024 * 1024
    #: an aggregating view whose plan reads more rows is skipped, not sampled
    max_view_rows: ClassVar[int] = 5_000_000

    def __init__(self, url: str, *, timeout_s: float = 30, seed: int | None = None) -> None:
        try:
            import pymysql
        except ImportError as exc:
            raise missing_extra(Text("the MySQL/MariaDB connector"), "pymysql", "mysql") from exc
        self._pymysql = pymysql
        self._rng = random.Random(seed)
        #: how the last sample was drawn (SampleMethod), for the scan's report
        self.sample_method: str | None = None
        self._label = redact_url(url)
        self._cancelled = CancelFlag()
        # Held for cancel(), which opens a second connection: holds the password, never shown
        self._connect_args, ssl_mode = connect_args(url, self._label, timeout_s)
        self.database = str(self._connect_args["database"])
        try:
            self._conn = self._connect(ssl_mode)
        except Exception as exc:  # noqa: BLE001 - PyMySQL raises struct/index errors on garbage
            # Connection errors carry no row values; the detail is for admins only
            # (catalog/data/scan_errors.py): it names what answered on that port.
            raise ScanError(
                Text(
                    "cannot connect to MySQL/MariaDB at {where}: {detail}",
                    where=self._label,
                    detail=connect_detail(exc),
                ),
                cause=exc,
                kind=None
                if isinstance(exc, pymysql.Error | OSError)
                else ScanErrorKind.UNREACHABLE,
            ) from None
        self._thread_id = self._conn.thread_id()
        try:
            with self._conn.cursor() as cur:
                cur.execute("SELECT VERSION()")
                version = str(cur.fetchone()[0])
                self.is_mariadb = "mariadb" in version.lower()
                if self.is_mariadb:
                    cur.execute("SET SESSION max_statement_time = %s", [float(timeout_s)])
                else:
                    cur.execute("SET SESSION max_execution_time = %s", [int(timeout_s * 1000)])
                cur.execute("SET SESSION TRANSACTION READ ONLY")
                if ssl_mode not in ("DISABLED", "PREFERRED"):
                    cur.execute("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
                    cipher = cur.fetchone()
                    if not cipher or not cipher[1]:
                        raise ScanError(
                            Text(
                                "MySQL/MariaDB at {where} does not encrypt the connection "
                                "(ssl_mode={ssl_mode})",
                                where=self._label,
                                ssl_mode=ssl_mode,
                            ),
                            kind=ScanErrorKind.PERMISSION_DENIED,
                        )
        except (pymysql.Error, ScanError) as exc:
            self._conn.close()
            if isinstance(exc, ScanError):
                raise
            raise ScanError(
                Text("cannot configure the MySQL/MariaDB session: {error}", error=error_code(exc)),
                cause=exc,
            ) from None

    def _connect(self, ssl_mode: str) -> Any:
        try:
            return self._pymysql.connect(**self._connect_args)
        except self._pymysql.OperationalError as exc:
            if ssl_mode != "PREFERRED" or not exc.args or exc.args[0] != SSL_UNSUPPORTED:
                raise
        # PREFERRED: TLS when the server offers it, as MySQL's own client does
        self._connect_args |= {"ssl": None, "ssl_disabled": True}
        return self._pymysql.connect(**self._connect_args)

    def cancel(self) -> None:
        """Interrupt the statement in progress (``KILL QUERY`` from a second, short
        connection); every later call raises ScanError (cancelled). Safe from any thread,
        at any time."""
        self._cancelled.set()
        try:
            killer = self._pymysql.connect(**(self._connect_args | {"connect_timeout": 5}))
        except self._pymysql.Error as exc:
            # the statement still stops at the statement timeout
            log.warning("cannot cancel on %s (%s)", self._label, type(exc).__name__)
            return
        try:
            with killer.cursor() as cur:
                cur.execute(f"KILL QUERY {int(self._thread_id)}")
        except self._pymysql.Error as exc:  # no such thread: nothing runs any more
            log.info("cancel on %s: %s", self._label, error_code(exc))
        finally:
            killer.close()

    def _failure(self, message: str, exc: Exception) -> ScanError:
        return self._cancelled.failure(message, error_code(exc), exc)

    # --- harvest -------------------------------------------------------------------

    def list_tables(self) -> Iterator[TableInfo]:
        """Base tables and views of the URL's database."""
        self._cancelled.check()
        try:
            with self._conn.cursor() as cur:
                cur.execute(
                    "SELECT TABLE_NAME, TABLE_TYPE, TABLE_ROWS FROM information_schema.TABLES"
                    " WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME",
                    [self.database],
                )
                tables = cur.fetchall()
                cur.execute(
                    "SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE"
                    " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s"
                    " ORDER BY TABLE_NAME, ORDINAL_POSITION",
                    [self.database],
                )
                columns: dict[str, list[ColumnInfo]] = {}
                for table, name, position, column_type, nullable in cur.fetchall():
                    columns.setdefault(decoded(table), []).append(
                        ColumnInfo(
                            decoded(name),
                            int(position),
                            decoded(column_type),
                            decoded(nullable) == "YES",
                        )
                    )
        except self._pymysql.Error as exc:
            raise self._failure(
                Text("MySQL harvest failed at {where}", where=self._label), exc
            ) from None
        self._cancelled.check()
        for name, table_type, table_rows in tables:
            kind = KINDS.get(decoded(table_type))
            if kind is None:  # sequences, temporary and system views
                continue
            yield TableInfo(
                schema=self.database,
                name=decoded(name),
                kind=kind,
                columns=tuple(columns.get(decoded(name), ())),
                estimated_rows=None if kind == "view" or table_rows is None else int(table_rows),
            )

    # --- sampling ------------------------------------------------------------------

    def sample(self, table: TableInfo, size: int) -> dict[str, list[object]]:
        """At most ``size`` rows, by random primary-key ranges on large tables."""
        names = [c.name for c in table.columns]
        schema = table.schema or self.database
        label = f"{schema}.{table.name}"
        self._cancelled.check()
        self.sample_method = None
        if not names:
            # Every table and view has columns: none harvested means the server could not
            # describe it (a view over a dropped table); say so instead of scanning nothing.
            try:
                with self._conn.cursor() as cur:
                    cur.execute(f"SELECT * FROM {quote(schema)}.{quote(table.name)} LIMIT 0")  # noqa: S608
            except self._pymysql.Error as exc:
                raise self._failure(
                    Text("MySQL could not read the columns of {name}", name=label), exc
                ) from None
        if size <= 0 or not names:
            return {name: [] for name in names}
        try:
            with self._conn.cursor() as cur:
                rows = self._sample_rows(cur, schema, table, size)
        except self._pymysql.Error as exc:
            raise self._failure(Text("MySQL could not sample {name}", name=label), exc) from None
        self._cancelled.check()  # a killed SLEEP() or a cut read may return normally
        return columns_from_rows(names, rows)

    def _sample_rows(
        self, cur: Any, schema: str, table: TableInfo, size: int
    ) -> list[tuple[Any, ...]]:
        relation = f"{quote(schema)}.{quote(table.name)}"
        select = ", ".join(select_item(c) for c in table.columns)
        cur.execute(
            "SELECT TABLE_TYPE, TABLE_ROWS, DATA_LENGTH FROM information_schema.TABLES"
            " WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s",
            [schema, table.name],
        )
        found = cur.fetchone()
        if found is None:
            raise ScanError(
                Text("MySQL table {name} not found", name=f"{schema}.{table.name}"),
                kind=ScanErrorKind.NOT_FOUND,
            )
        table_type, table_rows, data_length = decoded(found[0]), found[1], found[2]
        if KINDS.get(table_type) != "table":
            if self._aggregating_view(cur, relation, f"{schema}.{table.name}"):
                self.sample_method = SampleMethod.WHOLE_VIEW
                cur.execute(f"SELECT {select} FROM {relation} ORDER BY RAND() LIMIT %s", [size])  # noqa: S608
                return list(cur.fetchall())
            cur.execute(f"SELECT COUNT(*) FROM {relation}")  # noqa: S608
            return self._positions(cur, relation, select, table, int(cur.fetchone()[0]), size)

        key = self._integer_key(cur, schema, table.name)
        if key is not None:
            cur.execute(f"SELECT MIN({quote(key)}), MAX({quote(key)}) FROM {relation}")  # noqa: S608
            low, high = cur.fetchone()
            if low is None:
                return []
            if high - low + 1 > self.small_table_rows:
                return self._range_reads(cur, relation, select, key, int(low), int(high), size)
        elif not (
            table_rows is not None
            and int(table_rows) <= self.small_table_rows
            and int(data_length or 0) <= self.small_table_bytes
        ):
            return self._positions(cur, relation, select, table, int(table_rows or 0), size)
        self.sample_method = SampleMethod.SHUFFLED_WHOLE
        cur.execute(f"SELECT {select} FROM {relation} ORDER BY RAND() LIMIT %s", [size])  # noqa: S608
        return list(cur.fetchall())

    def _aggregating_view(self, cur: Any, relation: str, label: str) -> bool:
        """Whether a view aggregates (its plan materializes, groups or sorts), from
        ``EXPLAIN``; one whose plan reads more than ``max_view_rows`` rows to do so is
        skipped: sampling it would run it in full."""
        cur.execute(f"EXPLAIN SELECT * FROM {relation}")  # noqa: S608
        names = [d[0].lower() for d in cur.description]
        steps = [dict(zip(names, row, strict=False)) for row in cur.fetchall()]
        aggregating = any(
            decoded(step.get("select_type")).upper() in ("DERIVED", "MATERIALIZED", "UNION")
            or "using temporary" in decoded(step.get("extra")).lower()
            or "using filesort" in decoded(step.get("extra")).lower()
            for step in steps
        )
        read = sum(int(step.get("rows") or 0) for step in steps)
        if aggregating and read > self.max_view_rows:
            raise ScanError(
                Text(
                    "{name} skipped: an aggregating view whose plan reads about {read} rows, over "
                    "the limit of {limit} (sampling it would run it in full)",
                    name=label,
                    read=read,
                    limit=self.max_view_rows,
                ),
                kind=ScanErrorKind.SKIPPED,
            )
        return aggregating

    def _positions(
        self, cur: Any, relation: str, select: str, table: TableInfo, total: int, size: int
    ) -> list[tuple[Any, ...]]:
        """One pass keeping the rows at random positions among ``total`` (an estimate)."""
        if total <= self.small_table_rows:
            self.sample_method = SampleMethod.SHUFFLED_WHOLE
            cur.execute(f"SELECT {select} FROM {relation} ORDER BY RAND() LIMIT %s", [size])  # noqa: S608
            return list(cur.fetchall())
        self.sample_method = SampleMethod.RANDOM_POSITIONS
        positions = random_positions(total, size, self._rng)
        columns = ", ".join(quote(c.name) for c in table.columns)
        marks = ", ".join(["%s"] * len(positions))
        cur.execute(
            f"SELECT {select} FROM (SELECT {columns}, ROW_NUMBER() OVER () AS"  # noqa: S608
            f" registre_position_ FROM {relation}) AS s WHERE registre_position_ IN ({marks})",
            positions,
        )
        return list(cur.fetchall())

    def _integer_key(self, cur: Any, schema: str, table: str) -> str | None:
        """The single-column integer primary (or unique not-null) key, if any."""
        cur.execute(
            "SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS"
            " WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s AND COLUMN_KEY = 'PRI'",
            [schema, table],
        )
        keys = cur.fetchall()
        if len(keys) == 1 and decoded(keys[0][1]).lower() in INTEGER_TYPES:
            return decoded(keys[0][0])
        return None

    def _range_reads(
        self, cur: Any, relation: str, select: str, key: str, low: int, high: int, size: int
    ) -> list[tuple[Any, ...]]:
        self.sample_method = SampleMethod.RANGE_READS
        reads, per_read = range_plan(size)
        query = (
            f"SELECT {quote(key)}, {select} FROM {relation}"  # noqa: S608
            f" WHERE {quote(key)} >= %s ORDER BY {quote(key)} LIMIT %s"
        )
        by_key: dict[object, tuple[Any, ...]] = {}
        for _round in range(2):  # a second round if reads overlapped or hit the top
            for start in random_starts(low, high, reads, self._rng):
                cur.execute(query, [start, per_read])
                for row in cur.fetchall():
                    by_key.setdefault(row[0], tuple(row[1:]))
            if len(by_key) >= size:
                break
        rows = list(by_key.values())
        self._rng.shuffle(rows)
        return rows[:size]

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> MysqlConnector:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
