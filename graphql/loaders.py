"""Per-request DataLoaders: one SQL statement per relation per level, whatever the page size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from graphene.utils.dataloader import DataLoader
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from registre.catalog.models import (
    AISystem,
    AISystemDataset,
    AISystemPolicy,
    Assessment,
    Dataset,
    DataStore,
    Field,
    Finding,
    Organisation,
    Policy,
    ProcessingActivity,
    processing_activity_ai_system,
    processing_activity_dataset,
)


class ByIdLoader(DataLoader):  # type: ignore[misc]
    def __init__(self, session: Session, model: type[Any]) -> None:
        super().__init__()
        self.session = session
        self.model = model

    async def batch_load_fn(self, keys: Sequence[int]) -> list[Any]:
        rows = self.session.scalars(select(self.model).where(self.model.id.in_(keys))).all()
        by_id = {row.id: row for row in rows}
        return [by_id.get(key) for key in keys]


class ManyLoader(DataLoader):  # type: ignore[misc]
    """Rows grouped by a key column: ``query(keys)`` selects (key, row) pairs."""

    def __init__(self, session: Session, query: Callable[[Sequence[int]], Select[Any]]) -> None:
        super().__init__()
        self.session = session
        self.query = query

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[Any]]:
        grouped: dict[int, list[Any]] = defaultdict(list)
        for key, row in self.session.execute(self.query(keys)).all():
            grouped[key].append(row)
        return [grouped.get(key, []) for key in keys]


def _children(model: Any, fk: Any, *order: Any) -> Callable[[Sequence[int]], Select[Any]]:
    return lambda keys: select(fk, model).where(fk.in_(keys)).order_by(*(order or (model.id,)))


def _through(
    table: Any, key_col: str, other_col: str, model: Any
) -> Callable[[Sequence[int]], Select[Any]]:
    key, other = table.c[key_col], table.c[other_col]
    return lambda keys: (
        select(key, model).join(table, other == model.id).where(key.in_(keys)).order_by(model.id)
    )


class Loaders:
    """Every loader of one request, created lazily."""

    def __init__(self, session: Session) -> None:
        self.session = session
        by_id: Iterable[tuple[str, Any]] = (
            ("organisation", Organisation),
            ("data_store", DataStore),
            ("dataset", Dataset),
            ("field", Field),
            ("ai_system", AISystem),
            ("policy", Policy),
            ("processing_activity", ProcessingActivity),
        )
        for name, model in by_id:
            setattr(self, name, ByIdLoader(session, model))
        self.fields_by_dataset = ManyLoader(
            session, _children(Field, Field.dataset_id, Field.position, Field.id)
        )
        self.findings_by_field = ManyLoader(session, _children(Finding, Finding.field_id))
        self.datasets_by_store = ManyLoader(session, _children(Dataset, Dataset.data_store_id))
        self.ai_links_by_dataset = ManyLoader(
            session, _children(AISystemDataset, AISystemDataset.dataset_id)
        )
        self.dataset_links_by_ai_system = ManyLoader(
            session, _children(AISystemDataset, AISystemDataset.ai_system_id)
        )
        self.policy_links_by_ai_system = ManyLoader(
            session, _children(AISystemPolicy, AISystemPolicy.ai_system_id)
        )
        self.ai_links_by_policy = ManyLoader(
            session, _children(AISystemPolicy, AISystemPolicy.policy_id)
        )
        self.assessments_by_ai_system = ManyLoader(
            session, _children(Assessment, Assessment.ai_system_id)
        )
        self.assessments_by_processing_activity = ManyLoader(
            session, _children(Assessment, Assessment.processing_activity_id)
        )
        self.processing_activities_by_dataset = ManyLoader(
            session,
            _through(
                processing_activity_dataset,
                "dataset_id",
                "processing_activity_id",
                ProcessingActivity,
            ),
        )
        self.processing_activities_by_ai_system = ManyLoader(
            session,
            _through(
                processing_activity_ai_system,
                "ai_system_id",
                "processing_activity_id",
                ProcessingActivity,
            ),
        )
        self.datasets_by_processing_activity = ManyLoader(
            session,
            _through(processing_activity_dataset, "processing_activity_id", "dataset_id", Dataset),
        )
        self.ai_systems_by_processing_activity = ManyLoader(
            session,
            _through(
                processing_activity_ai_system, "processing_activity_id", "ai_system_id", AISystem
            ),
        )

    organisation: ByIdLoader
    data_store: ByIdLoader
    dataset: ByIdLoader
    field: ByIdLoader
    ai_system: ByIdLoader
    policy: ByIdLoader
    processing_activity: ByIdLoader
