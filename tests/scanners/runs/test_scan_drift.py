"""A re-scan of a SQLite store records the exact drift and keeps the stewards' work."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data.findings import counts_as_personal
from registre.catalog.data.stores import update_dataset
from registre.catalog.db import transaction
from registre.catalog.enums import ScanStatus, Sensitivity
from registre.catalog.models import Field
from tests.scanners.runs.store_values import SURNAMES, agent_emails, identifiers, insert_rows

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
        emails, old = agent_emails(60), agent_emails(60, "ancien")
        insert_rows(
            conn,
            "personnes",
            [(i + 1, SURNAMES[i % 30], emails[i], old[i], 1000 + i) for i in range(60)],
        )
        insert_rows(conn, "a_supprimer", [(i + 1, f"libellé {i}") for i in range(10)])


def _write_v2(path: Path) -> None:
    """New column, dropped column, retyped column (SQLite: the table is recreated), a
    new table, a dropped table."""
    ids = identifiers(2)
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
        insert_rows(conn, "nouvelle", [(i + 1, ids.nir()) for i in range(40)])


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
