"""The totals of the exposure summary kept current (``exposure_total``), so that the
summary of every exposed dataset (and of those an AI system uses) reads a few rows
instead of summing ~100,000 per-dataset rows.

    contributions(session, ids)   # what datasets ``ids`` (None: all) add, from the kept rows
    apply(session, delta)         # add a difference to the kept totals
    rebuild(session)              # every total again from the kept per-dataset rows

:func:`registre.catalog.exposure.kept.rebuild` reads the contribution of the datasets it
rebuilds before and after, and adds the difference, in the same transaction. A dataset
deleted by cascade (a bulk ``DELETE`` of its store) takes its kept rows with it before
they are read: the next write the exposure reads sees the count of exposed datasets
disagree with the kept total and rebuilds every total (``registre compliance refresh`` does too).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import ColumnElement, String, cast, delete, exists, func, insert, select, update
from sqlalchemy.orm import Session

from registre.catalog.models.exposure import (
    ExposureCategoryRow,
    ExposureDatasetAIRow,
    ExposureDatasetRow,
    ExposureTotalRow,
)

__all__ = ["SCOPES", "apply", "check", "contributions", "difference", "rebuild"]

#: "all": every exposed dataset; "ai": the exposed datasets an AI system uses
SCOPES = ("all", "ai")

Key = tuple[str, str, str | None]
Delta = dict[Key, Counter[str]]


def _scope_where(scope: str, dataset_id: Any) -> list[ColumnElement[bool]]:
    if scope == "all":
        return []
    ai = ExposureDatasetAIRow
    return [exists(select(ai.id).where(ai.dataset_id == dataset_id))]


def contributions(session: Session, ids: list[int] | None) -> Delta:
    """Exposed datasets and personal-data fields that datasets ``ids`` (None: every
    dataset) count for under each (scope, kind, key), from the kept per-dataset rows."""
    d, c, ai = ExposureDatasetRow, ExposureCategoryRow, ExposureDatasetAIRow
    mine = [] if ids is None else [d.dataset_id.in_(ids)]
    out: Delta = {}
    for scope in SCOPES:
        base = [d.fields > 0, *mine, *_scope_where(scope, d.dataset_id)]
        parts: list[tuple[str, Any]] = [
            ("total", select(func.count(), func.coalesce(func.sum(d.fields), 0)).where(*base)),
            (
                "store",
                select(cast(d.data_store_id, String), func.count(), func.sum(d.fields))
                .where(*base)
                .group_by(d.data_store_id),
            ),
            (
                "country",
                select(d.hosting_country, func.count(), func.sum(d.fields))
                .where(*base)
                .group_by(d.hosting_country),
            ),
            (
                "category",
                select(c.category, func.count(), func.sum(c.fields))
                .join(d, d.dataset_id == c.dataset_id)
                .where(*base)
                .group_by(c.category),
            ),
            (
                "risk",
                select(ai.risk_class, func.count(), func.sum(d.fields))
                .join(d, d.dataset_id == ai.dataset_id)
                .where(d.fields > 0, *mine)
                .group_by(ai.risk_class),
            ),
        ]
        for kind, stmt in parts:
            for row in session.execute(stmt).all():
                if kind == "total":
                    key, datasets, fields = None, row[0], row[1]
                else:
                    key, datasets, fields = row
                if datasets:
                    out[(scope, kind, key)] = Counter(datasets=int(datasets), fields=int(fields))
    return out


def difference(before: Delta, after: Delta) -> Delta:
    out: Delta = {}
    for key in before.keys() | after.keys():
        diff = Counter(after.get(key, Counter()))
        diff.subtract(before.get(key, Counter()))
        if any(diff.values()):
            out[key] = diff
    return out


def apply(session: Session, delta: Delta) -> None:
    """Add ``delta`` to the kept totals (rows left at zero datasets are deleted)."""
    t = ExposureTotalRow
    for (scope, kind, key), diff in sorted(delta.items(), key=lambda i: repr(i[0])):
        where = (t.scope == scope, t.kind == kind, t.key.is_not_distinct_from(key))
        done = session.execute(
            update(t)
            .where(*where, t.id == select(func.min(t.id)).where(*where).scalar_subquery())
            .values(datasets=t.datasets + diff["datasets"], fields=t.fields + diff["fields"])
            .execution_options(synchronize_session=False)
        )
        if not getattr(done, "rowcount", 0):
            session.execute(
                insert(t).values(
                    scope=scope,
                    kind=kind,
                    key=key,
                    datasets=diff["datasets"],
                    fields=diff["fields"],
                )
            )
    if delta:
        session.execute(
            delete(t).where(t.datasets == 0).execution_options(synchronize_session=False)
        )


def rebuild(session: Session) -> None:
    """Every total again from the kept per-dataset rows."""
    session.execute(delete(ExposureTotalRow).execution_options(synchronize_session=False))
    apply(session, contributions(session, None))


def check(session: Session) -> None:
    """Rebuild the totals if the kept total of exposed datasets is not their count (a
    cascade took kept rows away unseen)."""
    d, t = ExposureDatasetRow, ExposureTotalRow
    counted = session.execute(select(func.count()).where(d.fields > 0)).scalar_one()
    kept = session.execute(
        select(func.coalesce(func.sum(t.datasets), 0)).where(t.scope == "all", t.kind == "total")
    ).scalar_one()
    if int(counted) != int(kept):
        rebuild(session)
