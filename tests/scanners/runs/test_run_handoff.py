"""A run is claimed once, closed when interrupted, and never left QUEUED by a failed hand-off."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.db import transaction
from registre.catalog.enums import ScanStatus
from registre.catalog.models import ScanRun
from registre.scanners.runs.scan import ScanOptions, abandon_run, execute_scan, start_scan


def _store(scan_catalog: Any, sqlite_url: Callable[[Path], str], tmp_path: Path) -> int:
    path = tmp_path / "s.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, courriel TEXT)")
        conn.executemany(
            "INSERT INTO t (courriel) VALUES (?)", [(f"a{i}@x.fr",) for i in range(30)]
        )
    return int(scan_catalog.register("s", sqlite_url(path)))


def test_a_closed_run_is_not_run_again(scan_catalog: Any, sqlite_url: Any, tmp_path: Path) -> None:
    store_id = _store(scan_catalog, sqlite_url, tmp_path)
    with transaction(scan_catalog.factory) as session:
        run_id = start_scan(session, CLI_ACTOR, store_id).id
    abandon_run(scan_catalog.factory, run_id, "could not be queued (AlreadyEnqueued)")
    # the job arrives anyway (a queue delivering late): the closed run stays closed
    run = execute_scan(scan_catalog.factory, run_id, options=ScanOptions(sample_size=20))
    assert run.status is ScanStatus.FAILED and run.datasets_scanned == 0
    assert run.errors[-1]["message"] == "could not be queued (AlreadyEnqueued)"
    # and the store can be scanned again at once
    with transaction(scan_catalog.factory) as session:
        assert start_scan(session, CLI_ACTOR, store_id).id != run_id


def test_an_interrupted_scan_closes_its_run(
    scan_catalog: Any, sqlite_url: Any, tmp_path: Path
) -> None:
    store_id = _store(scan_catalog, sqlite_url, tmp_path)
    with transaction(scan_catalog.factory) as session:
        run_id = start_scan(session, CLI_ACTOR, store_id).id

    def interrupt(table: str, columns: list[Any]) -> dict[str, Any]:
        raise KeyboardInterrupt  # Ctrl-C while a table is classified

    with pytest.raises(KeyboardInterrupt):
        execute_scan(scan_catalog.factory, run_id, classify=interrupt)
    with scan_catalog.factory() as session:
        run = session.get(ScanRun, run_id)
        assert run is not None and run.status is ScanStatus.FAILED
        assert run.errors[-1]["message"] == "interrupted before the end"
