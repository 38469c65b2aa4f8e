"""MySQL/MariaDB connector against the real server, in this run's own database."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

from registre.catalog.data.harvested import ColumnInfo, TableInfo
from registre.scanners.connectors.mysql import MysqlConnector, quote
from registre.scanners.connectors.registry import connector_for
from registre.scanners.errors import ScanError

pytestmark = pytest.mark.mysql

pymysql = pytest.importorskip("pymysql")

EVIL_TABLE = "x`; DROP TABLE y; --"
EVIL_DQ_TABLE = 'x"; DROP TABLE y; --'
EVIL_COLUMN = "nom `complet`; --"


def _admin(url: str) -> pymysql.connections.Connection:
    parts = urlparse(url)
    return pymysql.connect(
        host=parts.hostname,
        port=parts.port or 3306,
        user=parts.username or "root",
        password=parts.password or "",
        database=parts.path.lstrip("/"),
        autocommit=True,
    )


@pytest.fixture(scope="module")
def mysql_url(mysql_server_url: str) -> str:
    conn = _admin(mysql_server_url)
    with conn.cursor() as cur:
        cur.execute(
            "CREATE TABLE agents (id INT PRIMARY KEY, nom VARCHAR(80) NOT NULL,"
            " courriel TEXT, photo BLOB, naissance DATE)"
        )
        rows = [
            (i, f"Agent {i}", f"agent{i}@example.fr", b"\x00\xff", f"19{70 + i % 30}-01-01")
            for i in range(1, 20001)
        ]
        cur.executemany("INSERT INTO agents VALUES (%s, %s, %s, %s, %s)", rows)
        cur.execute("ANALYZE TABLE agents")
        cur.fetchall()
        cur.execute("CREATE VIEW agents_actifs AS SELECT id, nom FROM agents WHERE id % 2 = 0")
        cur.execute("CREATE TABLE petite (code VARCHAR(10), commentaire LONGTEXT)")
        cur.executemany(
            "INSERT INTO petite VALUES (%s, %s)", [(f"c{i}", "é" * 5000) for i in range(30)]
        )
        cur.execute("CREATE TABLE y (id INT)")
        cur.execute("CREATE VIEW lente AS SELECT SLEEP(3) AS x")
        for name in (EVIL_TABLE, EVIL_DQ_TABLE):
            cur.execute(f"CREATE TABLE {quote(name)} ({quote(EVIL_COLUMN)} TEXT, id INT)")
            cur.executemany(
                f"INSERT INTO {quote(name)} VALUES (%s, %s)",
                [("Jean Dupont", i) for i in range(50)],
            )
    conn.close()
    return mysql_server_url


@pytest.fixture
def connector(mysql_url: str) -> Iterator[MysqlConnector]:
    conn = connector_for(mysql_url.replace("mysql://", "mariadb://"), seed=7)
    assert isinstance(conn, MysqlConnector)
    yield conn
    conn.close()


def _tables(connector: MysqlConnector) -> dict[str, TableInfo]:
    return {t.name: t for t in connector.list_tables()}


def test_harvest_tables_views_columns_and_estimates(connector: MysqlConnector) -> None:
    tables = _tables(connector)
    assert set(tables) == {
        "agents",
        "agents_actifs",
        "petite",
        "y",
        "lente",
        EVIL_TABLE,
        EVIL_DQ_TABLE,
    }
    agents = tables["agents"]
    assert (agents.schema, agents.kind) == (connector.database, "table")
    assert [(c.name, c.position, c.nullable) for c in agents.columns] == [
        ("id", 1, False),
        ("nom", 2, False),
        ("courriel", 3, True),
        ("photo", 4, True),
        ("naissance", 5, True),
    ]
    types = [c.data_type for c in agents.columns]
    assert types[1:] == ["varchar(80)", "text", "blob", "date"]
    assert types[0].startswith("int")  # int(11) on MariaDB, int on MySQL 8
    assert agents.estimated_rows is not None and 10_000 <= agents.estimated_rows <= 40_000
    view = tables["agents_actifs"]
    assert (view.kind, view.estimated_rows) == ("view", None)
    assert [c.name for c in view.columns] == ["id", "nom"]


def test_sample_is_bounded_and_reaches_beyond_the_first_rows(connector: MysqlConnector) -> None:
    agents = _tables(connector)["agents"]
    seen: set[int] = set()
    for _ in range(2):
        sample = connector.sample(agents, 100)
        assert set(sample) == {"id", "nom", "courriel", "photo", "naissance"}
        assert 0 < len(sample["id"]) <= 100
        assert len(set(sample["id"])) == len(sample["id"])  # overlapping ranges deduplicated
        assert sample["photo"] == [None] * len(sample["id"])
        seen.update(sample["id"])  # type: ignore[arg-type]
    assert max(seen) > 100


def test_sample_view_and_small_table(connector: MysqlConnector) -> None:
    tables = _tables(connector)
    assert len(connector.sample(tables["agents_actifs"], 10)["id"]) == 10
    small = connector.sample(tables["petite"], 1000)
    assert len(small["code"]) == 30
    assert all(isinstance(v, str) and len(v) == 1000 for v in small["commentaire"])


def test_injection_proof_names(connector: MysqlConnector) -> None:
    tables = _tables(connector)
    for name in (EVIL_TABLE, EVIL_DQ_TABLE):
        evil = tables[name]
        assert [c.name for c in evil.columns] == [EVIL_COLUMN, "id"]
        sample = connector.sample(evil, 10)
        assert sample[EVIL_COLUMN][:1] == ["Jean Dupont"]
        assert len(sample["id"]) == 10
    assert "y" in _tables(connector)


def test_connection_is_read_only(connector: MysqlConnector) -> None:
    with connector._conn.cursor() as cur, pytest.raises(pymysql.err.MySQLError) as error:
        cur.execute("INSERT INTO y VALUES (1)")
    assert error.value.args[0] == 1792  # ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
    with connector._conn.cursor() as cur:
        variable = "max_statement_time" if connector.is_mariadb else "max_execution_time"
        cur.execute(f"SELECT @@SESSION.{variable}")
        assert float(cur.fetchone()[0]) in (30.0, 30000.0)


def test_failing_table_names_table_and_error_code_not_values(connector: MysqlConnector) -> None:
    ghost = TableInfo(
        connector.database, "agents", "table", (ColumnInfo("secret 'Dupont'", 1, "text"),)
    )
    with pytest.raises(ScanError) as error:
        connector.sample(ghost, 10)
    message = str(error.value)
    assert f"{connector.database}.agents" in message and "(1054)" in message
    assert "Dupont" not in message
    with pytest.raises(ScanError, match="not found"):
        connector.sample(TableInfo(connector.database, "absente", "table", ghost.columns), 10)


def test_statement_timeout_is_a_scan_error(mysql_url: str) -> None:
    with connector_for(mysql_url, timeout_s=0.3) as slow:  # type: ignore[attr-defined]
        lente = _tables(slow)["lente"]
        if not slow.is_mariadb:
            pytest.skip("on MySQL an interrupted SLEEP() returns 1 instead of failing")
        with pytest.raises(ScanError, match=r"lente: OperationalError \(1969: max_statement"):
            slow.sample(lente, 10)


def test_bad_urls_and_unreachable_server() -> None:
    with pytest.raises(ScanError, match="names one database"):
        connector_for("mysql://root@127.0.0.1:3306/")
    with pytest.raises(ScanError, match="cannot connect to MySQL/MariaDB") as error:
        connector_for("mysql://root:s3cret@127.0.0.1:1/db", timeout_s=2)
    assert "s3cret" not in str(error.value)


def test_missing_driver_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pymysql", None)  # makes `import pymysql` fail
    with pytest.raises(ScanError, match=r"install registre\[mysql\]"):
        connector_for("mysql+pymysql://root@127.0.0.1/db")
