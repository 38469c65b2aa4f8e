"""Counts of the exposure: datasets and fields holding personal data, by category, data
store, hosting country and AI risk class, over everything a filter selects.

Read from the kept exposure (:mod:`.kept`: one narrow row per personal-data finding, one per
dataset), never from ``field`` and ``finding`` themselves."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from registre.catalog.exposure.query import (
    ExposureFilter,
    kept_dataset_conditions,
    kept_finding_condition,
)
from registre.catalog.models.ai import AISystem, AISystemDataset
from registre.catalog.models.data import DataStore
from registre.catalog.models.exposure import ExposureDatasetRow, ExposureFindingRow


@dataclass(frozen=True)
class ExposureCount:
    """Exposed datasets and personal-data fields under one key (None: not recorded)."""

    key: str | None
    datasets: int
    fields: int


class ExposureSummary:
    """Counts over every dataset ``flt`` selects (not one page); one statement per part."""

    def __init__(self, session: Session, flt: ExposureFilter) -> None:
        self.session = session
        self.flt = flt

    @cached_property
    def _exposed(self) -> Any:
        # one row per personal-data finding shown, with its dataset and field
        row = ExposureFindingRow
        conds = [
            kept_finding_condition(self.flt),
            *kept_dataset_conditions(self.flt, row.dataset_id),
        ]
        if self.flt.data_store_id is not None:
            conds.append(row.data_store_id == self.flt.data_store_id)
        return (
            select(
                row.category.label("category"),
                row.field_id.label("field_id"),
                row.dataset_id.label("dataset_id"),
                row.data_store_id.label("data_store_id"),
            )
            .where(*conds)
            .subquery("exposed")
        )

    def _counts(self, key: Any, stmt: Select[Any] | None = None) -> list[ExposureCount]:
        sq = self._exposed
        cols = (
            key.label("key"),
            func.count(sq.c.dataset_id.distinct()),
            func.count(sq.c.field_id.distinct()),
        )
        stmt = stmt.add_columns(*cols) if stmt is not None else select(*cols).select_from(sq)
        rows = self.session.execute(stmt.group_by(key)).all()
        counts = [ExposureCount(_key(k), int(d), int(f)) for k, d, f in rows]
        return sorted(counts, key=lambda c: (-c.datasets, -c.fields, c.key is None, c.key or ""))

    @cached_property
    def _totals(self) -> tuple[int, int]:
        sq = self._exposed
        row = self.session.execute(
            select(func.count(sq.c.dataset_id.distinct()), func.count(sq.c.field_id.distinct()))
        ).one()
        return int(row[0]), int(row[1])

    @property
    def datasets(self) -> int:
        return self._totals[0]

    @property
    def fields(self) -> int:
        return self._totals[1]

    @cached_property
    def by_category(self) -> list[ExposureCount]:
        return self._counts(self._exposed.c.category)

    @cached_property
    def by_data_store(self) -> list[ExposureCount]:
        sq = self._exposed
        stmt = select().select_from(sq).join(DataStore, DataStore.id == sq.c.data_store_id)
        return self._counts(DataStore.name, stmt)

    @cached_property
    def by_hosting_country(self) -> list[ExposureCount]:
        sq = self._exposed
        stmt = (
            select()
            .select_from(sq)
            .join(ExposureDatasetRow, ExposureDatasetRow.dataset_id == sq.c.dataset_id)
        )
        return self._counts(ExposureDatasetRow.hosting_country, stmt)

    @cached_property
    def by_ai_risk_class(self) -> list[ExposureCount]:
        """Only datasets used by an AI system; key None: the system is not classified yet."""
        sq = self._exposed
        stmt = (
            select()
            .select_from(sq)
            .join(AISystemDataset, AISystemDataset.dataset_id == sq.c.dataset_id)
            .join(AISystem, AISystem.id == AISystemDataset.ai_system_id)
        )
        return self._counts(AISystem.risk_class, stmt)


def _key(value: Any) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))
