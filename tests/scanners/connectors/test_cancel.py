"""``Connector.cancel()``: a statement in progress stops within seconds, from another thread.

Each engine runs a statement that would take 30 s (``pg_sleep``, ``SLEEP``, an endless
recursive CTE, a long CSV read); a timer thread cancels it; the call must end quickly with
a ScanError of kind ``cancelled``, and the connector must refuse any later call.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from registre.catalog.data.harvested import ColumnInfo, TableInfo
from registre.catalog.data.scan_errors import ScanErrorKind
from registre.scanners.connectors.base import Connector
from registre.scanners.connectors.registry import connector_for
from registre.scanners.errors import ScanError

SLOW = TableInfo("s", "lente", "view", (ColumnInfo("x", 1, "text"),))


def _cancelled_within(connector: Connector, call: Callable[[], object], seconds: float) -> None:
    timer = threading.Timer(0.5, connector.cancel)
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(ScanError) as raised:
            call()
    finally:
        timer.cancel()
    elapsed = time.monotonic() - started
    assert raised.value.kind is ScanErrorKind.CANCELLED, raised.value
    assert elapsed < seconds, f"cancel took {elapsed:.1f} s"
    # cancelled for good: the next call does not start
    with pytest.raises(ScanError, match="cancelled"):
        connector.sample(SLOW, 1)


@pytest.fixture
def pg_slow(pg_server_url: str) -> Iterator[tuple[str, str]]:
    import psycopg

    schema = f"cancel_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
        conn.execute(f"CREATE VIEW {schema}.lente AS SELECT pg_sleep(30)::text AS x")
        yield pg_server_url, schema
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.mark.postgres
def test_postgresql_cancel(pg_slow: tuple[str, str]) -> None:
    url, schema = pg_slow
    connector = connector_for(url, timeout_s=60)
    table = TableInfo(schema, "lente", "view", SLOW.columns)
    try:
        _cancelled_within(connector, lambda: connector.sample(table, 1), 10)
    finally:
        connector.close()


@pytest.mark.postgres
def test_postgresql_statement_timeout_is_a_timeout(pg_slow: tuple[str, str]) -> None:
    url, schema = pg_slow
    connector = connector_for(url, timeout_s=1)
    try:
        with pytest.raises(ScanError) as raised:
            connector.sample(TableInfo(schema, "lente", "view", SLOW.columns), 1)
    finally:
        connector.close()
    assert raised.value.kind is ScanErrorKind.TIMEOUT, raised.value


@pytest.mark.mysql
def test_mysql_cancel(mysql_server_url: str) -> None:
    import pymysql

    from registre.scanners.connectors.mysql import MysqlConnector

    connector = connector_for(mysql_server_url, timeout_s=60)
    assert isinstance(connector, MysqlConnector)
    view = f"lente_{uuid.uuid4().hex[:8]}"
    args = dict(connector._connect_args)
    with pymysql.connect(**args) as admin, admin.cursor() as cur:
        cur.execute(f"CREATE VIEW {view} AS SELECT SLEEP(30) AS x")
    table = TableInfo(connector.database, view, "view", SLOW.columns)
    try:
        _cancelled_within(connector, lambda: connector.sample(table, 1), 10)
    finally:
        connector.close()
        with pymysql.connect(**args) as admin, admin.cursor() as cur:
            cur.execute(f"DROP VIEW {view}")


def test_sqlite_cancel(tmp_path: Path) -> None:
    path = tmp_path / "lente.sqlite"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE VIEW lente AS WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c)"
            " SELECT max(i) AS x FROM c"
        )
    connector = connector_for(f"sqlite:///{path}", timeout_s=60)
    table = TableInfo(None, "lente", "view", SLOW.columns)
    try:
        _cancelled_within(connector, lambda: connector.sample(table, 1), 5)
    finally:
        connector.close()


def test_file_cancel(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    row = b"Jean;Dupont;12 rue des Lilas;75011;Paris\n"
    with (folder / "gros.csv").open("wb") as out:
        out.write(b"prenom;nom;adresse;code_postal;ville\n")
        out.write(row * (80 * 2**20 // len(row)))  # 80 MB: seconds to read, well under the cap
    connector = connector_for(str(folder), timeout_s=60)
    (table,) = connector.list_tables()
    try:
        _cancelled_within(connector, lambda: connector.sample(table, 100), 5)
    finally:
        connector.close()


@pytest.mark.parametrize("kind", ["sqlite", "file"])
def test_cancel_when_nothing_runs(tmp_path: Path, kind: str) -> None:
    if kind == "sqlite":
        path = tmp_path / "vide.sqlite"
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE t (x TEXT)")
        url = f"sqlite:///{path}"
    else:
        url = str(tmp_path)
    connector = connector_for(url)
    connector.cancel()
    connector.cancel()  # twice: still fine
    with pytest.raises(ScanError) as raised:
        list(connector.list_tables())
    assert raised.value.kind is ScanErrorKind.CANCELLED
    connector.close()
    connector.cancel()  # after close: still fine
