"""The small register most catalog tests start from (``catalog_seed`` in ``conftest.py``),
built in named steps, and the counting helpers those tests share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data import stores
from registre.catalog.governance import register as ai_register
from registre.catalog.models import (
    AuditEvent,
    Base,
    Field,
    Finding,
    ScanRun,
)
from tests.support.catalogs import Catalog

A = CLI_ACTOR


def _count(session: Session, table: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(table)) or 0)


def _counts(catalog: Catalog) -> dict[str, int]:
    with catalog.factory() as session:
        return {name: _count(session, table) for name, table in Base.metadata.tables.items()}


def _events(catalog: Catalog) -> list[AuditEvent]:
    with catalog.factory() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def _orphans(session: Session) -> dict[str, int]:
    """Rows whose non-null foreign key points to no row, per ``table.column``."""
    found: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            col, target = fk.parent, fk.column
            stmt = (
                select(func.count())
                .select_from(table)
                .where(col.is_not(None), ~select(target).where(target == col).exists())
            )
            if n := int(session.scalar(stmt) or 0):
                found[f"{table.name}.{col.name}"] = n
    return found


def _new_events(catalog: Catalog, since: list[AuditEvent]) -> list[AuditEvent]:
    seen = {e.id for e in since}
    return [e for e in _events(catalog) if e.id not in seen]


@dataclass
class World:
    org: int
    store: int
    other_store: int
    dataset: int
    dataset2: int
    other_dataset: int
    field: int
    finding: int
    ai: int
    ai2: int
    policy: int
    activity: int
    run: int


def _stores_and_datasets(session: Session) -> dict[str, Any]:
    """An organisation, two stores (one with a secret reference), three datasets, a run."""
    org = stores.create_organisation(session, A, {"name": "Ville de Valbourg", "country": "FR"})
    store = stores.register_data_store(
        session,
        A,
        {
            "name": "etat-civil",
            "url": "postgresql://reader@db/etat_civil",
            "secret_ref": "env:REGISTRE_SECRET_ETAT_CIVIL",
        },
    )
    other = stores.register_data_store(session, A, {"name": "voirie", "url": "sqlite:///voirie.db"})
    ds = stores.register_dataset(
        session, A, {"data_store_id": store.id, "schema_name": "public", "name": "naissances"}
    )
    ds2 = stores.register_dataset(
        session, A, {"data_store_id": store.id, "schema_name": "public", "name": "deces"}
    )
    other_ds = stores.register_dataset(session, A, {"data_store_id": other.id, "name": "troncons"})
    run = ScanRun(data_store_id=store.id)
    session.add(run)
    session.flush()
    return {
        "org": org,
        "store": store,
        "other": other,
        "ds": ds,
        "ds2": ds2,
        "other_ds": other_ds,
        "run": run,
    }


def _fields_and_findings(session: Session, made: dict[str, Any]) -> list[Field]:
    """Three fields per dataset; findings on all but ``commune`` (none of the run on voirie)."""
    ds, ds2, other_ds, run = made["ds"], made["ds2"], made["other_ds"], made["run"]
    fields = []
    for dataset in (ds, ds2, other_ds):
        for pos, name in enumerate(("nom", "nir", "commune")):
            f = Field(dataset_id=dataset.id, name=name, position=pos)
            session.add(f)
            fields.append(f)
    session.flush()
    for f in fields:
        if f.name != "commune":
            session.add(
                Finding(
                    field_id=f.id,
                    entity_type="FR_NIR" if f.name == "nir" else "PERSON",
                    category="identifier",
                    score=0.9,
                    coverage=0.95,
                    distinct_sampled=100,
                    masked_example="1 85 ** ** *** *** 36",
                    reasons=["checksum"],
                    first_seen_run_id=run.id if f.dataset_id != other_ds.id else None,
                    last_seen_run_id=run.id if f.dataset_id != other_ds.id else None,
                )
            )
    session.flush()
    return fields


def _ai_register(session: Session, org_id: int) -> dict[str, Any]:
    """Two AI systems, a policy and a processing activity."""
    ai = ai_register.register_ai_system(
        session, A, {"name": "Tri du courrier", "provider_id": org_id}
    )
    ai2 = ai_register.register_ai_system(session, A, {"name": "Chatbot"})
    policy = ai_register.create_policy(
        session,
        A,
        {
            "kind": "GOVERNANCE",
            "framework": "AI_ACT",
            "control_ref": "Art. 26",
            "title": "Deployers",
        },
    )
    activity = ai_register.create_processing_activity(session, A, {"name": "État civil"})
    return {"ai": ai, "ai2": ai2, "policy": policy, "activity": activity}


def _links_and_assessments(session: Session, made: dict[str, Any]) -> None:
    """Links of every kind between them, and an assessment of every kind."""
    ds, ds2, other_ds = made["ds"], made["ds2"], made["other_ds"]
    ai, ai2, policy, activity = made["ai"], made["ai2"], made["policy"], made["activity"]
    for dataset, system, usage in (
        (ds, ai, "TRAINING"),
        (ds, ai, "INPUT"),
        (ds2, ai2, "INPUT"),
        (other_ds, ai, "INPUT"),
    ):
        ai_register.link_ai_system_dataset(
            session, A, {"ai_system_id": system.id, "dataset_id": dataset.id, "usage": usage}
        )
    ai_register.link_ai_system_policy(
        session, A, {"ai_system_id": ai.id, "policy_id": policy.id, "status": "COMPLIANT"}
    )
    ai_register.link_ai_system_policy(
        session, A, {"ai_system_id": ai2.id, "policy_id": policy.id, "status": "DEROGATION"}
    )
    for dataset in (ds, other_ds):
        ai_register.link_processing_activity(
            session, A, {"processing_activity_id": activity.id, "dataset_id": dataset.id}
        )
    for system in (ai, ai2):
        ai_register.link_processing_activity(
            session, A, {"processing_activity_id": activity.id, "ai_system_id": system.id}
        )
    ai_register.record_assessment(
        session, A, {"kind": "FRIA", "status": "COMPLETED", "ai_system_id": ai.id}
    )
    ai_register.record_assessment(
        session,
        A,
        {
            "kind": "DPIA",
            "status": "IN_PROGRESS",
            "ai_system_id": ai.id,
            "processing_activity_id": activity.id,
        },
    )
    ai_register.record_assessment(
        session, A, {"kind": "DPIA", "status": "PLANNED", "processing_activity_id": activity.id}
    )


def seed_world(session: Session) -> World:
    """A small register: two stores, datasets with fields and findings, links of every kind."""
    made = _stores_and_datasets(session)
    fields = _fields_and_findings(session, made)
    made |= _ai_register(session, made["org"].id)
    _links_and_assessments(session, made)
    org, store, other, run = made["org"], made["store"], made["other"], made["run"]
    ds, ds2, other_ds = made["ds"], made["ds2"], made["other_ds"]
    ai, ai2, policy, activity = made["ai"], made["ai2"], made["policy"], made["activity"]
    return World(
        org=org.id,
        store=store.id,
        other_store=other.id,
        dataset=ds.id,
        dataset2=ds2.id,
        other_dataset=other_ds.id,
        field=fields[0].id,
        finding=session.scalar(select(Finding.id).where(Finding.field_id == fields[0].id)) or 0,
        ai=ai.id,
        ai2=ai2.id,
        policy=policy.id,
        activity=activity.id,
        run=run.id,
    )
