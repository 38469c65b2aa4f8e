"""Scheduled scans: due computation from cron, and a failing store not stopping others."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data import stores
from registre.catalog.db import transaction
from registre.catalog.enums import ScanStatus, ScanTrigger
from registre.catalog.models import DataStore
from registre.scanners.runs.scan import ScanOptions
from registre.scanners.runs.schedule import is_due, run_due_scans
from tests.support.catalogs import Catalog

UTC = dt.UTC


@pytest.mark.parametrize(
    ("schedule", "last", "now", "due"),
    [
        ("0 2 * * *", None, dt.datetime(2026, 11, 28, 1, 0, tzinfo=UTC), True),  # never scanned
        (
            "0 2 * * *",
            dt.datetime(2026, 11, 28, 2, 5, tzinfo=UTC),
            dt.datetime(2026, 11, 28, 9, tzinfo=UTC),
            False,
        ),
        (
            "0 2 * * *",
            dt.datetime(2026, 11, 27, 2, 5, tzinfo=UTC),
            dt.datetime(2026, 11, 28, 2, 1, tzinfo=UTC),
            True,
        ),
        (
            "0 2 * * *",
            dt.datetime(2026, 11, 27, 2, 5, tzinfo=UTC),
            dt.datetime(2026, 11, 28, 1, 59, tzinfo=UTC),
            False,
        ),
        (
            "*/15 * * * *",
            dt.datetime(2026, 11, 28, 9, 0, tzinfo=UTC),
            dt.datetime(2026, 11, 28, 9, 16, tzinfo=UTC),
            True,
        ),
    ],
)
def test_is_due(schedule: str, last: dt.datetime | None, now: dt.datetime, due: bool) -> None:
    assert is_due(schedule, last, now) is due


def test_schedules_are_read_in_the_configured_time_zone() -> None:
    # 01:30 UTC is 02:30 in Paris (winter): the 02:00 Paris run is due, the 02:00 UTC one not.
    last = dt.datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
    now = dt.datetime(2026, 11, 28, 1, 30, tzinfo=UTC)
    assert is_due("0 2 * * *", last, now, "Europe/Paris") is True
    assert is_due("0 2 * * *", last, now, "UTC") is False


def test_due_stores_are_scanned_and_a_broken_one_does_not_stop_the_rest(
    tmp_path: Path, new_catalog: Callable[..., Catalog]
) -> None:
    import sqlite3

    good = tmp_path / "good.sqlite"
    with sqlite3.connect(good) as con:
        con.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, courriel TEXT)")
        con.executemany(
            "INSERT INTO contacts (courriel) VALUES (?)",
            [(f"agent{i}@ville-exemple.fr",) for i in range(50)],
        )
    factory = new_catalog().factory
    with transaction(factory) as session:
        for name, url, schedule in [
            ("broken", f"sqlite:///{tmp_path / 'missing.sqlite'}", "0 2 * * *"),
            ("good", f"sqlite:///{good}", "0 2 * * *"),
            ("manual-only", f"sqlite:///{good}", None),
        ]:
            stores.register_data_store(
                session, CLI_ACTOR, {"name": name, "url": url, "scan_schedule": schedule}
            )
    now = dt.datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
    report = run_due_scans(factory, now, ScanOptions(sample_size=50))
    statuses = {run.data_store_id: run for run in report.runs}
    assert len(report.runs) == 2 and not report.crashed
    with factory() as session:
        ids = {s.name: s.id for s in session.scalars(select(DataStore))}
    assert statuses[ids["broken"]].status is ScanStatus.FAILED
    assert statuses[ids["good"]].status is ScanStatus.SUCCEEDED
    assert statuses[ids["good"]].trigger is ScanTrigger.SCHEDULE
    assert statuses[ids["good"]].findings_new >= 1
    # nothing is due again until the next 02:00
    assert run_due_scans(factory, now + dt.timedelta(hours=1), ScanOptions()).runs == []
