"""Compliance issues kept, not recomputed: the stored issues brought up to date.

    outcome = refresh(session)                      # the whole register (rule or config change)
    outcome = refresh(session, affected(session, change))   # what one change touches

:func:`refresh` evaluates the rules for some subjects (:func:`engine.evaluate_subjects`)
and writes the difference with the open records of those subjects
(:class:`~registre.catalog.models.compliance.StoredIssue`):

- an issue found and not open is **opened** (``first_seen_at`` = now);
- an issue found and open is **kept**: its severity, message and facts are brought up to
  date, ``last_seen_at`` moves to now;
- an open issue no longer found is **closed** (``closed_at`` = now) and stays recorded, so
  "what was fixed this month" is a query. If it comes back later, a new record opens.

Which records are "the same issue": same rule, subject and :func:`identity` (the ids among
its facts, so that a renamed system keeps its issue and its first-seen date).

:func:`affected` turns what a change touched (:class:`Change`, gathered by
:mod:`.tracking` from the session) into the subjects whose issues may differ.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from registre.catalog.compliance.config import ComplianceConfig, default_compliance_config
from registre.catalog.compliance.engine import ComplianceIssue, Subjects, evaluate_subjects
from registre.catalog.i18n import FRENCH, Text, translate
from registre.catalog.models.ai import (
    AISystem,
    AISystemDataset,
    AISystemPolicy,
    ProcessingActivity,
    processing_activity_ai_system,
    processing_activity_dataset,
)
from registre.catalog.models.base import utcnow
from registre.catalog.models.compliance import IssueMention, StoredIssue
from registre.catalog.models.data import Dataset, DataStore, Field, Finding, Organisation

__all__ = ["Change", "Outcome", "affected", "identity", "refresh", "refresh_due"]

#: fact keys naming what an issue is about besides its subject: they tell apart two issues
#: of one rule about one subject (one per dataset, per AI system, hosting vs provider)
_IDENTITY_KEYS = ("role",)

#: subject types an issue can name (engine.ComplianceIssue.mentions)
MENTIONED = ("AISystem", "Dataset")

#: at most this many ids in one IN list (SQLite's variable limit is 32,766)
CHUNK = 5_000


@dataclass
class Change:
    """What a unit of work touched, by kind: the ids of the rows written."""

    ai_systems: set[int] = field(default_factory=set)
    datasets: set[int] = field(default_factory=set)
    activities: set[int] = field(default_factory=set)
    policies: set[int] = field(default_factory=set)
    stores: set[int] = field(default_factory=set)
    fields: set[int] = field(default_factory=set)
    findings: set[int] = field(default_factory=set)
    organisations: set[int] = field(default_factory=set)
    #: something every subject may depend on (an organisation renamed or deleted: it may
    #: be the configured ``default_deployer``): evaluate everything
    everything: bool = False
    #: a write the kept exposure may read (False: only what it never reads was written,
    #: see :mod:`.tracking`), so that its rebuild can be skipped
    exposure: bool = True

    def __bool__(self) -> bool:
        return self.everything or any(
            (
                self.ai_systems,
                self.datasets,
                self.activities,
                self.policies,
                self.stores,
                self.fields,
                self.findings,
                self.organisations,
            )
        )

    def merge(self, other: Change) -> None:
        for name in (
            "ai_systems",
            "datasets",
            "activities",
            "policies",
            "stores",
            "fields",
            "findings",
            "organisations",
        ):
            getattr(self, name).update(getattr(other, name))
        self.everything = self.everything or other.everything
        self.exposure = self.exposure or other.exposure


@dataclass(frozen=True)
class Outcome:
    """What a refresh did: records opened, closed, kept (found again), subjects evaluated."""

    opened: int
    closed: int
    kept: int
    subjects: int | None  # None: the whole register


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _column(session: Session, stmt: Any, column: Any, ids: set[int]) -> set[int]:
    """``stmt`` (one column) where ``column`` is in ``ids``, in chunks."""
    found: set[int] = set()
    for chunk in _chunks(ids):
        found.update(session.scalars(stmt.where(column.in_(chunk))))
    return found


def affected(session: Session, change: Change) -> Subjects:
    """The subjects whose issues a change may alter.

    Seeds: the AI systems, datasets and processing activities written (a store stands for
    its datasets, a field or finding for its dataset, a policy for the systems linked to
    it, an activity for the systems and datasets it links, an organisation for itself and
    the systems, activities and stores naming it; the configured ``default_deployer`` for
    everything). Then, since an AI system's issues read its datasets and a dataset's
    issues read the systems using it: the systems using a seed dataset and the datasets a
    seed system uses; the activities linking a seed system (their DPIA may come from its
    assessments); and whatever an open issue about a seed names (a link removed since).
    """
    if change.everything or _default_deployer_among(session, change.organisations):
        return Subjects({}, everything=True)
    systems = set(change.ai_systems)
    datasets = set(change.datasets)
    activities = set(change.activities)
    fields = set(change.fields)
    stores = set(change.stores)
    orgs = change.organisations
    if orgs:
        # what names the organisation: as deployer, provider or host of an AI system, as
        # controller of a processing activity, as host of a data store
        for column in (
            AISystem.deployer_id,
            AISystem.provider_id,
            AISystem.hosting_organisation_id,
        ):
            systems |= _column(session, select(AISystem.id), column, orgs)
        activities |= _column(
            session, select(ProcessingActivity.id), ProcessingActivity.controller_id, orgs
        )
        stores |= _column(session, select(DataStore.id), DataStore.hosting_organisation_id, orgs)
    if change.findings:
        fields |= _column(session, select(Finding.field_id), Finding.id, change.findings)
    if fields:
        datasets |= _column(session, select(Field.dataset_id), Field.id, fields)
    if stores:
        datasets |= _column(session, select(Dataset.id), Dataset.data_store_id, stores)
    if change.policies:
        systems |= _column(
            session,
            select(AISystemPolicy.ai_system_id),
            AISystemPolicy.policy_id,
            change.policies,
        )
    pa_system = processing_activity_ai_system.c
    pa_dataset = processing_activity_dataset.c
    if activities:
        systems |= _column(
            session, select(pa_system.ai_system_id), pa_system.processing_activity_id, activities
        )
        datasets |= _column(
            session, select(pa_dataset.dataset_id), pa_dataset.processing_activity_id, activities
        )
    # what open issues about the seeds name: a dataset unlinked from a seed system, ...
    for kind, ids in (("AISystem", systems), ("Dataset", datasets)):
        for chunk in _chunks(ids):
            named = session.execute(
                select(IssueMention.subject_type, IssueMention.subject_id)
                .join(StoredIssue, StoredIssue.id == IssueMention.issue_id)
                .where(
                    StoredIssue.closed_at.is_(None),
                    StoredIssue.subject_type == kind,
                    StoredIssue.subject_id.in_(chunk),
                )
            ).all()
            for named_type, named_id in named:
                (systems if named_type == "AISystem" else datasets).add(named_id)
    users = _column(
        session, select(AISystemDataset.ai_system_id), AISystemDataset.dataset_id, datasets
    )
    used = _column(
        session, select(AISystemDataset.dataset_id), AISystemDataset.ai_system_id, systems
    )
    activities |= _column(
        session, select(pa_system.processing_activity_id), pa_system.ai_system_id, systems
    )
    return Subjects(
        {
            "AISystem": frozenset(systems | users),
            "Dataset": frozenset(datasets | used),
            "ProcessingActivity": frozenset(activities),
            "Organisation": frozenset(orgs),
        }
    )


def _default_deployer_among(session: Session, orgs: set[int]) -> bool:
    """Whether one of ``orgs`` is the configured ``default_deployer``: the deployer of every
    AI system that records none, so a change to it may touch anything."""
    name = default_compliance_config().default_deployer
    if not name or not orgs:
        return False
    return bool(
        _column(
            session, select(Organisation.id).where(Organisation.name == name), Organisation.id, orgs
        )
    )


def identity(issue: ComplianceIssue, ordinal: int = 0) -> str:
    """What tells this issue apart from others of its rule about its subject: the single
    ids among its facts (``ai_system_id``, ``dataset_id``, ...), its ``role``, and its rank
    among issues alike in both (in message order). Names and lists are left out, so that a
    renamed subject or a dataset added to a list keeps the record and its first-seen date."""
    parts = sorted(
        (key, value)
        for key, value in issue.facts.items()
        if (key.endswith("_id") and isinstance(value, int)) or key in _IDENTITY_KEYS
    )
    text = json.dumps([parts, issue.unknown, ordinal], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _identities(
    issues: Sequence[ComplianceIssue],
) -> list[tuple[tuple[str, str, int, str], ComplianceIssue]]:
    seen: dict[tuple[str, str, int, str], int] = defaultdict(int)
    keyed = []
    for issue in issues:  # in the engine's order: by message within a rule and subject
        base = (issue.rule, issue.subject_type, issue.subject_id, identity(issue))
        ordinal = seen[base]
        seen[base] += 1
        key = (issue.rule, issue.subject_type, issue.subject_id, identity(issue, ordinal))
        keyed.append((key, issue))
    return keyed


def _values(issue: ComplianceIssue) -> dict[str, Any]:
    """The columns an evaluation sets (the record's dates are the store's business)."""
    return {
        "subject_name": issue.subject_name,
        "severity": issue.severity,
        "severity_rank": issue.severity_rank,
        "legal_basis": issue.legal_basis,
        "title": issue.title,
        "message": issue.message,
        "message_text": issue.message.as_json() if isinstance(issue.message, Text) else None,
        "message_fr": translate(issue.message, FRENCH),
        "sort_message": issue.message[:200],
        "facts": issue.facts,
        "unknown": issue.unknown,
        "suggested": issue.facts.get("suggested") is True,
        "applies_from": issue.applies_from,
        "not_yet_applicable": "applies_from" in issue.facts,
    }


def _mentions(issue: ComplianceIssue) -> set[tuple[str, int]]:
    return {(kind, i) for kind in MENTIONED for i in issue.mentions(kind)}


def _open_records(session: Session, subjects: Subjects) -> list[StoredIssue]:
    stmt = select(StoredIssue).where(StoredIssue.closed_at.is_(None))
    if subjects.everything:
        return list(session.scalars(stmt))
    found: list[StoredIssue] = []
    for kind, ids in subjects.ids.items():
        for chunk in _chunks(ids):
            found.extend(
                session.scalars(
                    stmt.where(StoredIssue.subject_type == kind, StoredIssue.subject_id.in_(chunk))
                )
            )
    return found


def refresh(
    session: Session,
    subjects: Subjects | None = None,
    *,
    today: dt.date | None = None,
    config: ComplianceConfig | None = None,
    now: dt.datetime | None = None,
    step: Callable[[str], None] = lambda _: None,
) -> Outcome:
    """Bring the stored issues about ``subjects`` (all by default) up to date, in the
    session's transaction. ``step`` is told each phase as it starts (for a progress bar)."""
    subjects = subjects or Subjects({}, everything=True)
    if not subjects.everything and not any(subjects.ids.values()):
        return Outcome(opened=0, closed=0, kept=0, subjects=0)
    config = config or default_compliance_config()
    now = now or utcnow()
    _serialise(session)
    step("evaluating the rules")
    found = _identities(evaluate_subjects(session, subjects, today=today, config=config))
    step("comparing with the stored issues")
    records = _open_records(session, subjects)
    by_key = {(r.rule, r.subject_type, r.subject_id, r.identity): r for r in records}
    mentions = _stored_mentions(session, [r.id for r in records])
    fresh: list[tuple[tuple[str, str, int, str], ComplianceIssue]] = []
    changed: list[dict[str, Any]] = []
    remention: dict[int, set[tuple[str, int]]] = {}
    for key, issue in found:
        record = by_key.pop(key, None)
        if record is None:
            fresh.append((key, issue))
            continue
        values = _values(issue)
        if any(getattr(record, name) != value for name, value in values.items()):
            changed.append({"id": record.id, **values})
        wanted = _mentions(issue)
        if mentions.get(record.id, set()) != wanted:
            remention[record.id] = wanted
    kept = len(found) - len(fresh)
    step("writing")
    # the session's copies of these rows are not read again in this transaction
    if changed:
        session.execute(update(StoredIssue), changed)
    closed_ids = [r.id for r in by_key.values()]
    for chunk in _chunks(closed_ids):
        session.execute(update(StoredIssue).where(StoredIssue.id.in_(chunk)).values(closed_at=now))
    seen_ids = [r.id for r in records if r.id not in set(closed_ids)]
    for chunk in _chunks(seen_ids):
        session.execute(
            update(StoredIssue).where(StoredIssue.id.in_(chunk)).values(last_seen_at=now)
        )
    for issue_id, wanted in remention.items():
        session.execute(delete(IssueMention).where(IssueMention.issue_id == issue_id))
        _insert_mentions(session, [(issue_id, wanted)])
    if fresh:
        rows = [
            {
                "rule": key[0],
                "subject_type": key[1],
                "subject_id": key[2],
                "identity": key[3],
                "first_seen_at": now,
                "last_seen_at": now,
                **_values(issue),
            }
            for key, issue in fresh
        ]
        ids = list(
            session.scalars(
                insert(StoredIssue).returning(StoredIssue.id, sort_by_parameter_order=True),
                rows,
            )
        )
        _insert_mentions(
            session, [(i, _mentions(issue)) for i, (_, issue) in zip(ids, fresh, strict=True)]
        )
    # rows written with Core: drop stale copies the session may hold
    for record in records:
        session.expire(record)
    return Outcome(
        opened=len(fresh),
        closed=len(closed_ids),
        kept=kept,
        subjects=None if subjects.everything else sum(len(v) for v in subjects.ids.values()),
    )


