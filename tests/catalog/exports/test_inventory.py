"""The public algorithm inventory export (CRPA L312-1-3): CSV (golden file) and JSON."""

from __future__ import annotations

import json

from registre.catalog.exports.registry import ExportFormat, ExportKind
from tests.catalog.exports.exports_seed import Seeded, csv_rows, export, golden


def test_inventory_csv_lists_only_individual_decision_systems(seeded: Seeded) -> None:
    result = export(seeded, ExportKind.INVENTORY)
    golden("inventory.csv", result.content)
    rows = csv_rows(result.content)
    assert [r["nom"] for r in rows] == ["Calcul du quotient familial", "Tri des demandes d'aide"]
    triage = rows[1]
    assert triage["administration"] == "Ville de Valbourg"
    assert triage["service"] == "CCAS"
    assert triage["contact"] == "Direction des solidarités"
    assert triage["date_mise_a_jour"] == "2026-03-02"
    assert triage["niveau_automatisation"] == "aide à la décision"
    assert triage["type_algorithme"] == "apprentissage automatique"
    assert triage["decisions_par_an"] == "12000"
    assert triage["base_legale"] == "Art. 6(1)(e) mission d'intérêt public"
    assert triage["public_concerne"] == "demandeurs | ayants droit"
    assert triage["donnees_et_sources"] == "aides/demandes (INPUT) | rh/agents (TRAINING)"
    assert triage["lien_publication"] == "https://valbourg.example/algorithmes"
    quotient = rows[0]
    assert quotient["type_algorithme"] == "règles explicites"
    assert quotient["niveau_automatisation"] == "décision entièrement automatisée"


def test_inventory_json_matches_the_csv(seeded: Seeded) -> None:
    result = export(seeded, ExportKind.INVENTORY, ExportFormat.JSON)
    assert result.filename == "inventaire-algorithmes.json"
    entries = json.loads(result.content)["inventaire"]
    table = csv_rows(export(seeded, ExportKind.INVENTORY).content)
    assert [e["nom"] for e in entries] == [r["nom"] for r in table]
    assert entries[1]["donnees_et_sources"] == ["aides/demandes (INPUT)", "rh/agents (TRAINING)"]
    assert entries[1]["decisions_par_an"] == 12000
    assert entries[0]["lien_code_source"] is None
