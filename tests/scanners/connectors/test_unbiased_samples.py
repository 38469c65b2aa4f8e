"""Samples without bias: a table whose first 5 % of rows hold a placeholder and the rest
e-mails is sampled with about 5 % placeholders, on every engine, whether it is read as a
table with an integer key, a table without one, or a view. ``LIMIT`` (the first rows)
would give 100 % placeholders, so would a few clusters of neighbours near the start.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest

from registre.catalog.data.harvested import ColumnInfo, TableInfo
from registre.catalog.data.scan_errors import ScanErrorKind
from registre.scanners.connectors.base import SampleMethod
from registre.scanners.connectors.postgresql import PostgresqlConnector
from registre.scanners.connectors.registry import connector_for
from registre.scanners.errors import ScanError
from tests.support.servers import unique_name, with_dbname

ROWS = 30_000
PLACEHOLDER = "inconnu"
SIZE = 1000


def _values() -> list[tuple[int, str]]:
    head = ROWS // 20  # the first 5 %
    return [
        (i, PLACEHOLDER if i <= head else f"agent{i}@ville-exemple.fr") for i in range(1, ROWS + 1)
    ]


def _placeholder_share(url: str, schema: str | None, name: str, kind: str) -> tuple[float, str]:
    columns = (ColumnInfo("id", 1, "integer"), ColumnInfo("courriel", 2, "text"))
    table = TableInfo(schema, name, kind, columns)  # type: ignore[arg-type]
    connector = connector_for(url, timeout_s=30, seed=11)
    try:
        sample = connector.sample(table, SIZE)
        method = getattr(connector, "sample_method", None)
    finally:
        connector.close()
    values = sample["courriel"]
    assert len(values) >= 0.9 * SIZE, len(values)
    assert len(set(sample["id"])) == len(values)  # distinct rows, no row twice
    return values.count(PLACEHOLDER) / len(values), str(method)


def _assert_close_to_the_table(share: float) -> None:
    # 5 % in the table; 1,000 rows drawn uniformly put it within 2-9 % (about 6 sigma)
    assert 0.02 <= share <= 0.09, share


# --- SQLite -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("unbiased") / "store.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE prefixed (id INTEGER PRIMARY KEY, courriel TEXT)")
        conn.execute("CREATE TABLE sans_cle (id INTEGER NOT NULL, courriel TEXT,"
                     " code TEXT PRIMARY KEY) WITHOUT ROWID")  # fmt: skip
        conn.executemany("INSERT INTO prefixed VALUES (?, ?)", _values())
        conn.executemany(
            "INSERT INTO sans_cle VALUES (?, ?, printf('%08d', ?))",
            [(i, v, i) for i, v in _values()],
        )
        conn.execute("CREATE VIEW v_prefixed AS SELECT id, courriel FROM prefixed")
    return f"sqlite:///{path}"


@pytest.mark.parametrize(
    ("name", "kind", "method"),
    [
        ("prefixed", "table", SampleMethod.RANGE_READS),
        ("sans_cle", "table", SampleMethod.RANDOM_POSITIONS),
        ("v_prefixed", "view", SampleMethod.RANDOM_POSITIONS),
    ],
)
def test_sqlite_samples_look_like_the_table(
    sqlite_url: str, name: str, kind: str, method: str
) -> None:
    share, used = _placeholder_share(sqlite_url, None, name, kind)
    assert used == method
    _assert_close_to_the_table(share)


# --- PostgreSQL -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pg_store(pg_server_url: str) -> Iterator[tuple[str, str]]:
    import psycopg

    schema = unique_name("unbiased")
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        conn.execute(f'SET search_path TO "{schema}"')
        conn.execute("CREATE TABLE prefixed (id integer PRIMARY KEY, courriel text)")
        with conn.cursor() as cur, cur.copy("COPY prefixed (id, courriel) FROM STDIN") as copy:
            for row in _values():
                copy.write_row(row)
        conn.execute("CREATE VIEW v_prefixed AS SELECT id, courriel FROM prefixed")
        conn.execute(  # hides the key: sampled at random positions
            "CREATE VIEW v_sans_cle AS SELECT id + 0 AS id, courriel FROM prefixed"
        )
        conn.execute(
            "CREATE VIEW v_totaux AS SELECT min(id) AS id, courriel FROM prefixed GROUP BY courriel"
        )
        conn.execute("ANALYZE prefixed")
    try:
        yield pg_server_url, schema
    finally:
        with psycopg.connect(pg_server_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("name", "kind", "method"),
    [
        ("prefixed", "table", SampleMethod.TABLESAMPLE),
        ("v_prefixed", "view", SampleMethod.TABLESAMPLE_BY_KEY),
        ("v_sans_cle", "view", SampleMethod.RANDOM_POSITIONS),
    ],
)
def test_postgresql_samples_look_like_the_table(
    pg_store: tuple[str, str], name: str, kind: str, method: str
) -> None:
    url, schema = pg_store
    share, used = _placeholder_share(url, schema, name, kind)
    assert used == method
    _assert_close_to_the_table(share)


@pytest.mark.postgres
def test_an_aggregating_view_is_run_whole_or_skipped_from_its_plan(
    pg_store: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, schema = pg_store
    _, used = _placeholder_share(url, schema, "v_totaux", "view")
    assert used == SampleMethod.WHOLE_VIEW  # cheap enough: run once, under the timeout

    monkeypatch.setattr(PostgresqlConnector, "max_view_cost", 10.0)
    with pytest.raises(ScanError, match="skipped: an aggregating view") as raised:
        _placeholder_share(url, schema, "v_totaux", "view")
    assert raised.value.kind is ScanErrorKind.SKIPPED


# --- MariaDB ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mysql_store(mysql_server_url: str) -> Iterator[str]:
    """A database of its own (the run's database is harvested whole by other tests)."""
    pymysql = pytest.importorskip("pymysql")
    parts = urlparse(mysql_server_url)
    name = unique_name("unbiased")

    def connect(database: str | None = None) -> Any:
        return pymysql.connect(
            host=parts.hostname,
            port=parts.port or 3306,
            user=parts.username or "root",
            password=parts.password or "",
            database=database,
            autocommit=True,
        )

    admin = connect()
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{name}`")
    conn = connect(name)
    try:
        with conn.cursor() as cur:
            cur.execute("CREATE TABLE prefixed (id INT PRIMARY KEY, courriel VARCHAR(80))")
            cur.execute("CREATE TABLE sans_cle (id INT NOT NULL, courriel VARCHAR(80))")
            for table in ("prefixed", "sans_cle"):
                cur.executemany(f"INSERT INTO {table} VALUES (%s, %s)", _values())
                cur.execute(f"ANALYZE TABLE {table}")
                cur.fetchall()
            cur.execute("CREATE VIEW v_prefixed AS SELECT id, courriel FROM prefixed")
            cur.execute(
                "CREATE VIEW v_totaux AS SELECT min(id) AS id, courriel FROM prefixed"
                " GROUP BY courriel"
            )
    finally:
        conn.close()
    try:
        yield with_dbname(mysql_server_url, name)
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        admin.close()


@pytest.mark.mysql
@pytest.mark.parametrize(
    ("name", "kind", "method"),
    [
        ("prefixed", "table", SampleMethod.RANGE_READS),
        ("sans_cle", "table", SampleMethod.RANDOM_POSITIONS),
        ("v_prefixed", "view", SampleMethod.RANDOM_POSITIONS),
    ],
)
def test_mariadb_samples_look_like_the_table(
    mysql_store: str, name: str, kind: str, method: str
) -> None:
    schema = urlparse(mysql_store).path.lstrip("/")
    share, used = _placeholder_share(mysql_store, schema, name, kind)
    assert used == method
    _assert_close_to_the_table(share)


@pytest.mark.mysql
def test_mariadb_runs_an_aggregating_view_whole_or_skips_it_from_its_plan(
    mysql_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from registre.scanners.connectors.mysql import MysqlConnector

    schema = urlparse(mysql_store).path.lstrip("/")
    _, used = _placeholder_share(mysql_store, schema, "v_totaux", "view")
    assert used == SampleMethod.WHOLE_VIEW
    monkeypatch.setattr(MysqlConnector, "max_view_rows", 10)
    with pytest.raises(ScanError, match="skipped: an aggregating view") as raised:
        _placeholder_share(mysql_store, schema, "v_totaux", "view")
    assert raised.value.kind is ScanErrorKind.SKIPPED


def test_range_reads_are_many_and_small() -> None:
    from registre.scanners.connectors.base import range_plan

    assert range_plan(1000) == (100, 10)
    assert range_plan(5) == (1, 5)
