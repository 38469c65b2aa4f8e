"""Real ``registre worker`` processes on the real PostgreSQL catalog: started together on a
fresh catalog, stopped by SIGTERM, killed by SIGKILL. A scan is one harvest job, then one
job per table; whatever happens to a worker, another one ends the run, and no table is
recorded twice.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from registre.catalog import migrate
from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data.stores import register_data_store
from registre.catalog.db import make_engine, session_factory, transaction
from registre.catalog.enums import ScanStatus, ScanTableStatus
from registre.catalog.models import Finding, ScanRun, ScanRunTable
from registre.scanners.runs.lifecycle import start_scan
from tests.support.servers import unique_name, with_dbname
from tests.support.stores import many_tables_store

TABLES = 60


@pytest.fixture
def fresh_pg(pg_server_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database (no catalog, no queue tables)."""
    import psycopg

    name = unique_name("registre_w")
    with psycopg.connect(pg_server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_dbname(pg_server_url, name)
    finally:
        with psycopg.connect(pg_server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Bench:
    url: str
    env: dict[str, str]

    def registre(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "registre", *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def query(self, sql: str) -> object:
        engine = make_engine(self.url)
        try:
            with engine.connect() as connection:
                return connection.scalar(text(sql))
        finally:
            engine.dispose()

    def run(self, run_id: int) -> ScanRun:
        engine = make_engine(self.url)
        try:
            with session_factory(engine)() as session:
                run = session.get(ScanRun, run_id)
                assert run is not None
                return run
        finally:
            engine.dispose()

    def tables_done(self, run_id: int) -> int:
        found = self.query(
            f"SELECT count(*) FROM scan_run_table WHERE run_id = {run_id} AND status <> 'PENDING'"
        )
        return int(found)  # type: ignore[call-overload]

    def wait_for_tables(self, process: subprocess.Popen[str], run_id: int, done: int) -> None:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            if self.tables_done(run_id) >= done:
                return
            time.sleep(0.2)
        raise AssertionError("the worker never scanned a table")


def _env(url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRE_")}
    return env | {
        "REGISTRE_DATABASE_URL": url,
        "REGISTRE_SCAN_QUEUE": "true",
        "REGISTRE_SCAN_HEARTBEAT_SECONDS": "1",
        "REGISTRE_SCAN_STALE_AFTER_SECONDS": "3",
        "REGISTRE_SCAN_SAMPLE_SIZE": "50",
        "REGISTRE_WORKER_STALLED_AFTER_SECONDS": "2",
        **extra,
    }


def _queued_scan(url: str, tmp_path: Path) -> int:
    """A migrated catalog with the queue, a store of TABLES tables and its scan deferred."""
    from registre.scanners.runs.queue import build_app, defer_run, ensure_schema

    engine = make_engine(url)
    migrate.upgrade(engine)
    ensure_schema(url)
    store = many_tables_store(tmp_path / "store.sqlite", TABLES)
    with transaction(session_factory(engine)) as session:
        data = {"name": "grosse-base", "url": f"sqlite:///{store.resolve()}"}
        store_id = register_data_store(session, CLI_ACTOR, data).id
        run_id = start_scan(session, CLI_ACTOR, store_id).id
    engine.dispose()
    queue = build_app(url)
    with queue.open():
        defer_run(queue, run_id, store_id)
    return run_id


def _assert_ended_once(bench: Bench, run_id: int) -> None:
    """The run succeeded with every table once, and each finding counted once."""
    run = bench.run(run_id)
    assert run.status is ScanStatus.SUCCEEDED, run.errors
    assert run.datasets_scanned == TABLES and run.datasets_failed == 0
    engine = make_engine(bench.url)
    try:
        with session_factory(engine)() as session:
            findings = session.scalar(select(func.count(Finding.id)))
            rows = session.scalars(select(ScanRunTable).where(ScanRunTable.run_id == run_id))
            statuses = [r.status for r in rows]
    finally:
        engine.dispose()
    assert statuses == [ScanTableStatus.DONE] * TABLES
    # one e-mail finding per table at least; the run counts each finding once
    assert findings is not None and findings >= TABLES
    assert run.findings_new == findings


def test_two_workers_start_together_on_a_fresh_catalog(fresh_pg: str) -> None:
    engine = make_engine(fresh_pg)
    migrate.upgrade(engine)  # the catalog, as an older 'registre db upgrade' left it
    engine.dispose()
    bench = Bench(fresh_pg, _env(fresh_pg))
    assert bench.query("SELECT to_regclass('procrastinate_jobs')") is None
    workers = [bench.registre("worker", "--once") for _ in range(2)]
    outputs = [w.communicate(timeout=180) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], [err for _, err in outputs]
    created = [out for out, _ in outputs if "created the scan queue's tables" in out]
    assert len(created) == 1  # one created them, the other waited for it and found them
    assert bench.query("SELECT to_regclass('procrastinate_jobs')") is not None


def test_db_upgrade_creates_the_queue_tables(fresh_pg: str) -> None:
    bench = Bench(fresh_pg, _env(fresh_pg))
    upgrade = bench.registre("db", "upgrade")
    out, err = upgrade.communicate(timeout=120)
    assert upgrade.returncode == 0, err
    assert "created the scan queue's tables" in out
    assert bench.query("SELECT to_regclass('procrastinate_jobs')") is not None
    again = bench.registre("db", "upgrade")
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert "created the scan queue's tables" not in out


def test_a_worker_stopped_by_sigterm_hands_its_tables_back(fresh_pg: str, tmp_path: Path) -> None:
    run_id = _queued_scan(fresh_pg, tmp_path)
    bench = Bench(fresh_pg, _env(fresh_pg))
    first = bench.registre("worker", "--concurrency", "2")
    bench.wait_for_tables(first, run_id, 3)
    first.send_signal(signal.SIGTERM)
    # docker stop sends SIGKILL 10 s after SIGTERM: the worker is gone before that
    _, stderr = first.communicate(timeout=10)
    assert first.returncode == 128 + signal.SIGTERM, stderr
    assert "went back to the queue" in stderr
    stopped = bench.run(run_id)
    assert stopped.status is ScanStatus.RUNNING  # not closed: its tables wait for a worker
    assert bench.tables_done(run_id) < TABLES
    doing = bench.query("SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing'")
    assert doing == 0  # every job it held is back in the queue

    second = bench.registre("worker", "--once")
    _, stderr = second.communicate(timeout=300)
    assert second.returncode == 0, stderr
    _assert_ended_once(bench, run_id)


def test_a_killed_worker_leaves_its_jobs_to_another(fresh_pg: str, tmp_path: Path) -> None:
    run_id = _queued_scan(fresh_pg, tmp_path)
    bench = Bench(fresh_pg, _env(fresh_pg))
    first = bench.registre("worker", "--concurrency", "2")
    bench.wait_for_tables(first, run_id, 3)
    first.send_signal(signal.SIGTERM)  # as docker stop does: SIGTERM, then SIGKILL
    time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=30)
    assert bench.run(run_id).status is ScanStatus.RUNNING
    time.sleep(2.5)  # REGISTRE_WORKER_STALLED_AFTER_SECONDS=2: its silence now means death

    second = bench.registre("worker", "--once")
    _, stderr = second.communicate(timeout=300)
    assert second.returncode == 0, stderr
    _assert_ended_once(bench, run_id)


def test_the_schedule_tick_does_not_wait_behind_queued_scans(fresh_pg: str, tmp_path: Path) -> None:
    from registre.scanners.runs.queue import build_app

    run_id = _queued_scan(fresh_pg, tmp_path)
    bench = Bench(fresh_pg, _env(fresh_pg))
    engine = make_engine(fresh_pg)
    due = tmp_path / "due.sqlite"
    with sqlite3.connect(due) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    with transaction(session_factory(engine)) as session:
        data = {"name": "due", "url": f"sqlite:///{due}", "scan_schedule": "* * * * *"}
        due_store = register_data_store(session, CLI_ACTOR, data).id
    engine.dispose()
    worker = bench.registre("worker")  # one scan at a time: the table jobs queue up
    try:
        bench.wait_for_tables(worker, run_id, 1)
        queue = build_app(fresh_pg)
        with queue.open():
            # a lock of its own: the worker's periodic tick may wait under the usual one
            task = queue.tasks["registre.defer_due_scans"].configure(queueing_lock="test-tick")
            tick = task.defer(timestamp=int(time.time()))
        deadline = time.monotonic() + 120
        while bench.query(f"SELECT status::text FROM procrastinate_jobs WHERE id = {tick}") != (
            "succeeded"
        ):
            assert time.monotonic() < deadline and worker.poll() is None
            time.sleep(0.1)
        # the tick ran while the big scan's tables still waited in the scan queue
        assert bench.tables_done(run_id) < TABLES
        queued = bench.query(f"SELECT count(*) FROM scan_run WHERE data_store_id = {due_store}")
        assert queued == 1  # the due store got its scheduled run (one, whichever tick ran)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.communicate(timeout=30)
