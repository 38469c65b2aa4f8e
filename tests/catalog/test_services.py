"""Registration rules of the catalog services, on SQLite and PostgreSQL.

Unique names, no secret in URLs nor in the audit trail, cascades that never leave an
orphan row, and one audit event per change, committed or rolled back with it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from registre.catalog.access import tokens
from registre.catalog.access.roles import CLI_ACTOR, Actor
from registre.catalog.access.secrets import SecretPolicy
from registre.catalog.data import findings, stores
from registre.catalog.db import transaction
from registre.catalog.enums import FindingStatus, Role
from registre.catalog.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from registre.catalog.governance import register as ai_register
from registre.catalog.models import (
    AISystem,
    AISystemDataset,
    AISystemPolicy,
    ApiToken,
    Assessment,
    AuditEvent,
    Base,
    Dataset,
    DataStore,
    Field,
    Finding,
    Organisation,
    Policy,
    ProcessingActivity,
    ScanRun,
    processing_activity_ai_system,
    processing_activity_dataset,
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


def _seed(session: Session) -> World:
    """A small register: two stores, datasets with fields and findings, links of every kind."""
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
    ai = ai_register.register_ai_system(
        session, A, {"name": "Tri du courrier", "provider_id": org.id}
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


@pytest.fixture
def catalog_seed() -> Callable[[Session], World]:
    return _seed


@pytest.fixture
def world(catalog: Catalog) -> World:
    assert isinstance(catalog.payload, World)
    return catalog.payload


def _new_events(catalog: Catalog, since: list[AuditEvent]) -> list[AuditEvent]:
    seen = {e.id for e in since}
    return [e for e in _events(catalog) if e.id not in seen]


# --------------------------------------------------------------------------- uniqueness

CONFLICTS: dict[str, tuple[Callable[[Session, World], Any], str]] = {
    "organisation": (
        lambda s, w: stores.create_organisation(s, A, {"name": "Ville de Valbourg"}),
        "name",
    ),
    "data store": (
        lambda s, w: stores.register_data_store(
            s, A, {"name": "voirie", "url": "sqlite:///other.db"}
        ),
        "name",
    ),
    "dataset": (
        lambda s, w: stores.register_dataset(
            s, A, {"data_store_id": w.store, "schema_name": "public", "name": "naissances"}
        ),
        "name",
    ),
    "ai system": (lambda s, w: ai_register.register_ai_system(s, A, {"name": "Chatbot"}), "name"),
    "ai system renamed": (
        lambda s, w: ai_register.update_ai_system(s, A, w.ai, {"name": "Chatbot"}),
        "name",
    ),
    "policy": (
        lambda s, w: ai_register.create_policy(
            s,
            A,
            {"kind": "SECURITY", "framework": "AI_ACT", "control_ref": "Art. 26", "title": "Other"},
        ),
        "controlRef",
    ),
    "processing activity": (
        lambda s, w: ai_register.create_processing_activity(s, A, {"name": "État civil"}),
        "name",
    ),
    "token": (lambda s, w: tokens.create_token(s, A, "robot", "scanner"), "name"),
}


@pytest.mark.parametrize("case", sorted(CONFLICTS))
def test_duplicate_is_a_conflict_naming_the_field(
    case: str, catalog: Catalog, world: World
) -> None:
    with transaction(catalog.factory) as session:
        tokens.create_token(session, A, "robot", "scanner")
    call, field = CONFLICTS[case]
    before = _counts(catalog)
    with pytest.raises(Conflict) as caught, transaction(catalog.factory) as session:
        call(session, world)
    assert caught.value.field == field
    assert caught.value.code == "CONFLICT"
    assert _counts(catalog) == before


def test_same_names_in_other_scopes_are_fine(catalog: Catalog, world: World) -> None:
    with transaction(catalog.factory) as session:
        # the same table name in another schema, or in another store
        stores.register_dataset(
            session,
            A,
            {"data_store_id": world.store, "schema_name": "archive", "name": "naissances"},
        )
        stores.register_dataset(
            session, A, {"data_store_id": world.other_store, "name": "naissances"}
        )
        # the same control in another version
        ai_register.create_policy(
            session,
            A,
            {
                "kind": "GOVERNANCE",
                "framework": "AI_ACT",
                "control_ref": "Art. 26",
                "title": "v2",
                "version": "2",
            },
        )
        # renaming to its own name is not a conflict
        ai_register.update_ai_system(session, A, world.ai, {"name": "Tri du courrier"})
    with catalog.factory() as session:
        named = session.scalars(select(Dataset).where(Dataset.name == "naissances")).all()
        scopes = {(d.data_store_id, d.schema_name) for d in named}
        assert len(named) == len(scopes) == 3
        assert {store for store, _ in scopes} == {world.store, world.other_store}
        versions = session.scalars(select(Policy.version).where(Policy.control_ref == "Art. 26"))
        assert len(set(versions.all()) | {"2"}) == 2
        assert session.get(AISystem, world.ai).name == "Tri du courrier"


# --------------------------------------------------------------------------- secrets


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://reader:s3cr3t-pw@db.valbourg.fr/etat_civil",
        "postgresql+psycopg://reader:s3cr3t-pw@db:5432/etat_civil",
        "mysql://root:s3cr3t-pw@127.0.0.1/rh",
        "postgresql://reader@db/etat_civil?password=s3cr3t-pw",
        "postgresql://db/etat_civil?sslmode=require&PASSWORD=s3cr3t-pw",
    ],
)
def test_url_with_a_password_is_refused(url: str, catalog: Catalog) -> None:
    before = _counts(catalog)
    with pytest.raises(InvalidInput) as caught, transaction(catalog.factory) as session:
        stores.register_data_store(session, A, {"name": "rh", "url": url})
    assert caught.value.field == "url"
    assert "s3cr3t-pw" not in str(caught.value)
    assert _counts(catalog) == before


def test_url_with_a_user_and_no_password_is_accepted(catalog: Catalog) -> None:
    with transaction(catalog.factory) as session:
        store = stores.register_data_store(
            session, A, {"name": "rh", "url": "postgresql://reader@db/rh?sslmode=require"}
        )
    with catalog.factory() as session:
        stored = session.get(DataStore, store.id)
        assert stored is not None and stored.url == "postgresql://reader@db/rh?sslmode=require"


def test_secret_ref_never_reaches_the_audit_trail(catalog: Catalog, tmp_path: Path) -> None:
    seeded = _events(catalog)
    policy = SecretPolicy(secrets_dir=tmp_path)
    with transaction(catalog.factory) as session:
        store = stores.register_data_store(
            session,
            A,
            {
                "name": "rh",
                "url": "postgresql://reader@db/rh",
                "secret_ref": "env:REGISTRE_SECRET_RH_DB",
            },
            policy=policy,
        )
        stores.update_data_store(
            session, A, store.id, {"secret_ref": f"file:{tmp_path}/rh-db-key"}, policy=policy
        )
        stores.update_data_store(session, A, store.id, {"description": "Ressources humaines"})
    with catalog.factory() as session:
        stored = session.get(DataStore, store.id)
        assert stored is not None and stored.secret_ref == f"file:{tmp_path}/rh-db-key"
    events = _new_events(catalog, seeded)
    assert [e.action for e in events] == [
        "register_data_store",
        "update_data_store",
        "update_data_store",
    ]
    # the change of reference shows in the trail, as a fingerprint only
    update = events[1]
    assert update.before is not None and update.after is not None
    assert update.before["secret_ref"].startswith("withheld:")
    assert update.before["secret_ref"] != update.after["secret_ref"]
    # the seed registered a store with a secret too
    for event in _events(catalog):
        for snapshot in (event.before, event.after):
            if snapshot is not None and event.entity_type == "DataStore":
                assert "url" in snapshot  # the snapshot is real, only the secret is withheld
        dumped = json.dumps([event.before, event.after])
        assert "REGISTRE_SECRET_RH_DB" not in dumped
        assert "rh-db-key" not in dumped
        assert "ETAT_CIVIL" not in dumped


def test_token_hash_never_reaches_the_audit_trail(catalog: Catalog) -> None:
    seeded = _events(catalog)
    with transaction(catalog.factory) as session:
        token, clear = tokens.create_token(session, A, "robot", "scanner")
        tokens.revoke_token(session, A, "robot")
        token_hash = token.token_hash
    events = _new_events(catalog, seeded)
    assert [e.action for e in events] == ["create_token", "revoke_token"]
    dumped = json.dumps([[e.before, e.after] for e in events])
    assert token_hash not in dumped and clear not in dumped
    assert events[0].after is not None and events[0].after["name"] == "robot"


# --------------------------------------------------------------------------- cascades


def _delete(session: Session, model: type[Any], entity_id: int, how: str) -> None:
    if how == "orm":
        session.delete(session.get(model, entity_id))
    else:  # the database's own ON DELETE CASCADE, as a SQL console would trigger it
        session.execute(delete(model).where(model.id == entity_id))


@pytest.mark.parametrize("how", ["orm", "sql"])
def test_deleting_a_data_store_deletes_everything_under_it(
    how: str, catalog: Catalog, world: World
) -> None:
    with catalog.factory() as session:
        doomed_datasets = [world.dataset, world.dataset2]
        doomed_fields = list(
            session.scalars(select(Field.id).where(Field.dataset_id.in_(doomed_datasets)))
        )
        assert len(doomed_fields) == 6
        assert session.scalar(select(func.count()).where(Finding.field_id.in_(doomed_fields))) == 4
        kept = {
            "fields": _count(
                session, select(Field).where(Field.dataset_id == world.other_dataset).subquery()
            ),
            "findings": _count(
                session,
                select(Finding)
                .join(Field)
                .where(Field.dataset_id == world.other_dataset)
                .subquery(),
            ),
        }
    with transaction(catalog.factory) as session:
        _delete(session, DataStore, world.store, how)

    with catalog.factory() as session:
        assert session.get(DataStore, world.store) is None
        assert (
            session.scalars(select(Dataset.id).where(Dataset.data_store_id == world.store)).all()
            == []
        )
        assert session.scalars(select(Field.id).where(Field.id.in_(doomed_fields))).all() == []
        assert (
            session.scalars(select(Finding.id).where(Finding.field_id.in_(doomed_fields))).all()
            == []
        )
        assert (
            session.scalars(select(ScanRun.id).where(ScanRun.data_store_id == world.store)).all()
            == []
        )
        for link_table, column in (
            (AISystemDataset.__table__, "dataset_id"),
            (processing_activity_dataset, "dataset_id"),
        ):
            rows = session.execute(
                select(link_table).where(link_table.c[column].in_(doomed_datasets))
            ).all()
            assert rows == [], f"{link_table.name} keeps links to deleted datasets"
        assert _orphans(session) == {}
        # what is not under the store is still there
        assert session.get(DataStore, world.other_store) is not None
        assert session.get(Dataset, world.other_dataset) is not None
        assert (
            _count(session, select(Field).where(Field.dataset_id == world.other_dataset).subquery())
            == kept["fields"]
        )
        assert (
            _count(
                session,
                select(Finding)
                .join(Field)
                .where(Field.dataset_id == world.other_dataset)
                .subquery(),
            )
            == kept["findings"]
        )
        assert session.get(AISystem, world.ai) is not None
        assert session.get(ProcessingActivity, world.activity) is not None
        assert session.scalars(
            select(AISystemDataset.dataset_id).where(AISystemDataset.ai_system_id == world.ai)
        ).all() == [world.other_dataset]
        assert session.scalars(select(processing_activity_dataset.c.dataset_id)).all() == [
            world.other_dataset
        ]


@pytest.mark.parametrize("how", ["orm", "sql"])
def test_deleting_an_ai_system_removes_its_links_and_assessments(
    how: str, catalog: Catalog, world: World
) -> None:
    with catalog.factory() as session:
        pa_only = session.scalar(
            select(Assessment.id).where(
                Assessment.ai_system_id.is_(None),
                Assessment.processing_activity_id == world.activity,
            )
        )
        assert session.scalar(select(func.count()).where(Assessment.ai_system_id == world.ai)) == 2
    with transaction(catalog.factory) as session:
        _delete(session, AISystem, world.ai, how)

    with catalog.factory() as session:
        assert session.get(AISystem, world.ai) is None
        assert (
            session.scalars(
                select(AISystemDataset.id).where(AISystemDataset.ai_system_id == world.ai)
            ).all()
            == []
        )
        assert (
            session.scalars(
                select(AISystemPolicy.id).where(AISystemPolicy.ai_system_id == world.ai)
            ).all()
            == []
        )
        assert (
            session.execute(
                select(processing_activity_ai_system).where(
                    processing_activity_ai_system.c.ai_system_id == world.ai
                )
            ).all()
            == []
        )
        assert (
            session.scalars(select(Assessment.id).where(Assessment.ai_system_id == world.ai)).all()
            == []
        )
        assert _orphans(session) == {}
        # the other ends of the links stay, and so do the other system's links
        assert session.get(Dataset, world.dataset) is not None
        assert session.get(Policy, world.policy) is not None
        assert session.get(ProcessingActivity, world.activity) is not None
        assert session.scalars(
            select(Assessment.id).where(Assessment.processing_activity_id == world.activity)
        ).all() == [pa_only]
        assert session.scalars(select(AISystemPolicy.ai_system_id)).all() == [world.ai2]
        assert session.scalars(select(AISystemDataset.ai_system_id)).all() == [world.ai2]
        assert session.execute(
            select(processing_activity_ai_system.c.ai_system_id)
        ).scalars().all() == [world.ai2]


def test_deleting_an_organisation_unsets_references(catalog: Catalog, world: World) -> None:
    with transaction(catalog.factory) as session:
        session.execute(delete(Organisation).where(Organisation.id == world.org))
    with catalog.factory() as session:
        system = session.get(AISystem, world.ai)
        assert system is not None and system.provider_id is None
        assert _orphans(session) == {}


def test_deleting_a_scan_run_keeps_findings(catalog: Catalog, world: World) -> None:
    with transaction(catalog.factory) as session:
        session.execute(delete(ScanRun).where(ScanRun.id == world.run))
    with catalog.factory() as session:
        finding = session.get(Finding, world.finding)
        assert finding is not None and finding.first_seen_run_id is None
        assert _orphans(session) == {}


def test_orphan_check_sees_orphans(catalog: Catalog, world: World) -> None:
    # Guards the cascade tests: with foreign keys off, a deletion leaves link rows behind
    # and ``_orphans`` must report them.
    if catalog.backend == "sqlite":
        with catalog.engine.connect() as conn:  # this test's own file
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # before any BEGIN, or it is ignored
            conn.execute(delete(AISystem).where(AISystem.id == world.ai))
            with Session(bind=conn) as session:
                orphans = _orphans(session)
            conn.rollback()
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
    else:
        with catalog.factory() as session:
            session.execute(text("SET LOCAL session_replication_role = replica"))
            session.execute(delete(AISystem).where(AISystem.id == world.ai))
            orphans = _orphans(session)
            session.rollback()
    assert set(orphans) >= {
        "ai_system_dataset.ai_system_id",
        "ai_system_policy.ai_system_id",
        "processing_activity_ai_system.ai_system_id",
        "assessment.ai_system_id",
    }
    with catalog.factory() as session:
        assert session.get(AISystem, world.ai) is not None
        assert _orphans(session) == {}


# --------------------------------------------------------------------------- audit


@dataclass(frozen=True)
class Call:
    run: Callable[[Session, Actor, World], Any]
    action: str
    entity_type: str
    update: bool = False
    changed: tuple[str, Any, Any] | None = None  # key, before, after


def _review(s: Session, a: Actor, w: World) -> Any:
    return findings.review_finding(
        s, a, {"finding_id": w.finding, "decision": "REJECTED", "comment": "code commune"}
    )


CALLS: dict[str, Call] = {
    "create_organisation": Call(
        lambda s, a, w: stores.create_organisation(
            s, a, {"name": "Numérique Cloud", "country": "fr"}
        ),
        "create_organisation",
        "Organisation",
    ),
    "register_data_store": Call(
        lambda s, a, w: stores.register_data_store(
            s, a, {"name": "rh", "url": "postgresql://reader@db/rh"}
        ),
        "register_data_store",
        "DataStore",
    ),
    "update_data_store": Call(
        lambda s, a, w: stores.update_data_store(s, a, w.store, {"owner": "DSI"}),
        "update_data_store",
        "DataStore",
        True,
        ("owner", None, "DSI"),
    ),
    "register_dataset": Call(
        lambda s, a, w: stores.register_dataset(
            s, a, {"data_store_id": w.store, "name": "mariages"}
        ),
        "register_dataset",
        "Dataset",
    ),
    "update_dataset": Call(
        lambda s, a, w: stores.update_dataset(s, a, w.dataset, {"sensitivity": "RESTRICTED"}),
        "update_dataset",
        "Dataset",
        True,
        ("sensitivity", None, "RESTRICTED"),
    ),
    "register_ai_system": Call(
        lambda s, a, w: ai_register.register_ai_system(
            s, a, {"name": "Aide à l'instruction", "risk_class": "HIGH"}
        ),
        "register_ai_system",
        "AISystem",
    ),
    "update_ai_system": Call(
        lambda s, a, w: ai_register.update_ai_system(s, a, w.ai, {"status": "PILOT"}),
        "update_ai_system",
        "AISystem",
        True,
        ("status", "PLANNED", "PILOT"),
    ),
    "link_ai_system_dataset": Call(
        lambda s, a, w: ai_register.link_ai_system_dataset(
            s, a, {"ai_system_id": w.ai2, "dataset_id": w.dataset, "usage": "RETRIEVAL"}
        ),
        "link_ai_system_dataset",
        "AISystemDataset",
    ),
    "unlink_ai_system_dataset": Call(
        lambda s, a, w: ai_register.unlink_ai_system_dataset(
            s, a, {"ai_system_id": w.ai, "dataset_id": w.dataset, "usage": "TRAINING"}
        ),
        "unlink_ai_system_dataset",
        "AISystemDataset",
    ),
    "create_policy": Call(
        lambda s, a, w: ai_register.create_policy(
            s,
            a,
            {
                "kind": "SECURITY",
                "framework": "PSSIE",
                "control_ref": "HEB-1",
                "title": "Hébergement",
            },
        ),
        "create_policy",
        "Policy",
    ),
    "link_ai_system_policy (new)": Call(
        lambda s, a, w: ai_register.link_ai_system_policy(
            s, a, {"ai_system_id": w.ai, "policy_id": _new_policy(s), "status": "NON_COMPLIANT"}
        ),
        "link_ai_system_policy",
        "AISystemPolicy",
    ),
    "link_ai_system_policy (again)": Call(
        lambda s, a, w: ai_register.link_ai_system_policy(
            s, a, {"ai_system_id": w.ai, "policy_id": w.policy, "status": "NON_COMPLIANT"}
        ),
        "link_ai_system_policy",
        "AISystemPolicy",
        True,
        ("status", "COMPLIANT", "NON_COMPLIANT"),
    ),
    "create_processing_activity": Call(
        lambda s, a, w: ai_register.create_processing_activity(
            s,
            a,
            {
                "name": "Paie",
                "legal_basis": "LEGAL_OBLIGATION",
                "transfers": [{"country": "us", "mechanism": "SCC"}],
            },
        ),
        "create_processing_activity",
        "ProcessingActivity",
    ),
    "link_processing_activity": Call(
        lambda s, a, w: ai_register.link_processing_activity(
            s, a, {"processing_activity_id": w.activity, "dataset_id": w.dataset2}
        ),
        "link_processing_activity",
        "ProcessingActivity",
        True,
    ),
    "record_assessment": Call(
        lambda s, a, w: ai_register.record_assessment(
            s, a, {"kind": "SECURITY_HOMOLOGATION", "status": "PLANNED", "ai_system_id": w.ai2}
        ),
        "record_assessment",
        "Assessment",
    ),
    "review_finding": Call(
        _review, "review_finding", "Finding", True, ("status", "SUGGESTED", "REJECTED")
    ),
}


def _new_policy(session: Session) -> int:
    policy = Policy(kind="SECURITY", framework="RGS", control_ref="RGS-1", title="RGS")
    session.add(policy)
    session.flush()
    return policy.id


@pytest.mark.parametrize("name", sorted(CALLS))
def test_every_service_call_writes_one_audit_event(
    name: str, catalog: Catalog, world: World
) -> None:
    call = CALLS[name]
    with transaction(catalog.factory) as session:
        token, _ = tokens.create_token(session, A, "alice-token", "steward")
        actor = Actor(name="token:alice-token", role=Role.STEWARD, token_id=token.id)
    seen = _events(catalog)
    with transaction(catalog.factory) as session:
        result = call.run(session, actor, world)
        entity_id = getattr(result, "id", None)
    new = _new_events(catalog, seen)
    assert len(new) == 1, [e.action for e in new]
    (event,) = new
    assert (event.actor, event.action, event.entity_type) == (
        "token:alice-token",
        call.action,
        call.entity_type,
    )
    assert event.token_id == token.id
    assert event.at is not None and event.at.tzinfo is not None
    if entity_id is not None:
        assert event.entity_id == entity_id
    else:
        assert event.entity_id is not None  # a deletion names what it deleted
    if name.startswith("unlink"):
        assert event.after is None and event.before is not None
        assert event.before["usage"] == "TRAINING"
        return
    assert event.after is not None
    if call.update:
        assert event.before is not None and event.before != event.after
    else:
        assert event.before is None
        assert event.after["id"] == entity_id
    if call.changed:
        key, old, new_value = call.changed
        assert (event.before[key], event.after[key]) == (old, new_value)
    if name == "review_finding":
        assert event.after["reviewer"] == "token:alice-token"
        assert event.after["review_comment"] == "code commune"
    if name == "link_processing_activity":
        linked = [world.dataset, world.other_dataset]
        assert event.before == {"datasets": linked, "ai_systems": [world.ai, world.ai2]}
        assert event.after == {
            "datasets": [*linked, world.dataset2],
            "ai_systems": [world.ai, world.ai2],
        }


@pytest.mark.parametrize("name", sorted(CALLS))
def test_change_and_event_roll_back_together(name: str, catalog: Catalog, world: World) -> None:
    before = _counts(catalog)
    before_events = [(e.id, e.action) for e in _events(catalog)]
    with catalog.factory() as session:
        CALLS[name].run(session, A, world)
        session.flush()
        assert _count(session, AuditEvent.__table__) == before["audit_event"] + 1
        session.rollback()
    assert _counts(catalog) == before
    assert [(e.id, e.action) for e in _events(catalog)] == before_events
    if CALLS[name].update:
        with catalog.factory() as session:
            assert session.get(Finding, world.finding).status is FindingStatus.SUGGESTED
            assert session.get(AISystem, world.ai).status.value == "PLANNED"
            assert session.get(Dataset, world.dataset).sensitivity is None


def test_a_call_failing_half_way_leaves_neither_change_nor_event(
    catalog: Catalog, world: World
) -> None:
    # link_processing_activity appends the dataset, then finds the AI system missing.
    before = _counts(catalog)
    with pytest.raises(NotFound) as caught, transaction(catalog.factory) as session:
        ai_register.link_processing_activity(
            session,
            A,
            {
                "processing_activity_id": world.activity,
                "dataset_id": world.dataset2,
                "ai_system_id": 99999,
            },
        )
    assert caught.value.field == "aiSystemId"
    assert _counts(catalog) == before
    with catalog.factory() as session:
        linked = (
            session.execute(
                select(processing_activity_dataset.c.dataset_id).where(
                    processing_activity_dataset.c.processing_activity_id == world.activity
                )
            )
            .scalars()
            .all()
        )
    assert sorted(linked) == sorted([world.dataset, world.other_dataset])


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (
            lambda s, w: findings.review_finding(
                s, A, {"finding_id": w.finding, "decision": "SUGGESTED"}
            ),
            "decision",
        ),
        (
            lambda s, w: findings.review_finding(
                s, A, {"finding_id": 99999, "decision": "CONFIRMED"}
            ),
            "findingId",
        ),
        (lambda s, w: ai_register.update_ai_system(s, A, w.ai, {"status": None}), "status"),
        (
            lambda s, w: stores.update_dataset(s, A, w.dataset, {"open_data_access": None}),
            "openDataAccess",
        ),
        (
            lambda s, w: stores.register_dataset(s, A, {"data_store_id": 99999, "name": "x"}),
            "dataStoreId",
        ),
        (
            lambda s, w: stores.register_data_store(s, A, {"name": "x", "url": "ftp://host/x"}),
            "url",
        ),
        (
            lambda s, w: stores.register_data_store(
                s, A, {"name": "x", "url": "sqlite:///x.db", "scan_schedule": "tous les jours"}
            ),
            "scan_schedule",
        ),
        (
            lambda s, w: stores.create_organisation(s, A, {"name": "x", "country": "France"}),
            "country",
        ),
        (
            lambda s, w: stores.create_organisation(s, A, {"name": "x", "siren": "123456789"}),
            "siren",
        ),
        (lambda s, w: stores.create_organisation(s, A, {"name": "x", "colour": "blue"}), "colour"),
        (
            lambda s, w: ai_register.record_assessment(s, A, {"kind": "DPIA", "status": "PLANNED"}),
            "aiSystemId",
        ),
        (
            lambda s, w: ai_register.link_processing_activity(
                s, A, {"processing_activity_id": w.activity}
            ),
            "datasetId",
        ),
        (
            lambda s, w: ai_register.unlink_ai_system_dataset(
                s, A, {"ai_system_id": w.ai2, "dataset_id": w.dataset, "usage": "OUTPUT"}
            ),
            "usage",
        ),
        (lambda s, w: tokens.create_token(s, A, "x", "superuser"), "role"),
        (lambda s, w: tokens.revoke_token(s, A, "nobody"), "name"),
    ],
)
def test_bad_input_changes_nothing_and_names_the_field(
    call: Callable[[Session, World], Any], field: str, catalog: Catalog, world: World
) -> None:
    before = _counts(catalog)
    with pytest.raises((InvalidInput, NotFound)) as caught, transaction(catalog.factory) as session:
        call(session, world)
    assert caught.value.field == field
    assert _counts(catalog) == before


def test_linking_twice_is_harmless(catalog: Catalog, world: World) -> None:
    before = _counts(catalog)
    with transaction(catalog.factory) as session:
        link = ai_register.link_ai_system_dataset(
            session, A, {"ai_system_id": world.ai, "dataset_id": world.dataset, "usage": "TRAINING"}
        )
        ai_register.link_processing_activity(
            session, A, {"processing_activity_id": world.activity, "dataset_id": world.dataset}
        )
    assert (link.ai_system_id, link.dataset_id) == (world.ai, world.dataset)
    after = _counts(catalog)
    # no new link row (linking a processing activity again is audited, but not duplicated)
    assert after["ai_system_dataset"] == before["ai_system_dataset"]
    assert after["processing_activity_dataset"] == before["processing_activity_dataset"]


@pytest.mark.parametrize("role", [Role.SECURITY, Role.SCANNER, Role.AUDITOR])
def test_roles_without_register_permission_are_refused_by_the_services(
    role: Role, catalog: Catalog, world: World
) -> None:
    actor = Actor(name=f"someone-{role.value}", role=role)
    before = _counts(catalog)
    for call in CALLS.values():
        with pytest.raises(PermissionDenied), transaction(catalog.factory) as session:
            call.run(session, actor, world)
    with pytest.raises(PermissionDenied), transaction(catalog.factory) as session:
        tokens.create_token(session, actor, "x", "admin")
    assert _counts(catalog) == before


def test_revoked_token_no_longer_authenticates(catalog: Catalog) -> None:
    with transaction(catalog.factory) as session:
        _, clear = tokens.create_token(session, A, "robot", "scanner")
    with transaction(catalog.factory) as session:
        actor = tokens.authenticate(session, clear)
        assert actor is not None and actor.role is Role.SCANNER and actor.name == "token:robot"
    with catalog.factory() as session:
        assert session.scalar(select(ApiToken.last_used_at)) is not None
    with transaction(catalog.factory) as session:
        tokens.revoke_token(session, A, "robot")
    with transaction(catalog.factory) as session:
        assert tokens.authenticate(session, clear) is None
        assert tokens.authenticate(session, clear + "x") is None
