"""A scan run: harvest a data store, sample each table, classify, record findings.

One failing table never fails the others: its error is recorded on the run (a message
that never holds a sampled value) and the run ends PARTIAL. Each table is committed on its
own, so an interrupted run keeps what it had done.
"""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload, sessionmaker

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
from registre.catalog.data.scan_errors import ScanErrorKind, error_record
from registre.catalog.data.stores import connection_url
from registre.catalog.data.subject import record_subject
from registre.catalog.db import transaction
from registre.catalog.enums import ScanStatus
from registre.catalog.errors import DomainError
from registre.catalog.models import Dataset, DataStore, ScanRun
from registre.catalog.models.base import utcnow
from registre.catalog.publication.gate import withhold_after_scan
from registre.config.settings import Settings
from registre.scanners.connectors.base import Connector
from registre.scanners.connectors.registry import connector_for
from registre.scanners.detection.classifier import Classifier
from registre.scanners.detection.columns import SampledColumn
from registre.scanners.detection.subject import TableSubject
from registre.scanners.errors import ScanError, error_kind
from registre.scanners.runs.lifecycle import (
    SCANNER_VERSION,
    Heartbeat,
    Liveness,
    abandon_run,
    finish_run,
    get_run,
)
from registre.scanners.runs.stopping import RunControl, ScanStopped, StopFlag, interruption_message


class Classify(Protocol):
    """Sampled columns of a table in, findings per column out; ``subject`` is a steward's
    correction of what the rows are about (the classifier infers it when absent). The
    result may carry the subject it decided under as ``.subject`` (a
    :class:`~registre.scanners.detection.subject.TableSubject`)."""

    def __call__(
        self, table_name: str, columns: list[SampledColumn], /, subject: str | None = None
    ) -> dict[str, list[ColumnFinding]]: ...


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
        message = interruption_message(exc) if interrupted else _safe_message(exc)
        kind = ScanErrorKind.CANCELLED if interrupted else error_kind(exc)
        closed = abandon_run(factory, run_id, message, kind)
        if interrupted and not stopped:
            raise
        return closed


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
    control: RunControl,
) -> ScanRun:
    claimed = _claim(factory, run_id, options)
    if isinstance(claimed, ScanRun):  # not queued any more, or closed: no secret to connect
        return claimed
    with Heartbeat(factory, run_id, options.liveness.heartbeat):
        return _scan_claimed(factory, run_id, claimed, options, classify, progress, seed, control)


def _scan_claimed(
    factory: sessionmaker[Session],
    run_id: int,
    claimed: _Claimed,
    options: ScanOptions,
    classify: Classify | None,
    progress: ScanProgress | None,
    seed: int | None,
    control: RunControl,
) -> ScanRun:
    started = time.perf_counter()
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
                session, get_run(session, run_id), fatal=_safe_message(exc), kind=error_kind(exc)
            )
    try:
        control.check()
        dataset_ids, gone_with_tables = _record_harvest(factory, run_id, claimed.store_id, tables)
        if progress:
            progress.started(len(dataset_ids))
        classify = classify or default_classifier().classify_table
        tally = _scan_tables(
            factory, connector, dataset_ids, run_id, options, classify, progress,
            gone_with_tables, control,
        )  # fmt: skip
    finally:
        connector.close()
    control.check()
    return _close_run(factory, run_id, claimed.store_name, tally, started)


def _claim(factory: sessionmaker[Session], run_id: int, options: ScanOptions) -> _Claimed | ScanRun:
    """Mark a QUEUED run RUNNING; the run itself when it does not go on (not queued, or its
    store's secret cannot be read: then it is closed FAILED)."""
    with transaction(factory) as session:
        # Claim the run: only a QUEUED run starts, so a job delivered twice, or one whose
        # run was closed meanwhile (stale, abandoned), does nothing.
        now = utcnow()
        claimed = session.execute(
            update(ScanRun)
            .where(ScanRun.id == run_id, ScanRun.status == ScanStatus.QUEUED)
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
                fatal=f"cannot connect: {exc}",
                kind=ScanErrorKind.INVALID_CONFIGURATION,
            )
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
        run = get_run(session, run_id)
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
    control: RunControl,
) -> _Tally:
    """Sample, classify and record every table; one failing table never fails the others."""
    tally = _Tally(FindingCounts(gone=gone_with_tables))
    totals = tally.totals
    for table, dataset_id in dataset_ids:
        control.check()  # interrupted: a cancelled query must not be recorded as the table's
        name = f"{table.schema}.{table.name}" if table.schema else table.name
        try:
            counts = _scan_table(
                factory, connector, table, dataset_id, run_id, options, classify, control
            )
        except Exception as exc:  # noqa: BLE001 - one table never fails the others
            control.check()
            log.warning("scan %s: table %s failed (%s)", run_id, name, type(exc).__name__)
            tally.errors.append(error_record(name, error_kind(exc), _safe_message(exc)))
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
        run = get_run(session, run_id)
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
        return finish_run(session, run)


def _subject_correction(factory: sessionmaker[Session], dataset_id: int) -> str | None:
    """A steward's correction of what the dataset's rows are about, if any."""
    with transaction(factory) as session:
        value = session.scalar(select(Dataset.subject_correction).where(Dataset.id == dataset_id))
    return value.value if value is not None else None


def _scan_table(
    factory: sessionmaker[Session],
    connector: Connector,
    table: TableInfo,
    dataset_id: int,
    run_id: int,
    options: ScanOptions,
    classify: Classify,
    control: RunControl,
) -> FindingCounts:
    sample = connector.sample(table, options.sample_size)
    control.check()
    columns = [
        SampledColumn(name=c.name, data_type=c.data_type, values=sample.get(c.name, []))
        for c in table.columns
    ]
    correction = _subject_correction(factory, dataset_id)
    results = (
        classify(table.name, columns)
        if correction is None
        else classify(table.name, columns, subject=correction)
    )
    del sample, columns  # values leave memory as soon as they are classified
    control.check()
    with transaction(factory) as session:
        dataset = session.scalar(
            select(Dataset).where(Dataset.id == dataset_id).options(selectinload(Dataset.fields))
        )
        assert dataset is not None
        # Removed fields too: a dropped column holds no data any more, so record_findings
        # must see its findings (they get no evidence and are marked gone).
        fields = {f.name: f for f in dataset.fields}
        subject: TableSubject | None = getattr(results, "subject", None)
        if subject is not None:
            quasi = getattr(results, "quasi_identifiers", None)
            record_subject(
                dataset, subject.subject, subject.reasons, quasi.as_dict() if quasi else None
            )
        counts = record_findings(session, fields, results, run_id, SCANNER_VERSION, options.reopen)
        if counts.new or counts.reopened:
            # an open dataset with new personal data leaves open data until the DPO acts
            withhold_after_scan(session, SCANNER, dataset_id, run_id, counts.reopened)
        return counts
