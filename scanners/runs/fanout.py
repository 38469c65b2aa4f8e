"""A scan fanned out on the queue: one job harvests the store and hands out one job per
table; the table jobs run on every worker at once; the last one closes the run.

What a job does when its worker is told to stop (SIGTERM): it cancels its query and
raises :class:`HandedBack`, which Procrastinate retries at once, on another worker or on
this one when it comes back. What happens when its worker dies (SIGKILL): the job stays
``doing`` until a live worker's stalled-job recovery hands it back
(:mod:`registre.scanners.runs.worker`). Either way the run stays RUNNING, alive through
its jobs, and a table is recorded once (:mod:`registre.scanners.runs.tables`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from registre.catalog.access.secrets import server_secret_policy
from registre.catalog.data.scan_errors import ScanErrorKind, refusal
from registre.catalog.data.stores import connection_url
from registre.catalog.enums import ScanStatus
from registre.catalog.errors import DomainError
from registre.catalog.i18n import Text
from registre.catalog.models import ScanRun
from registre.scanners.connectors.registry import connector_for
from registre.scanners.errors import ScanError, error_kind
from registre.scanners.runs.lifecycle import Heartbeat, abandon_run, get_run
from registre.scanners.runs.scan import (
    ScanOptions,
    claim,
    connect_and_harvest,
    default_classifier,
)
from registre.scanners.runs.stopping import RunControl, ScanStopped, StopFlag
from registre.scanners.runs.tables import (
    Classify,
    PendingTable,
    fail_table,
    gather,
    harvest_recorded,
    pending_table,
    pending_tables,
    safe_message,
    scan_table,
)

log = logging.getLogger("registre.scan")

#: defers the table jobs of a run: ``defer_tables(run_id, dataset_ids)``
DeferTables = Callable[[int, list[int]], None]


class HandedBack(Exception):
    """The worker is stopping: this job goes back to the queue, unfinished."""


def harvest_job(
    factory: sessionmaker[Session],
    run_id: int,
    options: ScanOptions,
    defer_tables: DeferTables,
    stop: StopFlag,
) -> None:
    """Claim the run, harvest its store, write the harvest and hand out its tables."""
    control = RunControl(stop)
    try:
        control.supervise(lambda: _harvest(factory, run_id, options, defer_tables, control))
    except ScanStopped:
        raise HandedBack(f"scan {run_id}: harvest handed back") from None
    except Exception as exc:
        # a bug of ours, or the catalog unreachable: the run cannot go on without its tables
        log.error("scan %s: harvest crashed (%s)", run_id, type(exc).__name__)
        abandon_run(factory, run_id, safe_message(exc), error_kind(exc))
        raise


def _harvest(
    factory: sessionmaker[Session],
    run_id: int,
    options: ScanOptions,
    defer_tables: DeferTables,
    control: RunControl,
) -> None:
    with factory() as session:
        run = session.get(ScanRun, run_id)
        if run is None:
            return
        written = run.status is ScanStatus.RUNNING and harvest_recorded(session, run_id)
        pending = pending_tables(session, run_id) if written else []
    if written:
        # delivered again after its worker died between the harvest and the hand-out
        _hand_out(factory, run_id, pending, defer_tables)
        return
    claimed = claim(factory, run_id, options, retake=True)
    if isinstance(claimed, ScanRun):  # not open any more, or its secret unreadable
        return
    with Heartbeat(factory, run_id, options.liveness.heartbeat):
        connected = connect_and_harvest(factory, run_id, claimed, options, None, control)
        if isinstance(connected, ScanRun):  # the store could not be harvested: closed
            return
        connector, tables = connected
        connector.close()
        control.check()
        _hand_out(factory, run_id, [t.dataset_id for t in tables], defer_tables)


def _hand_out(
    factory: sessionmaker[Session], run_id: int, dataset_ids: list[int], defer: DeferTables
) -> None:
    if dataset_ids:
        defer(run_id, dataset_ids)
    else:
        gather(factory, run_id)  # nothing (left) to scan: close the run now


def table_job(
    factory: sessionmaker[Session],
    run_id: int,
    dataset_id: int,
    options: ScanOptions,
    stop: StopFlag,
    classify: Classify | None = None,
) -> None:
    """Scan one table of a running run, then close the run if it was the last one."""
    control = RunControl(stop)
    try:
        control.supervise(lambda: _table(factory, run_id, dataset_id, options, control, classify))
    except ScanStopped:
        raise HandedBack(f"scan {run_id}: table {dataset_id} handed back") from None


def _table(
    factory: sessionmaker[Session],
    run_id: int,
    dataset_id: int,
    options: ScanOptions,
    control: RunControl,
    classify: Classify | None,
) -> None:
    url, refused = "", None
    with factory() as session:
        pending = pending_table(session, run_id, dataset_id)
        if pending is not None:
            store = get_run(session, run_id).data_store
            try:
                url = connection_url(store, options.secrets or server_secret_policy())
            except DomainError as exc:
                refused = ScanError(
                    Text("cannot connect: {error}", error=refusal(exc)),
                    kind=ScanErrorKind.INVALID_CONFIGURATION,
                )
    if pending is not None:
        with Heartbeat(factory, run_id, options.liveness.heartbeat):
            _scan_one(factory, run_id, pending, url, refused, options, control, classify)
    control.check()
    gather(factory, run_id)  # the last table closes the run (or one done by another delivery)


def _scan_one(
    factory: sessionmaker[Session],
    run_id: int,
    pending: PendingTable,
    url: str,
    refused: Exception | None,
    options: ScanOptions,
    control: RunControl,
    classify: Classify | None,
) -> None:
    try:
        if refused is not None:
            raise refused
        connector = control.connector = connector_for(
            url, timeout_s=options.timeout_s, max_file_bytes=options.max_file_bytes
        )
    except Exception as exc:  # noqa: BLE001 - the store refused this table's job only
        control.check()
        fail_table(factory, run_id, pending, exc)
        return
    try:
        scan_table(
            factory, connector, run_id, pending, options.sample_size, options.reopen,
            classify or default_classifier().classify_table, control,
        )  # fmt: skip
    finally:
        connector.close()
