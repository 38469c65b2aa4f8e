"""Scheduled scans: each data store's cron expression says when it is due.

A store is due when the latest time its schedule names (at or before now) is after its
last scan. One failing store never stops the others, nor the scheduler.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from croniter import croniter
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from registre.catalog.access.roles import Actor
from registre.catalog.db import transaction
from registre.catalog.enums import Role, ScanTrigger
from registre.catalog.errors import Conflict
from registre.catalog.models import DataStore, ScanRun
from registre.scanners.runs.lifecycle import Liveness, abandon_run, close_stale_runs, start_scan
from registre.scanners.runs.scan import ScanOptions, execute_scan
from registre.scanners.runs.stopping import interruption_message

log = logging.getLogger("registre.schedule")

SCHEDULER_ACTOR = Actor(name="scheduler", role=Role.SCANNER)


def is_due(
    schedule: str, last_scan_at: dt.datetime | None, now: dt.datetime, tz: str = "UTC"
) -> bool:
    """Whether a store with ``schedule`` (read in time zone ``tz``: "0 2 * * *" is 02:00
    there) last scanned at ``last_scan_at`` is due at ``now``."""
    previous = croniter(schedule, now.astimezone(ZoneInfo(tz))).get_prev(dt.datetime)
    return last_scan_at is None or last_scan_at < previous


def due_stores(session: Session, now: dt.datetime, tz: str = "UTC") -> list[DataStore]:
    stores = session.scalars(select(DataStore).where(DataStore.scan_schedule.is_not(None)))
    return [
        s for s in stores if s.scan_schedule and is_due(s.scan_schedule, s.last_scan_at, now, tz)
    ]


def start_due_runs(
    factory: sessionmaker[Session], now: dt.datetime, tz: str, liveness: Liveness = Liveness()
) -> Iterator[tuple[int, int, str]]:
    """Open a scheduled run for each store due at ``now``: (run id, store id, store name).

    Each tick first closes the dead runs of every store (their process was killed), due or
    not. A store with a live run open is skipped (it will be due again at the next tick).
    """
    with transaction(factory) as session:
        close_stale_runs(session, liveness)
        due = [(s.id, s.name) for s in due_stores(session, now, tz)]
    for store_id, name in due:
        try:
            with transaction(factory) as session:
                run_id = start_scan(
                    session, SCHEDULER_ACTOR, store_id, ScanTrigger.SCHEDULE, liveness=liveness
                ).id
        except Conflict:
            log.info("scheduled scan of %s skipped: a scan of it is already open", name)
            continue
        yield run_id, store_id, name


@dataclass
class TickReport:
    runs: list[ScanRun]
    crashed: list[str]


def run_due_scans(
    factory: sessionmaker[Session], now: dt.datetime, options: ScanOptions, tz: str = "UTC"
) -> TickReport:
    """Scan every due store, one after the other; return the finished runs."""
    report = TickReport(runs=[], crashed=[])
    for run_id, _store_id, name in start_due_runs(factory, now, tz, options.liveness):
        try:
            report.runs.append(execute_scan(factory, run_id, options=options))
        except Exception:
            log.exception("scheduled scan of %s crashed", name)
            report.crashed.append(name)
        except BaseException as exc:
            # stopped between opening the run and starting it: it must not stay QUEUED
            abandon_run(factory, run_id, interruption_message(exc))
            raise
    return report
