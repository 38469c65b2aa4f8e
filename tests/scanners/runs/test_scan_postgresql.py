"""Scan runs on PostgreSQL: findings and drift, a statement timeout failing one table only,
an unreachable server that never leaks the secret.

The store is a database of its own on the test server (the connector harvests every schema
of a database, so a database of its own keeps other tests' tables out of the drift)."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data.stores import update_dataset
from registre.catalog.db import transaction
from registre.catalog.enums import ScanStatus
from registre.catalog.models import Dataset, Finding
from registre.scanners.runs.scan import ScanOptions
from tests.scanners.runs.store_values import SURNAMES, agent_emails, identifiers

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
    ids = identifiers(5)
    emails = agent_emails(50)
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
    """


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

    ids = identifiers(6)
    phones = "; ".join(
        f"UPDATE rh.agents SET telephone = '{ids.phone()}' WHERE id = {i + 1}" for i in range(50)
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
        secret_ref="env:REGISTRE_SECRET_TEST_PG",
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
