"""Write a harvested schema into the catalog, record drift, keep what stewards wrote.

A harvest never deletes: a table or column that disappears is marked ``removed_at`` (its
description and reviews stay, and come back if it does); descriptions, stewards, tags and
sensitivity set by people are never touched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from registre.catalog.data.harvested import TableInfo
from registre.catalog.enums import DatasetKind
from registre.catalog.models.data import Dataset, DataStore, Field


@dataclass
class Drift:
    """What changed since the previous harvest, in qualified names (never values)."""

    tables_new: list[str] = field(default_factory=list)
    tables_removed: list[str] = field(default_factory=list)
    #: ids of the datasets this harvest found removed (their findings are then gone)
    removed_dataset_ids: list[int] = field(default_factory=list)
    columns_new: list[str] = field(default_factory=list)
    columns_dropped: list[str] = field(default_factory=list)
    columns_retyped: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v and k != "removed_dataset_ids"}


def _qualified(schema: str, name: str) -> str:
    return f"{schema}.{name}" if schema else name


def harvest(
    session: Session, store: DataStore, tables: Sequence[TableInfo], now: dt.datetime
) -> tuple[list[tuple[TableInfo, Dataset]], Drift]:
    """Upsert datasets and fields for ``tables``; returns each table's dataset and the drift."""
    drift = Drift()
    existing = {
        (d.schema_name, d.name): d
        for d in session.scalars(
            select(Dataset)
            .where(Dataset.data_store_id == store.id)
            .options(selectinload(Dataset.fields))
        )
    }
    pairs: list[tuple[TableInfo, Dataset]] = []
    seen: set[tuple[str, str]] = set()
    for table in tables:
        key = (table.schema or "", table.name)
        seen.add(key)
        dataset = existing.get(key)
        qualified = _qualified(*key)
        if dataset is None:
            dataset = Dataset(
                data_store_id=store.id,
                schema_name=key[0],
                name=table.name,
                kind=DatasetKind(table.kind.upper()),
            )
            session.add(dataset)
            drift.tables_new.append(qualified)
        elif dataset.removed_at is not None or dataset.last_seen_at is None:
            # back after a removal, or registered by hand and harvested for the first time
            if dataset.removed_at is not None:
                drift.tables_new.append(qualified)
            dataset.removed_at = None
        dataset.kind = DatasetKind(table.kind.upper())
        dataset.estimated_rows = table.estimated_rows
        dataset.last_seen_at = now
        _harvest_fields(dataset, table, qualified, drift, now, first=dataset.id is None)
        pairs.append((table, dataset))
    for key, dataset in existing.items():
        if key not in seen and dataset.last_seen_at is not None and dataset.removed_at is None:
            dataset.removed_at = now
            drift.tables_removed.append(_qualified(*key))
            drift.removed_dataset_ids.append(dataset.id)
    session.flush()
    return pairs, drift


def _harvest_fields(
    dataset: Dataset,
    table: TableInfo,
    qualified: str,
    drift: Drift,
    now: dt.datetime,
    *,
    first: bool,
) -> None:
    by_name = {f.name: f for f in dataset.fields}
    harvested_before = dataset.id is not None and any(f.data_type for f in dataset.fields)
    current = set()
    for column in table.columns:
        current.add(column.name)
        fld = by_name.get(column.name)
        where = f"{qualified}.{column.name}"
        if fld is None:
            dataset.fields.append(
                Field(
                    name=column.name,
                    position=column.position,
                    data_type=column.data_type,
                    nullable=column.nullable,
                )
            )
            if harvested_before and not first:
                drift.columns_new.append(where)
            continue
        if fld.removed_at is not None:
            fld.removed_at = None
            drift.columns_new.append(where)
        if fld.data_type and fld.data_type != column.data_type:
            drift.columns_retyped.append(
                {"column": where, "from": fld.data_type, "to": column.data_type}
            )
        fld.position, fld.data_type, fld.nullable = (
            column.position,
            column.data_type,
            column.nullable,
        )
    for name, fld in by_name.items():
        if name not in current and fld.removed_at is None:
            fld.removed_at = now
            drift.columns_dropped.append(f"{qualified}.{name}")
