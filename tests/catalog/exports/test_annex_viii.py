"""The AI Act Annex VIII Section C export of a high-risk AI system."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from registre.catalog.enums import AssessmentStatus
from registre.catalog.errors import InvalidInput, NotFound
from registre.catalog.exports.registry import ExportFormat, ExportKind, build_export
from registre.catalog.models import AISystem, Assessment, Organisation
from tests.catalog.exports.exports_seed import AUDITOR, NOW, Seeded, export


def test_annex_viii_c_has_the_five_items(seeded: Seeded) -> None:
    result = export(seeded, ExportKind.ANNEX_VIII, ai_system_id=seeded.triage_id)
    data = json.loads(result.content)
    section = data["section_c"]
    assert data["missing"] == []
    assert section["deployer"] == {
        "name": "Ville de Valbourg",
        "siren": "217601244",
        "address": "Hôtel de ville, 1 place de la Mairie, 45160 Valbourg",
        "contact": "dpo@valbourg.example",
    }
    assert section["submitter"]["name"] == "Direction des solidarités"
    assert section["submitter"]["address"] == section["deployer"]["address"]
    assert section["provider_eu_database_entry"] == {
        "provider": "Algo Services SAS",
        "reference": "https://ec.europa.eu/ai-db/EUDB-0042",
    }
    assert section["fria_summary"]["date"] == "2025-11-03"
    assert section["fria_summary"]["summary"].startswith("Risque d'exclusion")
    # no DPIA on the system itself: the one of its Art. 30 entry
    assert section["dpia_summary"]["summary"].startswith("Données de santé minimisées")
    assert data["generated_on"] == "2026-03-02"


def test_annex_viii_lists_what_is_missing(seeded: Seeded) -> None:
    data = json.loads(
        export(seeded, ExportKind.ANNEX_VIII, ai_system_id=seeded.bare_high_id).content
    )
    missing = " ".join(data["missing"])
    for item in (
        "deployer.name",
        "submitter.name",
        "provider_eu_database_entry",
        "fria_summary",
        "dpia_summary",
    ):
        assert item in missing
    assert data["section_c"]["fria_summary"] is None


def test_annex_viii_refuses_a_system_that_is_not_high_risk(seeded: Seeded) -> None:
    with pytest.raises(InvalidInput, match="high-risk"):
        export(seeded, ExportKind.ANNEX_VIII, ai_system_id=seeded.quotient_id)
    with pytest.raises(InvalidInput, match="aiSystemId"):
        export(seeded, ExportKind.ANNEX_VIII)
    with pytest.raises(InvalidInput, match="CSV"):
        export(seeded, ExportKind.ANNEX_VIII, ExportFormat.CSV, ai_system_id=seeded.triage_id)
    with pytest.raises(NotFound):
        export(seeded, ExportKind.ANNEX_VIII, ai_system_id=9999)


def _export_as(seeded: Seeded, system_id: int, **changes: Any) -> Any:
    """The Annex VIII export of a system changed in a transaction rolled back after."""
    with seeded.factory() as session:
        system = session.get(AISystem, system_id)
        for key, value in changes.pop("system", {}).items():
            setattr(system, key, value)
        for assessment in session.scalars(select(Assessment).filter_by(ai_system_id=system_id)):
            for key, value in changes.get("assessments", {}).items():
                setattr(assessment, key, value)
        session.flush()
        return build_export(session, AUDITOR, ExportKind.ANNEX_VIII, None, now=NOW,
                            ai_system_id=system_id)  # fmt: skip


def test_annex_viii_points_1_6_7_carry_items_1_to_3_only(seeded: Seeded) -> None:
    # AI Act Art. 49(4)(c): law enforcement, migration, biometrics: Section C points 1-3
    data = json.loads(
        _export_as(seeded, seeded.triage_id, system={"annex_iii_point": "6(d)"}).content
    )
    assert list(data["section_c"]) == ["deployer", "submitter", "provider_eu_database_entry"]
    assert data["non_public_section"] is True and data["missing"] == []


def test_annex_viii_refuses_point_2(seeded: Seeded) -> None:
    # AI Act Art. 49(5): critical infrastructure is registered at national level
    with pytest.raises(InvalidInput, match="Art. 49\\(5\\)"):
        _export_as(seeded, seeded.triage_id, system={"annex_iii_point": "2"})


def test_annex_viii_fria_summary_only_from_a_completed_fria(seeded: Seeded) -> None:
    # AI Act Art. 27 and Annex VIII C.4: "a summary of the findings" of the assessment done
    data = json.loads(
        _export_as(seeded, seeded.triage_id, assessments={"status": AssessmentStatus.IN_PROGRESS})
        .content
    )  # fmt: skip
    assert data["section_c"]["fria_summary"] is None
    assert any(m.startswith("fria_summary") for m in data["missing"])


def test_annex_viii_lists_a_missing_address(seeded: Seeded) -> None:
    # Annex VIII C.1: "the name, address and contact details of the deployer"
    with seeded.factory() as session:  # rolled back: the module's register stays as it is
        city = session.scalar(select(Organisation).filter_by(name="Ville de Valbourg"))
        assert city is not None
        city.address = None
        session.flush()
        result = build_export(
            session, AUDITOR, ExportKind.ANNEX_VIII, None, now=NOW, ai_system_id=seeded.triage_id
        )
    data = json.loads(result.content)
    assert data["section_c"]["deployer"]["address"] is None
    assert data["missing"] == ["deployer.address: the deployer's postal address is not recorded"]
