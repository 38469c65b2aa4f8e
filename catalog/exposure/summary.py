"""Counts of the exposure: datasets and fields holding personal data, by category, data
store, hosting country and AI risk class, over everything a filter selects.

Read from the kept exposure (:mod:`.kept`), never from ``field`` and ``finding``: for no
criterion at all, or one of ``usedByAiSystem: true``, ``aiRiskClass``, ``hostingOutsideEU``,
``nonEuControl`` alone, from the kept totals (:mod:`.totals`, a few rows whatever the
catalog's size); otherwise, without a finding criterion (category, entity type, status),
from the per-dataset counts (one row per dataset, one per dataset and category, summed: a
data store's through its index); with one, from the rows of the findings it selects
(counted distinct, since a field may hold several).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, cast, func, select
from sqlalchemy.orm import Session

from registre.catalog.access import perimeter
from registre.catalog.exposure.query import (
    ExposureFilter,
    kept_dataset_conditions,
    kept_finding_condition,
)
from registre.catalog.models.ai import AISystem, AISystemDataset
from registre.catalog.models.data import DataStore
from registre.catalog.models.exposure import (
    ExposureCategoryRow,
    ExposureDatasetRow,
    ExposureFindingRow,
    ExposureTotalRow,
)


@dataclass(frozen=True)
class ExposureCount:
    """Exposed datasets and personal-data fields under one key (None: not recorded)."""

    key: str | None
    datasets: int
    fields: int


def _whole(flt: ExposureFilter) -> bool:
    """No finding criterion: every personal-data field of a selected dataset counts."""
    return not (flt.categories or flt.entity_types or flt.status)


#: the filters of one criterion the kept totals answer (:mod:`.totals`), and their scope
_KEPT_SCOPES = {
    ExposureFilter(): "all",
    ExposureFilter(used_by_ai_system=True): "ai",
    ExposureFilter(hosting_outside_eu=True): "outside_eu",
    ExposureFilter(hosting_outside_eu=False): "inside_eu",
    ExposureFilter(non_eu_control=True): "non_eu_control",
    ExposureFilter(non_eu_control=False): "eu_control",
}


def _kept_scope(flt: ExposureFilter) -> str | None:
    """The scope of the kept totals answering ``flt``, if any: no criterion at all, or one
    of ``usedByAiSystem: true``, ``aiRiskClass``, ``hostingOutsideEU``, ``nonEuControl``
    alone (a store or a finding criterion sums the per-dataset rows it selects)."""
    risk = flt.ai_risk_class
    if risk is not None and flt == ExposureFilter(ai_risk_class=risk):
        return f"risk:{risk.value}"
    return _KEPT_SCOPES.get(flt)


class ExposureSummary:
    """Counts over every dataset ``flt`` selects (not one page); one statement per part."""

    def __init__(self, session: Session, flt: ExposureFilter) -> None:
        self.session = session
        self.flt = flt
        # the kept totals are the whole organisation's: a caller limited to domains
        # (catalog/access/perimeter.py) sums the per-dataset rows of its domains instead
        self.scope = _kept_scope(flt) if perimeter.of(session) is None else None

    def _kept(self, kind: str) -> list[ExposureCount]:
        t = ExposureTotalRow
        stmt = select(t.key, func.sum(t.datasets), func.sum(t.fields)).where(
            t.scope == self.scope, t.kind == kind
        )
        if kind == "store":
            stmt = stmt.join(DataStore, DataStore.id == cast(t.key, Integer))
            stmt = stmt.with_only_columns(
                DataStore.name, func.sum(t.datasets), func.sum(t.fields)
            ).group_by(DataStore.name)
        else:
            stmt = stmt.group_by(t.key)
        return _sorted(self.session.execute(stmt).all())

    def _datasets_where(self, dataset_id: Any, store_id: Any) -> list[ColumnElement[bool]]:
        conds = kept_dataset_conditions(self.flt, dataset_id)
        if self.flt.data_store_id is not None:
            conds.append(store_id == self.flt.data_store_id)
        return conds

    @cached_property
    def _exposed(self) -> Any:
        # one row per personal-data finding shown, with its dataset, field and store
        row = ExposureFindingRow
        return (
            select(
                row.category.label("category"),
                row.field_id.label("field_id"),
                row.dataset_id.label("dataset_id"),
                row.data_store_id.label("data_store_id"),
            )
            .where(
                kept_finding_condition(self.flt),
                *self._datasets_where(row.dataset_id, row.data_store_id),
            )
            .subquery("exposed")
        )

    @cached_property
    def _exposed_datasets(self) -> Any:
        # without a finding criterion: one row per exposed dataset, with its field count
        kept = ExposureDatasetRow
        return (
            select(kept)
            .where(kept.fields > 0, *self._datasets_where(kept.dataset_id, kept.data_store_id))
            .subquery("exposed_datasets")
        )

    def _counts(self, key: Any, stmt: Select[Any] | None = None) -> list[ExposureCount]:
        sq = self._exposed
        cols = (
            key.label("key"),
            func.count(sq.c.dataset_id.distinct()),
            func.count(sq.c.field_id.distinct()),
        )
        stmt = stmt.add_columns(*cols) if stmt is not None else select(*cols).select_from(sq)
        return _sorted(self.session.execute(stmt.group_by(key)).all())

    def _sums(self, key: Any, stmt: Select[Any], fields: Any) -> list[ExposureCount]:
        stmt = stmt.add_columns(key.label("key"), func.count(), func.coalesce(func.sum(fields), 0))
        return _sorted(self.session.execute(stmt.group_by(key)).all())

    @cached_property
    def _totals(self) -> tuple[int, int]:
        if self.scope is not None:
            kept = self._kept("total")
            return (kept[0].datasets, kept[0].fields) if kept else (0, 0)
        if _whole(self.flt):
            sq = self._exposed_datasets
            stmt = select(func.count(), func.coalesce(func.sum(sq.c.fields), 0))
        else:
            sq = self._exposed
            stmt = select(
                func.count(sq.c.dataset_id.distinct()), func.count(sq.c.field_id.distinct())
            )
        row = self.session.execute(stmt).one()
        return int(row[0]), int(row[1])

    @property
    def datasets(self) -> int:
        return self._totals[0]

    @property
    def fields(self) -> int:
        return self._totals[1]

    @cached_property
    def by_category(self) -> list[ExposureCount]:
        if self.scope is not None:
            return self._kept("category")
        if _whole(self.flt):
            sq, cat = self._exposed_datasets, ExposureCategoryRow
            stmt = select().select_from(sq).join(cat, cat.dataset_id == sq.c.dataset_id)
            return self._sums(cat.category, stmt, cat.fields)
        return self._counts(self._exposed.c.category)

    @cached_property
    def by_data_store(self) -> list[ExposureCount]:
        if self.scope is not None:
            return self._kept("store")
        if _whole(self.flt):
            sq = self._exposed_datasets
            stmt = select().select_from(sq).join(DataStore, DataStore.id == sq.c.data_store_id)
            return self._sums(DataStore.name, stmt, sq.c.fields)
        sq = self._exposed
        stmt = select().select_from(sq).join(DataStore, DataStore.id == sq.c.data_store_id)
        return self._counts(DataStore.name, stmt)

    @cached_property
    def by_hosting_country(self) -> list[ExposureCount]:
        if self.scope is not None:
            return self._kept("country")
        if _whole(self.flt):
            sq = self._exposed_datasets
            return self._sums(sq.c.hosting_country, select().select_from(sq), sq.c.fields)
        sq, kept = self._exposed, ExposureDatasetRow
        stmt = select().select_from(sq).join(kept, kept.dataset_id == sq.c.dataset_id)
        return self._counts(kept.hosting_country, stmt)

    @cached_property
    def by_ai_risk_class(self) -> list[ExposureCount]:
        """Only datasets used by an AI system; key None: the system is not classified yet.
        (Counted distinct: a dataset may be used by several systems of one class.)"""
        if self.scope is not None:
            return self._kept("risk")
        sq = self._exposed
        stmt = (
            select()
            .select_from(sq)
            .join(AISystemDataset, AISystemDataset.dataset_id == sq.c.dataset_id)
            .join(AISystem, AISystem.id == AISystemDataset.ai_system_id)
        )
        return self._counts(AISystem.risk_class, stmt)


def _sorted(rows: Any) -> list[ExposureCount]:
    counts = [ExposureCount(_key(k), int(d), int(f)) for k, d, f in rows]
    return sorted(counts, key=lambda c: (-c.datasets, -c.fields, c.key is None, c.key or ""))


def _key(value: Any) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))
