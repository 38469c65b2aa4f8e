"""SQLite connector on real database files in tmp_path."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from registre.catalog.data.harvested import ColumnInfo, TableInfo
from registre.scanners.connectors.registry import connector_for
from registre.scanners.connectors.sqlite import SqliteConnector, quote
from registre.scanners.errors import ScanError

EVIL_TABLE = 'x"; DROP TABLE y; --'
EVIL_COLUMN = 'nom "complet"; --'


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "registre test.db"  # a space, for the URI
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE agents (
            id INTEGER PRIMARY KEY,
            nom VARCHAR(80) NOT NULL,
            courriel TEXT,
            photo BLOB,
            naissance DATE
        );
        CREATE VIEW agents_actifs AS SELECT id, nom FROM agents WHERE id % 2 = 0;
        CREATE TABLE petite (code TEXT, commentaire TEXT, donnees);
        CREATE TABLE codes (code TEXT PRIMARY KEY, libelle TEXT) WITHOUT ROWID;
        CREATE TABLE y (id INTEGER);
        """
    )
    conn.executemany(
        "INSERT INTO agents VALUES (?, ?, ?, ?, ?)",
        (
            (i, f"Agent {i}", f"agent{i}@example.fr", b"\x00\xff", f"19{70 + i % 30}-01-01")
            for i in range(1, 20001)
        ),
    )
    conn.executemany(
        "INSERT INTO petite VALUES (?, ?, ?)",
        [(f"c{i}", "é" * 5000, b"\x89PNG") for i in range(30)],
    )
    conn.executemany("INSERT INTO codes VALUES (?, ?)", [(f"k{i}", "libellé") for i in range(40)])
    conn.execute(f"CREATE TABLE {quote(EVIL_TABLE)} ({quote(EVIL_COLUMN)} TEXT, id INTEGER)")
    conn.executemany(
        f"INSERT INTO {quote(EVIL_TABLE)} VALUES (?, ?)",
        [("Jean Dupont", i) for i in range(50)],
    )
    conn.commit()
    conn.close()
    return path


@pytest.fixture
def connector(db_path: Path) -> Iterator[SqliteConnector]:
    conn = connector_for(f"sqlite:///{db_path}", seed=7)  # absolute path: four slashes
    assert isinstance(conn, SqliteConnector)
    yield conn
    conn.close()


def _tables(connector: SqliteConnector) -> dict[str, TableInfo]:
    return {t.name: t for t in connector.list_tables()}


def test_harvest_tables_views_columns_and_estimates(connector: SqliteConnector) -> None:
    tables = _tables(connector)
    assert set(tables) == {"agents", "agents_actifs", "petite", "codes", "y", EVIL_TABLE}
    agents = tables["agents"]
    assert (agents.schema, agents.kind, agents.estimated_rows) == (None, "table", 20000)
    assert agents.columns == (
        ColumnInfo("id", 1, "INTEGER", nullable=False),
        ColumnInfo("nom", 2, "VARCHAR(80)", nullable=False),
        ColumnInfo("courriel", 3, "TEXT", nullable=True),
        ColumnInfo("photo", 4, "BLOB", nullable=True),
        ColumnInfo("naissance", 5, "DATE", nullable=True),
    )
    view = tables["agents_actifs"]
    assert (view.kind, view.estimated_rows, [c.name for c in view.columns]) == (
        "view",
        None,
        ["id", "nom"],
    )
    assert tables["codes"].estimated_rows is None  # WITHOUT ROWID, no statistics
    assert tables["y"].estimated_rows == 0


def test_estimates_from_sqlite_stat1(tmp_path: Path) -> None:
    path = tmp_path / "stats.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE codes (code TEXT PRIMARY KEY, libelle TEXT) WITHOUT ROWID")
    conn.executemany("INSERT INTO codes VALUES (?, ?)", [(f"k{i}", "x") for i in range(40)])
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()
    with connector_for(f"sqlite:///{path}") as connector:  # type: ignore[attr-defined]
        (codes,) = connector.list_tables()
        assert codes.estimated_rows == 40
        assert len(connector.sample(codes, 10)["code"]) == 10


def test_sample_is_bounded_and_reaches_beyond_the_first_rows(connector: SqliteConnector) -> None:
    agents = _tables(connector)["agents"]
    seen: set[int] = set()
    for _ in range(2):
        sample = connector.sample(agents, 100)
        assert 0 < len(sample["id"]) <= 100
        assert len(set(sample["id"])) == len(sample["id"])
        assert sample["photo"] == [None] * len(sample["id"])
        seen.update(sample["id"])  # type: ignore[arg-type]
    assert max(seen) > 100


def test_sample_view_small_and_without_rowid(connector: SqliteConnector) -> None:
    tables = _tables(connector)
    assert len(connector.sample(tables["agents_actifs"], 10)["id"]) == 10
    small = connector.sample(tables["petite"], 1000)
    assert len(small["code"]) == 30
    assert all(isinstance(v, str) and len(v) == 1000 for v in small["commentaire"])
    assert small["donnees"] == [None] * 30  # an untyped column holding blobs
    assert len(connector.sample(tables["codes"], 10)["code"]) == 10


def test_injection_proof_names(connector: SqliteConnector) -> None:
    evil = _tables(connector)[EVIL_TABLE]
    assert [c.name for c in evil.columns] == [EVIL_COLUMN, "id"]
    sample = connector.sample(evil, 10)
    assert sample[EVIL_COLUMN][:1] == ["Jean Dupont"]
    assert "y" in _tables(connector)


def test_read_only_and_file_unchanged(connector: SqliteConnector, db_path: Path) -> None:
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    for statement in ("INSERT INTO y VALUES (1)", "CREATE TABLE intruse (id INTEGER)"):
        with pytest.raises(sqlite3.OperationalError):
            connector._conn.execute(statement)
    connector._conn.execute("PRAGMA query_only = 0")  # even then, the file is opened mode=ro
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        connector._conn.execute("INSERT INTO y VALUES (1)")
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before


def test_errors(connector: SqliteConnector, tmp_path: Path) -> None:
    ghost = TableInfo(None, "agents", "table", (ColumnInfo("secret 'Dupont'", 1, "TEXT"),))
    with pytest.raises(ScanError) as error:
        connector.sample(ghost, 10)
    assert "agents" in str(error.value) and "OperationalError" in str(error.value)
    assert "Dupont" not in str(error.value)
    with pytest.raises(ScanError, match="SQLite file not found"):
        connector_for(f"sqlite:///{tmp_path}/absent.db")
    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_text("ceci n'est pas une base")
    with pytest.raises(ScanError, match="cannot open SQLite file"):
        connector_for(f"sqlite:///{not_sqlite}")
    with pytest.raises(ScanError, match="sqlite:///"):
        connector_for("sqlite://relative.db")


def test_timeout_interrupts_long_statements(connector: SqliteConnector) -> None:
    connector._timeout_s = 0.05
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        connector._run(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT max(i) FROM n"
        )
