"""Reviews survive re-scans; a rejection reopens only when the evidence changes materially."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data.findings import counts_as_personal, review_finding
from registre.catalog.db import transaction
from registre.catalog.enums import FindingStatus, ScanStatus
from registre.graphql.ids import to_global_id
from tests.scanners.runs.store_values import agent_emails, codes, identifiers, insert_rows

# --- 2. reviews survive re-scans ----------------------------------------------------------


FIELDS_QUERY = """query ($id: ID!) { dataset(id: $id) { fields {
    name containsPersonalData findings { entityType status } } } }"""


def _write_dossiers(path: Path, *, libre_emails: int, phones: bool, emails: bool) -> None:
    """60 rows; ``champ_libre`` holds ``libre_emails`` e-mails, the rest codes."""
    ids = identifiers(3)
    path.unlink(missing_ok=True)
    mails, other, courriels = agent_emails(60, "contact"), codes(60), agent_emails(60)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE dossiers (id INTEGER PRIMARY KEY, courriel TEXT, telephone TEXT,"
            " champ_libre TEXT)"
        )
        insert_rows(
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
    data = scan_catalog.graphql(FIELDS_QUERY, {"id": to_global_id("Dataset", dataset_id)})
    personal = {f["name"]: f["containsPersonalData"] for f in data["dataset"]["fields"]}
    assert personal == {"id": False, "courriel": True, "telephone": False, "champ_libre": True}

    # Reject the reopened one again: the field stops counting as personal data.
    with transaction(scan_catalog.factory) as session:
        review_finding(
            session, CLI_ACTOR, {"finding_id": found[libre_key].id, "decision": "REJECTED"}
        )
    scan_catalog.scan(store_id)
    data = scan_catalog.graphql(FIELDS_QUERY, {"id": to_global_id("Dataset", dataset_id)})
    personal = {f["name"]: f["containsPersonalData"] for f in data["dataset"]["fields"]}
    assert personal["champ_libre"] is False
    assert statuses()[libre_key] is FindingStatus.REJECTED
