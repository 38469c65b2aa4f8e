"""Per-request DataLoaders: one SQL statement per relation per level, whatever the page size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from graphene.utils.dataloader import DataLoader
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from registre.catalog.compliance.engine import ComplianceIssue
from registre.catalog.compliance.issues import issues_mentioning
from registre.catalog.models import (
    AISystem,
    AISystemDataset,
    AISystemPolicy,
    Assessment,
    Dataset,
    DataStore,
    Domain,
    Field,
    Finding,
    Organisation,
    Policy,
    ProcessingActivity,
    ScanRunTable,
    processing_activity_ai_system,
    processing_activity_dataset,
)
from registre.catalog.models.exposure import ExposureFindingRow
from registre.catalog.publication.gate import Blocker, blockers


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


#: loaders of one row by id
BY_ID: dict[str, type[Any]] = {
    "organisation": Organisation,
    "domain": Domain,
    "data_store": DataStore,
    "dataset": Dataset,
    "field": Field,
    "finding": Finding,
    "ai_system": AISystem,
    "policy": Policy,
    "processing_activity": ProcessingActivity,
}

#: loaders of the rows linked to a key, and the statement selecting (key, row) pairs
MANY: dict[str, Callable[[Sequence[int]], Select[Any]]] = {
    "fields_by_dataset": _children(Field, Field.dataset_id, Field.position, Field.id),
    "findings_by_field": _children(Finding, Finding.field_id),
    "datasets_by_store": _children(Dataset, Dataset.data_store_id),
    "tables_by_scan_run": _children(ScanRunTable, ScanRunTable.run_id, ScanRunTable.id),
    "ai_links_by_dataset": _children(AISystemDataset, AISystemDataset.dataset_id),
    "dataset_links_by_ai_system": _children(AISystemDataset, AISystemDataset.ai_system_id),
    "policy_links_by_ai_system": _children(AISystemPolicy, AISystemPolicy.ai_system_id),
    "ai_links_by_policy": _children(AISystemPolicy, AISystemPolicy.policy_id),
    "assessments_by_ai_system": _children(Assessment, Assessment.ai_system_id),
    "assessments_by_processing_activity": _children(Assessment, Assessment.processing_activity_id),
    "processing_activities_by_dataset": _through(
        processing_activity_dataset, "dataset_id", "processing_activity_id", ProcessingActivity
    ),
    "processing_activities_by_ai_system": _through(
        processing_activity_ai_system, "ai_system_id", "processing_activity_id", ProcessingActivity
    ),
    "datasets_by_processing_activity": _through(
        processing_activity_dataset, "processing_activity_id", "dataset_id", Dataset
    ),
    "ai_systems_by_processing_activity": _through(
        processing_activity_ai_system, "processing_activity_id", "ai_system_id", AISystem
    ),
}


class IssuesByAISystem(DataLoader):  # type: ignore[misc]
    """``AISystem.complianceIssues`` for every system of a request: their open stored
    issues, in one statement."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[ComplianceIssue]]:
        grouped = issues_mentioning(self.session, ai_system_ids=keys)
        return [grouped.get(("AISystem", key), []) for key in keys]


class BlockersByDataset(DataLoader):  # type: ignore[misc]
    """``Dataset.publicationBlockers`` / ``published`` for every dataset of a request, in
    one statement."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[Blocker]]:
        found = blockers(self.session, list(keys))
        return [found.get(key, []) for key in keys]


class PersonalByDataset(DataLoader):  # type: ignore[misc]
    """Whether each dataset (still present) holds personal data, read from the exposure kept
    per dataset (:func:`~registre.catalog.data.search.kept_personal_data`, current at each
    commit): one index lookup per request instead of every field and finding of each."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    async def batch_load_fn(self, keys: Sequence[int]) -> list[bool]:
        row = ExposureFindingRow
        found = set(
            self.session.scalars(select(row.dataset_id).where(row.dataset_id.in_(keys)).distinct())
        )
        return [key in found for key in keys]


class Loaders:
    """Every loader of one request (:data:`BY_ID`, :data:`MANY`, compliance issues)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        for name, model in BY_ID.items():
            setattr(self, name, ByIdLoader(session, model))
        for name, query in MANY.items():
            setattr(self, name, ManyLoader(session, query))
        self.compliance_issues_by_ai_system = IssuesByAISystem(session)
        self.publication_blockers = BlockersByDataset(session)
        self.personal_by_dataset = PersonalByDataset(session)

    organisation: ByIdLoader
    domain: ByIdLoader
    data_store: ByIdLoader
    dataset: ByIdLoader
    field: ByIdLoader
    finding: ByIdLoader
    ai_system: ByIdLoader
    policy: ByIdLoader
    processing_activity: ByIdLoader
    fields_by_dataset: ManyLoader
    findings_by_field: ManyLoader
    datasets_by_store: ManyLoader
    tables_by_scan_run: ManyLoader
    ai_links_by_dataset: ManyLoader
    dataset_links_by_ai_system: ManyLoader
    policy_links_by_ai_system: ManyLoader
    ai_links_by_policy: ManyLoader
    assessments_by_ai_system: ManyLoader
    assessments_by_processing_activity: ManyLoader
    processing_activities_by_dataset: ManyLoader
    processing_activities_by_ai_system: ManyLoader
    datasets_by_processing_activity: ManyLoader
    ai_systems_by_processing_activity: ManyLoader
