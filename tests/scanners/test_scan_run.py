"""Scan runs end to end on real stores: harvest and drift, reviews kept across re-scans,
one failing table isolated, unreachable stores recorded as FAILED.

Stores are SQLite files in ``tmp_path`` and, for PostgreSQL, a database of their own on
the test server (the connector harvests every schema of a database, so a database of its
own keeps other tests' tables out of the drift these tests assert exactly).
"""

from __future__ import annotations

import random
import socket
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data.findings import counts_as_personal, review_finding
from registre.catalog.data.stores import update_dataset
from registre.catalog.db import transaction
from registre.catalog.enums import FindingStatus, ScanStatus, Sensitivity
from registre.catalog.models import Dataset, Field, Finding
from registre.config.settings import Settings
from registre.demo.identifiers import FrenchIdentifiers
from registre.graphql.context import RequestContext
from registre.graphql.http import GraphQLParams, run_operation
from registre.graphql.ids import to_global_id
from registre.graphql.schema import schema
from registre.scanners.runs.scan import ScanOptions

SURNAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
    "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David",
    "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "Andre", "Lefevre",
    "Mercier", "Dupont", "Lambert", "Bonnet", "Francois", "Martinez",
]  # fmt: skip


def _ids(seed: int = 1) -> FrenchIdentifiers:
    return FrenchIdentifiers(random.Random(seed))


def _emails(n: int, prefix: str = "agent") -> list[str]:
    return [f"{prefix}.{SURNAMES[i % len(SURNAMES)].lower()}{i}@valbourg.fr" for i in range(n)]


def _codes(n: int) -> list[str]:
    """Values that match no recognizer (digits in them: never name-shaped either)."""
    return [f"ZK-{i:03d}-QX" for i in range(n)]


def _insert(conn: sqlite3.Connection, table: str, rows: list[tuple[Any, ...]]) -> None:
    marks = ", ".join("?" * len(rows[0]))
    conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608


# --- 1. harvest and drift (SQLite) --------------------------------------------------------


