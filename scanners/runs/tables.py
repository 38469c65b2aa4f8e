"""The tables of a scan run: listed once the harvest is written, then each sampled,
classified and recorded on its own, then the run gathered when the last one ends.

Each step is its own transaction and may run on any worker, in any order, more than
once: a table's findings and its :class:`~registre.catalog.models.ScanRunTable` row are
written together, under a lock on that row, and only while it is PENDING, so a job
delivered twice (a worker killed after its commit, a job handed back) records nothing
twice. The in-process scan calls the same steps one after the other.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from registre.catalog.data.findings import (
    SCANNER,
    ReopenThresholds,
    mark_datasets_gone,
    record_findings,
)
from registre.catalog.data.harvest import harvest
from registre.catalog.data.harvested import ColumnFinding, ColumnInfo, TableInfo, TableKind
from registre.catalog.data.scan_errors import ScanErrorKind, error_record
from registre.catalog.data.subject import record_subject
from registre.catalog.db import transaction
from registre.catalog.enums import ScanStatus, ScanTableStatus
from registre.catalog.errors import DomainError
from registre.catalog.i18n import Text
from registre.catalog.models import Dataset, DataStore, ScanRun, ScanRunTable
from registre.catalog.models.base import utcnow
from registre.catalog.publication.gate import withhold_after_scan
from registre.scanners.connectors.base import Connector
from registre.scanners.detection.columns import SampledColumn
from registre.scanners.detection.subject import TableSubject
from registre.scanners.errors import ScanError, error_kind
from registre.scanners.runs.lifecycle import SCANNER_VERSION, finish_run, get_run
from registre.scanners.runs.stopping import RunControl


class Classify(Protocol):
    """Sampled columns of a table in, findings per column out; ``subject`` is a steward's
    correction of what the rows are about (the classifier infers it when absent). The
    result may carry the subject it decided under as ``.subject`` (a
    :class:`~registre.scanners.detection.subject.TableSubject`)."""

    def __call__(
        self, table_name: str, columns: list[SampledColumn], /, subject: str | None = None
    ) -> dict[str, list[ColumnFinding]]: ...


log = logging.getLogger("registre.scan")


@dataclass(frozen=True)
class PendingTable:
    """A table of the run still to scan: its dataset and what the connector needs."""

    dataset_id: int
    name: str
    table: TableInfo


def safe_message(exc: BaseException) -> str:
    """An error message fit for the catalog: ours are written never to hold values."""
    if isinstance(exc, ScanError | DomainError):
        message = exc.args[0] if exc.args else ""
        return message if isinstance(message, Text) else str(exc)  # a Text keeps its template
    # A driver's or library's message may quote the data it choked on: keep its class only.
    return Text(
        "unexpected {error} (details withheld: they may quote scanned data)",
        error=type(exc).__name__,
    )


def record_harvest(
    factory: sessionmaker[Session], run_id: int, store_id: int, tables: list[TableInfo]
) -> list[PendingTable]:
    """Write the harvested schema, its drift and one PENDING row per table, in one
    transaction; returns the tables to scan."""
    with transaction(factory) as session:
        store = session.get(DataStore, store_id)
        assert store is not None
        pairs, drift = harvest(session, store, tables, utcnow())
        run = get_run(session, run_id)
        run.drift = drift.as_dict()
        # findings of tables that are gone count in the run's "gone", with the tables' own
        run.findings_gone = mark_datasets_gone(session, drift.removed_dataset_ids, run_id)
        pending = []
        for table, dataset in pairs:
            name = f"{table.schema}.{table.name}" if table.schema else table.name
            session.add(ScanRunTable(run_id=run_id, dataset_id=dataset.id, name=name))
            pending.append(PendingTable(dataset.id, name, table))
    return pending


def harvest_recorded(session: Session, run_id: int) -> bool:
    """Whether the run's harvest is written (its table rows exist): a harvest job delivered
    again then only hands out the tables still pending."""
    found = session.scalar(select(func.count()).where(ScanRunTable.run_id == run_id))
    return bool(found)


def pending_tables(session: Session, run_id: int) -> list[int]:
    """The datasets of the run still PENDING."""
    return list(
        session.scalars(
            select(ScanRunTable.dataset_id)
            .where(ScanRunTable.run_id == run_id, ScanRunTable.status == ScanTableStatus.PENDING)
            .order_by(ScanRunTable.id)
        )
    )


def pending_table(session: Session, run_id: int, dataset_id: int) -> PendingTable | None:
    """A pending table as its job needs it, rebuilt from the catalog (the harvest wrote it);
    None when the table is no longer pending or its run no longer running."""
    row = session.scalar(
        select(ScanRunTable).where(
            ScanRunTable.run_id == run_id, ScanRunTable.dataset_id == dataset_id
        )
    )
    run = session.get(ScanRun, run_id)
    if row is None or row.status is not ScanTableStatus.PENDING:
        return None
    if run is None or run.status is not ScanStatus.RUNNING:
        return None
    dataset = session.scalar(
        select(Dataset).where(Dataset.id == dataset_id).options(selectinload(Dataset.fields))
    )
    assert dataset is not None  # the row cascades with its dataset
    columns = tuple(
        ColumnInfo(f.name, f.position, f.data_type or "", f.nullable)
        for f in dataset.fields
        if f.removed_at is None
    )
    kind: TableKind = dataset.kind.value.lower()  # type: ignore[assignment]
    table = TableInfo(
        dataset.schema_name or None, dataset.name, kind, columns, dataset.estimated_rows
    )
    return PendingTable(dataset_id, row.name, table)


def _subject_correction(factory: sessionmaker[Session], dataset_id: int) -> str | None:
    """A steward's correction of what the dataset's rows are about, if any."""
    with transaction(factory) as session:
        value = session.scalar(select(Dataset.subject_correction).where(Dataset.id == dataset_id))
    return value.value if value is not None else None


def scan_table(
    factory: sessionmaker[Session],
    connector: Connector,
    run_id: int,
    pending: PendingTable,
    sample_size: int,
    reopen: ReopenThresholds,
    classify: Classify,
    control: RunControl,
) -> bool:
    """Sample, classify and record one table; False when it failed (its error recorded on
    its row). One failing table never fails the others."""
    started = time.perf_counter()
    table = pending.table
    method: str | None = None
    sample_ms = rows = None
    try:
        sample = connector.sample(table, sample_size)
        sample_ms = round(1000 * (time.perf_counter() - started))
        # connectors that say how they drew the rows set ``sample_method`` (base.py)
        method = getattr(connector, "sample_method", None)
        rows = max((len(v) for v in sample.values()), default=0)
        control.check()  # interrupted: a cancelled query must not be recorded as the table's
        columns = [
            SampledColumn(name=c.name, data_type=c.data_type, values=sample.get(c.name, []))
            for c in table.columns
        ]
        correction = _subject_correction(factory, pending.dataset_id)
        results = (
            classify(table.name, columns)
            if correction is None
            else classify(table.name, columns, subject=correction)
        )
        del sample, columns  # values leave memory as soon as they are classified
        control.check()
    except Exception as exc:  # noqa: BLE001 - one table never fails the others
        control.check()
        method = getattr(connector, "sample_method", None) or method
        fail_table(factory, run_id, pending, exc, method, started)
        return False
    with transaction(factory) as session:
        row = _lock_pending(session, run_id, pending.dataset_id)
        if row is None:  # recorded by another delivery of this job, or the run was closed
            return True
        dataset = session.scalar(
            select(Dataset)
            .where(Dataset.id == pending.dataset_id)
            .options(selectinload(Dataset.fields))
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
        counts = record_findings(session, fields, results, run_id, SCANNER_VERSION, reopen)
        if counts.new or counts.reopened:
            # an open dataset with new personal data leaves open data until the DPO acts
            withhold_after_scan(session, SCANNER, pending.dataset_id, run_id, counts.reopened)
        row.status, row.finished_at = ScanTableStatus.DONE, utcnow()
        row.findings_new, row.findings_changed, row.findings_gone = (
            counts.new,
            counts.changed,
            counts.gone,
        )
        row.sample_method, row.sample_rows, row.sample_ms = method, rows, sample_ms
        row.scan_ms = round(1000 * (time.perf_counter() - started))
    return True


def fail_table(
    factory: sessionmaker[Session],
    run_id: int,
    pending: PendingTable,
    exc: Exception,
    method: str | None = None,
    started: float | None = None,
) -> None:
    """Record a table as FAILED with an error that holds no sampled value."""
    log.warning("scan %s: table %s failed (%s)", run_id, pending.name, type(exc).__name__)
    error = error_record(pending.name, error_kind(exc), safe_message(exc))
    with transaction(factory) as session:
        row = _lock_pending(session, run_id, pending.dataset_id)
        if row is not None:
            row.status, row.error, row.finished_at = ScanTableStatus.FAILED, error, utcnow()
            row.sample_method = method
            if started is not None:
                row.scan_ms = round(1000 * (time.perf_counter() - started))


def _lock_pending(session: Session, run_id: int, dataset_id: int) -> ScanRunTable | None:
    """The table's row, locked (PostgreSQL), if it is still PENDING in a RUNNING run."""
    row = session.scalar(
        select(ScanRunTable)
        .where(ScanRunTable.run_id == run_id, ScanRunTable.dataset_id == dataset_id)
        .with_for_update()
    )
    if row is None or row.status is not ScanTableStatus.PENDING:
        return None
    run = session.get(ScanRun, run_id)
    if run is None or run.status is not ScanStatus.RUNNING:
        return None
    return row


