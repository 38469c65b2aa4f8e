"""The public algorithm inventory export (CRPA L312-1-3): CSV (golden file) and JSON."""

from __future__ import annotations

import json

from registre.catalog.enums import AISystemStatus
from registre.catalog.exports.registry import ExportFormat, ExportKind, build_export
from registre.catalog.models import AISystem
from tests.catalog.exports.exports_seed import AUDITOR, NOW, Seeded, csv_rows, export, golden


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
    assert triage["donnees_et_sources"] == "aides/demandes (entrée) | rh/agents (entraînement)"
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
    assert entries[1]["donnees_et_sources"] == [
        "aides/demandes (entrée)",
        "rh/agents (entraînement)",
    ]
    assert entries[1]["decisions_par_an"] == 12000
    assert entries[0]["lien_code_source"] is None


def test_inventory_has_etalab_items_and_leaves_retired_systems_out(seeded: Seeded) -> None:
    entries = json.loads(export(seeded, ExportKind.INVENTORY, ExportFormat.JSON).content)
    triage = entries["inventaire"][1]
    # Etalab's guide: scope of the decision, collection mode, operations performed, impact
    # resources, French wording only
    assert triage["mode_collecte"].startswith("formulaire de demande en ligne")
    assert triage["operations_realisees"].startswith("calcul d'un score d'urgence")
    assert triage["portee_decision"] == "décisions individuelles, environ 12000 par an"
    assert triage["ressources_impact"][1].startswith("analyse d'impact sur les droits")
    assert "domaine : prestations sociales" in triage["fonctionnement"]
    with seeded.factory() as session:  # rolled back: the module's register stays as it is
        session.get(AISystem, seeded.quotient_id).status = AISystemStatus.RETIRED
        session.get(AISystem, seeded.triage_id).source_code_url = "https://git.example/triage"
        session.flush()
        result = build_export(session, AUDITOR, ExportKind.INVENTORY, ExportFormat.JSON, now=NOW)
    (entry,) = json.loads(result.content)["inventaire"]  # the retired one is left out
    assert entry["lien_code_source"] == "https://git.example/triage"
