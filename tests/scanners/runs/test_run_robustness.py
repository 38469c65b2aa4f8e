"""A scan run always ends, and a store is never scanned twice at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.db import transaction
from registre.catalog.enums import ScanStatus
from registre.catalog.errors import Conflict
from registre.catalog.models import ScanRun
from registre.scanners.runs.scan import STALE_AFTER, start_scan


def test_a_crash_inside_the_run_closes_it_as_failed(scan_catalog: Any, tmp_path: Path) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    # Two columns with one name: the harvest cannot store both fields (unique per dataset).
    table = pa.Table.from_arrays(
        [pa.array(["jean.dupont@exemple.fr"] * 5), pa.array(["marie@exemple.fr"] * 5)],
        names=["courriel", "courriel"],
    )
    pq.write_table(table, folder / "contacts.parquet")
    store_id = scan_catalog.register("partage", f"file://{folder}")
    run = scan_catalog.scan(store_id)
    assert run.status is ScanStatus.FAILED
    assert run.finished_at is not None
    message = run.errors[-1]["message"]
    assert message.startswith("unexpected IntegrityError") and "exemple.fr" not in message


def test_one_run_per_store_and_stale_runs_are_closed(
    scan_catalog: Any, sqlite_url: Callable[[Path], str], tmp_path: Path
) -> None:
    import sqlite3

    path = tmp_path / "s.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    store_id = scan_catalog.register("s", sqlite_url(path))
    with transaction(scan_catalog.factory) as session:
        first = start_scan(session, CLI_ACTOR, store_id).id
    with (
        pytest.raises(Conflict, match=f"already queued \\(run {first}\\)"),
        transaction(scan_catalog.factory) as session,
    ):
        start_scan(session, CLI_ACTOR, store_id)
    # the process that queued it died long ago
    with transaction(scan_catalog.factory) as session:
        stale = session.get(ScanRun, first)
        assert stale is not None
        stale.created_at = stale.created_at - STALE_AFTER - dt.timedelta(minutes=1)
    with transaction(scan_catalog.factory) as session:
        second = start_scan(session, CLI_ACTOR, store_id).id
    with scan_catalog.factory() as session:
        closed = session.get(ScanRun, first)
        assert closed is not None and closed.status is ScanStatus.FAILED
        assert "interrupted" in closed.errors[-1]["message"]
    assert second != first


def test_the_database_refuses_a_second_open_run_even_past_the_check(
    scan_catalog: Any,
    sqlite_url: Callable[[Path], str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sqlite3

    from registre.scanners.runs import scan as run_module

    path = tmp_path / "s.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    store_id = scan_catalog.register("s", sqlite_url(path))
    with transaction(scan_catalog.factory) as session:
        start_scan(session, CLI_ACTOR, store_id)
    # a second request that passed the check before the first one committed
    monkeypatch.setattr(run_module, "_guard_one_run_per_store", lambda session, store: None)
    with (
        pytest.raises(Conflict, match="already queued or running"),
        transaction(scan_catalog.factory) as session,
    ):
        start_scan(session, CLI_ACTOR, store_id)
    with scan_catalog.factory() as session:
        assert len(session.query(ScanRun).all()) == 1
