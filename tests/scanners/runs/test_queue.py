"""Scans as Procrastinate jobs on a PostgreSQL catalog: deferred by the API, run by a worker."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data import stores
from registre.catalog.db import make_engine, session_factory, transaction
from registre.catalog.enums import ScanStatus, ScanTrigger
from registre.catalog.models import Finding, ScanRun
from registre.scanners.errors import ScanError
from registre.scanners.runs.lifecycle import start_scan
from registre.scanners.runs.queue import (
    QUEUE,
    build_app,
    defer_due,
    defer_run,
    ensure_schema,
    reset_worker_catalog,
)
from tests.support.catalogs import Catalog


@pytest.fixture
def pg_catalog(
    new_catalog: Callable[..., Catalog], monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A migrated PostgreSQL catalog of its own (the worker reads it from the settings)."""
    url = new_catalog("postgresql").url
    monkeypatch.setenv("REGISTRE_DATABASE_URL", url)
    try:
        yield url
    finally:
        reset_worker_catalog()


def _store(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, courriel TEXT)")
        conn.executemany(
            "INSERT INTO contacts (courriel) VALUES (?)",
            [(f"agent{i}@ville-exemple.fr",) for i in range(60)],
        )


def test_a_deferred_scan_runs_on_a_worker(pg_catalog: str, tmp_path: Path) -> None:
    engine = make_engine(pg_catalog)
    factory = session_factory(engine)
    queue = build_app(pg_catalog)
    assert ensure_schema(pg_catalog) is True
    assert ensure_schema(pg_catalog) is False  # idempotent
    _store(tmp_path / "store.sqlite")
    with transaction(factory) as session:
        store = stores.register_data_store(
            session,
            CLI_ACTOR,
            {
                "name": "s",
                "url": f"sqlite:///{tmp_path / 'store.sqlite'}",
                "scan_schedule": "0 2 * * *",
            },
        )
        run_id = start_scan(session, CLI_ACTOR, store.id).id
        store_id = store.id
    with queue.open():
        job = defer_run(queue, run_id, store_id)
    with engine.connect() as connection:
        waiting = connection.scalar(
            text("SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'")
        )
    assert job > 0 and waiting == 1
    queue.run_worker(queues=[QUEUE], wait=False, install_signal_handlers=False)
    with factory() as session:
        run = session.get(ScanRun, run_id)
        assert run is not None and run.status is ScanStatus.SUCCEEDED, run.errors
        kinds = {f.entity_type for f in session.scalars(select(Finding))}
    assert "EMAIL_ADDRESS" in kinds

    # The schedule: the store is due at 02:00 the next day; one run queued, not two.
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    due_at = tomorrow.replace(hour=3, minute=0, second=0, microsecond=0)
    with queue.open():
        queued = defer_due(queue, factory, due_at, "UTC")
        assert len(queued) == 1
        assert defer_due(queue, factory, due_at, "UTC") == []  # already queued
    queue.run_worker(queues=[QUEUE], wait=False, install_signal_handlers=False)
    with factory() as session:
        scheduled = session.get(ScanRun, queued[0])
        assert scheduled is not None and scheduled.trigger is ScanTrigger.SCHEDULE
        assert scheduled.status is ScanStatus.SUCCEEDED
    engine.dispose()


def test_the_queue_refuses_a_sqlite_catalog(tmp_path: Path) -> None:
    with pytest.raises(ScanError, match="needs a PostgreSQL catalog"):
        build_app(f"sqlite:///{tmp_path / 'catalog.db'}")
