"""One audit event per service call, committed or rolled back with the change it records;
every call refused to roles without the register permission."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from registre.catalog.access import tokens
from registre.catalog.access.roles import Actor
from registre.catalog.data import findings, stores
from registre.catalog.db import transaction
from registre.catalog.enums import FindingStatus, Role
from registre.catalog.errors import InvalidInput, NotFound, PermissionDenied
from registre.catalog.governance import register as ai_register
from registre.catalog.models import (
    AISystem,
    AuditEvent,
    Dataset,
    Finding,
    Policy,
    processing_activity_dataset,
)
from tests.catalog.world import A, World, _count, _counts, _events, _new_events
from tests.support.catalogs import Catalog

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
