"""Register the demo city in the catalog: its data store, AI systems, policies, records.

The AI systems are chosen so that the register shows real gaps as well as systems in
order: a high-risk mobility decision aid without FRIA, a citizen chatbot hosted outside
the EU, a procurement assistant with its homologation done.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registre.catalog.access.roles import Actor
from registre.catalog.access.tokens import create_token
from registre.catalog.data import stores
from registre.catalog.governance import register as ai_register
from registre.catalog.governance.policy_packs import load_pack
from registre.catalog.models import DataStore, Policy
from registre.demo.city import CITY_NAME, TABLE_SIZES

STORE_NAME = "valbourg-si"

ORGANISATIONS: list[dict[str, Any]] = [
    {
        "name": CITY_NAME,
        "siren": "214501603",
        "is_public_body": True,
        "country": "FR",
        "legal_category": "7210",  # INSEE: commune
        "headcount": 1200,
        "dpo_contact": "dpo@valbourg.fr",
    },
    {
        "name": "Nuage Souverain SAS",
        "country": "FR",
        "legal_category": "5710",  # INSEE: SAS
        "qualifications": ["SECNUMCLOUD"],
    },
    {"name": "Hyperscale Cloud Inc.", "country": "US", "non_eu_control": True},
    {"name": "Marchés Assistés SARL", "country": "FR", "legal_category": "5499"},  # SARL
]

#: shipped policy packs the demo loads (config/policies/*.yaml)
PACKS = ("pssie", "secnumcloud", "ai-act", "iso42001", "gdpr")

CHARTER: dict[str, Any] = {
    "kind": "GOVERNANCE",
    "framework": "INTERNAL_CHARTER",
    "control_ref": "CHARTE-IA-4",
    "title": "Garder une décision humaine pour toute décision individuelle",
    "owner": "Comité éthique et numérique de Valbourg",
}


#: Publication metadata the two open datasets share.
OPEN_DATA_METADATA: dict[str, Any] = {
    "open_data_access": "OPEN",
    "licence": "LICENCE_OUVERTE_2_0",
    "publisher": CITY_NAME,
    "contact_point": "opendata@valbourg.fr",
    "spatial": "https://www.geonames.org/3031582",
}

#: What the demo says of its datasets, beyond what the scan finds. Two are open data:
#: the traffic counts pass the publication gate; the grants (subventions) pass it now, when
#: nothing is known of their columns, and the first scan withholds them (a beneficiary is
#: sometimes a person: CRPA L312-1-2).
DATASET_DESCRIPTIONS: dict[str, dict[str, Any]] = {
    "usagers_action_sociale": {
        "sensitivity": "RESTRICTED",
        "description": "Bénéficiaires de l'action sociale (CCAS)",
        "open_data_access": "NOT_COMMUNICABLE",
        "communication_exception": "L311_6_1_PRIVATE_LIFE",
    },
    "capteurs_trafic": {
        **OPEN_DATA_METADATA,
        "sensitivity": "PUBLIC",
        "title": "Comptages routiers de Valbourg",
        "description": "Comptages routiers",
        "themes": ["TRAN"],
        "update_frequency": "DAILY",
        "keywords": ["trafic", "mobilité"],
        "distributions": [
            {
                "title": "Comptages horaires (CSV)",
                "download_url": "https://data.valbourg.fr/capteurs_trafic.csv",
                "format": "CSV",
            }
        ],
    },
    "subventions": {
        **OPEN_DATA_METADATA,
        "sensitivity": "PUBLIC",
        "title": "Subventions aux associations",
        "description": "Subventions attribuées par la ville (décret 2017-779)",
        "themes": ["ECON", "SOCI"],
        "update_frequency": "ANNUAL",
        "keywords": ["subventions", "associations"],
    },
    "agents": {"sensitivity": "CONFIDENTIAL", "description": "Annuaire et paie des agents"},
}

#: The demo's AI systems; ``provider`` and ``hosting`` name organisations of ORGANISATIONS.
AI_SYSTEMS: dict[str, dict[str, Any]] = {
    "procurement": {
        "name": "Préparation des dossiers de marchés",
        "purpose": "Rédiger un premier jet des pièces de consultation "
        "et analyser les offres reçues.",
        "use_area": "PROCUREMENT",
        "status": "IN_PRODUCTION",
        "risk_class": "MINIMAL",
        "provider": "Marchés Assistés SARL",
        "hosting": "Nuage Souverain SAS",
        "hosting_country": "FR",
        "deployer_service": "Direction de la commande publique",
        "owner": "Directrice de la commande publique",
        "automation_level": "DECISION_SUPPORT",
        "technique": "GENERATIVE_AI",
        "human_oversight_owner": "Acheteur référent",
        "log_retention_days": 365,
        "processor_contract_ref": "Marché n° 2025-VAL-0042, clauses RGPD (art. 28)",
    },
    "mobility": {
        "name": "Aide à la décision mobilité",
        "purpose": "Proposer l'attribution des cartes de stationnement solidaire aux usagers.",
        "use_area": "MOBILITY",
        "status": "PILOT",
        "risk_class": "HIGH",
        "annex_iii_point": "5(a)",
        "profiling": True,
        "individual_decisions": True,
        "automation_level": "DECISION_SUPPORT",
        "technique": "MACHINE_LEARNING",
        "decisions_per_year": 1200,
        "legal_effect": True,
        "human_review_path": "Recours gracieux auprès du CCAS, réexamen par un agent",
        "go_live_date": dt.date(2026, 9, 1),
        "hosting": CITY_NAME,
        "hosting_country": "FR",
        "deployer_service": "Direction de la mobilité",
        "log_retention_days": 90,
    },
    "chatbot": {
        "name": "Agent conversationnel citoyen",
        "purpose": "Répondre aux questions des habitants sur les démarches en ligne.",
        "use_area": "CITIZEN_SERVICE",
        "status": "IN_PRODUCTION",
        "risk_class": "LIMITED",
        "art_50_triggers": ["INTERACTS_WITH_PERSONS", "GENERATES_CONTENT"],
        "technique": "GENERATIVE_AI",
        "provider": "Hyperscale Cloud Inc.",
        "hosting": "Hyperscale Cloud Inc.",
        "hosting_country": "US",
        "deployer_service": "Relation usagers",
        "owner": "Responsable relation usagers",
        "human_oversight_owner": "Responsable relation usagers",
        "log_retention_days": 30,
    },
}

#: (AI system, table, usage)
DATASET_LINKS = [
    ("procurement", "marches_publics", "INPUT"),
    ("procurement", "subventions", "RETRIEVAL"),
    ("mobility", "usagers_action_sociale", "INPUT"),
    ("mobility", "capteurs_trafic", "TRAINING"),
    ("chatbot", "agents", "RETRIEVAL"),
    ("chatbot", "journaux_connexion", "OUTPUT"),
]

#: (AI system, framework, control reference, status)
POLICY_LINKS = [
    ("procurement", "PSSIE", "INT-HOMOLOG-SSI", "COMPLIANT"),
    ("procurement", "ISO_IEC_42001", "A.3.2", "COMPLIANT"),
    ("chatbot", "AI_ACT", "Art. 50", "NON_COMPLIANT"),
    ("chatbot", "PSSIE", "INT-REX-HB", "NON_COMPLIANT"),
    ("mobility", "INTERNAL_CHARTER", CHARTER["control_ref"], "COMPLIANT"),
    ("mobility", "ISO_IEC_42001", "A.3.2", "NON_COMPLIANT"),
]

#: Art. 30 records, with the tables and AI systems each covers; ``controller`` is the city.
PROCESSING_ACTIVITIES: dict[str, dict[str, Any]] = {
    "social": {
        "name": "Instruction des aides sociales facultatives",
        "dpo_contact": "dpo@valbourg.fr",
        "purposes": "Instruire et attribuer les aides sociales facultatives du CCAS.",
        "legal_basis": "PUBLIC_TASK",
        "special_category_condition": "Art. 9(2)(b)",
        "data_subject_categories": ["usagers du CCAS"],
        "data_categories": ["état civil", "coordonnées", "situation familiale", "santé"],
        "recipients": ["agents instructeurs du CCAS"],
        "retention": "5 ans après la dernière aide",
        "wp248_criteria": ["SENSITIVE_DATA", "VULNERABLE_SUBJECTS", "EVALUATION_OR_SCORING"],
        "tables": ["usagers_action_sociale"],
        "ai_systems": ["mobility"],
    },
    "hr": {
        "name": "Gestion administrative des agents",
        "dpo_contact": "dpo@valbourg.fr",
        "purposes": "Paie, carrière et annuaire des agents.",
        "legal_basis": "LEGAL_OBLIGATION",
        "data_subject_categories": ["agents"],
        "data_categories": ["état civil", "NIR", "IBAN"],
        "recipients": ["DGFiP", "URSSAF"],
        "retention": "durée de la carrière + 5 ans",
        "tables": ["agents"],
        "ai_systems": [],
    },
}

#: Assessments, attached to an AI system or to a processing activity (by key).
ASSESSMENTS: list[dict[str, Any]] = [
    {
        "kind": "SECURITY_HOMOLOGATION",
        "status": "COMPLETED",
        "date": dt.date(2026, 3, 2),
        "summary": "Homologation prononcée pour 3 ans.",
        "ai_system": "procurement",
    },
    {
        "kind": "DPIA",
        "status": "IN_PROGRESS",
        "processing_activity": "social",
        "summary": "AIPD des aides sociales facultatives, en cours de rédaction.",
    },
]


def seed_catalog(session: Session, actor: Actor, city_db: Path) -> DataStore:
    """Register everything the demo shows; safe to call again (then it does nothing)."""
    existing = session.scalar(select(DataStore).where(DataStore.name == STORE_NAME))
    if existing is not None:
        return existing
    orgs = {o["name"]: stores.create_organisation(session, actor, o).id for o in ORGANISATIONS}
    store, datasets = _register_store(session, actor, city_db, orgs[CITY_NAME])
    for pack in PACKS:
        load_pack(session, actor, pack)
    ai_register.create_policy(session, actor, CHARTER)
    systems = _register_ai_systems(session, actor, orgs)
    for system, table, usage in DATASET_LINKS:
        ai_register.link_ai_system_dataset(
            session,
            actor,
            {"ai_system_id": systems[system], "dataset_id": datasets[table], "usage": usage},
        )
    _link_policies(session, actor, systems)
    activities = _register_activities(session, actor, orgs[CITY_NAME], datasets, systems)
    for assessment in ASSESSMENTS:
        values = {
            k: v for k, v in assessment.items() if k not in ("ai_system", "processing_activity")
        }
        if "ai_system" in assessment:
            values["ai_system_id"] = systems[assessment["ai_system"]]
        if "processing_activity" in assessment:
            values["processing_activity_id"] = activities[assessment["processing_activity"]]
        ai_register.record_assessment(session, actor, values)
    return store


def _register_store(
    session: Session, actor: Actor, city_db: Path, city_id: int
) -> tuple[DataStore, dict[str, int]]:
    """The city's data store and its datasets, registered before the first scan.

    Datasets are registered now so AI systems can be linked before the first scan; the
    scan harvests into these same rows and keeps what is written here.
    """
    store = stores.register_data_store(
        session,
        actor,
        {
            "name": STORE_NAME,
            "url": f"sqlite:///{city_db.resolve()}",
            "description": f"Système d'information de la {CITY_NAME} (démonstration)",
            "owner": "Direction du numérique",
            "hosting_organisation_id": city_id,
            "hosting_country": "FR",
            "sensitivity": "CONFIDENTIAL",
            "scan_schedule": "0 2 * * *",
        },
    )
    datasets = {
        name: stores.register_dataset(
            session, actor, {"data_store_id": store.id, "name": name, "steward": "DPO Valbourg"}
        ).id
        for name in TABLE_SIZES
    }
    for name, values in DATASET_DESCRIPTIONS.items():
        stores.update_dataset(session, actor, datasets[name], values)
    return store, datasets


def _register_ai_systems(session: Session, actor: Actor, orgs: dict[str, int]) -> dict[str, int]:
    systems = {}
    for key, spec in AI_SYSTEMS.items():
        values = {k: v for k, v in spec.items() if k not in ("provider", "hosting")}
        if "provider" in spec:
            values["provider_id"] = orgs[spec["provider"]]
        values["hosting_organisation_id"] = orgs[spec["hosting"]]
        values["deployer_id"] = orgs[CITY_NAME]  # the city uses all three
        systems[key] = ai_register.register_ai_system(session, actor, values).id
    return systems


def _link_policies(session: Session, actor: Actor, systems: dict[str, int]) -> None:
    by_ref = {(p.framework.value, p.control_ref): p for p in session.scalars(select(Policy))}
    for system, framework, ref, status in POLICY_LINKS:
        ai_register.link_ai_system_policy(
            session,
            actor,
            {
                "ai_system_id": systems[system],
                "policy_id": by_ref[(framework, ref)].id,
                "status": status,
            },
        )


def _register_activities(
    session: Session,
    actor: Actor,
    controller_id: int,
    datasets: dict[str, int],
    systems: dict[str, int],
) -> dict[str, int]:
    activities = {}
    for key, spec in PROCESSING_ACTIVITIES.items():
        values = {k: v for k, v in spec.items() if k not in ("tables", "ai_systems")}
        activity = ai_register.create_processing_activity(
            session, actor, {**values, "controller_id": controller_id}
        )
        activities[key] = activity.id
        for table in spec["tables"]:
            ai_register.link_processing_activity(
                session,
                actor,
                {"processing_activity_id": activity.id, "dataset_id": datasets[table]},
            )
    for key, spec in PROCESSING_ACTIVITIES.items():
        for system in spec["ai_systems"]:
            ai_register.link_processing_activity(
                session,
                actor,
                {"processing_activity_id": activities[key], "ai_system_id": systems[system]},
            )
    return activities


def demo_token(session: Session, actor: Actor) -> str:
    """A fresh admin token for this demo run (each run prints its own)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S-%f")
    _, clear = create_token(session, actor, f"demo-admin-{stamp}", "admin")
    return clear


__all__ = ["STORE_NAME", "demo_token", "seed_catalog"]
