"""What changed in the personal data of the register since a given time.

Four kinds of change, each read from when it happened:

* ``FOUND``: a scan found new personal data (the finding's ``created_at``);
* ``CONFIRMED`` / ``REJECTED``: a steward reviewed it (``reviewed_at``, current status);
* ``GONE``: a scan no longer saw it (when the run that noticed finished).

Changes are ordered by (time, finding, kind); a page of them costs one statement per kind.
``open_data=True`` keeps the changes on datasets marked open data: what the DPO must see
before anyone downloads it (the publication gate withholds them meanwhile).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from registre.catalog.enums import OPEN_DATA, FindingStatus
from registre.catalog.errors import InvalidInput
from registre.catalog.i18n import Text
from registre.catalog.models.base import UTCDateTime
from registre.catalog.models.data import Dataset, Field, Finding, ScanRun


class ChangeKind(enum.StrEnum):
    FOUND = "FOUND"
    CONFIRMED = "CONFIRMED"
    REJECTED = "REJECTED"
    GONE = "GONE"


_RANK = {kind: rank for rank, kind in enumerate(ChangeKind)}

#: where a change sorts: (when, finding id, kind)
ChangeKey = tuple[dt.datetime, int, ChangeKind]


@dataclass(frozen=True)
class ExposureChange:
    kind: ChangeKind
    at: dt.datetime
    finding: Finding
    field: Field
    dataset: Dataset

    @property
    def key(self) -> ChangeKey:
        return (self.at, self.finding.id, self.kind)

    @property
    def open_data(self) -> bool:
        """The dataset is marked open data (published unless the gate withholds it)."""
        return self.dataset.open_data_access in OPEN_DATA

    @property
    def by(self) -> str | None:
        """Who reviewed, for a review; None for what scans noticed."""
        return self.finding.reviewer if self.kind in _REVIEWS else None


_REVIEWS = {ChangeKind.CONFIRMED, ChangeKind.REJECTED}


def _at(kind: ChangeKind) -> ColumnElement[dt.datetime]:
    if kind is ChangeKind.FOUND:
        return Finding.created_at.expression
    if kind is ChangeKind.GONE:
        # A run still going (or failed before finishing) has no finished_at yet.
        return func.coalesce(
            ScanRun.finished_at, ScanRun.started_at, ScanRun.created_at, type_=UTCDateTime()
        )
    return Finding.reviewed_at.expression  # type: ignore[return-value]


def _statement(kind: ChangeKind, open_data: bool = False, *, count: bool = False) -> Select[Any]:
    """The changes of ``kind``; ``count``: only what counting them needs (every finding
    has its field and dataset, so without ``open_data`` the count reads the finding
    indexes alone)."""
    at = _at(kind).label("at")
    if count:
        stmt = select(Finding.id)
        if open_data:
            stmt = stmt.join(Field, Field.id == Finding.field_id).join(
                Dataset, Dataset.id == Field.dataset_id
            )
    else:
        stmt = (
            select(Finding, Field, Dataset, at)
            .join(Field, Field.id == Finding.field_id)
            .join(Dataset, Dataset.id == Field.dataset_id)
        )
    if kind is ChangeKind.GONE:
        # the join implies it, but said outright the planner prices it with the column's
        # share of nulls (most findings are not gone): the index on gone_since_run_id
        # rather than a sequential scan of finding
        stmt = stmt.join(ScanRun, ScanRun.id == Finding.gone_since_run_id).where(
            Finding.gone_since_run_id.is_not(None)
        )
    elif kind is ChangeKind.CONFIRMED:
        stmt = stmt.where(Finding.status == FindingStatus.CONFIRMED)
    elif kind is ChangeKind.REJECTED:
        stmt = stmt.where(Finding.status == FindingStatus.REJECTED)
    if open_data:
        stmt = stmt.where(Dataset.open_data_access.in_(OPEN_DATA))
    return stmt


def _aware(value: dt.datetime, name: str) -> dt.datetime:
    if value.tzinfo is None:
        raise InvalidInput(Text("give a time zone, e.g. 2025-01-06T00:00:00Z"), field=name)
    return value


def _window(
    kind: ChangeKind, since: dt.datetime, until: dt.datetime | None, after: ChangeKey | None
) -> list[ColumnElement[bool]]:
    at = _at(kind)
    conds = [at >= since]
    if until is not None:
        conds.append(at < until)
    if after is not None:
        after_at, after_id, after_kind = after
        # Same time and finding: this kind comes after the cursor only if it ranks higher.
        same = Finding.id > after_id if _RANK[kind] <= _RANK[after_kind] else Finding.id >= after_id
        conds.append(or_(at > after_at, and_(at == after_at, same)))
    return conds


def exposure_changes(
    session: Session,
    since: dt.datetime,
    *,
    until: dt.datetime | None = None,
    after: ChangeKey | None = None,
    limit: int | None = None,
    kinds: frozenset[ChangeKind] = frozenset(ChangeKind),
    open_data: bool = False,
) -> list[ExposureChange]:
    """Changes at or after ``since`` (and before ``until``), oldest first, after ``after``."""
    since = _aware(since, "since")
    until = None if until is None else _aware(until, "until")
    changes: list[ExposureChange] = []
    for kind in ChangeKind:
        if kind not in kinds:
            continue
        at = _at(kind)
        stmt = _statement(kind, open_data).where(*_window(kind, since, until, after))
        stmt = stmt.order_by(at, Finding.id)
        if limit is not None:
            stmt = stmt.limit(limit)
        for finding, fld, dataset, when in session.execute(stmt).all():
            changes.append(ExposureChange(kind, when, finding, fld, dataset))
    changes.sort(key=lambda c: (c.at, c.finding.id, _RANK[c.kind]))
    return changes if limit is None else changes[:limit]


def count_changes(
    session: Session,
    since: dt.datetime,
    *,
    until: dt.datetime | None = None,
    kinds: frozenset[ChangeKind] = frozenset(ChangeKind),
    open_data: bool = False,
) -> dict[ChangeKind, int]:
    """How many changes of each kind happened at or after ``since`` (and before ``until``)."""
    since = _aware(since, "since")
    until = None if until is None else _aware(until, "until")
    counts: dict[ChangeKind, int] = {}
    for kind in ChangeKind:
        if kind not in kinds:
            continue
        stmt = _statement(kind, open_data, count=True).where(*_window(kind, since, until, None))
        total = session.scalar(select(func.count()).select_from(stmt.subquery()))
        counts[kind] = int(total or 0)
    return counts
