"""PostgreSQL connector against the real server, in this run's own database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from registre.catalog.data.harvested import ColumnInfo, TableInfo
from registre.scanners.connectors.postgresql import PostgresqlConnector
from registre.scanners.connectors.registry import connector_for
from registre.scanners.errors import ScanError

pytestmark = pytest.mark.postgres

psycopg = pytest.importorskip("psycopg")
sql = psycopg.sql

EVIL_TABLE = 'x"; DROP TABLE y; --'
EVIL_COLUMN = 'nom "complet"; --'


@pytest.fixture(scope="module")
def pg_url(pg_server_url: str) -> Iterator[str]:
    """Tables in a schema of their own, created once for the module."""
    schema = f"conn_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        conn.execute(f"SET search_path = {schema}")
        conn.execute(
            """
            CREATE TABLE agents (
                id integer PRIMARY KEY,
                nom varchar(80) NOT NULL,
                courriel text,
                photo bytea,
                naissance date
            );
            INSERT INTO agents
            SELECT g, 'Agent ' || g, 'agent' || g || '@example.fr',
                   '\\x00ff'::bytea, date '1970-01-01' + g % 15000
              FROM generate_series(1, 20000) g;
            ANALYZE agents;
            CREATE VIEW agents_actifs AS SELECT id, nom FROM agents WHERE id % 2 = 0;
            CREATE TABLE jamais_analysee (id integer, libelle text);
            CREATE TABLE petite (id integer, commentaire text);
            INSERT INTO petite SELECT g, repeat('é', 5000) FROM generate_series(1, 30) g;
            CREATE TABLE y (id integer);
            CREATE VIEW lente AS SELECT 1 AS x FROM pg_sleep(3);
            CREATE TABLE dossiers (id integer, annee integer) PARTITION BY RANGE (annee);
            CREATE TABLE dossiers_2023 PARTITION OF dossiers FOR VALUES FROM (2023) TO (2024);
            CREATE TABLE dossiers_2024 PARTITION OF dossiers FOR VALUES FROM (2024) TO (2025);
            INSERT INTO dossiers SELECT g, 2023 + g % 2 FROM generate_series(1, 30000) g;
            ANALYZE dossiers;
            CREATE MATERIALIZED VIEW dossiers_par_annee AS
                SELECT annee, count(*) AS n FROM dossiers GROUP BY annee;
            ANALYZE dossiers_par_annee;
            """
        )
        conn.execute(
            sql.SQL("CREATE TABLE {} ({} text, id integer)").format(
                sql.Identifier(EVIL_TABLE), sql.Identifier(EVIL_COLUMN)
            )
        )
        conn.execute(
            sql.SQL("INSERT INTO {} SELECT 'Jean Dupont', g FROM generate_series(1, 50) g").format(
                sql.Identifier(EVIL_TABLE)
            )
        )
    yield pg_server_url
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture
def connector(pg_url: str) -> Iterator[PostgresqlConnector]:
    conn = connector_for(pg_url.replace("postgresql://", "postgresql+psycopg://"), seed=7)
    assert isinstance(conn, PostgresqlConnector)
    yield conn
    conn.close()


def _tables(connector: PostgresqlConnector) -> dict[str, TableInfo]:
    return {t.name: t for t in connector.list_tables() if t.schema and t.schema.startswith("conn_")}


def test_harvest_tables_views_columns_and_estimates(connector: PostgresqlConnector) -> None:
    tables = _tables(connector)
    assert {"agents", "agents_actifs", "jamais_analysee", "petite", "y", EVIL_TABLE} <= set(tables)
    agents = tables["agents"]
    assert agents.kind == "table"
    assert agents.columns == (
        ColumnInfo("id", 1, "integer", nullable=False),
        ColumnInfo("nom", 2, "character varying(80)", nullable=False),
        ColumnInfo("courriel", 3, "text", nullable=True),
        ColumnInfo("photo", 4, "bytea", nullable=True),
        ColumnInfo("naissance", 5, "date", nullable=True),
    )
    assert agents.estimated_rows == 20000  # ANALYZE read every page of a small table
    view = tables["agents_actifs"]
    assert view.kind == "view"
    assert [c.name for c in view.columns] == ["id", "nom"]
    assert view.estimated_rows is None
    assert tables["jamais_analysee"].estimated_rows is None  # reltuples = -1
    assert all(
        t.schema != "pg_catalog" and t.schema != "information_schema" for t in tables.values()
    )


def test_sample_is_bounded_and_reaches_beyond_the_first_rows(
    connector: PostgresqlConnector,
) -> None:
    agents = _tables(connector)["agents"]
    seen: set[int] = set()
    for _ in range(2):
        sample = connector.sample(agents, 100)
        assert set(sample) == {"id", "nom", "courriel", "photo", "naissance"}
        assert 0 < len(sample["id"]) <= 100
        assert all(len(values) == len(sample["id"]) for values in sample.values())
        seen.update(sample["id"])  # type: ignore[arg-type]
        assert sample["photo"] == [None] * len(sample["id"])  # binary never decoded
    assert max(seen) > 100


def test_sample_view_small_and_unanalysed_tables(connector: PostgresqlConnector) -> None:
    tables = _tables(connector)
    view = connector.sample(tables["agents_actifs"], 10)
    assert len(view["id"]) == 10
    small = connector.sample(tables["petite"], 1000)
    assert len(small["id"]) == 30
    assert all(isinstance(v, str) and len(v) == 1000 for v in small["commentaire"])
    assert connector.sample(tables["jamais_analysee"], 10) == {"id": [], "libelle": []}


def test_partitioned_table_and_materialized_view(connector: PostgresqlConnector) -> None:
    tables = _tables(connector)
    assert "dossiers_2023" not in tables  # partitions are scanned through their parent
    dossiers = tables["dossiers"]
    assert dossiers.kind == "table"
    assert dossiers.estimated_rows == 30000
    sample = connector.sample(dossiers, 200)
    assert 0 < len(sample["id"]) <= 200
    assert set(sample["annee"]) == {2023, 2024}
    matview = tables["dossiers_par_annee"]
    assert (matview.kind, matview.estimated_rows) == ("view", 2)
    assert sorted(connector.sample(matview, 10)["annee"]) == [2023, 2024]  # type: ignore[type-var]


def test_injection_proof_names(connector: PostgresqlConnector) -> None:
    tables = _tables(connector)
    evil = tables[EVIL_TABLE]
    assert [c.name for c in evil.columns] == [EVIL_COLUMN, "id"]
    sample = connector.sample(evil, 10)
    assert sample[EVIL_COLUMN][:1] == ["Jean Dupont"]
    assert len(sample["id"]) == 10
    assert "y" in _tables(connector)  # still there


def test_connection_is_read_only(connector: PostgresqlConnector) -> None:
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        connector._conn.execute("CREATE TABLE intruse (id integer)")
    timeout = connector._conn.execute("SHOW statement_timeout").fetchone()
    assert timeout == ("30s",)


def test_failing_table_names_table_and_error_class_not_values(
    connector: PostgresqlConnector,
) -> None:
    agents = _tables(connector)["agents"]
    ghost = TableInfo(
        agents.schema, agents.name, "table", (ColumnInfo("secret 'Dupont'", 1, "text"),)
    )
    with pytest.raises(ScanError) as error:
        connector.sample(ghost, 10)
    message = str(error.value)
    assert f"{agents.schema}.agents" in message
    assert "UndefinedColumn" in message and "42703" in message
    assert "Dupont" not in message
    missing = TableInfo(agents.schema, "absente", "table", agents.columns)
    with pytest.raises(ScanError, match="not found"):
        connector.sample(missing, 10)


def test_statement_timeout_is_a_scan_error(pg_url: str) -> None:
    with connector_for(pg_url, timeout_s=0.3) as slow:  # type: ignore[attr-defined]
        lente = _tables(slow)["lente"]
        with pytest.raises(ScanError, match=r"lente: QueryCanceled \(SQLSTATE 57014: statement"):
            slow.sample(lente, 10)


def test_unreachable_server_is_a_scan_error() -> None:
    with pytest.raises(
        ScanError, match=r"cannot connect to PostgreSQL at postgresql://127\.0\.0\.1:1/"
    ):
        connector_for("postgresql://user:s3cret@127.0.0.1:1/nowhere", timeout_s=2)
    try:
        connector_for("postgresql://user:s3cret@127.0.0.1:1/nowhere", timeout_s=2)
    except ScanError as exc:
        assert "s3cret" not in str(exc)
