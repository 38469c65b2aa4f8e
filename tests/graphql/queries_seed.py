"""The catalog the GraphQL read tests query: three organisations and stores, seven datasets
(one removed), findings in every status, four AI systems, policies, processing activities
and assessments, linked every way; built in named steps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graphql_relay import to_global_id
from sqlalchemy.orm import Session

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data import stores
from registre.catalog.enums import FindingStatus
from registre.catalog.governance import register as ai_register
from registre.catalog.models import (
    AISystem,
    Assessment,
    Field,
    Finding,
    Policy,
    ProcessingActivity,
    ScanRun,
)
from tests.support.api import Api

A = CLI_ACTOR


@dataclass(frozen=True)
class Ids:
    """Database ids of the seeded rows, by a short name."""

    orgs: dict[str, int]
    stores: dict[str, int]
    datasets: dict[str, int]
    fields: dict[str, int]
    findings: dict[str, int]
    ai: dict[str, int]
    policies: dict[str, int]
    activities: dict[str, int]
    assessments: dict[str, int]
    runs: list[int]

    def gid(self, kind: str, name: str) -> str:
        type_name, table = {
            "org": ("Organisation", self.orgs),
            "store": ("DataStore", self.stores),
            "dataset": ("Dataset", self.datasets),
            "field": ("Field", self.fields),
            "finding": ("Finding", self.findings),
            "ai": ("AISystem", self.ai),
            "policy": ("Policy", self.policies),
            "activity": ("ProcessingActivity", self.activities),
            "assessment": ("Assessment", self.assessments),
        }[kind]
        return to_global_id(type_name, table[name])


def _finding(
    session: Session, field: Field, status: FindingStatus, *, gone_run: int | None = None
) -> Finding:
    finding = Finding(
        field_id=field.id,
        entity_type="PERSON",
        category="identity",
        score=0.8,
        coverage=0.9,
        distinct_sampled=40,
        masked_example="J*** D***",
        reasons=["name-like"],
        status=status,
        gone_since_run_id=gone_run,
    )
    session.add(finding)
    session.flush()
    return finding


def ids_of(api: Api) -> Ids:
    assert isinstance(api.payload, Ids)
    return api.payload


def _finding(
    session: Session, field: Field, status: FindingStatus, *, gone_run: int | None = None
) -> Finding:
    finding = Finding(
        field_id=field.id,
        entity_type="PERSON",
        category="identity",
        score=0.8,
        coverage=0.9,
        distinct_sampled=40,
        masked_example="J*** D***",
        reasons=["name-like"],
        status=status,
        gone_since_run_id=gone_run,
    )
    session.add(finding)
    session.flush()
    return finding


def _organisations_and_stores(session: Session) -> tuple[dict[str, Any], dict[str, Any]]:
    """A city, a non-EU cloud, a SecNumCloud host; three stores (one with a secret ref)."""
    orgs = {
        "ville": stores.create_organisation(
            session, A, {"name": "Ville de Valbourg", "is_public_body": True, "country": "FR"}
        ),
        "cloud": stores.create_organisation(
            session, A, {"name": "Hyper Cloud Inc", "country": "US", "non_eu_control": True}
        ),
        "heberg": stores.create_organisation(
            session,
            A,
            {"name": "Hébergeur SecNumCloud", "country": "FR", "qualifications": ["SECNUMCLOUD"]},
        ),
    }
    sts = {
        "etat_civil": stores.register_data_store(
            session,
            A,
            {
                "name": "etat-civil",
                "url": "postgresql://reader@db/ec",
                "secret_ref": "env:REGISTRE_SECRET_EC",
                "hosting_organisation_id": orgs["heberg"].id,
                "hosting_country": "FR",
            },
        ),
        "voirie": stores.register_data_store(
            session, A, {"name": "voirie", "url": "sqlite:///voirie.db"}
        ),
        "rh": stores.register_data_store(session, A, {"name": "rh", "url": "mysql://reader@rh/rh"}),
    }
    return orgs, sts


def _datasets_fields_and_runs(session: Session, sts: dict[str, Any]) -> dict[str, Any]:
    """Seven datasets (names that test LIKE escaping and case), a run per store, six fields."""
    spec = [  # name, store, sensitivity, description
        ("Naissances", "etat_civil", "CONFIDENTIAL", "Actes de naissance depuis 1950"),
        ("deces", "etat_civil", "RESTRICTED", None),
        ("voirie_troncons", "voirie", "PUBLIC", "Tronçons de voirie"),
        ("taux_100%", "voirie", "INTERNAL", None),
        ("tauxX100", "voirie", None, None),
        ("agents", "rh", "CONFIDENTIAL", "Agents de la ville"),
        ("ancienne_table", "rh", "CONFIDENTIAL", None),
    ]
    datasets = {
        name: stores.register_dataset(
            session,
            A,
            {
                "data_store_id": sts[store].id,
                "name": name,
                "sensitivity": sens,
                "description": desc,
            },
        )
        for name, store, sens, desc in spec
    }
    run = ScanRun(data_store_id=sts["etat_civil"].id)
    runs = [run, ScanRun(data_store_id=sts["voirie"].id), ScanRun(data_store_id=sts["rh"].id)]
    session.add_all(runs)
    session.flush()
    fields: dict[str, Field] = {}
    for key, dataset, name in [
        ("naissances.nom", "Naissances", "nom"),
        ("naissances.commune", "Naissances", "commune"),
        ("deces.nir", "deces", "nir"),
        ("voirie.libelle", "voirie_troncons", "libelle"),
        ("agents.nom", "agents", "nom"),
        ("ancienne.nom", "ancienne_table", "nom"),
    ]:
        fields[key] = Field(dataset_id=datasets[dataset].id, name=name, position=len(fields))
        session.add(fields[key])
    session.flush()
    return {"datasets": datasets, "run": run, "runs": runs, "fields": fields}


def _findings(session: Session, made: dict[str, Any]) -> dict[str, Finding]:
    """A finding in every status (one gone since the last run); one dataset removed."""
    fields, run, datasets = made["fields"], made["run"], made["datasets"]
    findings = {
        "naissances.nom": _finding(session, fields["naissances.nom"], FindingStatus.SUGGESTED),
        "deces.nir": _finding(session, fields["deces.nir"], FindingStatus.CONFIRMED),
        "voirie.libelle": _finding(session, fields["voirie.libelle"], FindingStatus.REJECTED),
        # suggested, but the last scan no longer saw it: does not count
        "agents.nom": _finding(
            session, fields["agents.nom"], FindingStatus.SUGGESTED, gone_run=run.id
        ),
        "ancienne.nom": _finding(session, fields["ancienne.nom"], FindingStatus.SUGGESTED),
    }
    datasets["ancienne_table"].removed_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    return findings


def _ai_systems(
    session: Session, orgs: dict[str, Any], datasets: dict[str, Any]
) -> dict[str, AISystem]:
    """Four AI systems in every status, and their datasets."""
    ai = {
        "tri": ai_register.register_ai_system(
            session,
            A,
            {
                "name": "Tri du courrier",
                "purpose": "Classer le courrier entrant",
                "status": "IN_PRODUCTION",
                "risk_class": "HIGH",
                "provider_id": orgs["cloud"].id,
            },
        ),
        "chatbot": ai_register.register_ai_system(
            session,
            A,
            {
                "name": "Chatbot",
                "purpose": "Répondre aux usagers",
                "status": "PILOT",
                "risk_class": "LIMITED",
            },
        ),
        "fraude": ai_register.register_ai_system(
            session, A, {"name": "Détection de fraude", "status": "PLANNED", "risk_class": "HIGH"}
        ),
        "assistant": ai_register.register_ai_system(
            session, A, {"name": "Assistant COURRIER", "status": "RETIRED", "risk_class": "MINIMAL"}
        ),
    }
    for system, dataset, usage in [
        ("tri", "Naissances", "TRAINING"),
        ("tri", "Naissances", "INPUT"),
        ("tri", "deces", "INPUT"),
        ("chatbot", "Naissances", "RETRIEVAL"),
    ]:
        ai_register.link_ai_system_dataset(
            session,
            A,
            {"ai_system_id": ai[system].id, "dataset_id": datasets[dataset].id, "usage": usage},
        )
    return ai


def _policies(session: Session, ai: dict[str, AISystem]) -> dict[str, Policy]:
    """Three AI Act policies, linked to the systems with every status."""
    policies = {
        ref: ai_register.create_policy(
            session,
            A,
            {
                "kind": "GOVERNANCE",
                "framework": "AI_ACT",
                "control_ref": ref,
                "title": f"Article {ref}",
            },
        )
        for ref in ("Art. 26", "Art. 27", "Art. 50")
    }
    for system, ref, status in [
        ("tri", "Art. 26", "COMPLIANT"),
        ("tri", "Art. 27", "DEROGATION"),
        ("chatbot", "Art. 50", "NON_COMPLIANT"),
    ]:
        ai_register.link_ai_system_policy(
            session,
            A,
            {"ai_system_id": ai[system].id, "policy_id": policies[ref].id, "status": status},
        )
    return policies


def _activities_and_assessments(
    session: Session, orgs: dict[str, Any], datasets: dict[str, Any], ai: dict[str, AISystem]
) -> tuple[dict[str, ProcessingActivity], dict[str, Assessment]]:
    """Three processing activities with their links; a FRIA and two DPIAs."""
    activities = {
        name: ai_register.create_processing_activity(
            session, A, {"name": name, "controller_id": orgs["ville"].id}
        )
        for name in ("État civil", "Voirie", "Paie")
    }
    for activity, dataset, system in [
        ("État civil", "Naissances", "tri"),
        ("État civil", "deces", None),
        ("Voirie", "voirie_troncons", None),
    ]:
        ai_register.link_processing_activity(
            session,
            A,
            {
                "processing_activity_id": activities[activity].id,
                "dataset_id": datasets[dataset].id,
                "ai_system_id": ai[system].id if system else None,
            },
        )
    assessments = {
        "fria": ai_register.record_assessment(
            session, A, {"kind": "FRIA", "status": "COMPLETED", "ai_system_id": ai["tri"].id}
        ),
        "dpia": ai_register.record_assessment(
            session,
            A,
            {
                "kind": "DPIA",
                "status": "IN_PROGRESS",
                "ai_system_id": ai["tri"].id,
                "processing_activity_id": activities["État civil"].id,
            },
        ),
        "voirie": ai_register.record_assessment(
            session,
            A,
            {
                "kind": "DPIA",
                "status": "PLANNED",
                "processing_activity_id": activities["Voirie"].id,
            },
        ),
    }
    return activities, assessments


def seed(session: Session) -> Ids:
    """Seed of the GraphQL read catalog template."""
    orgs, sts = _organisations_and_stores(session)
    made = _datasets_fields_and_runs(session, sts)
    datasets, fields, runs = made["datasets"], made["fields"], made["runs"]
    findings = _findings(session, made)
    ai = _ai_systems(session, orgs, datasets)
    policies = _policies(session, ai)
    activities, assessments = _activities_and_assessments(session, orgs, datasets, ai)
    session.flush()
    return Ids(
        orgs={k: v.id for k, v in orgs.items()},
        stores={k: v.id for k, v in sts.items()},
        datasets={k: v.id for k, v in datasets.items()},
        fields={k: v.id for k, v in fields.items()},
        findings={k: v.id for k, v in findings.items()},
        ai={k: v.id for k, v in ai.items()},
        policies={k: v.id for k, v in policies.items()},
        activities={k: v.id for k, v in activities.items()},
        assessments={k: v.id for k, v in assessments.items()},
        runs=[r.id for r in runs],
    )
