"""The stored compliance issues, read with SQL filters in the engine's order.

    stmt = issues_query(IssueFilter(min_severity=Severity.HIGH, status=IssueStatus.OPEN))
    page = session.scalars(stmt.where(after_key(key)).limit(51))

The order is the engine's (most severe first, then rule, subject, message), kept by an
index over the open issues, so that a page costs the same at any depth (keyset, see
:func:`sort_key` / :func:`after_key`). Closed issues ("what was fixed this month") are
asked for with ``status`` CLOSED or ALL and a ``closed_at`` range.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select, tuple_
from sqlalchemy.orm import Session

from registre.catalog.compliance.config import Severity
from registre.catalog.compliance.engine import ComplianceIssue, select_rules
from registre.catalog.i18n import Text
from registre.catalog.models.compliance import IssueMention, StoredIssue

__all__ = [
    "IssueFilter",
    "IssueStatus",
    "SortKey",
    "after_key",
    "as_issue",
    "issues_mentioning",
    "issues_query",
    "sort_key",
]


class IssueStatus(enum.StrEnum):
    """Which records: still open, closed (fixed), or both."""

    OPEN = "OPEN"
    CLOSED = "CLOSED"
    ALL = "ALL"


@dataclass(frozen=True)
class IssueFilter:
    """What to keep; every field left None keeps everything."""

    ai_system_id: int | None = None  # about this AI system or naming it
    dataset_id: int | None = None  # about this dataset or naming it
    severity: Severity | None = None
    min_severity: Severity | None = None  # this severity or a more severe one
    rule: str | None = None
    subject_type: str | None = None
    status: IssueStatus = IssueStatus.OPEN
    first_seen_from: dt.datetime | None = None
    first_seen_before: dt.datetime | None = None
    closed_from: dt.datetime | None = None
    closed_before: dt.datetime | None = None


def _mentioned(kind: str, subject_id: int) -> ColumnElement[bool]:
    return exists(
        select(IssueMention.issue_id).where(
            IssueMention.issue_id == StoredIssue.id,
            IssueMention.subject_type == kind,
            IssueMention.subject_id == subject_id,
        )
    )


def issues_query(flt: IssueFilter) -> Select[tuple[StoredIssue]]:
    """The stored issues ``flt`` keeps, in the engine's order. An unknown rule id raises
    :class:`~registre.catalog.errors.InvalidInput` (field "rules")."""
    stmt = select(StoredIssue)
    if flt.status is IssueStatus.OPEN:
        stmt = stmt.where(StoredIssue.closed_at.is_(None))
    elif flt.status is IssueStatus.CLOSED:
        stmt = stmt.where(StoredIssue.closed_at.is_not(None))
    if flt.rule is not None:
        select_rules([flt.rule])  # an unknown id is an error, not an empty list
        stmt = stmt.where(StoredIssue.rule == flt.rule)
    if flt.severity is not None:
        stmt = stmt.where(StoredIssue.severity_rank == flt.severity.rank)
    if flt.min_severity is not None:
        stmt = stmt.where(StoredIssue.severity_rank <= flt.min_severity.rank)
    if flt.subject_type is not None:
        stmt = stmt.where(StoredIssue.subject_type == flt.subject_type)
    if flt.ai_system_id is not None:
        stmt = stmt.where(_mentioned("AISystem", flt.ai_system_id))
    if flt.dataset_id is not None:
        stmt = stmt.where(_mentioned("Dataset", flt.dataset_id))
    for column, low, high in (
        (StoredIssue.first_seen_at, flt.first_seen_from, flt.first_seen_before),
        (StoredIssue.closed_at, flt.closed_from, flt.closed_before),
    ):
        if low is not None:
            stmt = stmt.where(column >= low)
        if high is not None:
            stmt = stmt.where(column < high)
    return stmt.order_by(*ORDER)


ORDER = (
    StoredIssue.severity_rank,
    StoredIssue.rule,
    StoredIssue.subject_type,
    StoredIssue.subject_id,
    StoredIssue.sort_message,
    StoredIssue.id,
)

SortKey = tuple[int, str, str, int, str, int]


def sort_key(record: StoredIssue) -> SortKey:
    return (
        record.severity_rank,
        record.rule,
        record.subject_type,
        record.subject_id,
        record.sort_message,
        record.id,
    )


def after_key(key: SortKey) -> ColumnElement[bool]:
    """Rows after ``key`` in :data:`ORDER` (a row-value comparison the index serves)."""
    return tuple_(*ORDER) > tuple_(*key)


def _message(record: StoredIssue) -> str:
    """The stored message as a :class:`Text` (renders in any language) when its template
    renders the stored English exactly; the English text otherwise."""
    if not record.message_text:
        return record.message
    try:
        text = Text.from_json(record.message_text)
    except (KeyError, IndexError, ValueError, TypeError):
        return record.message
    return text if text == record.message else record.message


def as_issue(record: StoredIssue) -> ComplianceIssue:
    return ComplianceIssue(
        rule=record.rule,
        severity=record.severity,
        legal_basis=record.legal_basis,
        title=record.title,
        message=_message(record),
        subject_type=record.subject_type,
        subject_id=record.subject_id,
        subject_name=record.subject_name,
        facts=dict(record.facts),
        unknown=record.unknown,
        applies_from=record.applies_from,
        first_seen_at=record.first_seen_at,
        last_seen_at=record.last_seen_at,
        closed_at=record.closed_at,
    )


def issues_mentioning(
    session: Session,
    *,
    ai_system_ids: Collection[int] = (),
    dataset_ids: Collection[int] = (),
) -> dict[tuple[str, int], list[ComplianceIssue]]:
    """Open issues about or naming these AI systems / datasets, grouped by each of them
    (``("AISystem", id)`` / ``("Dataset", id)``), in the engine's order: one statement."""
    # the mentions' table, not the mapped class: a caller limited to domains gets the
    # criteria of the issue joined (catalog/access/perimeter.py), which a mention's own would
    # only repeat (each evaluated over every open issue: twice the statement's time at 1M)
    mention = IssueMention.__table__.c
    wanted = [
        and_(mention.subject_type == kind, mention.subject_id.in_(sorted(ids)))
        for kind, ids in (("AISystem", set(ai_system_ids)), ("Dataset", set(dataset_ids)))
        if ids
    ]
    grouped: dict[tuple[str, int], list[ComplianceIssue]] = defaultdict(list)
    if not wanted:
        return grouped
    rows: Sequence[Any] = session.execute(
        select(mention.subject_type, mention.subject_id, StoredIssue)
        .select_from(IssueMention.__table__)
        .join(StoredIssue, StoredIssue.id == mention.issue_id)
        .where(StoredIssue.closed_at.is_(None), or_(*wanted))
        .order_by(*ORDER)
    ).all()
    issues: dict[int, ComplianceIssue] = {}
    for kind, subject_id, record in rows:
        issue = issues.setdefault(record.id, as_issue(record))
        grouped[(kind, subject_id)].append(issue)
    return grouped
