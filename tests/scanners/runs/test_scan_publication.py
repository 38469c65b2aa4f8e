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
