"""Runs that never hang: a heartbeat while RUNNING, dead runs closed within the stale delay
(by the next scan, the scheduler tick, the API starting), an admin's --abandon, and a
stopped scan that cancels its query on the target."""

from __future__ import annotations

import _thread
import datetime as dt
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient
from typer.testing import CliRunner

from registre.catalog import migrate
from registre.catalog.access.roles import CLI_ACTOR, Actor
from registre.catalog.data.harvested import ColumnInfo, TableInfo
from registre.catalog.data.stores import register_data_store
from registre.catalog.db import make_engine, session_factory, transaction
from registre.catalog.enums import Role, ScanStatus
from registre.catalog.errors import Conflict, PermissionDenied
from registre.catalog.models import AuditEvent, ScanRun
from registre.catalog.models.base import utcnow
from registre.config.settings import Settings, SettingsError, load_settings
from registre.scanners.runs import scan as scan_module
from registre.scanners.runs.dispatch import ScanDispatcher
from registre.scanners.runs.lifecycle import (
    Heartbeat,
    Liveness,
    abandon_run,
    abandon_scans,
    start_scan,
)
from registre.scanners.runs.scan import ScanOptions, execute_scan
from registre.scanners.runs.schedule import start_due_runs
from registre.scanners.runs.stopping import StopFlag

FAST = Liveness(heartbeat=dt.timedelta(seconds=0.05), stale_after=dt.timedelta(seconds=120))


@dataclass
class Catalog:
    url: str
    factory: sessionmaker[Session]
    tmp: Path

    def store(self, name: str = "s") -> int:
        path = self.tmp / f"{name}.sqlite"
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, courriel TEXT)")
            conn.executemany("INSERT INTO t (courriel) VALUES (?)", [("a@x.fr",)] * 5)
        with transaction(self.factory) as session:
            data = {"name": name, "url": f"sqlite:///{path.resolve()}"}
            return register_data_store(session, CLI_ACTOR, data).id

    def start(self, store_id: int, liveness: Liveness = Liveness()) -> int:
        with transaction(self.factory) as session:
            return start_scan(session, CLI_ACTOR, store_id, liveness=liveness).id

    def set(self, run_id: int, **values: Any) -> None:
        with transaction(self.factory) as session:
            run = session.get(ScanRun, run_id)
            assert run is not None
            for key, value in values.items():
                setattr(run, key, value)

    def run(self, run_id: int) -> ScanRun:
        with self.factory() as session:
            run = session.get(ScanRun, run_id)
            assert run is not None
            return run


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    url = f"sqlite:///{tmp_path / f'catalog-{uuid.uuid4().hex[:6]}.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    yield Catalog(url, session_factory(engine), tmp_path)
    engine.dispose()


class BlockingConnector:
    """A store whose sampling query runs until it is cancelled (as a slow query would)."""

    def __init__(self) -> None:
        self.sampling = threading.Event()
        self.cancelled = threading.Event()
        self.cancelled_from: str | None = None
        self.closed = False

    def list_tables(self) -> Iterator[TableInfo]:
        yield TableInfo(None, "lente", "table", (ColumnInfo("courriel", 1, "TEXT"),))

    def sample(self, table: TableInfo, size: int) -> dict[str, list[object]]:
        self.sampling.set()
        if not self.cancelled.wait(30):
            raise AssertionError("never cancelled")
        raise sqlite3.OperationalError("interrupted")

    def cancel(self) -> None:
        self.cancelled_from = threading.current_thread().name
        self.cancelled.set()

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def blocking(monkeypatch: pytest.MonkeyPatch) -> BlockingConnector:
    connector = BlockingConnector()
    monkeypatch.setattr(scan_module, "connector_for", lambda url, **kw: connector)
    return connector


def _no_findings(table: str, columns: list[Any]) -> dict[str, Any]:
    return {}


# ------------------------------------------------------------------ stale runs


def test_a_live_run_blocks_its_store_and_a_silent_one_is_closed_by_the_next_scan(
    catalog: Catalog,
) -> None:
    store = catalog.store()
    first = catalog.start(store)
    now = utcnow()
    catalog.set(first, status=ScanStatus.RUNNING, started_at=now, heartbeat_at=now)
    with pytest.raises(Conflict, match=r"already running \(run \d+\).*registre scan --abandon"):
        catalog.start(store)
    # its process was killed: the heartbeat stopped two minutes and more ago
    catalog.set(first, heartbeat_at=now - dt.timedelta(seconds=121))
    second = catalog.start(store)
    closed = catalog.run(first)
    assert closed.status is ScanStatus.FAILED and closed.finished_at is not None
    assert closed.errors[-1] == {
        "dataset": None,
        "kind": "cancelled",
        "message": "interrupted: no sign of life for over 120 s",
        "text": {
            "template": "interrupted: no sign of life for over {seconds} s",
            "params": {"seconds": 120},
        },
    }
    assert catalog.run(second).status is ScanStatus.QUEUED


