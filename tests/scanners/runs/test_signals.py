"""A real ``registre scan`` process, stopped: SIGTERM closes its run at once; after SIGKILL
the run is closed as soon as it is stale, by the next scan of its store.

The store is a real SQLite file with many tables, so that a scan lasts long enough to be
stopped in the middle of its table loop.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from registre.catalog import migrate
from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data.scan_errors import detail
from registre.catalog.data.stores import register_data_store
from registre.catalog.db import make_engine, session_factory, transaction
from registre.catalog.enums import ScanStatus
from registre.catalog.i18n import translate
from registre.catalog.models import Finding, ScanRun
from tests.support.stores import many_tables_store

TABLES = 120
STORE = "grosse-base"


@dataclass
class Setup:
    catalog_url: str
    store_path: Path
    env: dict[str, str]

    def scan(self, *args: str) -> subprocess.Popen[str]:
        return self.registre("scan", STORE, "--sample-size", "50", *args)

    def registre(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "registre", *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def runs(self) -> list[ScanRun]:
        engine = make_engine(self.catalog_url)
        try:
            with session_factory(engine)() as session:
                return list(session.scalars(select(ScanRun).order_by(ScanRun.id)))
        finally:
            engine.dispose()

    def findings(self) -> int:
        engine = make_engine(self.catalog_url)
        try:
            with session_factory(engine)() as session:
                return int(session.scalar(select(func.count(Finding.id))) or 0)
        finally:
            engine.dispose()

    def wait_for_table_loop(self, process: subprocess.Popen[str], timeout: float = 120) -> int:
        """Wait until the scan is RUNNING and has recorded a table; returns its run id."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            runs = self.runs()
            if runs and runs[-1].status is ScanStatus.RUNNING and self.findings() > 0:
                return runs[-1].id
            time.sleep(0.2)
        raise AssertionError("the scan never reached its table loop")

    def shrink_store(self) -> None:
        """Keep two tables, so that the scan that proves the store is free again is quick."""
        with sqlite3.connect(self.store_path) as conn:
            for i in range(2, TABLES):
                conn.execute(f"DROP TABLE t{i:04d}")


def _setup(tmp_path: Path, catalog_url: str, **store: str) -> Setup:
    store_path = many_tables_store(tmp_path / "store.sqlite", TABLES)
    engine = make_engine(catalog_url)
    migrate.upgrade(engine)
    with transaction(session_factory(engine)) as session:
        data = {"name": STORE, "url": f"sqlite:///{store_path.resolve()}", **store}
        register_data_store(session, CLI_ACTOR, data)
    engine.dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRE_")}
    env |= {
        "REGISTRE_DATABASE_URL": catalog_url,
        "REGISTRE_SCAN_HEARTBEAT_SECONDS": "1",
        "REGISTRE_SCAN_STALE_AFTER_SECONDS": "3",
        "REGISTRE_SCAN_SAMPLE_SIZE": "50",
    }
    return Setup(catalog_url, store_path, env)


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    return _setup(tmp_path, f"sqlite:///{tmp_path / 'catalog.db'}")


def test_sigterm_closes_the_run_as_interrupted_and_the_store_scans_again(setup: Setup) -> None:
    process = setup.scan()
    run_id = setup.wait_for_table_loop(process)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert f"scan {run_id} interrupted" in stderr
    run = setup.runs()[-1]
    assert run.id == run_id and run.status is ScanStatus.FAILED and run.finished_at is not None
    assert run.errors[-1] == {
        "dataset": None,
        "kind": "cancelled",
        "message": "interrupted before the end (SIGTERM)",
        # kept as its template too: an admin reads it in French
        "text": {
            "template": "interrupted before the end ({reason})",
            "params": {"reason": "SIGTERM"},
        },
    }
    assert translate(detail(run.errors[-1]), "fr") == "interrompue avant la fin (SIGTERM)"

    setup.shrink_store()
    again = setup.scan()
    _, stderr = again.communicate(timeout=180)
    assert again.returncode == 0, stderr
    assert setup.runs()[-1].status is ScanStatus.SUCCEEDED


def test_after_sigkill_the_run_is_closed_once_stale_by_the_next_scan(setup: Setup) -> None:
    process = setup.scan()
    run_id = setup.wait_for_table_loop(process)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    killed = setup.runs()[-1]
    assert killed.id == run_id and killed.status is ScanStatus.RUNNING  # nobody closed it
    assert killed.heartbeat_at is not None  # it was alive, and said so

    time.sleep(3.5)  # REGISTRE_SCAN_STALE_AFTER_SECONDS=3: its silence now means death
    setup.shrink_store()
    again = setup.scan()
    _, stderr = again.communicate(timeout=180)
    assert again.returncode == 0, stderr
    old, new = setup.runs()
    assert old.id == run_id and old.status is ScanStatus.FAILED
    assert old.errors[-1]["message"] == "interrupted: no sign of life for over 3 s"
    assert new.status is ScanStatus.SUCCEEDED


def test_sigterm_stops_the_scheduler_and_closes_its_scan(tmp_path: Path) -> None:
    setup = _setup(tmp_path, f"sqlite:///{tmp_path / 'catalog.db'}", scan_schedule="* * * * *")
    process = setup.registre("scheduler", "--once")
    run_id = setup.wait_for_table_loop(process)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    run = setup.runs()[-1]
    assert run.id == run_id and run.status is ScanStatus.FAILED
    assert run.errors[-1]["message"] == "interrupted before the end (SIGTERM)"
