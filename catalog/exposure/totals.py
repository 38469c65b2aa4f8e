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

from collections import Counter, defaultdict

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from registre.catalog.models.exposure import (
    ExposureCategoryRow,
    ExposureDatasetAIRow,
    ExposureDatasetRow,
    ExposureTotalRow,
)

__all__ = ["SCOPES", "apply", "check", "contributions", "difference", "rebuild", "scopes_of"]

#: the datasets a kept total is about, each named after the filter it answers
#: (:func:`registre.catalog.exposure.summary.kept_scope`): "all" every exposed dataset;
#: "ai" those an AI system uses; "risk:<class>" those an AI system of that class uses;
#: "outside_eu" / "inside_eu" and "non_eu_control" / "eu_control" by the hosting flags
SCOPES = ("all", "ai", "risk:<class>", "outside_eu", "inside_eu", "non_eu_control", "eu_control")

Key = tuple[str, str, str | None]
Delta = dict[Key, Counter[str]]


def scopes_of(outside_eu: bool, non_eu_control: bool, risks: set[str | None]) -> list[str]:
    """The scopes an exposed dataset counts in, from its kept flags and the risk classes of
    the AI systems using it (None: a system not classified yet)."""
    scopes = ["all", "outside_eu" if outside_eu else "inside_eu"]
    scopes.append("non_eu_control" if non_eu_control else "eu_control")
    if risks:
        scopes += ["ai", *(f"risk:{r}" for r in sorted(r for r in risks if r is not None))]
    return scopes


def contributions(session: Session, ids: list[int] | None) -> Delta:
    """Exposed datasets and personal-data fields that datasets ``ids`` (None: every
    dataset) count for under each (scope, kind, key), from the kept per-dataset rows (three
    statements, summed here: a write reads a few hundred rows, a full rebuild all)."""
    d, c, ai = ExposureDatasetRow, ExposureCategoryRow, ExposureDatasetAIRow
    where = [d.fields > 0, *([] if ids is None else [d.dataset_id.in_(ids)])]
    risks: dict[int, set[str | None]] = defaultdict(set)
    for dataset_id, risk in session.execute(
        select(ai.dataset_id, ai.risk_class).join(d, d.dataset_id == ai.dataset_id).where(*where)
    ):
        risks[dataset_id].add(risk)
    sums: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    scopes: dict[int, list[str]] = {}
    rows = select(
        d.dataset_id, d.data_store_id, d.hosting_country, d.outside_eu, d.non_eu_control, d.fields
    ).where(*where)
    for dataset_id, store, country, outside, controlled, fields in session.execute(rows):
        mine = scopes[dataset_id] = scopes_of(outside, controlled, risks.get(dataset_id, set()))
        for scope in mine:
            for kind, key in (("total", None), ("store", str(store)), ("country", country)):
                _add(sums[(scope, kind, key)], fields)
            for risk in risks.get(dataset_id, ()):
                _add(sums[(scope, "risk", risk)], fields)
    categories = (
        select(c.dataset_id, c.category, c.fields)
        .join(d, d.dataset_id == c.dataset_id)
        .where(*where)
    )
    for dataset_id, category, fields in session.execute(categories):
        for scope in scopes.get(dataset_id, ()):
            _add(sums[(scope, "category", category)], fields)
    return {k: Counter(datasets=n, fields=f) for k, (n, f) in sums.items() if n}


def _add(acc: list[int], fields: int) -> None:
    acc[0] += 1
    acc[1] += fields


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
    rows = [
        {"scope": scope, "kind": kind, "key": key, **counts}
        for (scope, kind, key), counts in sorted(
            contributions(session, None).items(), key=lambda i: repr(i[0])
        )
    ]
    for start in range(0, len(rows), 5_000):  # one multi-row INSERT per chunk
        session.execute(insert(ExposureTotalRow), rows[start : start + 5_000])


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