def test_a_run_killed_before_its_first_heartbeat_is_judged_by_its_start(
    catalog: Catalog,
) -> None:
    store = catalog.store()
    first = catalog.start(store)
    started = utcnow() - dt.timedelta(seconds=30)
    catalog.set(first, status=ScanStatus.RUNNING, started_at=started)
    short = Liveness(stale_after=dt.timedelta(seconds=20))
    catalog.start(store, short)
    assert catalog.run(first).status is ScanStatus.FAILED


def test_the_scheduler_tick_closes_dead_runs_of_every_store(catalog: Catalog) -> None:
    store = catalog.store()  # no schedule: the tick never scans it, yet cleans it
    run_id = catalog.start(store)
    old = utcnow() - dt.timedelta(minutes=10)
    catalog.set(run_id, status=ScanStatus.RUNNING, started_at=old, heartbeat_at=old)
    assert list(start_due_runs(catalog.factory, utcnow(), "UTC", Liveness())) == []
    assert catalog.run(run_id).status is ScanStatus.FAILED


def test_settings_refuse_a_stale_delay_shorter_than_two_heartbeats() -> None:
    assert Settings().scan_heartbeat_seconds == 15
    assert Settings().scan_stale_after_seconds == 120
    env = {"REGISTRE_SCAN_HEARTBEAT_SECONDS": "10", "REGISTRE_SCAN_STALE_AFTER_SECONDS": "15"}
    with pytest.raises(SettingsError, match="at least twice scan_heartbeat_seconds"):
        load_settings(env)
    liveness = Liveness.from_settings(
        load_settings(env | {"REGISTRE_SCAN_STALE_AFTER_SECONDS": "20"})
    )
    assert liveness.stale_after == dt.timedelta(seconds=20)


# ------------------------------------------------------------------ heartbeat


def test_the_heartbeat_beats_while_running_and_stops_with_the_run(catalog: Catalog) -> None:
    run_id = catalog.start(catalog.store())
    start = utcnow()
    catalog.set(run_id, status=ScanStatus.RUNNING, started_at=start, heartbeat_at=start)
    with Heartbeat(catalog.factory, run_id, dt.timedelta(seconds=0.05)) as heartbeat:
        time.sleep(0.4)
        beat = catalog.run(run_id).heartbeat_at
        assert beat is not None and beat > start
        abandon_run(catalog.factory, run_id, "interrupted: test")
        assert heartbeat.beat() is False  # a closed run is not kept alive
        time.sleep(0.2)
        assert not heartbeat._thread.is_alive()


def test_a_scan_refreshes_its_heartbeat(catalog: Catalog) -> None:
    run_id = catalog.start(catalog.store())

    def slow(table: str, columns: list[Any]) -> dict[str, Any]:
        time.sleep(0.5)
        return {}

    run = execute_scan(catalog.factory, run_id, options=ScanOptions(liveness=FAST), classify=slow)
    assert run.status is ScanStatus.SUCCEEDED
    assert run.heartbeat_at is not None and run.started_at is not None
    assert run.heartbeat_at > run.started_at


# ------------------------------------------------------------------ interrupted scans


def test_a_stop_flag_cancels_the_query_on_the_target_and_closes_the_run(
    catalog: Catalog, blocking: BlockingConnector
) -> None:
    run_id = catalog.start(catalog.store())
    stop = StopFlag()
    result: list[ScanRun] = []
    scan = threading.Thread(
        target=lambda: result.append(
            execute_scan(catalog.factory, run_id, classify=_no_findings, stop=stop)
        )
    )
    scan.start()
    assert blocking.sampling.wait(30)
    stop.set("the API stopped")
    scan.join(30)
    assert blocking.cancelled.is_set() and blocking.closed
    assert blocking.cancelled_from != "registre-scan"  # from the watching thread
    (run,) = result
    assert run.status is ScanStatus.FAILED and run.datasets_failed == 0  # not the table's fault
    assert run.errors[-1]["message"] == "interrupted before the end (the API stopped)"


