"""The publication gate: open data by default (CRPA L312-1-1), personal data never
without a recorded ground (L312-1-2).

A dataset is *published* when its access level is open data and nothing blocks it. What
blocks: a finding that counts as personal data (confirmed, or suggested and still seen:
the shared predicate of :mod:`registre.catalog.data.search`), a re-identification risk
among them, unless a publication ground recorded on the dataset covers it. A ground covers
the findings known when it was recorded: a column found afterwards blocks again, so the
DPO reviews it before anyone downloads it.

Every decision is in the audit trail: ``publication_allowed`` and ``publication_refused``
when someone marks a dataset open, ``publication_withheld`` when a scan finds new personal
data on an open dataset, ``record_publication_ground`` when the ground changes.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, not_, or_, select
from sqlalchemy.orm import Session

from registre.catalog.access.audit import record, refusal_event
from registre.catalog.access.perimeter import domain_of
from registre.catalog.access.roles import Actor, Permission
from registre.catalog.compliance.words import ENTITY_TYPE
from registre.catalog.data.search import holds_personal_data, personal_finding
from registre.catalog.enums import OPEN_DATA, FindingStatus
from registre.catalog.errors import Refused
from registre.catalog.i18n import Joined, Text
from registre.catalog.inputs import PublicationGroundInput
from registre.catalog.models.base import utcnow
from registre.catalog.models.data import Dataset, Field, Finding
from registre.catalog.service import get, update, validate

#: the entity type of a finding that says a combination of columns re-identifies persons
REIDENTIFICATION_RISK = "REIDENTIFICATION_RISK"

#: the compliance rule an open dataset with uncovered personal data breaks
RULE_ID = "CRPA-L312-1-2-PUBLICATION"


@dataclass(frozen=True)
class Blocker:
    """A finding that keeps a dataset out of open data: the field and the kind, no value."""

    finding_id: int
    field: str
    entity_type: str
    category: str
    status: FindingStatus

    @property
    def reidentification(self) -> bool:
        return self.entity_type == REIDENTIFICATION_RISK

    def describe(self) -> str:
        state = (
            Text("confirmed")
            if self.status is FindingStatus.CONFIRMED
            else Text("suggested, not reviewed")
        )
        if self.reidentification:
            return Text(
                "re-identification risk on '{field}' ({state})", field=self.field, state=state
            )
        return Text(
            "'{field}' ({entity}, {state})",
            field=self.field,
            entity=Text.in_context(ENTITY_TYPE, self.entity_type),
            state=state,
        )

    def as_fact(self) -> dict[str, Any]:
        return {
            "finding_id": self.finding_id,
            "field": self.field,
            "entity_type": self.entity_type,
            "status": self.status.value,
        }


def not_covered() -> ColumnElement[bool]:
    """``Finding`` is not covered by its ``Dataset``'s publication ground: no ground, or
    the finding appeared after the ground was recorded."""
    return or_(
        Dataset.publication_ground_at.is_(None),
        Finding.created_at > Dataset.publication_ground_at,
    )


def published() -> ColumnElement[bool]:
    """``Dataset`` is published: open data, still present, and nothing blocks it."""
    return and_(
        Dataset.open_data_access.in_(OPEN_DATA),
        Dataset.removed_at.is_(None),
        not_(holds_personal_data(not_covered())),
    )


def blockers(session: Session, dataset_ids: list[int]) -> dict[int, list[Blocker]]:
    """What keeps each of these datasets out of open data (datasets with nothing: absent)."""
    if not dataset_ids:
        return {}
    rows = session.execute(
        select(Field.dataset_id, Field.name, Finding)
        .join(Field, Field.id == Finding.field_id)
        .join(Dataset, Dataset.id == Field.dataset_id)
        .where(Dataset.id.in_(dataset_ids), personal_finding(not_covered()))
        .order_by(Field.dataset_id, Field.position, Field.name, Finding.entity_type)
    ).all()
    found: dict[int, list[Blocker]] = {}
    for dataset_id, field_name, finding in rows:
        found.setdefault(dataset_id, []).append(
            Blocker(finding.id, field_name, finding.entity_type, finding.category, finding.status)
        )
    return found


def refusal_message(dataset: Dataset, found: list[Blocker]) -> Text:
    """Why ``dataset`` cannot be open data, naming every field and finding that blocks."""
    return Text(
        "dataset '{name}' cannot be published as open data: it holds personal data "
        "({blockers}). Reject the findings that are wrong, or have an admin record the "
        "ground that allows publication (anonymisation with its method and date, or the "
        "legal text relied upon: CRPA L312-1-2) with recordPublicationGround.",
        name=dataset.qualified_name,
        blockers=Joined([b.describe() for b in found]),
    )


def _decision(dataset: Dataset, decision: str, found: list[Blocker]) -> dict[str, Any]:
    return {
        "decision": decision,
        "open_data_access": dataset.open_data_access.value,
        "publication_ground": dataset.publication_ground,
        "blockers": [b.as_fact() for b in found],
    }


def check_publication(
    session: Session, actor: Actor, dataset: Dataset, access: Any, *, action: str
) -> None:
    """Decide whether ``dataset`` may take the open ``access`` level, and audit the decision.

    Raises :class:`Refused` (naming what blocks) if personal data is not covered by a
    ground; the refusal is audited after the rollback (see :class:`Refused`).
    """
    if access not in OPEN_DATA:
        return
    session.flush()
    found = blockers(session, [dataset.id]).get(dataset.id, [])
    if found:
        raise Refused(
            refusal_message(dataset, found),
            field="openDataAccess",
            audit=refusal_event(
                actor,
                "publication_refused",
                dataset,
                {**_decision(dataset, "REFUSED", found), "requested": access, "by": action},
            ),
        )
    covered = dataset.publication_ground is not None
    record(
        session,
        actor,
        "publication_allowed",
        dataset,
        after={
            **_decision(dataset, "ALLOWED", []),
            "requested": access.value,
            "covered_by_ground": covered,
        },
    )


def withhold_after_scan(
    session: Session,
    actor: Actor,
    dataset_id: int,
    run_id: int,
    reopened: Collection[int] = (),
) -> list[Blocker]:
    """After a scan of an open dataset: the blockers it found in this run (new findings,
    and the ``reopened`` rejected ones), audited as the gate withholding the dataset (it
    leaves the DCAT catalogue until the DPO acts)."""
    dataset = session.get(Dataset, dataset_id)
    if dataset is None or dataset.open_data_access not in OPEN_DATA:
        return []
    session.flush()
    found = blockers(session, [dataset_id]).get(dataset_id, [])
    new_ids = set(
        session.scalars(
            select(Finding.id).where(
                Finding.id.in_([b.finding_id for b in found]),
                Finding.first_seen_run_id == run_id,
            )
        )
    )
    fresh = [b for b in found if b.finding_id in new_ids or b.finding_id in reopened]
    if fresh:
        record(
            session,
            actor,
            "publication_withheld",
            dataset,
            after={**_decision(dataset, "WITHHELD", found), "scan_run_id": run_id},
        )
    return fresh


def record_publication_ground(
    session: Session, actor: Actor, data: dict[str, Any] | PublicationGroundInput
) -> Dataset:
    """Record (or, with ``ground`` null, withdraw) what allows publishing ``dataset``'s
    personal data. Only roles with the ``publication_ground`` permission (the DPO's
    decision; today admins) may."""
    actor.require(Permission.PUBLICATION_GROUND)
    ground = validate(PublicationGroundInput, data)
    dataset = get(session, Dataset, ground.dataset_id, field="datasetId")
    actor.require_on(Permission.PUBLICATION_GROUND, domain_of(session, dataset))
    recorded = ground.ground is not None
    changes = {
        "publication_ground": ground.ground,
        "publication_ground_detail": ground.detail if recorded else None,
        "publication_ground_date": ground.date if recorded else None,
        "publication_ground_by": actor.name if recorded else None,
        "publication_ground_at": utcnow() if recorded else None,
    }
    return update(session, actor, dataset, changes, action="record_publication_ground")
