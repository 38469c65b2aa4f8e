"""Read-side selections the pages list, over the catalog's models and statements.

The filters reuse the catalog's own statement builders (``catalog/data/search.py``) and
rules (:func:`counts_as_personal_sql`); this module only adds what a page needs on top:
the review queue's risk order, pagination and counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from croniter import croniter
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, joinedload

from registre.catalog.data.search import like_pattern
from registre.catalog.enums import FindingStatus
from registre.catalog.models import Dataset, DataStore, Field, Finding, ScanRun
from registre.web.labels import CATEGORY_RISK

T = TypeVar("T")
PAGE_SIZE = 25
#: a CSV download holds every row the filters select, up to this many
CSV_MAX_ROWS = 50_000


@dataclass
class Paged(Generic[T]):
    items: list[T]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.size + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.total, self.page * self.size)


def page_number(raw: str) -> int:
    try:
        return max(1, min(int(raw), 1_000_000))
    except ValueError:
        return 1


def paginate(db: Session, stmt: Select[Any], page: int, size: int = PAGE_SIZE) -> Paged[Any]:
    total = db.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    page = min(page, max(1, -(-total // size)))
    items = list(db.scalars(stmt.limit(size).offset((page - 1) * size)).unique())
    return Paged(items, total, page, size)


def everything(db: Session, stmt: Select[Any]) -> Sequence[Any]:
    return list(db.scalars(stmt.limit(CSV_MAX_ROWS)).unique())


# --- the review queue -------------------------------------------------------------------


def _risk_rank() -> Any:
    return case(
        *((Finding.category == category, rank) for category, rank in CATEGORY_RISK.items()),
        else_=9,
    )


def review_queue(
    *,
    search: str | None = None,
    category: str | None = None,
    data_store_id: int | None = None,
) -> Select[Any]:
    """Suggested findings still seen by the scans, the riskiest first (special categories
    and offences, then national identifiers, financial data...), then by coverage."""
    stmt = (
        select(Finding)
        .join(Field, Field.id == Finding.field_id)
        .join(Dataset, Dataset.id == Field.dataset_id)
        .where(
            Finding.status == FindingStatus.SUGGESTED,
            Finding.gone_since_run_id.is_(None),
            Field.removed_at.is_(None),
            Dataset.removed_at.is_(None),
        )
        .options(joinedload(Finding.field).joinedload(Field.dataset).joinedload(Dataset.data_store))
    )
    if search:
        pattern = like_pattern(search)
        stmt = stmt.where(
            Field.name.ilike(pattern, escape="\\") | Dataset.name.ilike(pattern, escape="\\")
        )
    if category:
        stmt = stmt.where(Finding.category == category)
    if data_store_id is not None:
        stmt = stmt.where(Dataset.data_store_id == data_store_id)
    return stmt.order_by(_risk_rank(), Finding.coverage.desc(), Finding.id)


def awaiting_review(db: Session, limit: int = 8) -> tuple[int, list[tuple[Dataset, int]]]:
    """How many datasets have findings to review, and the ones with the most."""
    queue = review_queue().subquery()
    counted = (
        select(Field.dataset_id, func.count(queue.c.id).label("n"))
        .join(queue, queue.c.field_id == Field.id)
        .group_by(Field.dataset_id)
    ).subquery()
    total = db.scalar(select(func.count()).select_from(counted)) or 0
    rows = db.execute(
        select(Dataset, counted.c.n)
        .join(counted, counted.c.dataset_id == Dataset.id)
        .order_by(counted.c.n.desc(), Dataset.name)
        .limit(limit)
    ).all()
    return total, [(row[0], int(row[1])) for row in rows]


# --- scans -------------------------------------------------------------------------------


def last_runs(db: Session, limit: int = 5) -> list[ScanRun]:
    stmt = (
        select(ScanRun)
        .options(joinedload(ScanRun.data_store))
        .order_by(ScanRun.created_at.desc(), ScanRun.id.desc())
        .limit(limit)
    )
    return list(db.scalars(stmt))


def next_scans(
    db: Session, now: dt.datetime, tz: str, limit: int = 5
) -> list[tuple[DataStore, dt.datetime]]:
    """When each scheduled store is scanned next, soonest first."""
    zone = ZoneInfo(tz)
    upcoming = []
    for store in db.scalars(select(DataStore).where(DataStore.scan_schedule.is_not(None))):
        if store.scan_schedule and croniter.is_valid(store.scan_schedule):
            when = croniter(store.scan_schedule, now.astimezone(zone)).get_next(dt.datetime)
            upcoming.append((store, when))
    upcoming.sort(key=lambda item: item[1])
    return upcoming[:limit]


def latest_run_by_store(db: Session, store_ids: Sequence[int]) -> dict[int, ScanRun]:
    if not store_ids:
        return {}
    newest = (
        select(func.max(ScanRun.id))
        .where(ScanRun.data_store_id.in_(store_ids))
        .group_by(ScanRun.data_store_id)
    )
    runs = db.scalars(select(ScanRun).where(ScanRun.id.in_(newest)))
    return {run.data_store_id: run for run in runs}