def test_ctrl_c_in_the_main_thread_cancels_the_query_while_a_table_is_sampled(
    catalog: Catalog, blocking: BlockingConnector
) -> None:
    run_id = catalog.start(catalog.store())

    def press_ctrl_c() -> None:
        if blocking.sampling.wait(30):
            _thread.interrupt_main()  # what SIGINT does

    threading.Thread(target=press_ctrl_c, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        execute_scan(catalog.factory, run_id, classify=_no_findings)
    assert blocking.cancelled.is_set()
    run = catalog.run(run_id)
    assert run.status is ScanStatus.FAILED
    assert run.errors[-1]["message"] == "interrupted before the end"
    catalog.start(run.data_store_id)  # the store is free at once


def test_a_stopping_dispatcher_interrupts_its_scan_and_closes_its_queue(
    catalog: Catalog, blocking: BlockingConnector
) -> None:
    running = catalog.start(catalog.store("a"))
    waiting = catalog.start(catalog.store("b"))
    dispatcher = ScanDispatcher(catalog.factory, ScanOptions())
    dispatcher.submit(running, 0)
    dispatcher.submit(waiting, 0)
    assert blocking.sampling.wait(30)
    dispatcher.shutdown()
    assert blocking.cancelled.is_set()
    assert catalog.run(running).errors[-1]["message"] == (
        "interrupted before the end (the API stopped)"
    )
    assert catalog.run(waiting).status is ScanStatus.FAILED
    assert (
        catalog.run(waiting).errors[-1]["message"] == "interrupted: queued in an API that stopped"
    )


def test_an_api_starting_closes_the_runs_a_killed_api_left_queued(catalog: Catalog) -> None:
    from registre.graphql.app import create_app

    queued = catalog.start(catalog.store("a"))
    live = catalog.start(catalog.store("b"))  # a `registre scan` running beside the API
    now = utcnow()
    catalog.set(live, status=ScanStatus.RUNNING, started_at=now, heartbeat_at=now)
    engine = make_engine(catalog.url)
    try:
        with TestClient(create_app(Settings(database_url=catalog.url), engine=engine)):
            pass
    finally:
        engine.dispose()
    assert catalog.run(queued).status is ScanStatus.FAILED
    assert catalog.run(queued).errors[-1]["message"] == "interrupted: queued in an API that stopped"
    assert catalog.run(live).status is ScanStatus.RUNNING  # alive: left alone


# ------------------------------------------------------------------ --abandon


def test_registre_scan_abandon_closes_the_open_run_and_audits_it(catalog: Catalog) -> None:
    from registre.cli.main import app

    store = catalog.store("paie")
    run_id = catalog.start(store)
    now = utcnow()
    catalog.set(run_id, status=ScanStatus.RUNNING, started_at=now, heartbeat_at=now)
    runner = CliRunner()
    env = {"REGISTRE_DATABASE_URL": catalog.url}
    out = runner.invoke(app, ["scan", "--abandon", "paie", "--reason", "job tué"], env=env)
    assert out.exit_code == 0, out.output
    message = "interrupted: abandoned by cli (job tué)"
    assert f"scan {run_id} of 'paie' closed: {message}" in out.stdout
    run = catalog.run(run_id)
    assert run.status is ScanStatus.FAILED and run.errors[-1]["message"] == message
    with catalog.factory() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "abandon_scan"))
        assert event is not None and event.actor == "cli" and event.entity_id == run_id
    again = runner.invoke(app, ["scan", "--abandon", "paie"], env=env)
    assert again.exit_code == 0 and "no open scan of 'paie'" in again.stdout
    unknown = runner.invoke(app, ["scan", "--abandon", "inconnu"], env=env)
    assert unknown.exit_code == 1 and "no data store named 'inconnu'" in unknown.output
    assert "--abandon" in runner.invoke(app, ["scan", "--help"]).stdout


def test_only_an_admin_abandons_a_scan(catalog: Catalog) -> None:
    store = catalog.store()
    run_id = catalog.start(store)
    for role in (Role.STEWARD, Role.SCANNER):
        with (
            pytest.raises(PermissionDenied, match="may not admin"),
            transaction(catalog.factory) as session,
        ):
            abandon_scans(session, Actor(name="x", role=role), store)
    assert catalog.run(run_id).status is ScanStatus.QUEUED
