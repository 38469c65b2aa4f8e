"""A small catalog a security team would recognise, for the exposure tests.

Registered through the catalog services (``catalog.stores``, ``catalog.ai_register``);
fields, scan runs and findings are inserted with the ORM, with explicit timestamps around
``T0`` so that "what changed since T0" has one known answer.

Exposed datasets (personal data that counts): ``naissances``, ``agents``, ``absences``,
``contacts``, ``casier``. Not exposed: ``communes`` (no finding), ``vieux`` (its only
suggestion is gone), ``supprime`` (dataset removed), and ``agents.ancien_tel`` is a removed
field. Hosting: etat-civil in FR on a SecNumCloud host; rh-paie at a LU host under non-EU
control (country from the host); crm-usagers in the US. The "Assistant RH" (HIGH) is
provided from the US.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data import stores
from registre.catalog.enums import FindingStatus, ScanStatus
from registre.catalog.governance import register as ai_register
from registre.catalog.models import Dataset, Field, Finding, ScanRun

T0 = dt.datetime(2025, 3, 10, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)


@dataclass
class Seeded:
    orgs: dict[str, int] = field(default_factory=dict)
    stores: dict[str, int] = field(default_factory=dict)
    datasets: dict[str, int] = field(default_factory=dict)
    fields: dict[str, int] = field(default_factory=dict)  # "dataset.field"
    findings: dict[str, int] = field(default_factory=dict)  # "dataset.field"
    ai_systems: dict[str, int] = field(default_factory=dict)
    policies: dict[str, int] = field(default_factory=dict)
    activities: dict[str, int] = field(default_factory=dict)


def _org(session: Session, seeded: Seeded, name: str, **values: Any) -> None:
    seeded.orgs[name] = stores.create_organisation(session, CLI_ACTOR, {"name": name, **values}).id


def _finding(
    session: Session,
    seeded: Seeded,
    key: str,
    entity_type: str,
    category: str,
    status: FindingStatus,
    created_at: dt.datetime,
    *,
    masked: str | None = None,
    reviewed_at: dt.datetime | None = None,
    gone_run: int | None = None,
) -> None:
    finding = Finding(
        field_id=seeded.fields[key],
        entity_type=entity_type,
        category=category,
        score=0.9,
        coverage=0.8,
        distinct_sampled=120,
        masked_example=masked,
        recognizer=entity_type,
        reasons=["coverage 0.80 over 120 distinct values"],
        status=status,
        reviewer="token:steward" if reviewed_at else None,
        reviewed_at=reviewed_at,
        gone_since_run_id=gone_run,
        created_at=created_at,
    )
    session.add(finding)
    session.flush()
    seeded.findings[key] = finding.id


def _store(session: Session, s: Seeded, name: str, url: str, **values: Any) -> None:
    data = {"name": name, "url": url, **values}
    s.stores[name] = stores.register_data_store(session, CLI_ACTOR, data).id


def _dataset(
    session: Session, s: Seeded, store_name: str, name: str, columns: list[str], **values: Any
) -> None:
    data = {"data_store_id": s.stores[store_name], "schema_name": "public", "name": name}
    ds = stores.register_dataset(session, CLI_ACTOR, {**data, **values})
    s.datasets[name] = ds.id
    for position, column in enumerate(columns):
        fld = Field(dataset_id=ds.id, name=column, position=position, data_type="text")
        session.add(fld)
        session.flush()
        s.fields[f"{name}.{column}"] = fld.id


def _run(session: Session, s: Seeded, store_name: str, finished: dt.datetime) -> int:
    row = ScanRun(
        data_store_id=s.stores[store_name],
        status=ScanStatus.SUCCEEDED,
        created_at=finished - HOUR,
        started_at=finished - HOUR,
        finished_at=finished,
    )
    session.add(row)
    session.flush()
    return row.id


def _ai(session: Session, s: Seeded, name: str, **values: Any) -> None:
    s.ai_systems[name] = ai_register.register_ai_system(
        session, CLI_ACTOR, {"name": name, **values}
    ).id


def _policy(
    session: Session, s: Seeded, key: str, kind: str, framework: str, ref: str, title: str
) -> None:
    data = {"kind": kind, "framework": framework, "control_ref": ref, "title": title}
    s.policies[key] = ai_register.create_policy(session, CLI_ACTOR, data).id


def _activity(
    session: Session, s: Seeded, name: str, datasets: list[str], systems: list[str]
) -> None:
    pa = ai_register.create_processing_activity(
        session,
        CLI_ACTOR,
        {
            "name": name,
            "controller_id": s.orgs["Ville de Valbourg"],
            "legal_basis": "PUBLIC_TASK",
        },
    )
    s.activities[name] = pa.id
    for ds in datasets:
        link = {"processing_activity_id": pa.id, "dataset_id": s.datasets[ds]}
        ai_register.link_processing_activity(session, CLI_ACTOR, link)
    for system in systems:
        link = {"processing_activity_id": pa.id, "ai_system_id": s.ai_systems[system]}
        ai_register.link_processing_activity(session, CLI_ACTOR, link)


def _organisations(session: Session, s: Seeded) -> None:
    """The city, two EU hosts, three providers under non-EU control."""
    _org(session, s, "Ville de Valbourg", country="FR", is_public_body=True)
    _org(session, s, "OVHcloud", country="FR", qualifications=["SECNUMCLOUD", "HDS"])
    _org(session, s, "AWS EMEA", country="LU", non_eu_control=True)
    _org(session, s, "Salesforce Inc", country="US", non_eu_control=True)
    _org(session, s, "OpenAI", country="US", non_eu_control=True)
    _org(session, s, "Mistral AI", country="FR")


def _stores(session: Session, s: Seeded) -> None:
    """Four stores: SecNumCloud in France, an EU host, a US CRM, local archives."""
    store = partial(_store, session, s)
    store("etat-civil", "postgresql://pg.valbourg.fr/etatcivil",
          hosting_organisation_id=s.orgs["OVHcloud"], hosting_country="FR")  # fmt: skip
    store("rh-paie", "postgresql://rh.valbourg.fr/paie", hosting_organisation_id=s.orgs["AWS EMEA"])
    store("crm-usagers", "mysql://crm.example.com/usagers",
          hosting_organisation_id=s.orgs["Salesforce Inc"], hosting_country="US")  # fmt: skip
    store("archives", "sqlite:///archives.db")


def _datasets(session: Session, s: Seeded) -> None:
    """Eight datasets and their columns."""
    dataset = partial(_dataset, session, s)
    dataset("etat-civil", "naissances", ["nom", "nir", "commentaire"])
    dataset("etat-civil", "communes", ["code_insee"])
    dataset("rh-paie", "agents", ["email", "iban", "sante", "ancien_tel"])
    dataset("rh-paie", "absences", ["motif"])
    dataset("crm-usagers", "contacts", ["telephone", "courriel"])
    dataset("crm-usagers", "casier", ["condamnation"])
    dataset("archives", "vieux", ["nom"])
    dataset("archives", "supprime", ["nom"])


def _findings(session: Session, s: Seeded) -> None:
    """Findings in every status and time, two scan runs; a removed field and dataset."""
    run = partial(_run, session, s)
    crm_run = run("crm-usagers", T0 + 4 * DAY)
    archives_run = run("archives", T0 - 2 * DAY)

    C, S, R = FindingStatus.CONFIRMED, FindingStatus.SUGGESTED, FindingStatus.REJECTED
    f = _finding
    f(session, s, "naissances.nom", "PERSON", "IDENTITY", C, T0 - 30 * DAY,
      masked="D***** J***", reviewed_at=T0 + DAY)  # fmt: skip
    f(session, s, "naissances.nir", "FR_NIR", "NATIONAL_IDENTIFIER", S, T0 + 2 * HOUR,
      masked="1 85 ** ** *** *** 36")  # fmt: skip
    f(session, s, "naissances.commentaire", "PERSON", "IDENTITY", R, T0 - 30 * DAY,
      reviewed_at=T0 + 3 * DAY)  # fmt: skip
    f(session, s, "agents.email", "EMAIL_ADDRESS", "CONTACT", C, T0 - 10 * DAY,
      masked="j***@v*******.fr", reviewed_at=T0 - 5 * DAY)  # fmt: skip
    f(session, s, "agents.iban", "IBAN_CODE", "FINANCIAL", S, T0 - 10 * DAY, masked="FR76 **** 189")
    f(session, s, "agents.sante", "HEALTH", "SPECIAL_CATEGORY", S, T0 - 10 * DAY, masked="d******")
    f(session, s, "agents.ancien_tel", "PHONE_NUMBER", "CONTACT", C, T0 - 10 * DAY,
      reviewed_at=T0 - 9 * DAY)  # fmt: skip
    f(session, s, "absences.motif", "HEALTH", "SPECIAL_CATEGORY", C, T0 - 10 * DAY,
      masked="a*** m******", reviewed_at=T0 - 8 * DAY)  # fmt: skip
    f(session, s, "contacts.telephone", "PHONE_NUMBER", "CONTACT", S, T0 - 20 * DAY,
      masked="06 ** ** ** 12", gone_run=crm_run)  # fmt: skip
    f(session, s, "contacts.courriel", "EMAIL_ADDRESS", "CONTACT", S, T0 - 20 * DAY,
      masked="m***@g****.com")  # fmt: skip
    f(session, s, "casier.condamnation", "CRIMINAL_OFFENCE", "CRIMINAL_OFFENCE", C, T0 + 5 * DAY,
      masked="v** a l'*******", reviewed_at=T0 + 5 * DAY)  # fmt: skip
    f(session, s, "vieux.nom", "PERSON", "IDENTITY", S, T0 - 40 * DAY, gone_run=archives_run)
    f(session, s, "supprime.nom", "PERSON", "IDENTITY", C, T0 - 40 * DAY, reviewed_at=T0 - 39 * DAY)

    session.get_one(Field, s.fields["agents.ancien_tel"]).removed_at = T0 - 9 * DAY
    session.get_one(Dataset, s.datasets["supprime"]).removed_at = T0 - 39 * DAY


def _ai_systems(session: Session, s: Seeded) -> None:
    """Three AI systems (one hosted in Ireland by a US provider) and their datasets."""
    ai = partial(_ai, session, s)
    ai("Assistant RH", risk_class="HIGH", provider_id=s.orgs["OpenAI"], hosting_country="IE",
       status="IN_PRODUCTION", use_area="HUMAN_RESOURCES")  # fmt: skip
    ai("Tri courrier", risk_class="MINIMAL", provider_id=s.orgs["Mistral AI"],
       hosting_organisation_id=s.orgs["OVHcloud"], status="IN_PRODUCTION")  # fmt: skip
    ai("Chatbot usagers", risk_class="LIMITED", provider_id=s.orgs["Mistral AI"],
       hosting_organisation_id=s.orgs["AWS EMEA"], status="PILOT")  # fmt: skip

    for system, name, usage in [
        ("Assistant RH", "agents", "TRAINING"),
        ("Assistant RH", "agents", "INPUT"),
        ("Assistant RH", "absences", "INPUT"),
        ("Tri courrier", "naissances", "INPUT"),
        ("Chatbot usagers", "contacts", "RETRIEVAL"),
    ]:
        ai_register.link_ai_system_dataset(
            session,
            CLI_ACTOR,
            {"ai_system_id": s.ai_systems[system], "dataset_id": s.datasets[name], "usage": usage},
        )


def _policies(session: Session, s: Seeded) -> None:
    """Two policies and their status for the AI systems."""
    policy = partial(_policy, session, s)
    policy("charte", "GOVERNANCE", "INTERNAL_CHARTER", "INT-REX-HB", "Charte IA: revue humaine")
    policy("snc", "SECURITY", "SECNUMCLOUD", "SNC-HEB", "Hébergement SecNumCloud")
    for system, key, status in [
        ("Assistant RH", "charte", "COMPLIANT"),
        ("Assistant RH", "snc", "NON_COMPLIANT"),
        ("Tri courrier", "snc", "COMPLIANT"),
    ]:
        ai_register.link_ai_system_policy(
            session,
            CLI_ACTOR,
            {"ai_system_id": s.ai_systems[system], "policy_id": s.policies[key], "status": status},
        )


def _activities(session: Session, s: Seeded) -> None:
    """Two processing activities with their datasets and AI systems."""
    activity = partial(_activity, session, s)
    activity("Gestion de la paie", ["agents", "absences"], ["Assistant RH"])
    activity("Tenue de l'état civil", ["naissances"], ["Tri courrier"])


def seed(session: Session) -> Seeded:
    """Seed of the exposure catalog template."""
    s = Seeded()
    for step in (_organisations, _stores, _datasets, _findings, _ai_systems, _policies,
                 _activities):  # fmt: skip
        step(session, s)
    session.flush()
    return s


def add_bulk_store(
    session: Session, name: str, count: int, ai_system_id: int, activity_id: int
) -> int:
    """A data store with ``count`` exposed datasets, each used by the AI system and linked
    to the processing activity: for counting statements as the page grows."""
    store = stores.register_data_store(
        session, CLI_ACTOR, {"name": name, "url": f"postgresql://{name}.valbourg.fr/db"}
    )
    for i in range(count):
        ds = stores.register_dataset(
            session, CLI_ACTOR, {"data_store_id": store.id, "name": f"{name}_{i:03d}"}
        )
        for position, (column, entity, category) in enumerate(
            [("courriel", "EMAIL_ADDRESS", "CONTACT"), ("nir", "FR_NIR", "NATIONAL_IDENTIFIER")]
        ):
            fld = Field(dataset_id=ds.id, name=column, position=position)
            fld.findings.append(
                Finding(entity_type=entity, category=category, score=0.9, coverage=0.9,
                        distinct_sampled=50, masked_example="x***", status=FindingStatus.SUGGESTED)
            )  # fmt: skip
            session.add(fld)
        ai_register.link_ai_system_dataset(
            session,
            CLI_ACTOR,
            {"ai_system_id": ai_system_id, "dataset_id": ds.id, "usage": "INPUT"},
        )
        ai_register.link_processing_activity(
            session, CLI_ACTOR, {"processing_activity_id": activity_id, "dataset_id": ds.id}
        )
    session.flush()
    return store.id