def _write_v1(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.executescript(
            """
            CREATE TABLE personnes (
                id INTEGER PRIMARY KEY, nom TEXT, courriel TEXT, ancien_mail TEXT, code INTEGER
            );
            CREATE TABLE a_supprimer (id INTEGER PRIMARY KEY, libelle TEXT);
            """
        )
        emails, old = _emails(60), _emails(60, "ancien")
        _insert(
            conn,
            "personnes",
            [(i + 1, SURNAMES[i % 30], emails[i], old[i], 1000 + i) for i in range(60)],
        )
        _insert(conn, "a_supprimer", [(i + 1, f"libellé {i}") for i in range(10)])


def _write_v2(path: Path) -> None:
    """New column, dropped column, retyped column (SQLite: the table is recreated), a
    new table, a dropped table."""
    ids = _ids(2)
    with sqlite3.connect(path) as conn:
        conn.executescript(
            """
            CREATE TABLE personnes_v2 (
                id INTEGER PRIMARY KEY, nom TEXT, courriel TEXT, code TEXT, telephone TEXT
            );
            INSERT INTO personnes_v2 (id, nom, courriel, code)
                SELECT id, nom, courriel, CAST(code AS TEXT) FROM personnes;
            DROP TABLE personnes;
            ALTER TABLE personnes_v2 RENAME TO personnes;
            DROP TABLE a_supprimer;
            CREATE TABLE nouvelle (id INTEGER PRIMARY KEY, nir TEXT);
            """
        )
        conn.executemany(
            "UPDATE personnes SET telephone = ? WHERE id = ?",
            [(ids.phone(), i + 1) for i in range(60)],
        )
        _insert(conn, "nouvelle", [(i + 1, ids.nir()) for i in range(40)])


def test_sqlite_rescan_records_exact_drift_and_keeps_steward_work(
    scan_catalog: Any, sqlite_url: Callable[[Path], str], tmp_path: Path
) -> None:
    store_path = tmp_path / "rh.sqlite"
    _write_v1(store_path)
    store_id = scan_catalog.register("rh", sqlite_url(store_path))

    first = scan_catalog.scan(store_id)
    assert first.status is ScanStatus.SUCCEEDED, first.errors
    assert first.drift == {"tables_new": ["a_supprimer", "personnes"]}
    found = scan_catalog.findings(store_id)
    assert ("personnes", "ancien_mail", "EMAIL_ADDRESS") in found
    assert ("personnes", "courriel", "EMAIL_ADDRESS") in found

    # What stewards write between scans.
    datasets = scan_catalog.datasets(store_id)
    described = {
        "description": "Annuaire des agents",
        "steward": "dpo@valbourg.fr",
        "tags": ["rh", "annuaire"],
        "sensitivity": Sensitivity.CONFIDENTIAL,
    }
    with transaction(scan_catalog.factory) as session:
        update_dataset(session, CLI_ACTOR, datasets["personnes"].id, described)
        update_dataset(
            session, CLI_ACTOR, datasets["a_supprimer"].id, {"description": "Table de travail"}
        )
        # No service describes a field yet: write it as a steward's edit would land.
        for fld in session.scalars(
            select(Field).where(Field.dataset_id == datasets["personnes"].id)
        ):
            if fld.name in ("nom", "ancien_mail"):
                fld.description = f"colonne {fld.name}, décrite à la main"

    _write_v2(store_path)
    second = scan_catalog.scan(store_id)
    assert second.status is ScanStatus.SUCCEEDED, second.errors
    assert second.drift == {
        "tables_new": ["nouvelle"],
        "tables_removed": ["a_supprimer"],
        "columns_new": ["personnes.telephone"],
        "columns_dropped": ["personnes.ancien_mail"],
        "columns_retyped": [{"column": "personnes.code", "from": "INTEGER", "to": "TEXT"}],
    }
    datasets = scan_catalog.datasets(store_id)
    people = datasets["personnes"]
    assert people.removed_at is None
    assert (people.description, people.steward, people.tags, people.sensitivity) == (
        "Annuaire des agents",
        "dpo@valbourg.fr",
        ["rh", "annuaire"],
        Sensitivity.CONFIDENTIAL,
    )
    by_name = {f.name: f for f in people.fields}
    # Removed, not deleted: the dropped column keeps its description.
    assert by_name["ancien_mail"].removed_at is not None
    assert by_name["ancien_mail"].description == "colonne ancien_mail, décrite à la main"
    assert by_name["nom"].removed_at is None
    assert by_name["nom"].description == "colonne nom, décrite à la main"
    assert (by_name["code"].data_type, by_name["telephone"].removed_at) == ("TEXT", None)
    dropped = datasets["a_supprimer"]
    assert dropped.removed_at is not None and dropped.description == "Table de travail"
    assert [f.name for f in dropped.fields] == ["id", "libelle"]

    found = scan_catalog.findings(store_id)
    assert found[("nouvelle", "nir", "FR_NIR")].first_seen_run_id == second.id
    assert found[("personnes", "telephone", "PHONE_NUMBER")].first_seen_run_id == second.id
    # The dropped column no longer holds anything: its suggestion is gone, not personal.
    gone = found[("personnes", "ancien_mail", "EMAIL_ADDRESS")]
    assert gone.gone_since_run_id == second.id and not counts_as_personal(gone)
    assert found[("personnes", "courriel", "EMAIL_ADDRESS")].gone_since_run_id is None
    assert (second.findings_new, second.findings_gone, second.findings_changed) == (2, 1, 0)

    # The dropped table comes back: it is new again, with what stewards wrote about it.
    with sqlite3.connect(store_path) as conn:
        conn.execute("CREATE TABLE a_supprimer (id INTEGER PRIMARY KEY, libelle TEXT)")
    third = scan_catalog.scan(store_id)
    assert third.drift == {"tables_new": ["a_supprimer"]}
    back = scan_catalog.datasets(store_id)["a_supprimer"]
    assert back.removed_at is None and back.description == "Table de travail"
    # Nothing changed since: no drift at all.
    assert scan_catalog.scan(store_id).drift == {}


# --- 2. reviews survive re-scans ----------------------------------------------------------


def _graphql(scan_catalog: Any, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    with scan_catalog.factory() as session:
        context = RequestContext(
            session=session, actor=CLI_ACTOR, settings=Settings(database_url="sqlite://")
        )
        outcome = run_operation(
            schema,
            GraphQLParams(query, variables, None),
            method="POST",
            strict_media=False,
            context=context,
            max_depth=12,
        )
    assert "errors" not in outcome.body, outcome.body
    return outcome.body["data"]  # type: ignore[no-any-return]


FIELDS_QUERY = """query ($id: ID!) { dataset(id: $id) { fields {
    name containsPersonalData findings { entityType status } } } }"""


def _write_dossiers(path: Path, *, libre_emails: int, phones: bool, emails: bool) -> None:
    """60 rows; ``champ_libre`` holds ``libre_emails`` e-mails, the rest codes."""
    ids = _ids(3)
    path.unlink(missing_ok=True)
    mails, other, courriels = _emails(60, "contact"), _codes(60), _emails(60)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE dossiers (id INTEGER PRIMARY KEY, courriel TEXT, telephone TEXT,"
            " champ_libre TEXT)"
        )
        _insert(
            conn,
            "dossiers",
            [
                (
                    i + 1,
                    courriels[i] if emails else f"sans objet {i}",
                    ids.phone() if phones else f"inconnu {i}",
                    mails[i] if i < libre_emails else other[i],
                )
                for i in range(60)
            ],
        )


def test_reviews_survive_rescans_and_rejections_reopen_only_on_material_change(
    scan_catalog: Any, sqlite_url: Callable[[Path], str], tmp_path: Path
) -> None:
    store_path = tmp_path / "social.sqlite"
    _write_dossiers(store_path, libre_emails=39, phones=True, emails=True)  # 65 % e-mails
    store_id = scan_catalog.register("social", sqlite_url(store_path))
    first = scan_catalog.scan(store_id)
    assert first.status is ScanStatus.SUCCEEDED, first.errors
    found = scan_catalog.findings(store_id)
    email_key = ("dossiers", "courriel", "EMAIL_ADDRESS")
    phone_key = ("dossiers", "telephone", "PHONE_NUMBER")
    libre_key = ("dossiers", "champ_libre", "EMAIL_ADDRESS")
    assert found[libre_key].coverage == pytest.approx(0.65)
    assert all(f.status is FindingStatus.SUGGESTED for f in found.values())

    with transaction(scan_catalog.factory) as session:
        review_finding(
            session, CLI_ACTOR, {"finding_id": found[email_key].id, "decision": "CONFIRMED"}
        )
        review_finding(
            session,
            CLI_ACTOR,
            {"finding_id": found[libre_key].id, "decision": "REJECTED", "comment": "codes"},
        )

    def statuses() -> dict[tuple[str, str, str], FindingStatus]:
        return {k: f.status for k, f in scan_catalog.findings(store_id).items()}

    expected = {
        email_key: FindingStatus.CONFIRMED,
        phone_key: FindingStatus.SUGGESTED,
        libre_key: FindingStatus.REJECTED,
    }
    # Same data: reviews unchanged, the rejection does not come back.
    assert scan_catalog.scan(store_id).status is ScanStatus.SUCCEEDED
    assert statuses() == expected
    rejected = scan_catalog.findings(store_id)[libre_key]
    assert (rejected.reviewer, rejected.review_comment) == ("cli", "codes")

    # A small move of the evidence (65 % -> 75 %) is not material: still rejected.
    _write_dossiers(store_path, libre_emails=45, phones=True, emails=True)
    scan_catalog.scan(store_id)
    assert statuses() == expected
    assert scan_catalog.findings(store_id)[libre_key].coverage == pytest.approx(0.75)

    # The column becomes fully e-mails (+0.25 coverage and more): suggested again.
    _write_dossiers(store_path, libre_emails=60, phones=True, emails=True)
    reopened_run = scan_catalog.scan(store_id)
    assert statuses() == {**expected, libre_key: FindingStatus.SUGGESTED}
    assert reopened_run.findings_changed >= 1

    # Phones and e-mails disappear from their columns: the findings are marked gone and
    # keep their review; a gone suggestion stops counting, a confirmed finding still counts.
    _write_dossiers(store_path, libre_emails=60, phones=False, emails=False)
    last = scan_catalog.scan(store_id)
    found = scan_catalog.findings(store_id)
    assert found[phone_key].gone_since_run_id == last.id
    assert found[email_key].gone_since_run_id == last.id
    assert found[libre_key].gone_since_run_id is None
    assert (found[email_key].status, found[phone_key].status) == (
        FindingStatus.CONFIRMED,
        FindingStatus.SUGGESTED,
    )
    assert last.findings_gone == 2
    assert {k[1]: counts_as_personal(f) for k, f in found.items()} == {
        "courriel": True,
        "telephone": False,
        "champ_libre": True,
    }

    # The API's Field.containsPersonalData follows the same rule.
    dataset_id = scan_catalog.datasets(store_id)["dossiers"].id
    data = _graphql(scan_catalog, FIELDS_QUERY, {"id": to_global_id("Dataset", dataset_id)})
    personal = {f["name"]: f["containsPersonalData"] for f in data["dataset"]["fields"]}
    assert personal == {"id": False, "courriel": True, "telephone": False, "champ_libre": True}

    # Reject the reopened one again: the field stops counting as personal data.
    with transaction(scan_catalog.factory) as session:
        review_finding(
            session, CLI_ACTOR, {"finding_id": found[libre_key].id, "decision": "REJECTED"}
        )
    scan_catalog.scan(store_id)
    data = _graphql(scan_catalog, FIELDS_QUERY, {"id": to_global_id("Dataset", dataset_id)})
    personal = {f["name"]: f["containsPersonalData"] for f in data["dataset"]["fields"]}
    assert personal["champ_libre"] is False
    assert statuses()[libre_key] is FindingStatus.REJECTED


# --- 3. one failing table never fails the others ----------------------------------------


#: case -> (DDL added to the good tables, the relation that fails, tables scanned fine)
FAILURES = {
    # A view over a table dropped since: SQLite cannot even describe its columns.
    "view over a dropped table": (
        "CREATE TABLE brouillon (id INTEGER, x TEXT);"
        "CREATE VIEW v_cassee AS SELECT * FROM brouillon;"
        "DROP TABLE brouillon;",
        "v_cassee",
        2,
    ),
    # Described fine, fails while the rows are read (malformed JSON at run time).
    "error while reading rows": (
        "CREATE TABLE brut (id INTEGER PRIMARY KEY, j TEXT);"
        "INSERT INTO brut VALUES (1, '{pas du json');"
        "CREATE VIEW v_json AS SELECT json_extract(j, '$.a') AS a FROM brut;",
        "v_json",
        3,  # brut itself scans fine
    ),
    # Never ends: cut by the statement timeout.
    "statement timeout": (
        "CREATE VIEW v_lente AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)"
        " SELECT x FROM c WHERE x < 0;",
        "v_lente",
        2,
    ),
}


def _write_good_tables(path: Path) -> None:
    ids = _ids(4)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE agents (id INTEGER PRIMARY KEY, nir TEXT, courriel TEXT)")
        emails = _emails(40)
        _insert(conn, "agents", [(i + 1, ids.nir(), emails[i]) for i in range(40)])
        conn.execute("CREATE TABLE zz_contacts (id INTEGER PRIMARY KEY, telephone TEXT)")
        _insert(conn, "zz_contacts", [(i + 1, ids.phone()) for i in range(40)])


@pytest.mark.parametrize("case", list(FAILURES))
def test_one_failing_sqlite_table_does_not_fail_the_others(
    case: str, scan_catalog: Any, sqlite_url: Callable[[Path], str], tmp_path: Path
) -> None:
    ddl, failing, scanned = FAILURES[case]
    path = tmp_path / "store.sqlite"
    _write_good_tables(path)
    with sqlite3.connect(path) as conn:
        conn.executescript(ddl)
    store_id = scan_catalog.register("store", sqlite_url(path))
    run = scan_catalog.scan(store_id, ScanOptions(sample_size=200, timeout_s=0.5))
    assert run.status is ScanStatus.PARTIAL, run.errors
    assert (run.datasets_failed, run.datasets_scanned) == (1, scanned)
    [error] = run.errors
    assert error["dataset"] == failing and failing in error["message"], error
    found = scan_catalog.findings(store_id)
    assert {k for k in found} >= {
        ("agents", "nir", "FR_NIR"),
        ("agents", "courriel", "EMAIL_ADDRESS"),
        ("zz_contacts", "telephone", "PHONE_NUMBER"),
    }
    assert failing in scan_catalog.datasets(store_id)  # harvested all the same


def test_unreachable_sqlite_store_fails_the_run_with_a_clear_message(
    scan_catalog: Any, sqlite_url: Callable[[Path], str], tmp_path: Path
) -> None:
    missing = tmp_path / "absent.sqlite"
    store_id = scan_catalog.register("absent", sqlite_url(missing))
    run = scan_catalog.scan(store_id)
    assert run.status is ScanStatus.FAILED
    assert run.errors == [
        {"dataset": None, "kind": "not found", "message": f"SQLite file not found: {missing}"}
    ]
    assert (run.datasets_scanned, run.datasets_failed, run.finished_at is not None) == (0, 0, True)

    not_sqlite = tmp_path / "texte.sqlite"
    not_sqlite.write_text("ceci n'est pas une base SQLite\n" * 100)
    run = scan_catalog.scan(scan_catalog.register("texte", sqlite_url(not_sqlite)))
    assert run.status is ScanStatus.FAILED
    assert run.errors[0]["message"].startswith(f"cannot open SQLite file {not_sqlite}")


# --- PostgreSQL ---------------------------------------------------------------------------

psycopg = pytest.importorskip("psycopg")


@pytest.fixture
def pg_database(pg_server_url: str) -> Iterator[Callable[[str], str]]:
    """``pg_database(sql)``: a new database on the test server holding ``sql``; its URL."""
    base = pg_server_url.rpartition("/")[0]
    made: list[str] = []

    def make(ddl: str) -> str:
        name = f"registre_scan_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(pg_server_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        url = f"{base}/{name}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(ddl)
        return url

    yield make
    with psycopg.connect(pg_server_url, autocommit=True) as admin:
        for name in made:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_agents_sql() -> str:
    ids = _ids(5)
    emails = _emails(50)
    rows = ", ".join(
        f"({i + 1}, '{SURNAMES[i % 30]}', '{ids.nir()}', '{emails[i]}', 'x{i}', {100 + i})"
        for i in range(50)
    )
    # Generated identifiers and e-mails only: nothing to escape.
    return f"""
        CREATE SCHEMA rh;
        CREATE TABLE rh.agents (
            id integer PRIMARY KEY, nom text, nir varchar(15), courriel text, ancien text,
            matricule integer
        );
        INSERT INTO rh.agents VALUES {rows};
        CREATE TABLE rh.a_supprimer (id integer, libelle text);
    """  # noqa: S608


@pytest.mark.postgres
def test_postgresql_scan_findings_and_drift(
    scan_catalog: Any, pg_database: Callable[[str], str]
) -> None:
    url = pg_database(_pg_agents_sql())
    store_id = scan_catalog.register("rh-pg", url)
    first = scan_catalog.scan(store_id)
    assert first.status is ScanStatus.SUCCEEDED, first.errors
    assert first.drift == {"tables_new": ["rh.a_supprimer", "rh.agents"]}
    found = scan_catalog.findings(store_id)
    nir = found[("rh.agents", "nir", "FR_NIR")]
    assert nir.coverage == 1.0 and nir.recognizer == "FrNirRecognizer"
    assert nir.masked_example is not None and "*" in nir.masked_example
    assert ("rh.agents", "courriel", "EMAIL_ADDRESS") in found
    assert {f.entity_type for k, f in found.items() if k[1] in ("id", "matricule")} == set()

    with transaction(scan_catalog.factory) as session:
        dataset = session.scalar(select(Dataset).where(Dataset.name == "agents"))
        assert dataset is not None
        update_dataset(session, CLI_ACTOR, dataset.id, {"description": "Agents", "tags": ["rh"]})

    ids = _ids(6)
    phones = "; ".join(
        f"UPDATE rh.agents SET telephone = '{ids.phone()}' WHERE id = {i + 1}"  # noqa: S608
        for i in range(50)
    )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "ALTER TABLE rh.agents ADD COLUMN telephone text;"
            "ALTER TABLE rh.agents DROP COLUMN ancien;"
            "ALTER TABLE rh.agents ALTER COLUMN matricule TYPE bigint;"
            "DROP TABLE rh.a_supprimer;"
            "CREATE TABLE rh.nouvelle (id integer, libelle text);"
        )
        conn.execute(phones)
    second = scan_catalog.scan(store_id)
    assert second.status is ScanStatus.SUCCEEDED, second.errors
    assert second.drift == {
        "tables_new": ["rh.nouvelle"],
        "tables_removed": ["rh.a_supprimer"],
        "columns_new": ["rh.agents.telephone"],
        "columns_dropped": ["rh.agents.ancien"],
        "columns_retyped": [{"column": "rh.agents.matricule", "from": "integer", "to": "bigint"}],
    }
    datasets = scan_catalog.datasets(store_id)
    assert (datasets["rh.agents"].description, datasets["rh.agents"].tags) == ("Agents", ["rh"])
    assert datasets["rh.a_supprimer"].removed_at is not None
    assert ("rh.agents", "telephone", "PHONE_NUMBER") in scan_catalog.findings(store_id)
    assert (
        scan_catalog.findings(store_id)[("rh.agents", "nir", "FR_NIR")].last_seen_run_id
        == second.id
    )


@pytest.mark.postgres
def test_postgresql_statement_timeout_fails_one_table_only(
    scan_catalog: Any, pg_database: Callable[[str], str]
) -> None:
    slow_view = "CREATE VIEW rh.lente AS SELECT 1 AS x FROM pg_sleep(5);"
    url = pg_database(_pg_agents_sql() + slow_view)
    store_id = scan_catalog.register("lent", url)
    run = scan_catalog.scan(store_id, ScanOptions(sample_size=200, timeout_s=1))
    assert run.status is ScanStatus.PARTIAL, run.errors
    assert (run.datasets_failed, run.datasets_scanned) == (1, 2)
    [error] = run.errors
    assert error["dataset"] == "rh.lente"
    assert "rh.lente" in error["message"] and "statement timeout" in error["message"]
    assert ("rh.agents", "nir", "FR_NIR") in scan_catalog.findings(store_id)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.postgres
def test_unreachable_postgresql_fails_the_run_without_leaking_the_secret(
    scan_catalog: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = _free_port()
    monkeypatch.setenv("REGISTRE_SECRET_TEST_PG", "s3cr3t-Pa55")
    store_id = scan_catalog.register(
        "ailleurs",
        f"postgresql://scanner@127.0.0.1:{port}/rh",
        secret_ref="env:REGISTRE_SECRET_TEST_PG",  # noqa: S106 - a variable name
    )
    run = scan_catalog.scan(store_id)
    assert run.status is ScanStatus.FAILED
    [error] = run.errors
    assert error["dataset"] is None
    assert error["message"].startswith(
        f"cannot connect to PostgreSQL at postgresql://127.0.0.1:{port}/rh"
    )
    assert "s3cr3t" not in str(run.errors)
    with scan_catalog.factory() as session:
        assert session.scalar(select(Finding.id)) is None


# --- MariaDB ------------------------------------------------------------------------------


@pytest.mark.mysql
def test_mysql_view_over_a_dropped_table_fails_alone(
    scan_catalog: Any, mysql_server_url: str
) -> None:
    """MariaDB lists a broken view without columns: it must fail, not pass as empty."""
    from urllib.parse import urlparse

    pymysql = pytest.importorskip("pymysql")
    parsed = urlparse(mysql_server_url)
    name = f"registre_scan_{uuid.uuid4().hex[:10]}"
    admin = pymysql.connect(
        host=parsed.hostname, port=parsed.port or 3306, user=parsed.username or "root",
        password=parsed.password or "", autocommit=True,
    )  # fmt: skip
    ids = _ids(7)
    try:
        with admin.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
            cur.execute(f"USE `{name}`")
            cur.execute("CREATE TABLE agents (id int PRIMARY KEY, nir varchar(15), courriel text)")
            cur.executemany(
                "INSERT INTO agents VALUES (%s, %s, %s)",
                [(i + 1, ids.nir(), e) for i, e in enumerate(_emails(40))],
            )
            cur.execute("CREATE TABLE brouillon (id int)")
            cur.execute("CREATE VIEW v_cassee AS SELECT * FROM brouillon")
            cur.execute("DROP TABLE brouillon")
        store_id = scan_catalog.register("maria", f"{mysql_server_url.rpartition('/')[0]}/{name}")
        run = scan_catalog.scan(store_id)
        assert run.status is ScanStatus.PARTIAL, run.errors
        assert (run.datasets_scanned, run.datasets_failed) == (1, 1)
        [error] = run.errors
        assert error["dataset"] == f"{name}.v_cassee" and "v_cassee" in error["message"]
        assert (f"{name}.agents", "nir", "FR_NIR") in scan_catalog.findings(store_id)
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        admin.close()
