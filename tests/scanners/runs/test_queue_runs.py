"""With the Procrastinate queue, a QUEUED run is alive while its job waits or runs; once the
job is gone or final, the run is closed and its store can be scanned again."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from registre.catalog import migrate
from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data.stores import register_data_store
from registre.catalog.db import make_engine, session_factory, transaction
from registre.catalog.enums import ScanStatus
from registre.catalog.errors import Conflict
from registre.catalog.models import ScanRun
from registre.config.settings import Settings
from registre.scanners.runs.lifecycle import Liveness, start_scan
from registre.scanners.runs.queue import QueueDispatcher, build_app, defer_run, ensure_schema

QUEUE_LIVENESS = Liveness(queued_on_jobs=True)


@pytest.fixture
def pg_catalog(pg_server_url: str) -> Iterator[str]:
    import psycopg

    base, _, _ = pg_server_url.rpartition("/")
    name = f"registre_r_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(pg_server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_queued_run_whose_job_is_gone_is_closed_and_one_whose_job_waits_is_kept(
    pg_catalog: str, tmp_path: Path
) -> None:
    engine = make_engine(pg_catalog)
    migrate.upgrade(engine)
    factory = session_factory(engine)
    queue = build_app(pg_catalog)
    ensure_schema(pg_catalog)
    stores = {}
    for name in ("perdu", "attend", "fini"):
        path = tmp_path / f"{name}.sqlite"
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        with transaction(factory) as session:
            data = {"name": name, "url": f"sqlite:///{path}"}
            stores[name] = register_data_store(session, CLI_ACTOR, data).id
    runs = {}
    with transaction(factory) as session:
        for name, store_id in stores.items():
            runs[name] = start_scan(session, CLI_ACTOR, store_id, liveness=QUEUE_LIVENESS).id
    with queue.open():
        defer_run(queue, runs["attend"], stores["attend"])
        job = defer_run(queue, runs["fini"], stores["fini"])
    with engine.begin() as connection:  # a job an operator cancelled: final, never run
        connection.execute(
            text("UPDATE procrastinate_jobs SET status = 'cancelled' WHERE id = :id"), {"id": job}
        )
        # the three were queued long ago (longer than the stale delay)
        connection.execute(
            text("UPDATE scan_run SET created_at = created_at - interval '10 minutes'")
        )

    with transaction(factory) as session:  # the one that never got its job: closed
        replacement = start_scan(session, CLI_ACTOR, stores["perdu"], liveness=QUEUE_LIVENESS).id
    with pytest.raises(Conflict, match="already queued"), transaction(factory) as session:
        start_scan(session, CLI_ACTOR, stores["attend"], liveness=QUEUE_LIVENESS)
    # the API starting on the queue closes the others whose job is final
    dispatcher = QueueDispatcher(Settings(database_url=pg_catalog, scan_queue=True))
    try:
        assert dispatcher.recover(factory) == [runs["fini"]]
    finally:
        dispatcher.shutdown()
    with factory() as session:
        status = {n: session.get(ScanRun, r) for n, r in runs.items()}
        assert status["perdu"] is not None and status["perdu"].status is ScanStatus.FAILED
        assert status["perdu"].errors[-1]["message"] == "interrupted: its queue job is gone"
        assert status["attend"] is not None and status["attend"].status is ScanStatus.QUEUED
        assert status["fini"] is not None and status["fini"].status is ScanStatus.FAILED

    # without the queue (in-process dispatcher), a QUEUED run waits in an API's memory, not on
    # a job: no job is not a sign of death (the API closes its own runs when it starts)
    with transaction(factory) as session:
        jobless = session.get(ScanRun, replacement)
        assert jobless is not None
        jobless.created_at = jobless.created_at - dt.timedelta(hours=1)
    with pytest.raises(Conflict), transaction(factory) as session:
        start_scan(session, CLI_ACTOR, stores["perdu"])
    engine.dispose()
