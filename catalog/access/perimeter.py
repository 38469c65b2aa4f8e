"""Every read of the register filtered by the caller's domains, in one place.

A session serving a caller carries its perimeter (:func:`bind`: the domains where it may
read, in ``session.info``). An ORM event adds criteria to every ORM SELECT the session runs
(SQLAlchemy's ``with_loader_criteria`` in ``do_orm_execute``): lists, counts, ``get`` by
id, relationship and DataLoader loads, exports and the audit trail see only the rows of
those domains. Data stores, AI systems and processing activities belong to a domain;
datasets, fields, findings, scan runs and the kept exposure rows to their store's; links
and assessments to either end's; compliance issues to their subject's (an issue that also
names an object of another domain is hidden); audit events to the domain recorded on them.
Organisations and policies are shared reference data and not filtered.

An organisation-wide caller gets no criteria at all: its queries are the ones it always ran.
The derived tables' upkeep (stored compliance issues, kept exposure), which runs in the
caller's transaction, sees everything: it must not take a filtered view for the truth.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnElement, and_, event, false, or_, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from registre.catalog.access.roles import Actor, Permission
from registre.catalog.models.access import AuditEvent
from registre.catalog.models.ai import (
    AISystem,
    AISystemDataset,
    AISystemPolicy,
    Assessment,
    ProcessingActivity,
)
from registre.catalog.models.compliance import IssueMention, StoredIssue
from registre.catalog.models.data import Dataset, DataStore, Field, Finding, ScanRun, ScanRunTable
from registre.catalog.models.exposure import (
    ExposureCategoryRow,
    ExposureDatasetAIRow,
    ExposureDatasetRow,
    ExposureFindingRow,
    ExposureTotalRow,
)
from registre.catalog.models.people import Domain

_KEY = "registre.perimeter"
#: set by :func:`whole`: the stored issues' upkeep (catalog/compliance/tracking.py) runs in it
_OFF = "registre.perimeter.off"


def bind(session: Session, actor: Actor) -> None:
    """Make ``session`` read only what ``actor`` may: its domains (nothing for an
    organisation-wide actor)."""
    domains = actor.domains(Permission.READ)
    if domains is None:
        session.info.pop(_KEY, None)
    else:
        session.info[_KEY] = tuple(sorted(domains))


def of(session: Session) -> tuple[int, ...] | None:
    """The domains ``session`` is limited to; None: every domain."""
    domains: tuple[int, ...] | None = session.info.get(_KEY)
    return domains


@contextmanager
def whole(session: Session) -> Iterator[Session]:
    """Read the whole register within the block (a uniqueness check across domains)."""
    before = session.info.get(_OFF)
    session.info[_OFF] = True
    try:
        yield session
    finally:
        if before is None:
            session.info.pop(_OFF, None)


# The criteria's own subqueries read the tables (``__table__``), not the mapped classes: the
# event's criteria would otherwise apply inside them too (twice the work, and a mention's
# criteria inside the issue's own would hide the very mention that hides the issue).
_store = DataStore.__table__.c
_dataset = Dataset.__table__.c
_field = Field.__table__.c
_ai = AISystem.__table__.c
_activity = ProcessingActivity.__table__.c
_domain = Domain.__table__.c
_issue = StoredIssue.__table__.c
_mention = IssueMention.__table__.c


def store_ids(domains: tuple[int, ...]) -> Any:
    return select(_store.id).where(_store.domain_id.in_(domains)).correlate(None)


def dataset_ids(domains: tuple[int, ...]) -> Any:
    return select(_dataset.id).where(_dataset.data_store_id.in_(store_ids(domains))).correlate(None)


def field_ids(domains: tuple[int, ...]) -> Any:
    return select(_field.id).where(_field.dataset_id.in_(dataset_ids(domains))).correlate(None)


def ai_system_ids(domains: tuple[int, ...]) -> Any:
    return select(_ai.id).where(_ai.domain_id.in_(domains)).correlate(None)


def activity_ids(domains: tuple[int, ...]) -> Any:
    return select(_activity.id).where(_activity.domain_id.in_(domains)).correlate(None)


def _subject_in(kind: Any, subject_id: Any, domains: tuple[int, ...]) -> ColumnElement[bool]:
    organisations = (
        select(_domain.organisation_id)
        .where(_domain.id.in_(domains), _domain.organisation_id.is_not(None))
        .correlate(None)
    )
    return or_(
        and_(kind == "AISystem", subject_id.in_(ai_system_ids(domains))),
        and_(kind == "Dataset", subject_id.in_(dataset_ids(domains))),
        and_(kind == "ProcessingActivity", subject_id.in_(activity_ids(domains))),
        and_(kind == "DataStore", subject_id.in_(store_ids(domains))),
        and_(kind == "Organisation", subject_id.in_(organisations)),
    )


def _issue_criteria(issue: Any, domains: tuple[int, ...]) -> ColumnElement[bool]:
    """Issues about a subject of ``domains`` naming nothing of another domain."""
    names_another = (
        select(_mention.issue_id)
        .where(
            _mention.issue_id == issue.id,
            _mention.subject_type.in_(("AISystem", "Dataset", "ProcessingActivity", "DataStore")),
            ~_subject_in(_mention.subject_type, _mention.subject_id, domains),
        )
        .correlate_except(IssueMention.__table__)
        .exists()
    )
    return and_(_subject_in(issue.subject_type, issue.subject_id, domains), ~names_another)


def criteria(domains: tuple[int, ...]) -> list[Any]:
    """The criteria of every filtered entity for a caller of ``domains``."""
    stores, datasets = store_ids(domains), dataset_ids(domains)
    ai, activities = ai_system_ids(domains), activity_ids(domains)
    rules: list[tuple[type[Any], ColumnElement[bool]]] = [
        (Domain, Domain.id.in_(domains)),
        (DataStore, DataStore.domain_id.in_(domains)),
        (Dataset, Dataset.data_store_id.in_(stores)),
        (Field, Field.dataset_id.in_(datasets)),
        (Finding, Finding.field_id.in_(field_ids(domains))),
        (ScanRun, ScanRun.data_store_id.in_(stores)),
        (ScanRunTable, ScanRunTable.dataset_id.in_(datasets)),
        (AISystem, AISystem.domain_id.in_(domains)),
        (ProcessingActivity, ProcessingActivity.domain_id.in_(domains)),
        (
            AISystemDataset,
            or_(AISystemDataset.ai_system_id.in_(ai), AISystemDataset.dataset_id.in_(datasets)),
        ),
        (AISystemPolicy, AISystemPolicy.ai_system_id.in_(ai)),
        (
            Assessment,
            or_(Assessment.ai_system_id.in_(ai), Assessment.processing_activity_id.in_(activities)),
        ),
        (StoredIssue, _issue_criteria(StoredIssue, domains)),
        (
            IssueMention,
            IssueMention.issue_id.in_(
                select(_issue.id).where(_issue_criteria(_issue, domains)).correlate(None)
            ),
        ),
        (ExposureFindingRow, ExposureFindingRow.data_store_id.in_(stores)),
        (ExposureDatasetRow, ExposureDatasetRow.data_store_id.in_(stores)),
        (ExposureCategoryRow, ExposureCategoryRow.dataset_id.in_(datasets)),
        (ExposureDatasetAIRow, ExposureDatasetAIRow.dataset_id.in_(datasets)),
        # the organisation-wide totals: a domain's summary is summed from the rows above
        (ExposureTotalRow, false()),
        (AuditEvent, AuditEvent.domain_id.in_(domains)),
    ]
    return [with_loader_criteria(entity, rule, include_aliases=True) for entity, rule in rules]


@event.listens_for(Session, "do_orm_execute")
def _filter(state: ORMExecuteState) -> None:
    if not state.is_select or state.is_column_load:
        return
    info = state.session.info
    domains = info.get(_KEY)
    if domains is None or info.get(_OFF):
        return
    state.statement = state.statement.options(*criteria(domains))


def domain_of(session: Session, entity: Any) -> int | None:
    """The domain ``entity`` belongs to (None: shared, or an object of no domain)."""
    with whole(session):
        return _domain_of(session, entity)


def _domain_of(session: Session, entity: Any) -> int | None:
    if isinstance(entity, DataStore | AISystem | ProcessingActivity):
        return entity.domain_id
    if isinstance(entity, Domain):
        return entity.id
    store_id: int | None = None
    if isinstance(entity, Dataset | ScanRun):
        store_id = entity.data_store_id
    elif isinstance(entity, Field):
        store_id = session.scalar(
            select(Dataset.data_store_id).where(Dataset.id == entity.dataset_id)
        )
    elif isinstance(entity, Finding):
        store_id = session.scalar(
            select(Dataset.data_store_id)
            .join(Field, Field.dataset_id == Dataset.id)
            .where(Field.id == entity.field_id)
        )
    elif isinstance(entity, AISystemDataset | AISystemPolicy):
        return session.scalar(select(AISystem.domain_id).where(AISystem.id == entity.ai_system_id))
    elif isinstance(entity, Assessment):
        if entity.ai_system_id is not None:
            return session.scalar(
                select(AISystem.domain_id).where(AISystem.id == entity.ai_system_id)
            )
        return session.scalar(
            select(ProcessingActivity.domain_id).where(
                ProcessingActivity.id == entity.processing_activity_id
            )
        )
    if store_id is None:
        return None
    return session.scalar(select(DataStore.domain_id).where(DataStore.id == store_id))


#: what writing in a domain needs: a permission beyond reading there
WRITE_PERMISSIONS = tuple(
    p for p in Permission if p not in (Permission.READ, Permission.READ_EVIDENCE)
)


def check_write(actor: Actor, domain_id: int | None) -> None:
    """The last guard of every audited change (:func:`registre.catalog.access.audit.record`):
    a change to an object of a domain needs a write permission there. The services check the
    precise permission first; this catches a service that forgot to."""
    if domain_id is None or any(actor.can(p, domain_id) for p in WRITE_PERMISSIONS):
        return
    actor.require(Permission.REGISTER, domain_id)  # raises, naming the role
