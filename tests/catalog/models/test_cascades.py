"""Deleting through the ORM or in SQL never leaves an orphan row."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from registre.catalog.db import transaction
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
    ScanRun,
    processing_activity_ai_system,
    processing_activity_dataset,
)
from tests.catalog.world import World, _count, _orphans
from tests.support.catalogs import Catalog

# --------------------------------------------------------------------------- cascades


def _delete(session: Session, model: type[Any], entity_id: int, how: str) -> None:
    if how == "orm":
        session.delete(session.get(model, entity_id))
    else:  # the database's own ON DELETE CASCADE, as a SQL console would trigger it
        session.execute(delete(model).where(model.id == entity_id))


@pytest.mark.parametrize("how", ["orm", "sql"])
def test_deleting_a_data_store_deletes_everything_under_it(
    how: str, catalog: Catalog, world: World
) -> None:
    with catalog.factory() as session:
        doomed_datasets = [world.dataset, world.dataset2]
        doomed_fields = list(
            session.scalars(select(Field.id).where(Field.dataset_id.in_(doomed_datasets)))
        )
        assert len(doomed_fields) == 6
        assert session.scalar(select(func.count()).where(Finding.field_id.in_(doomed_fields))) == 4
        kept = {
            "fields": _count(
                session, select(Field).where(Field.dataset_id == world.other_dataset).subquery()
            ),
            "findings": _count(
                session,
                select(Finding)
                .join(Field)
                .where(Field.dataset_id == world.other_dataset)
                .subquery(),
            ),
        }
    with transaction(catalog.factory) as session:
        _delete(session, DataStore, world.store, how)

    with catalog.factory() as session:
        assert session.get(DataStore, world.store) is None
        assert (
            session.scalars(select(Dataset.id).where(Dataset.data_store_id == world.store)).all()
            == []
        )
        assert session.scalars(select(Field.id).where(Field.id.in_(doomed_fields))).all() == []
        assert (
            session.scalars(select(Finding.id).where(Finding.field_id.in_(doomed_fields))).all()
            == []
        )
        assert (
            session.scalars(select(ScanRun.id).where(ScanRun.data_store_id == world.store)).all()
            == []
        )
        for link_table, column in (
            (AISystemDataset.__table__, "dataset_id"),
            (processing_activity_dataset, "dataset_id"),
        ):
            rows = session.execute(
                select(link_table).where(link_table.c[column].in_(doomed_datasets))
            ).all()
            assert rows == [], f"{link_table.name} keeps links to deleted datasets"
        assert _orphans(session) == {}
        # what is not under the store is still there
        assert session.get(DataStore, world.other_store) is not None
        assert session.get(Dataset, world.other_dataset) is not None
        assert (
            _count(session, select(Field).where(Field.dataset_id == world.other_dataset).subquery())
            == kept["fields"]
        )
        assert (
            _count(
                session,
                select(Finding)
                .join(Field)
                .where(Field.dataset_id == world.other_dataset)
                .subquery(),
            )
            == kept["findings"]
        )
        assert session.get(AISystem, world.ai) is not None
        assert session.get(ProcessingActivity, world.activity) is not None
        assert session.scalars(
            select(AISystemDataset.dataset_id).where(AISystemDataset.ai_system_id == world.ai)
        ).all() == [world.other_dataset]
        assert session.scalars(select(processing_activity_dataset.c.dataset_id)).all() == [
            world.other_dataset
        ]


@pytest.mark.parametrize("how", ["orm", "sql"])
def test_deleting_an_ai_system_removes_its_links_and_assessments(
    how: str, catalog: Catalog, world: World
) -> None:
    with catalog.factory() as session:
        pa_only = session.scalar(
            select(Assessment.id).where(
                Assessment.ai_system_id.is_(None),
                Assessment.processing_activity_id == world.activity,
            )
        )
        assert session.scalar(select(func.count()).where(Assessment.ai_system_id == world.ai)) == 2
    with transaction(catalog.factory) as session:
        _delete(session, AISystem, world.ai, how)

    with catalog.factory() as session:
        assert session.get(AISystem, world.ai) is None
        assert (
            session.scalars(
                select(AISystemDataset.id).where(AISystemDataset.ai_system_id == world.ai)
            ).all()
            == []
        )
        assert (
            session.scalars(
                select(AISystemPolicy.id).where(AISystemPolicy.ai_system_id == world.ai)
            ).all()
            == []
        )
        assert (
            session.execute(
                select(processing_activity_ai_system).where(
                    processing_activity_ai_system.c.ai_system_id == world.ai
                )
            ).all()
            == []
        )
        assert (
            session.scalars(select(Assessment.id).where(Assessment.ai_system_id == world.ai)).all()
            == []
        )
        assert _orphans(session) == {}
        # the other ends of the links stay, and so do the other system's links
        assert session.get(Dataset, world.dataset) is not None
        assert session.get(Policy, world.policy) is not None
        assert session.get(ProcessingActivity, world.activity) is not None
        assert session.scalars(
            select(Assessment.id).where(Assessment.processing_activity_id == world.activity)
        ).all() == [pa_only]
        assert session.scalars(select(AISystemPolicy.ai_system_id)).all() == [world.ai2]
        assert session.scalars(select(AISystemDataset.ai_system_id)).all() == [world.ai2]
        assert session.execute(
            select(processing_activity_ai_system.c.ai_system_id)
        ).scalars().all() == [world.ai2]


def test_deleting_an_organisation_unsets_references(catalog: Catalog, world: World) -> None:
    with transaction(catalog.factory) as session:
        session.execute(delete(Organisation).where(Organisation.id == world.org))
    with catalog.factory() as session:
        system = session.get(AISystem, world.ai)
        assert system is not None and system.provider_id is None
        assert _orphans(session) == {}


def test_deleting_a_scan_run_keeps_findings(catalog: Catalog, world: World) -> None:
    with transaction(catalog.factory) as session:
        session.execute(delete(ScanRun).where(ScanRun.id == world.run))
    with catalog.factory() as session:
        finding = session.get(Finding, world.finding)
        assert finding is not None and finding.first_seen_run_id is None
        assert _orphans(session) == {}


def test_orphan_check_sees_orphans(catalog: Catalog, world: World) -> None:
    # Guards the cascade tests: with foreign keys off, a deletion leaves link rows behind
    # and ``_orphans`` must report them.
    if catalog.backend == "sqlite":
        with catalog.engine.connect() as conn:  # this test's own file
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # before any BEGIN, or it is ignored
            conn.execute(delete(AISystem).where(AISystem.id == world.ai))
            with Session(bind=conn) as session:
                orphans = _orphans(session)
            conn.rollback()
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
    else:
        with catalog.factory() as session:
            session.execute(text("SET LOCAL session_replication_role = replica"))
            session.execute(delete(AISystem).where(AISystem.id == world.ai))
            orphans = _orphans(session)
            session.rollback()
    assert set(orphans) >= {
        "ai_system_dataset.ai_system_id",
        "ai_system_policy.ai_system_id",
        "processing_activity_ai_system.ai_system_id",
        "assessment.ai_system_id",
    }
    with catalog.factory() as session:
        assert session.get(AISystem, world.ai) is not None
        assert _orphans(session) == {}
