"""A real re-scan of an open dataset that finds a new personal column: the publication
gate withholds it, audits why, and the CRPA-L312-1-2-PUBLICATION issue is raised."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.compliance.engine import evaluate
from registre.catalog.data.stores import update_dataset
from registre.catalog.db import transaction
from registre.catalog.models import AuditEvent, Dataset
from registre.catalog.publication import gate
from tests.scanners.runs.store_values import agent_emails, insert_rows


def test_a_rescan_finding_an_email_column_withholds_the_open_dataset(
    scan_catalog: Any, sqlite_url: Callable[[Path], str], tmp_path: Path
) -> None:
    sc = scan_catalog
    path = tmp_path / "voirie.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE signalements (id INTEGER PRIMARY KEY, categorie TEXT, gravite INT)"
        )
        kinds = ["nid-de-poule", "éclairage", "dépôt sauvage", "signalisation"]
        insert_rows(conn, "signalements", [(i, kinds[i % 4], i % 3) for i in range(1, 61)])
    store_id = sc.register("voirie", sqlite_url(path))
    sc.scan(store_id)
    with transaction(sc.factory) as session:
        dataset = session.scalars(select(Dataset).where(Dataset.name == "signalements")).one()
        update_dataset(session, CLI_ACTOR, dataset.id, {"open_data_access": "OPEN"})
        dataset_id = dataset.id
    with sc.factory() as session:
        assert dataset_id in set(session.scalars(select(Dataset.id).where(gate.published())))

    # the service adds who reported the problem: a column of e-mail addresses
    emails = agent_emails(60)
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE signalements ADD COLUMN courriel TEXT")
        for i in range(1, 61):
            conn.execute("UPDATE signalements SET courriel = ? WHERE id = ?", (emails[i - 1], i))
    sc.scan(store_id)

    with sc.factory() as session:
        assert dataset_id not in set(session.scalars(select(Dataset.id).where(gate.published())))
        withheld = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "publication_withheld")
        ).one()
        assert withheld.actor == "scanner" and withheld.entity_id == dataset_id
        assert [b["field"] for b in withheld.after["blockers"]] == ["courriel"]
        (issue,) = [i for i in evaluate(session) if i.rule == gate.RULE_ID]
        assert issue.subject_id == dataset_id and issue.facts["fields"] == ["courriel"]


TURTLE = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .

<https://data.valbourg.fr/catalogue> a dcat:Catalog ;
    dct:title "Données ouvertes de Valbourg" ;
    dcat:dataset <https://data.valbourg.fr/jdd/signalements> ,
        <https://data.valbourg.fr/jdd/budget> .

<https://data.valbourg.fr/jdd/signalements> a dcat:Dataset ;
    dct:identifier "signalements-voirie" ;
    dct:title "Signalements de voirie" ;
    dcat:distribution [ a dcat:Distribution ; dcat:downloadURL <publies/signalements.csv> ] .

<https://data.valbourg.fr/jdd/budget> a dcat:Dataset ;
    dct:identifier "budget-primitif" ;
    dct:title "Budget primitif" ;
    dcat:distribution [ a dcat:Distribution ;
        dcat:downloadURL <https://data.valbourg.fr/budget.csv> ] .
"""


def test_an_imported_dataset_published_as_a_file_is_scanned_where_it_was_imported(
    scan_catalog: Any, tmp_path: Path
) -> None:
    """``registre import dcat`` then a scan: the published file's columns, its findings and
    the publication gate meet the imported metadata in one dataset."""
    from registre.catalog.publication.dcat_import import import_dcat

    sc = scan_catalog
    folder = tmp_path / "portail"
    (folder / "publies").mkdir(parents=True)
    emails = agent_emails(40)
    lines = ["id;categorie;courriel"] + [f"{i};voirie;{emails[i]}" for i in range(40)]
    (folder / "publies" / "signalements.csv").write_text("\n".join(lines) + "\n", "utf-8")
    catalogue = folder / "catalogue.ttl"
    catalogue.write_text(TURTLE, "utf-8")
    with transaction(sc.factory) as session:
        report = import_dcat(session, CLI_ACTOR, catalogue)
    imported = {d.external_ref: d for d in sc.datasets(_store_id(sc, report.store)).values()}
    assert (imported["signalements-voirie"].schema_name, imported["signalements-voirie"].name) == (
        "publies",
        "signalements.csv",
    )
    # a remote download is not a file the store can read: the dataset keeps its title
    assert imported["budget-primitif"].name == "Budget primitif"

    sc.scan(_store_id(sc, report.store))
    scanned = sc.datasets(_store_id(sc, report.store))
    assert len(scanned) == 2  # harvested into the imported row, not beside it
    dataset = next(d for d in scanned.values() if d.external_ref == "signalements-voirie")
    assert dataset.title == "Signalements de voirie"
    assert [f.name for f in dataset.fields] == ["id", "categorie", "courriel"]
    assert {f.entity_type for f in dataset.fields[2].findings} == {"EMAIL_ADDRESS"}
    with sc.factory() as session:
        assert dataset.id not in set(session.scalars(select(Dataset.id).where(gate.published())))


def _store_id(sc: Any, name: str) -> int:
    from registre.catalog.models import DataStore

    with sc.factory() as session:
        return session.scalars(select(DataStore.id).where(DataStore.name == name)).one()