#: PostgreSQL advisory lock key of the refreshes ("REGI")
REFRESH_LOCK = 0x52454749


def _serialise(session: Session) -> None:
    """One refresh at a time (PostgreSQL): two transactions opening the same issue would
    otherwise both insert it and the second would fail on the one-open-record index. The
    lock is held until the transaction ends; under READ COMMITTED the statements after it
    see what the other refresh committed. SQLite serialises its writers by itself."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(REFRESH_LOCK)))


def _stored_mentions(session: Session, issue_ids: list[int]) -> dict[int, set[tuple[str, int]]]:
    found: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for chunk in _chunks(issue_ids):
        for issue_id, kind, subject_id in session.execute(
            select(IssueMention.issue_id, IssueMention.subject_type, IssueMention.subject_id).where(
                IssueMention.issue_id.in_(chunk)
            )
        ):
            found[issue_id].add((kind, subject_id))
    return found


def _insert_mentions(session: Session, rows: list[tuple[int, set[tuple[str, int]]]]) -> None:
    values = [
        {"issue_id": issue_id, "subject_type": kind, "subject_id": subject_id}
        for issue_id, named in rows
        for kind, subject_id in sorted(named)
    ]
    if values:
        session.execute(insert(IssueMention), values)


def refresh_due(session: Session, *, today: dt.date | None = None) -> Outcome | None:
    """Re-evaluate the subjects of open issues stored as "not yet applicable" whose date has
    come (their severity and message change that day); None if there are none."""
    today = today or dt.date.today()
    due = session.execute(
        select(StoredIssue.subject_type, StoredIssue.subject_id)
        .where(
            StoredIssue.closed_at.is_(None),
            StoredIssue.not_yet_applicable.is_(True),
            StoredIssue.applies_from <= today,
        )
        .distinct()
    ).all()
    if not due:
        return None
    ids: dict[str, set[int]] = defaultdict(set)
    for kind, subject_id in due:
        ids[kind].add(subject_id)
    return refresh(session, Subjects({k: frozenset(v) for k, v in ids.items()}), today=today)