def gather(factory: sessionmaker[Session], run_id: int) -> ScanRun | None:
    """Close the run with its tables' sums once none is PENDING; None while some are.

    Under a lock on the run's row: of two tables ending together, the second waits for
    the first, then finds the run closed.
    """
    with transaction(factory) as session:
        run = session.scalar(select(ScanRun).where(ScanRun.id == run_id).with_for_update())
        if run is None:
            return None
        if run.status is not ScanStatus.RUNNING:  # closed meanwhile (stale): keep that word
            return run
        rows = list(
            session.scalars(
                select(ScanRunTable).where(ScanRunTable.run_id == run_id).order_by(ScanRunTable.id)
            )
        )
        if any(r.status is ScanTableStatus.PENDING for r in rows):
            return None
        failed = [r for r in rows if r.status is ScanTableStatus.FAILED]
        run.datasets_scanned = len(rows) - len(failed)
        run.datasets_failed = len(failed)
        run.errors = [
            r.error or error_record(r.name, ScanErrorKind.INTERNAL, "failed") for r in failed
        ]
        run.findings_new = sum(r.findings_new for r in rows)
        run.findings_changed = sum(r.findings_changed for r in rows)
        run.findings_gone = (run.findings_gone or 0) + sum(r.findings_gone for r in rows)
        started = run.started_at or run.created_at
        log.info(
            "scan %s of store %s: %d tables scanned, %d failed, in %.1f s",
            run_id,
            run.data_store_id,
            run.datasets_scanned,
            run.datasets_failed,
            (utcnow() - started).total_seconds(),
        )
        return finish_run(session, run)
