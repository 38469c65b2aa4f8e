"""Counts of the exposure: datasets and fields holding personal data, by category, data
store, hosting country and AI risk class, over everything a filter selects."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from registre.catalog.exposure.query import ExposureFilter, dataset_conditions, finding_condition
from registre.catalog.models.ai import AISystem, AISystemDataset
from registre.catalog.models.data import Dataset, DataStore, Field, Finding, Organisation


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
        return (
            select(
                Finding.category.label("category"),
                Finding.field_id.label("field_id"),
                Field.dataset_id.label("dataset_id"),
            )
            .join(Field, Field.id == Finding.field_id)
            .join(Dataset, Dataset.id == Field.dataset_id)
            .where(finding_condition(self.flt), *dataset_conditions(self.flt, exposed=False))
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
        stmt = (
            select()
            .select_from(sq)
            .join(Dataset, Dataset.id == sq.c.dataset_id)
            .join(DataStore, DataStore.id == Dataset.data_store_id)
        )
        return self._counts(DataStore.name, stmt)

    @cached_property
    def by_hosting_country(self) -> list[ExposureCount]:
        sq = self._exposed
        stmt = (
            select()
            .select_from(sq)
            .join(Dataset, Dataset.id == sq.c.dataset_id)
            .join(DataStore, DataStore.id == Dataset.data_store_id)
            .outerjoin(Organisation, Organisation.id == DataStore.hosting_organisation_id)
        )
        return self._counts(func.coalesce(DataStore.hosting_country, Organisation.country), stmt)

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
