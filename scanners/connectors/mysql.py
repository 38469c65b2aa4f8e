"""MySQL / MariaDB connector (pymysql): the database named in the URL.

The session is read-only (``SET SESSION TRANSACTION READ ONLY``) and statements are
cut after the timeout (``max_statement_time`` on MariaDB, ``max_execution_time`` on
MySQL, which applies to SELECT only). Estimated rows come from
``information_schema.TABLES.TABLE_ROWS`` (InnoDB's estimate; MySQL 8 caches it for
``information_schema_stats_expiry`` seconds), never from ``count(*)``.

Sampling never uses ``ORDER BY RAND()`` over a large table (a full scan and sort):

* tables with a single-column integer primary key whose key span is larger than
  ``small_table_rows``: ``range_reads`` short index range reads
  ``WHERE pk >= <random key> ORDER BY pk LIMIT k``; each read costs one index
  descent plus ``k`` rows, whatever the table size. Keys that follow a large gap
  are somewhat over-represented;
* small tables (key span, or estimated rows and data length, under the thresholds):
  ``ORDER BY RAND() LIMIT size`` over at most that many rows;
* views, and large tables without an integer key: ``LIMIT size`` (first rows: a
  known bias, there is no cheap random access without a key).
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

from registre.catalog.data.harvested import ColumnInfo, TableInfo, TableKind
from registre.scanners.connectors.registry import (
    MAX_TEXT_CHARS,
    columns_from_rows,
    random_starts,
    redact_url,
)
from registre.scanners.errors import ScanError

_KINDS: dict[str, TableKind] = {"BASE TABLE": "table", "SYSTEM VERSIONED": "table", "VIEW": "view"}
_INTEGER_TYPES = {"tinyint", "smallint", "mediumint", "int", "integer", "bigint"}
_BINARY = re.compile(
    r"^((tiny|medium|long)?blob|(var)?binary|bit|geometry|geometrycollection|point|"
    r"linestring|polygon|multipoint|multilinestring|multipolygon)\b",
    re.IGNORECASE,
)
_TEXT = re.compile(r"^((var)?char|(tiny|medium|long)?text)\b", re.IGNORECASE)


def quote(name: str) -> str:
    """A MySQL identifier: backticks, inner backticks doubled."""
    return "`" + name.replace("`", "``") + "`"


class MysqlConnector:
    """Read-only MySQL/MariaDB connector over one database."""

    kind: ClassVar[str] = "mysql"
    small_table_rows: ClassVar[int] = 10_000
    small_table_bytes: ClassVar[int] = 8 * 1024 * 1024
    range_reads: ClassVar[int] = 10

    def __init__(self, url: str, *, timeout_s: float = 30, seed: int | None = None) -> None:
        try:
            import pymysql
        except ImportError as exc:
            raise ScanError(
                "the MySQL/MariaDB connector needs pymysql: install registre[mysql]"
            ) from exc
        self._pymysql = pymysql
        self._rng = random.Random(seed)
        self._label = redact_url(url)
        try:
            parts = urlsplit(url)
            host, port = parts.hostname or "127.0.0.1", parts.port or 3306
        except ValueError:
            raise ScanError(f"invalid MySQL URL {self._label}") from None
        self.database = unquote(parts.path.lstrip("/"))
        if not self.database or "/" in self.database:
            raise ScanError(
                f"a MySQL URL names one database: mysql://user@host/db, not {self._label}"
            )
        try:
            self._conn = pymysql.connect(
                host=host,
                port=port,
                user=unquote(parts.username or ""),
                password=unquote(parts.password or ""),
                database=self.database,
                charset="utf8mb4",
                connect_timeout=max(1, math.ceil(timeout_s)),
                read_timeout=math.ceil(timeout_s) + 5,  # a safety net behind the server cap
                autocommit=True,
            )
        except pymysql.Error as exc:
            raise ScanError(
                f"cannot connect to MySQL/MariaDB at {self._label}: {_connect_detail(exc)}"
            ) from None
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
        except pymysql.Error as exc:
            self._conn.close()
            raise ScanError(f"cannot configure the MySQL/MariaDB session: {_code(exc)}") from None

    # --- harvest -------------------------------------------------------------------

    def list_tables(self) -> Iterator[TableInfo]:
        """Base tables and views of the URL's database."""
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
                    columns.setdefault(_text(table), []).append(
                        ColumnInfo(
                            _text(name), int(position), _text(column_type), _text(nullable) == "YES"
                        )
                    )
        except self._pymysql.Error as exc:
            raise ScanError(f"MySQL harvest failed at {self._label}: {_code(exc)}") from None
        for name, table_type, table_rows in tables:
            kind = _KINDS.get(_text(table_type))
            if kind is None:  # sequences, temporary and system views
                continue
            yield TableInfo(
                schema=self.database,
                name=_text(name),
                kind=kind,
                columns=tuple(columns.get(_text(name), ())),
                estimated_rows=None if kind == "view" or table_rows is None else int(table_rows),
            )

    # --- sampling ------------------------------------------------------------------

    def sample(self, table: TableInfo, size: int) -> dict[str, list[object]]:
        """At most ``size`` rows, by random primary-key ranges on large tables."""
        names = [c.name for c in table.columns]
        schema = table.schema or self.database
        label = f"{schema}.{table.name}"
        if not names:
            # Every table and view has columns: none harvested means the server could not
            # describe it (a view over a dropped table); say so instead of scanning nothing.
            try:
                with self._conn.cursor() as cur:
                    cur.execute(f"SELECT * FROM {quote(schema)}.{quote(table.name)} LIMIT 0")  # noqa: S608
            except self._pymysql.Error as exc:
                raise ScanError(
                    f"MySQL could not read the columns of {label}: {_code(exc)}"
                ) from None
        if size <= 0 or not names:
            return {name: [] for name in names}
        try:
            with self._conn.cursor() as cur:
                rows = self._sample_rows(cur, schema, table, size)
        except self._pymysql.Error as exc:
            raise ScanError(f"MySQL could not sample {label}: {_code(exc)}") from None
        return columns_from_rows(names, rows)

    def _sample_rows(
        self, cur: Any, schema: str, table: TableInfo, size: int
    ) -> list[tuple[Any, ...]]:
        relation = f"{quote(schema)}.{quote(table.name)}"
        select = ", ".join(_select_item(c) for c in table.columns)
        cur.execute(
            "SELECT TABLE_TYPE, TABLE_ROWS, DATA_LENGTH FROM information_schema.TABLES"
            " WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s",
            [schema, table.name],
        )
        found = cur.fetchone()
        if found is None:
            raise ScanError(f"MySQL table {schema}.{table.name} not found")
        table_type, table_rows, data_length = _text(found[0]), found[1], found[2]
        if _KINDS.get(table_type) != "table":
            cur.execute(f"SELECT {select} FROM {relation} LIMIT %s", [size])  # noqa: S608
            return list(cur.fetchall())

        key = self._integer_key(cur, schema, table.name)
        if key is not None:
            cur.execute(f"SELECT MIN({quote(key)}), MAX({quote(key)}) FROM {relation}")  # noqa: S608
            low, high = cur.fetchone()
            if low is None:
                return []
            if high - low + 1 > self.small_table_rows:
                return self._range_reads(cur, relation, select, key, int(low), int(high), size)
            small = True
        else:
            small = (
                table_rows is not None
                and int(table_rows) <= self.small_table_rows
                and int(data_length or 0) <= self.small_table_bytes
            )
        order = " ORDER BY RAND()" if small else ""
        cur.execute(f"SELECT {select} FROM {relation}{order} LIMIT %s", [size])  # noqa: S608
        return list(cur.fetchall())

    def _integer_key(self, cur: Any, schema: str, table: str) -> str | None:
        """The single-column integer primary (or unique not-null) key, if any."""
        cur.execute(
            "SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS"
            " WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s AND COLUMN_KEY = 'PRI'",
            [schema, table],
        )
        keys = cur.fetchall()
        if len(keys) == 1 and _text(keys[0][1]).lower() in _INTEGER_TYPES:
            return _text(keys[0][0])
        return None

    def _range_reads(
        self, cur: Any, relation: str, select: str, key: str, low: int, high: int, size: int
    ) -> list[tuple[Any, ...]]:
        per_read = max(1, math.ceil(size / self.range_reads))
        query = (
            f"SELECT {quote(key)}, {select} FROM {relation}"  # noqa: S608
            f" WHERE {quote(key)} >= %s ORDER BY {quote(key)} LIMIT %s"
        )
        by_key: dict[object, tuple[Any, ...]] = {}
        for _round in range(2):  # a second round if reads overlapped or hit the top
            for start in random_starts(low, high, self.range_reads, self._rng):
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


def _select_item(column: ColumnInfo) -> str:
    """Binary columns are not read at all; text is cut server-side."""
    ident = quote(column.name)
    if _BINARY.match(column.data_type):
        return f"NULL AS {ident}"
    if _TEXT.match(column.data_type):
        return f"LEFT({ident}, {MAX_TEXT_CHARS}) AS {ident}"
    return ident


def _text(value: object) -> str:
    """information_schema values; some MySQL 8 columns come back as bytes."""
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace")
    return "" if value is None else str(value)


def _code(exc: Exception) -> str:
    """Error class and server code only: MySQL messages can echo row values."""
    code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
    timeouts = {1969: "max_statement_time exceeded", 3024: "max_execution_time exceeded"}
    if code in timeouts:
        return f"{type(exc).__name__} ({code}: {timeouts[code]})"
    return f"{type(exc).__name__} ({code})" if code is not None else type(exc).__name__


def _connect_detail(exc: Exception) -> str:
    """Connection errors carry no row values: keep the server's message."""
    if len(exc.args) >= 2:
        return f"{type(exc).__name__} ({exc.args[0]}): {exc.args[1]}"
    return f"{type(exc).__name__}: {exc}"
