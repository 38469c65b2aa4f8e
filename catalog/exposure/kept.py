"""The exposure tables kept current (:mod:`registre.catalog.models.exposure`).

    rebuild(session)                  # every dataset (``registre compliance refresh``, upgrade)
    rebuild(session, {dataset ids})   # what one change touched (the unit-of-work hook)

Each call deletes the rows of the datasets given and inserts them again from the register
with ``INSERT ... SELECT``: the same conditions as the live queries
(:func:`~registre.catalog.data.search.personal_finding`, the hosting conditions of
:mod:`.query`), so a kept row is what a fresh computation gives. :func:`refresh_subjects`
is what :func:`registre.catalog.compliance.tracking.keep_current` calls before each commit,
with the subjects the transaction touched (a store, an organisation or an AI system stands
for the datasets it reaches there).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, String, cast, delete, func, insert, literal, select, update
from sqlalchemy.orm import Session, aliased

from registre.catalog.compliance.engine import Subjects
from registre.catalog.compliance.store import CHUNK, Change
from registre.catalog.data.search import personal_finding
from registre.catalog.exposure import totals
from registre.catalog.exposure.query import hosting_conditions
from registre.catalog.models.ai import AISystem, AISystemDataset
from registre.catalog.models.data import Dataset, DataStore, Field, Finding, Organisation
from registre.catalog.models.exposure import (
    ExposureCategoryRow,
    ExposureDatasetAIRow,
    ExposureDatasetRow,
    ExposureFindingRow,
)

__all__ = ["rebuild", "refresh_subjects"]


def _rebuild(session: Session, ids: list[int] | None) -> None:
    kept_f, kept_d, kept_c = ExposureFindingRow, ExposureDatasetRow, ExposureCategoryRow
    kept_ai = ExposureDatasetAIRow
    present: list[ColumnElement[bool]] = [Dataset.removed_at.is_(None)]
    if ids is not None:
        present.append(Dataset.id.in_(ids))
    # what these datasets counted for in the kept totals, before (see .totals)
    before = None if ids is None else totals.contributions(session, ids)
    for table in (kept_f, kept_d, kept_c, kept_ai):
        stmt = delete(table)
        session.execute(stmt if ids is None else stmt.where(table.dataset_id.in_(ids)))
    session.execute(
        insert(kept_f).from_select(
            [
                "finding_id",
                "field_id",
                "dataset_id",
                "data_store_id",
                "entity_type",
                "category",
                "status",
            ],
            select(
                Finding.id,
                Finding.field_id,
                Field.dataset_id,
                Dataset.data_store_id,
                Finding.entity_type,
                Finding.category,
                Finding.status,
            )
            .join(Field, Field.id == Finding.field_id)
            .join(Dataset, Dataset.id == Field.dataset_id)
            .where(personal_finding(), *present),
        )
    )
    host = aliased(Organisation)
    outside_eu, non_eu_control = hosting_conditions()
    session.execute(
        insert(kept_d).from_select(
            [
                "dataset_id",
                "data_store_id",
                "hosting_country",
                "outside_eu",
                "non_eu_control",
                "fields",
            ],
            select(
                Dataset.id,
                Dataset.data_store_id,
                func.coalesce(DataStore.hosting_country, host.country),
                outside_eu,
                non_eu_control,
                literal(0),
            )
            .join(DataStore, DataStore.id == Dataset.data_store_id)
            .outerjoin(host, host.id == DataStore.hosting_organisation_id)
            .where(*present),
        )
    )
    mine = [] if ids is None else [kept_f.dataset_id.in_(ids)]
    # then the count of fields of each exposed dataset (a separate statement: joined to
    # the insert above, the planner loses the hashed form of its EXISTS conditions)
    personal = (
        select(kept_f.dataset_id, func.count(kept_f.field_id.distinct()).label("n"))
        .where(*mine)
        .group_by(kept_f.dataset_id)
        .subquery("personal")
    )
    session.execute(
        update(kept_d)
        .values(fields=personal.c.n)
        .where(kept_d.dataset_id == personal.c.dataset_id)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        insert(kept_c).from_select(
            ["dataset_id", "category", "fields"],
            select(kept_f.dataset_id, kept_f.category, func.count(kept_f.field_id.distinct()))
            .where(*mine)
            .group_by(kept_f.dataset_id, kept_f.category),
        )
    )
    session.execute(
        insert(kept_ai).from_select(
            ["dataset_id", "risk_class"],
            select(AISystemDataset.dataset_id, cast(AISystem.risk_class, String))
            .join(AISystem, AISystem.id == AISystemDataset.ai_system_id)
            .join(Dataset, Dataset.id == AISystemDataset.dataset_id)
            .where(*present)
            .distinct(),
        )
    )
    if before is None:
        totals.rebuild(session)
    else:
        totals.apply(session, totals.difference(before, totals.contributions(session, ids)))


def rebuild(session: Session, dataset_ids: Iterable[int] | None = None) -> None:
    """Rebuild the kept exposure of ``dataset_ids`` (None: of every dataset)."""
    if dataset_ids is None:
        _rebuild(session, None)
        return
    ordered = sorted(set(dataset_ids))
    for start in range(0, len(ordered), CHUNK):
        _rebuild(session, ordered[start : start + CHUNK])


def refresh_subjects(session: Session, subjects: Subjects, change: Change) -> None:
    """Rebuild what a transaction touched (``subjects`` from :func:`.store.affected`);
    nothing when it wrote only what the exposure never reads (``change.exposure`` False:
    an organisation's contacts, an AI system's owner, a policy, an assessment...)."""
    if not change.exposure:
        return
    if subjects.everything:
        rebuild(session)
    elif subjects.ids.get("Dataset"):
        rebuild(session, subjects.ids["Dataset"])
        totals.check(session)
