"""A scan run: harvest a data store, sample each table, classify, record findings.

One failing table never fails the others: its error is recorded on the run (a message
that never holds a sampled value) and the run ends PARTIAL. Each table is committed on its
own, so an interrupted run keeps what it had done.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from registre import __version__
from registre.catalog.access.audit import record, snapshot
from registre.catalog.access.roles import Actor, Permission
from registre.catalog.access.secrets import SecretPolicy, server_secret_policy
from registre.catalog.data.findings import (
    SCANNER,
    FindingCounts,
    ReopenThresholds,
    mark_datasets_gone,
    record_findings,
)
from registre.catalog.data.harvest import harvest
from registre.catalog.data.harvested import ColumnFinding, TableInfo
from registre.catalog.data.stores import connection_url
from registre.catalog.db import transaction
from registre.catalog.enums import Role, ScanStatus, ScanTrigger
from registre.catalog.errors import Conflict, DomainError, NotFound
from registre.catalog.models import Dataset, DataStore, ScanRun
from registre.catalog.models.base import utcnow
from registre.catalog.publication.gate import withhold_after_scan
from registre.config.settings import Settings
from registre.scanners.connectors.base import Connector
from registre.scanners.connectors.registry import connector_for
from registre.scanners.detection.classifier import Classifier
from registre.scanners.detection.columns import SampledColumn
from registre.scanners.errors import ScanError

Classify = Callable[[str, list[SampledColumn]], dict[str, list[ColumnFinding]]]

log = logging.getLogger("registre.scan")

SCANNER_VERSION = f"registre-scanner/{__version__}"


class ScanProgress(Protocol):
    """What a scan tells its caller as it goes (the CLI draws a progress bar from it)."""

    def started(self, tables: int) -> None: ...

    def table_done(self, name: str, ok: bool) -> None: ...


#: a run still QUEUED or RUNNING after this long is taken as interrupted (its process died)
STALE_AFTER = dt.timedelta(hours=24)


@dataclass(frozen=True)
class ScanOptions:
    sample_size: int = 1000
    timeout_s: float = 30.0
    reopen: ReopenThresholds = ReopenThresholds()
    #: where secrets may come from; None = this server's settings
    secrets: SecretPolicy | None = None

    @classmethod
    def from_settings(cls, settings: Settings, sample_size: int | None = None) -> ScanOptions:
        return cls(
            sample_size=sample_size or settings.scan_sample_size,
            timeout_s=settings.scan_statement_timeout_s,
            secrets=SecretPolicy(
                env_prefix=settings.secret_env_prefix,
                secrets_dir=Path(settings.secrets_dir) if settings.secrets_dir else None,
            ),
        )


@functools.cache
def default_classifier() -> Classifier:
    """One classifier per process: Presidio and spaCy load once (seconds), then stay."""
    return Classifier()


def start_scan(
    session: Session, actor: Actor, store_id: int, trigger: ScanTrigger = ScanTrigger.MANUAL
) -> ScanRun:
    """Queue a scan of a data store; :func:`execute_scan` runs it."""
    actor.require(Permission.RECORD_SCAN)
    store = session.get(DataStore, store_id)
    if store is None:
        raise NotFound(f"no DataStore with id {store_id}", field="id")
    _guard_one_run_per_store(session, store)
    run = ScanRun(
        data_store_id=store.id,
        trigger=trigger,
        status=ScanStatus.QUEUED,
        requested_by=actor.name,
        scanner_version=SCANNER_VERSION,
    )
    name = store.name  # read now: a failed flush expires everything
    session.add(run)
    try:
        session.flush()  # the caller rolls back on the Conflict below
    except IntegrityError:
        # Another request opened a run of this store between our check and our insert.
        raise Conflict(f"a scan of '{name}' is already queued or running", field="id") from None
    record(session, actor, "start_scan", run)
    return run


def _guard_one_run_per_store(session: Session, store: DataStore) -> None:
    """Two runs of one store would harvest into the same rows at once: refuse the second.

    A run left QUEUED or RUNNING for longer than :data:`STALE_AFTER` belonged to a process
    that died; it is closed as FAILED so that the store can be scanned again.
    """
    active = session.scalars(
        select(ScanRun).where(
            ScanRun.data_store_id == store.id,
            ScanRun.status.in_([ScanStatus.QUEUED, ScanStatus.RUNNING]),
        )
    ).all()
    now = utcnow()
    for run in active:
        if now - (run.started_at or run.created_at) > STALE_AFTER:
            run.status, run.finished_at = ScanStatus.FAILED, now
            run.errors = [*run.errors, {"dataset": None, "message": "interrupted: never finished"}]
            session.flush()  # closed before the new run is inserted (one open run per store)
            continue
        raise Conflict(
            f"a scan of '{store.name}' is already {run.status.value.lower()} (run {run.id})",
            field="id",
        )


def _safe_message(exc: BaseException) -> str:
    """An error message fit for the catalog: ours are written never to hold values."""
    if isinstance(exc, ScanError | DomainError):
        return str(exc)
    # A driver's or library's message may quote the data it choked on: keep its class only.
    return f"unexpected {type(exc).__name__} (details withheld: they may quote scanned data)"


def execute_scan(
    factory: sessionmaker[Session],
    run_id: int,
    *,
    options: ScanOptions = ScanOptions(),
    classify: Classify | None = None,
    progress: ScanProgress | None = None,
    seed: int | None = None,
) -> ScanRun:
    """Run a queued scan to its end and return the finished ScanRun.

    It never raises for a failing store or table, nor for a bug of its own: the run is
    always closed (FAILED, with a message that holds no scanned value).
    """
    try:
        return _execute(factory, run_id, options, classify, progress, seed)
    except BaseException as exc:  # whatever happened, the run must not stay RUNNING
        interrupted = not isinstance(exc, Exception)  # Ctrl-C, a worker told to stop
        # Only the class: a database error's text can quote the parameters it choked on.
        log.error("scan %s %s (%s)", run_id, "interrupted" if interrupted else "crashed",
                  type(exc).__name__)  # fmt: skip
        message = "interrupted before the end" if interrupted else _safe_message(exc)
        closed = abandon_run(factory, run_id, message)
        if interrupted:
            raise
        return closed


def abandon_run(factory: sessionmaker[Session], run_id: int, message: str) -> ScanRun:
    """Close a run that cannot go on as FAILED with ``message`` (if it is still open)."""
    with transaction(factory) as session:
        run = _get_run(session, run_id)
        if run.status in (ScanStatus.QUEUED, ScanStatus.RUNNING):
            # started or not, it did not scan: the store's last scan stays what it was
            return _finish(session, run, fatal=message, touch_store=False)
        return run


@dataclass(frozen=True)
class _Claimed:
    """What a claimed run needs from its store once the claiming transaction is over."""

    store_id: int
    store_name: str
    url: str = field(repr=False)  # holds the password: never stored, logged or returned


@dataclass
class _Tally:
    """What the tables of a run came to."""

    totals: FindingCounts
    errors: list[dict[str, str | None]] = field(default_factory=list)
    scanned: int = 0


def _execute(
    factory: sessionmaker[Session],
    run_id: int,
    options: ScanOptions,
    classify: Classify | None,
    progress: ScanProgress | None,
    seed: int | None,
) -> ScanRun:
    claimed = _claim(factory, run_id, options)
    if isinstance(claimed, ScanRun):  # not queued any more, or closed: no secret to connect
        return claimed
    started = time.perf_counter()
    try:
        connector = connector_for(claimed.url, timeout_s=options.timeout_s, seed=seed)
        tables = list(connector.list_tables())
    except Exception as exc:  # noqa: BLE001 - any failure to reach the store fails this run only
        log.warning(
            "scan %s of %s: cannot harvest (%s)", run_id, claimed.store_name, type(exc).__name__
        )
        with transaction(factory) as session:
            return _finish(session, _get_run(session, run_id), fatal=_safe_message(exc))
    try:
        dataset_ids, gone_with_tables = _record_harvest(factory, run_id, claimed.store_id, tables)
        if progress:
            progress.started(len(dataset_ids))
        classify = classify or default_classifier().classify_table
        tally = _scan_tables(
            factory, connector, dataset_ids, run_id, options, classify, progress, gone_with_tables
        )
    finally:
        connector.close()
    return _close_run(factory, run_id, claimed.store_name, tally, started)


def _claim(factory: sessionmaker[Session], run_id: int, options: ScanOptions) -> _Claimed | ScanRun:
    """Mark a QUEUED run RUNNING; the run itself when it does not go on (not queued, or its
    store's secret cannot be read: then it is closed FAILED)."""
    with transaction(factory) as session:
        # Claim the run: only a QUEUED run starts, so a job delivered twice, or one whose
        # run was closed meanwhile (stale, abandoned), does nothing.
        claimed = session.execute(
            update(ScanRun)
            .where(ScanRun.id == run_id, ScanRun.status == ScanStatus.QUEUED)
            .values(status=ScanStatus.RUNNING, started_at=utcnow(), sample_size=options.sample_size)
        ).rowcount
        run = _get_run(session, run_id)
        if not claimed:
            log.warning("scan %s is %s, not queued: not run again", run_id, run.status.value)
            return run
        store = run.data_store
        try:
            url = connection_url(store, options.secrets or server_secret_policy())
        except DomainError as exc:
            return _finish(session, run, fatal=f"cannot connect: {exc}")
        return _Claimed(store.id, store.name, url)


def _record_harvest(
    factory: sessionmaker[Session], run_id: int, store_id: int, tables: list[TableInfo]
) -> tuple[list[tuple[TableInfo, int]], int]:
    """Write the harvested schema and its drift; each table with its dataset id, and how
    many findings went with the tables that are gone."""
    with transaction(factory) as session:
        store = session.get(DataStore, store_id)
        assert store is not None
        pairs, drift = harvest(session, store, tables, utcnow())
        dataset_ids = [(table, dataset.id) for table, dataset in pairs]
        run = _get_run(session, run_id)
        run.drift = drift.as_dict()
        gone_with_tables = mark_datasets_gone(session, drift.removed_dataset_ids, run_id)
    return dataset_ids, gone_with_tables


def _scan_tables(
    factory: sessionmaker[Session],
    connector: Connector,
    dataset_ids: list[tuple[TableInfo, int]],
    run_id: int,
    options: ScanOptions,
    classify: Classify,
    progress: ScanProgress | None,
    gone_with_tables: int,
) -> _Tally:
    """Sample, classify and record every table; one failing table never fails the others."""
    tally = _Tally(FindingCounts(gone=gone_with_tables))
    totals = tally.totals
    for table, dataset_id in dataset_ids:
        name = f"{table.schema}.{table.name}" if table.schema else table.name
        try:
            counts = _scan_table(factory, connector, table, dataset_id, run_id, options, classify)
        except Exception as exc:  # noqa: BLE001 - one table never fails the others
            log.warning("scan %s: table %s failed (%s)", run_id, name, type(exc).__name__)
            tally.errors.append({"dataset": name, "message": _safe_message(exc)})
            if progress:
                progress.table_done(name, False)
            continue
        tally.scanned += 1
        totals.new, totals.changed, totals.gone = (
            totals.new + counts.new,
            totals.changed + counts.changed,
            totals.gone + counts.gone,
        )
        if progress:
            progress.table_done(name, True)
    return tally


def _close_run(
    factory: sessionmaker[Session], run_id: int, store_name: str, tally: _Tally, started: float
) -> ScanRun:
    """Write the run's counts and close it, unless it was closed meanwhile (stale)."""
    with transaction(factory) as session:
        run = _get_run(session, run_id)
        if run.status is not ScanStatus.RUNNING:  # closed meanwhile (stale): keep that word
            log.warning("scan %s was closed as %s while it ran", run_id, run.status.value)
            return run
        errors = tally.errors
        run.datasets_scanned, run.datasets_failed, run.errors = tally.scanned, len(errors), errors
        run.findings_new, run.findings_changed, run.findings_gone = (
            tally.totals.new,
            tally.totals.changed,
            tally.totals.gone,
        )
        log.info(
            "scan %s of %s: %d tables scanned, %d failed, in %.1f s",
            run_id,
            store_name,
            tally.scanned,
            len(errors),
            time.perf_counter() - started,
        )
        return _finish(session, run)


def _scan_table(
    factory: sessionmaker[Session],
    connector: Connector,
    table: TableInfo,
    dataset_id: int,
    run_id: int,
    options: ScanOptions,
    classify: Classify,
) -> FindingCounts:
    sample = connector.sample(table, options.sample_size)
    columns = [
        SampledColumn(name=c.name, data_type=c.data_type, values=sample.get(c.name, []))
        for c in table.columns
    ]
    results = classify(table.name, columns)
    del sample, columns  # values leave memory as soon as they are classified
    with transaction(factory) as session:
        dataset = session.scalar(
            select(Dataset).where(Dataset.id == dataset_id).options(selectinload(Dataset.fields))
        )
        assert dataset is not None
        # Removed fields too: a dropped column holds no data any more, so record_findings
        # must see its findings (they get no evidence and are marked gone).
        fields = {f.name: f for f in dataset.fields}
        counts = record_findings(session, fields, results, run_id, SCANNER_VERSION, options.reopen)
        if counts.new or counts.reopened:
            # an open dataset with new personal data leaves open data until the DPO acts
            withhold_after_scan(session, SCANNER, dataset_id, run_id, counts.reopened)
        return counts


def _get_run(session: Session, run_id: int) -> ScanRun:
    run = session.get(ScanRun, run_id)
    if run is None:
        raise NotFound(f"no ScanRun with id {run_id}")
    return run


def _finish(
    session: Session, run: ScanRun, *, fatal: str | None = None, touch_store: bool = True
) -> ScanRun:
    if fatal is not None:
        run.errors = [*run.errors, {"dataset": None, "message": fatal}]
        run.status = ScanStatus.FAILED
    elif run.datasets_failed and not run.datasets_scanned:
        run.status = ScanStatus.FAILED
    elif run.datasets_failed:
        run.status = ScanStatus.PARTIAL
    else:
        run.status = ScanStatus.SUCCEEDED
    run.finished_at = utcnow()
    store = session.get(DataStore, run.data_store_id) if touch_store else None
    if store is not None:
        store.last_scan_at = run.finished_at
    session.add(run)
    session.flush()
    record(
        session,
        Actor(name=run.requested_by or "scanner", role=Role.SCANNER),
        "finish_scan",
        run,
        after=snapshot(run),
    )
    return run
