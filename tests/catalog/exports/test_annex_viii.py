"""The AI Act Annex VIII Section C export of a high-risk AI system."""

from __future__ import annotations

import json

import pytest

from registre.catalog.errors import InvalidInput, NotFound
from registre.catalog.exports.registry import ExportFormat, ExportKind
from tests.catalog.exports.exports_seed import Seeded, export


def test_annex_viii_c_has_the_five_items(seeded: Seeded) -> None:
    result = export(seeded, ExportKind.ANNEX_VIII, ai_system_id=seeded.triage_id)
    data = json.loads(result.content)
    section = data["section_c"]
    assert data["missing"] == []
    assert section["deployer"] == {
        "name": "Ville de Valbourg",
        "siren": "217601244",
        "contact": "dpo@valbourg.example",
    }
    assert section["submitter"]["name"] == "Direction des solidarités"
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
