"""The catalog the web tests browse: a city with two stores, datasets whose names are hostile
(``<script>`` in a dataset name, a store description and a harvested field name), findings
to review of every risk, an AI system hosted outside the EU, a policy, a processing
activity; built with the catalog's own services."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data import stores
from registre.catalog.enums import FindingStatus
from registre.catalog.governance import register as ai_register
from registre.catalog.models import Field, Finding, ScanRun

A = CLI_ACTOR
HOSTILE = '<script>alert("x")</script>'
#: what a scanner may have read in a store: it must never reach a page
RAW_NIR = "185057800608436"
RAW_EMAIL = "jean.dupont@valbourg.fr"


@dataclass(frozen=True)
class Seeded:
    stores: dict[str, int]
    datasets: dict[str, int]
    findings: dict[str, int]
    ai: dict[str, int]


def _finding(
    session: Session,
    field: Field,
    entity_type: str,
    category: str,
    masked: str,
    coverage: float = 0.9,
    status: FindingStatus = FindingStatus.SUGGESTED,
) -> Finding:
    finding = Finding(
        field_id=field.id,
        entity_type=entity_type,
        category=category,
        score=0.9,
        coverage=coverage,
        distinct_sampled=50,
        masked_example=masked,
        reasons=["value checksum"],
        status=status,
    )
    session.add(finding)
    session.flush()
    return finding


def seed(session: Session) -> Seeded:
    ville = stores.create_organisation(
        session,
        A,
        {
            "name": "Ville de Valbourg",
            "country": "FR",
            "is_public_body": True,
            "legal_category": "7210",
        },
    )
    cloud = stores.create_organisation(
        session, A, {"name": "Hyperscale Cloud Inc.", "country": "US", "non_eu_control": True}
    )
    rh = stores.register_data_store(
        session,
        A,
        {
            "name": "rh",
            "url": "postgresql://lecteur@pg.interne/rh",
            "description": f"Paie {HOSTILE}",
            "sensitivity": "CONFIDENTIAL",
            "scan_schedule": "0 2 * * *",
            "hosting_country": "FR",
        },
    )
    social = stores.register_data_store(
        session, A, {"name": "social", "url": "postgresql://lecteur@pg.interne/social"}
    )
    agents = stores.register_dataset(
        session,
        A,
        {
            "data_store_id": rh.id,
            "name": "agents",
            "sensitivity": "CONFIDENTIAL",
            "description": "Agents de la ville",
            "steward": "Mme Martin",
        },
    )
    hostile = stores.register_dataset(
        session, A, {"data_store_id": social.id, "name": f"usagers{HOSTILE}"}
    )
    session.add(
        ScanRun(
            data_store_id=rh.id,
            status="SUCCEEDED",
            datasets_scanned=1,
            drift={"columns_new": ["agents.nir"]},
        )
    )
    fields = {}
    for key, dataset, name in [
        ("nom", agents, "nom"),
        ("nir", agents, "nir"),
        ("courriel", agents, "courriel"),
        ("sante", hostile, "handicap"),
        ("hostile", hostile, f"col{HOSTILE}"),
    ]:
        fields[key] = Field(dataset_id=dataset.id, name=name, position=len(fields))
        session.add(fields[key])
    session.flush()
    findings = {
        "nom": _finding(session, fields["nom"], "PERSON", "IDENTITY", "J*** D*****", 0.7),
        "nir": _finding(
            session, fields["nir"], "FR_NIR", "NATIONAL_IDENTIFIER", "1 85 ** ** *** *** 36"
        ),
        "courriel": _finding(
            session,
            fields["courriel"],
            "EMAIL_ADDRESS",
            "CONTACT",
            "j***@v*******.fr",
            status=FindingStatus.CONFIRMED,
        ),
        "sante": _finding(session, fields["sante"], "HEALTH", "SPECIAL_CATEGORY", "h*******"),
        "hostile": _finding(
            session, fields["hostile"], "EMAIL_ADDRESS", "CONTACT", f"<b>{HOSTILE}</b>"
        ),
    }
    chatbot = ai_register.register_ai_system(
        session,
        A,
        {
            "name": "Agent conversationnel",
            "status": "IN_PRODUCTION",
            "risk_class": "LIMITED",
            "use_area": "CITIZEN_SERVICE",
            "provider_id": cloud.id,
            "hosting_country": "US",
            "deployer_id": ville.id,
        },
    )
    ai_register.link_ai_system_dataset(
        session, A, {"ai_system_id": chatbot.id, "dataset_id": agents.id, "usage": "RETRIEVAL"}
    )
    aid = ai_register.register_ai_system(
        session,
        A,
        {
            "name": "Aide à l’instruction",
            "status": "PILOT",
            "risk_class": "HIGH",
            "annex_iii_point": "5(a)",
            "use_area": "SOCIAL_BENEFITS",
            "deployer_id": ville.id,
            "hosting_country": "FR",
        },
    )
    ai_register.create_policy(
        session,
        A,
        {
            "kind": "SECURITY",
            "framework": "PSSIE",
            "control_ref": "INT-HOMOLOG-SSI",
            "title": "Homologation de sécurité",
        },
    )
    ai_register.create_processing_activity(
        session,
        A,
        {"name": "Gestion des agents", "controller_id": ville.id, "purposes": "Paie et carrière"},
    )
    session.flush()
    return Seeded(
        stores={"rh": rh.id, "social": social.id},
        datasets={"agents": agents.id, "hostile": hostile.id},
        findings={k: v.id for k, v in findings.items()},
        ai={"chatbot": chatbot.id, "aid": aid.id},
    )
