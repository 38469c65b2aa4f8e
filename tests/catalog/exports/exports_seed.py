"""The catalog the export tests read: a city, two scanned stores, four AI systems, two
processing activities and their assessments, built through the catalog services in named
steps. Dates are pinned so that the golden files do not move."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from registre.catalog.access.roles import CLI_ACTOR, Actor
from registre.catalog.data.findings import record_findings, review_finding
from registre.catalog.data.harvest import harvest
from registre.catalog.data.harvested import ColumnFinding, ColumnInfo, TableInfo
from registre.catalog.data.stores import create_organisation, register_data_store
from registre.catalog.enums import Role
from registre.catalog.exports.common import ExportFile
from registre.catalog.exports.registry import ExportFormat, ExportKind, build_export
from registre.catalog.governance.register import (
    create_processing_activity,
    link_ai_system_dataset,
    link_processing_activity,
    record_assessment,
    register_ai_system,
)
from registre.catalog.models import AISystem, Dataset, DataStore, Finding, ProcessingActivity
from registre.scanners.runs.lifecycle import start_scan
from tests.support.catalogs import Databases, open_catalog

GOLDEN = Path(__file__).parent / "golden"
UPDATE_GOLDEN = os.environ.get("REGISTRE_UPDATE_GOLDEN") == "1"
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
MASKED = "1 85 ** ** *** *** 36"  # evidence: must never appear in an export
AUDITOR = Actor("auditrice", Role.AUDITOR)


@dataclass
class ExportIds:
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


def _scan(session: Session, store_id: int, table: TableInfo, evidence: dict[str, Any]) -> None:
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


def organisations_and_stores(s: Session) -> dict[str, Any]:
    """The city (controller), the AI provider, and the two data stores."""
    city = create_organisation(
        s,
        CLI_ACTOR,
        {
            "name": "Ville de Valbourg",
            "siren": "217601244",
            "is_public_body": True,
            "country": "FR",
            "dpo_contact": "dpo@valbourg.example",
            "address": "Hôtel de ville, 1 place de la Mairie, 45160 Valbourg",
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
    return {"city": city, "provider": provider, "rh": rh, "aides": aides}


def scanned_personal_data(s: Session, rh: DataStore, aides: DataStore) -> dict[str, Dataset]:
    """One table per store, scanned and reviewed: NIR, e-mail and health data confirmed."""
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
    return {d.name: d for st in (rh, aides) for d in st.datasets}


def ai_systems(s: Session, provider_id: int) -> dict[str, AISystem]:
    """The triage system (complete), the quotient rules, an assistant, a bare high-risk one."""
    triage = register_ai_system(
        s,
        CLI_ACTOR,
        {
            "name": "Tri des demandes d'aide",
            "purpose": "Classer les demandes d'aide sociale facultative par urgence",
            "data_collection": "formulaire de demande en ligne et pièces justificatives",
            "operations": "calcul d'un score d'urgence à partir des ressources et de la "
            "situation familiale, puis tri des dossiers",
            "use_area": "SOCIAL_BENEFITS",
            "provider_id": provider_id,
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
    return {"triage": triage, "quotient": quotient, "bare": bare}


def processing_activities(
    s: Session, city_id: int, systems: dict[str, AISystem], datasets: dict[str, Dataset]
) -> int:
    """The Art. 30 records and their links, then their assessments; the CCAS's record id."""
    triage, quotient = systems["triage"], systems["quotient"]
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
            "controller_id": city_id,
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
    s.flush()
    _assessments(s, triage.id, activity.id)
    return activity.id


def _assessments(s: Session, triage_id: int, activity_id: int) -> None:
    """The FRIA of the triage system and the DPIA of its processing activity."""
    record_assessment(
        s,
        CLI_ACTOR,
        {
            "kind": "FRIA",
            "status": "COMPLETED",
            "date": dt.date(2025, 11, 3),
            "summary": "Risque d'exclusion des demandeurs sans dossier numérique; "
            "revue humaine systématique",
            "ai_system_id": triage_id,
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
            "processing_activity_id": activity_id,
        },
    )
    s.flush()


def seed(s: Session) -> ExportIds:
    """Seed of the export catalog template."""
    made = organisations_and_stores(s)
    datasets = scanned_personal_data(s, made["rh"], made["aides"])
    systems = ai_systems(s, made["provider"].id)
    activity_id = processing_activities(s, made["city"].id, systems, datasets)
    # the inventory publishes the last update date: pin it for the golden file
    for system in s.scalars(select(AISystem)):
        system.updated_at = NOW
    for entry in s.scalars(select(ProcessingActivity)):  # and the Art. 30 record's dates
        entry.created_at = entry.updated_at = NOW
    return ExportIds(systems["triage"].id, systems["quotient"].id, systems["bare"].id, activity_id)


@dataclass
class Seeded(ExportIds):
    """The export catalog of a test module: its sessions, its URL and the seed's ids."""

    factory: sessionmaker[Session]
    url: str


@contextmanager
def open_seeded(databases: Databases) -> Iterator[Seeded]:
    """A copy of the export catalog (SQLite: exports do not depend on the backend)."""
    with open_catalog(databases, seed=seed) as catalog:
        yield Seeded(**vars(catalog.payload), factory=catalog.factory, url=catalog.url)


def export(
    seeded: Seeded, kind: ExportKind, fmt: ExportFormat | None = None, **ids: int
) -> ExportFile:
    with seeded.factory() as session:
        return build_export(session, AUDITOR, kind, fmt, now=NOW, **ids)


def golden(name: str, content: str) -> None:
    """``content`` is the golden file ``name`` (rewritten with ``REGISTRE_UPDATE_GOLDEN=1``)."""
    path = GOLDEN / name
    if UPDATE_GOLDEN:
        path.write_bytes(content.encode("utf-8"))
    assert path.read_bytes().decode("utf-8") == content, f"{name} differs from its golden file"


def csv_rows(content: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content, newline=""), delimiter=delimiter))
