"""A scan run: harvest a data store, sample each table, classify, record findings.

One failing table never fails the others: its error is recorded on the run (a message
that never holds a sampled value) and the run ends PARTIAL. Each table is committed on its
own, so an interrupted run keeps what it had done. Here the tables are scanned one after
the other, in this process; on the queue each is a job of its own
(:mod:`registre.scanners.runs.queue`); both use the steps of
:mod:`registre.scanners.runs.tables`.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from registre.catalog.access.secrets import SecretPolicy, server_secret_policy
from registre.catalog.data.findings import ReopenThresholds
from registre.catalog.data.scan_errors import ScanErrorKind, refusal
from registre.catalog.data.stores import connection_url
from registre.catalog.db import transaction
from registre.catalog.enums import ScanStatus
from registre.catalog.errors import DomainError
from registre.catalog.i18n import Text
from registre.catalog.models import ScanRun
from registre.catalog.models.base import utcnow
from registre.config.settings import Settings
from registre.scanners.connectors.base import Connector
from registre.scanners.connectors.registry import connector_for
from registre.scanners.detection.classifier import Classifier
from registre.scanners.errors import error_kind
from registre.scanners.runs.lifecycle import (
    Heartbeat,
    Liveness,
    abandon_run,
    finish_run,
    get_run,
)
from registre.scanners.runs.stopping import RunControl, ScanStopped, StopFlag, interruption_message
from registre.scanners.runs.tables import (
    Classify,
    PendingTable,
    gather,
    record_harvest,
    safe_message,
    scan_table,
)

log = logging.getLogger("registre.scan")


class ScanProgress(Protocol):
    """What a scan tells its caller as it goes (the CLI draws a progress bar from it)."""

    def started(self, tables: int) -> None: ...

    def table_done(self, name: str, ok: bool) -> None: ...


@dataclass(frozen=True)
class ScanOptions:
    sample_size: int = 1000
    timeout_s: float = 30.0
    #: most bytes read of one file (file stores)
    max_file_bytes: int = 256 * 1024 * 1024
    reopen: ReopenThresholds = ReopenThresholds()
    #: where secrets may come from; None = this server's settings
    secrets: SecretPolicy | None = None
    liveness: Liveness = Liveness()

    @classmethod
    def from_settings(cls, settings: Settings, sample_size: int | None = None) -> ScanOptions:
        return cls(
            sample_size=sample_size or settings.scan_sample_size,
            timeout_s=settings.scan_statement_timeout_s,
            max_file_bytes=settings.scan_file_max_bytes,
            secrets=SecretPolicy(
                env_prefix=settings.secret_env_prefix,
                secrets_dir=Path(settings.secrets_dir) if settings.secrets_dir else None,
            ),
            liveness=Liveness.from_settings(settings),
        )


@functools.cache
def default_classifier() -> Classifier:
    """One classifier per process: Presidio and spaCy load once (seconds), then stay."""
    return Classifier()


def execute_scan(
    factory: sessionmaker[Session],
    run_id: int,
    *,
    options: ScanOptions = ScanOptions(),
    classify: Classify | None = None,
    progress: ScanProgress | None = None,
    seed: int | None = None,
    stop: StopFlag | None = None,
) -> ScanRun:
    """Run a queued scan to its end and return the finished ScanRun.

    It never raises for a failing store or table, nor for a bug of its own: the run is
    always closed (FAILED, with a message that holds no scanned value). Interrupted (Ctrl-C,
    SIGTERM under :func:`~registre.scanners.runs.stopping.sigterm_as_interrupt`, or ``stop``
    raised), it cancels the query running on the store, closes the run as interrupted, and
    re-raises the KeyboardInterrupt (a raised ``stop`` returns the closed run).
    """
    control = RunControl(stop or StopFlag())
    try:
        return control.supervise(lambda: _execute(factory, run_id, options, classify, progress,
                                                  seed, control))  # fmt: skip
    except BaseException as exc:  # whatever happened, the run must not stay RUNNING
        stopped = isinstance(exc, ScanStopped)
        interrupted = stopped or not isinstance(exc, Exception)  # Ctrl-C, SIGTERM, stop flag
        # Only the class: a database error's text can quote the parameters it choked on.
        log.error("scan %s %s (%s)", run_id, "interrupted" if interrupted else "crashed",
                  type(exc).__name__)  # fmt: skip
        message = interruption_message(exc) if interrupted else safe_message(exc)
        kind = ScanErrorKind.CANCELLED if interrupted else error_kind(exc)
        closed = abandon_run(factory, run_id, message, kind)
        if interrupted and not stopped:
            raise
        return closed


@dataclass(frozen=True)
class Claimed:
    """What a claimed run needs from its store once the claiming transaction is over."""

    store_id: int
    store_name: str
    url: str = field(repr=False)  # holds the password: never stored, logged or returned


def _execute(
    factory: sessionmaker[Session],
    run_id: int,
    options: ScanOptions,
    classify: Classify | None,
    progress: ScanProgress | None,
    seed: int | None,
    control: RunControl,
) -> ScanRun:
    claimed = claim(factory, run_id, options)
    if isinstance(claimed, ScanRun):  # not queued any more, or closed: no secret to connect
        return claimed
    with Heartbeat(factory, run_id, options.liveness.heartbeat):
        return _scan_claimed(factory, run_id, claimed, options, classify, progress, seed, control)


def _scan_claimed(
    factory: sessionmaker[Session],
    run_id: int,
    claimed: Claimed,
    options: ScanOptions,
    classify: Classify | None,
    progress: ScanProgress | None,
    seed: int | None,
    control: RunControl,
) -> ScanRun:
    connected = connect_and_harvest(factory, run_id, claimed, options, seed, control)
    if isinstance(connected, ScanRun):
        return connected
    connector, pending = connected
    try:
        if progress:
            progress.started(len(pending))
        classify = classify or default_classifier().classify_table
        for table in pending:
            control.check()
            ok = scan_table(
                factory, connector, run_id, table, options.sample_size, options.reopen,
                classify, control,
            )  # fmt: skip
            if progress:
                progress.table_done(table.name, ok)
    finally:
        connector.close()
    control.check()
    closed = gather(factory, run_id)
    assert closed is not None  # every table was scanned here
    return closed


def connect_and_harvest(
    factory: sessionmaker[Session],
    run_id: int,
    claimed: Claimed,
    options: ScanOptions,
    seed: int | None,
    control: RunControl,
) -> tuple[Connector, list[PendingTable]] | ScanRun:
    """Connect to the store, harvest it and write the harvest with the run's table rows:
    the open connector and the tables to scan, or the run closed FAILED when the store
    could not be harvested."""
    connector: Connector | None = None
    try:
        connector = control.connector = connector_for(
            claimed.url,
            timeout_s=options.timeout_s,
            seed=seed,
            max_file_bytes=options.max_file_bytes,
        )
        control.check()  # interrupted while connecting: nothing could cancel it then
        tables = list(connector.list_tables())
    except Exception as exc:  # noqa: BLE001 - any failure to reach the store fails this run only
        if connector is not None:
            connector.close()
        control.check()  # a cancelled harvest is an interruption, not the store's failure
        log.warning(
            "scan %s of %s: cannot harvest (%s)", run_id, claimed.store_name, type(exc).__name__
        )
        with transaction(factory) as session:
            return finish_run(
                session, get_run(session, run_id), fatal=safe_message(exc), kind=error_kind(exc)
            )
    try:
        control.check()
        return connector, record_harvest(factory, run_id, claimed.store_id, tables)
    except BaseException:
        connector.close()
        raise


def claim(
    factory: sessionmaker[Session], run_id: int, options: ScanOptions, *, retake: bool = False
) -> Claimed | ScanRun:
    """Mark a QUEUED run RUNNING; the run itself when it does not go on (not queued, or its
    store's secret cannot be read: then it is closed FAILED).

    ``retake``: a RUNNING run is taken again too (a harvest job delivered again after its
    worker died before writing the harvest).
    """
    with transaction(factory) as session:
        # Claim the run: only a QUEUED run starts, so a job delivered twice, or one whose
        # run was closed meanwhile (stale, abandoned), does nothing.
        now = utcnow()
        takes = (ScanStatus.QUEUED, ScanStatus.RUNNING) if retake else (ScanStatus.QUEUED,)
        claimed = session.execute(
            update(ScanRun)
            .where(ScanRun.id == run_id, ScanRun.status.in_(takes))
            .values(
                status=ScanStatus.RUNNING,
                started_at=now,
                heartbeat_at=now,
                sample_size=options.sample_size,
            )
        ).rowcount
        run = get_run(session, run_id)
        if not claimed:
            log.warning("scan %s is %s, not queued: not run again", run_id, run.status.value)
            return run
        store = run.data_store
        try:
            url = connection_url(store, options.secrets or server_secret_policy())
        except DomainError as exc:
            return finish_run(
                session,
                run,
                fatal=Text("cannot connect: {error}", error=refusal(exc)),
                kind=ScanErrorKind.INVALID_CONFIGURATION,
            )
        return Claimed(store.id, store.name, url)
