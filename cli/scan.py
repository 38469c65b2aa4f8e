"""``registre datastore``, ``registre scan`` and ``registre scheduler``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import Progress, TaskID
from rich.table import Table
from sqlalchemy import select

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.db import session_factory, transaction
from registre.catalog.errors import DomainError
from registre.cli.common import (
    catalog_engine,
    console,
    err,
    fail,
    progress_bar,
    settings,
    shown,
    unit_of_work,
)

store_app = typer.Typer(help="Register and list data stores.", no_args_is_help=True)


@store_app.command("add")
def datastore_add(
    name: Annotated[str, typer.Argument(help="A unique name, e.g. 'rh-paie'.")],
    url: Annotated[
        str,
        typer.Argument(
            help="postgresql://user@host/db, mysql://user@host/db, sqlite:///path.db or "
            "file:///folder (CSV and Parquet files). Never put a password here."
        ),
    ],
    secret_ref: Annotated[
        str | None,
        typer.Option(
            "--secret-ref",
            help="Where the password is: env:REGISTRE_SECRET_NAME, or file:/path inside the "
            "secrets_dir setting.",
        ),
    ] = None,
    schedule: Annotated[
        str | None, typer.Option(help="Scan schedule, a cron expression such as '0 2 * * *'.")
    ] = None,
    owner: Annotated[str | None, typer.Option(help="Who answers for this store.")] = None,
) -> None:
    """Register a data store so that it can be scanned."""
    from registre.catalog.data.stores import register_data_store

    data = {
        "name": name,
        "url": url,
        "secret_ref": secret_ref,
        "scan_schedule": schedule,
        "owner": owner,
    }
    with unit_of_work() as session:
        store = register_data_store(session, CLI_ACTOR, data)
        kind = store.kind.value
    console.print(
        f"data store '{shown(name)}' registered ({kind}); "
        f"scan it with: registre scan {shown(name)}",
        highlight=False,
    )


@store_app.command("list")
def datastore_list() -> None:
    """List data stores with their last scan."""
    from registre.catalog.models import DataStore

    with unit_of_work() as session:
        table = Table("name", "kind", "url", "schedule", "last scan")
        for store in session.scalars(select(DataStore).order_by(DataStore.name)):
            last = f"{store.last_scan_at:%Y-%m-%d %H:%M}" if store.last_scan_at else "never"
            table.add_row(
                shown(store.name),
                store.kind.value,
                shown(store.url),
                shown(store.scan_schedule or "-"),
                last,
            )
    console.print(table)


class _BarProgress:
    """Draws one progress bar over the tables of a scan."""

    def __init__(self, bar: Progress, store: str) -> None:
        self.bar, self.store = bar, store
        self.task: TaskID | None = None

    def started(self, tables: int) -> None:
        self.task = self.bar.add_task(f"scanning {shown(self.store)}", total=tables)

    def table_done(self, name: str, ok: bool) -> None:
        if not ok:
            self.bar.console.print(f"[yellow]table {shown(name)} failed[/] (recorded on the run)")
        if self.task is not None:
            self.bar.advance(self.task)


def scan_store(store_name: str, sample_size: int | None = None) -> int:
    """Scan a registered store with a progress bar and a summary; returns the exit status."""
    from registre.catalog.models import DataStore
    from registre.scanners.runs.scan import ScanOptions, execute_scan, start_scan

    config = settings()
    engine = catalog_engine()
    factory = session_factory(engine)
    try:
        try:
            with transaction(factory) as session:
                store = session.scalar(select(DataStore).where(DataStore.name == store_name))
                if store is None:
                    fail(f"no data store named '{store_name}'; see 'registre datastore list'")
                run_id = start_scan(session, CLI_ACTOR, store.id).id
        except DomainError as exc:
            fail(str(exc))
        options = ScanOptions.from_settings(config, sample_size)
        err.print(f"scan {run_id} of {shown(store_name)}: loading the detectors...")
        with progress_bar() as bar:
            run = execute_scan(
                factory, run_id, options=options, progress=_BarProgress(bar, store_name)
            )
    finally:
        engine.dispose()
    _print_run_summary(factory, run.id)
    return 1 if run.status.value == "FAILED" else 0


def _print_run_summary(factory: object, run_id: int) -> None:
    from registre.catalog.models import Dataset, Field, Finding, ScanRun

    with factory() as session:  # type: ignore[operator]
        run = session.get(ScanRun, run_id)
        table = Table("column", "entity type", "coverage", "masked example", "review")
        rows = session.execute(
            select(Dataset, Field, Finding)
            .join(Field, Field.dataset_id == Dataset.id)
            .join(Finding, Finding.field_id == Field.id)
            .where(Dataset.data_store_id == run.data_store_id, Finding.gone_since_run_id.is_(None))
            .order_by(Dataset.name, Field.position)
        )
        for dataset, fld, finding in rows:
            table.add_row(
                shown(f"{dataset.qualified_name}.{fld.name}"),
                finding.entity_type,
                f"{finding.coverage:.0%}",
                shown(finding.masked_example or ""),
                finding.status.value.lower(),
            )
        console.print(table)
        seconds = (run.finished_at - run.started_at).total_seconds() if run.started_at else 0.0
        console.print(
            f"scan {run.id}: {run.status.value} in {seconds:.1f} s; "
            f"{run.datasets_scanned} datasets "
            f"scanned, {run.datasets_failed} failed; findings {run.findings_new} new, "
            f"{run.findings_changed} changed, {run.findings_gone} gone"
        )
        for error in run.errors:
            err.print(
                f"[red]{shown(error.get('dataset') or 'store')}:[/] {shown(error['message'])}",
                highlight=False,
            )
        if run.drift:
            console.print(f"schema drift: {shown(run.drift)}", highlight=False)


def scan(
    name: Annotated[
        str, typer.Argument(help="The data store's name (see 'registre datastore list').")
    ],
    sample_size: Annotated[
        int | None,
        typer.Option(help="Rows sampled per table (default: the scan_sample_size setting)."),
    ] = None,
) -> None:
    """Harvest a data store's schema and flag personal data, column by column.

    Draws a progress bar per table and ends with a summary of the findings (masked
    examples only). Exits non-zero only when the whole run failed; a failing table is
    recorded on the run and the others go on.
    """
    raise typer.Exit(scan_store(name, sample_size))


def scheduler(
    once: Annotated[bool, typer.Option("--once", help="Run the scans due now, then exit.")] = False,
    interval: Annotated[
        int, typer.Option(help="Seconds between two looks at the schedules.", min=5)
    ] = 60,
) -> None:
    """Run each data store's scans when its cron schedule says (set with --schedule).

    A failing store is recorded on its run and never stops the scheduler.
    """
    import time

    from registre.catalog.models.base import utcnow
    from registre.scanners.runs.scan import ScanOptions
    from registre.scanners.runs.schedule import run_due_scans

    config = settings()
    engine = catalog_engine()
    factory = session_factory(engine)
    options = ScanOptions.from_settings(config)
    while True:
        report = run_due_scans(factory, utcnow(), options, config.schedule_timezone)
        for run in report.runs:
            console.print(f"scan {run.id} of store {run.data_store_id}: {run.status.value}")
        for name in report.crashed:
            err.print(f"[red]scan of {shown(name)} crashed[/] (see the log)")
        if once:
            return
        time.sleep(interval)


def worker(
    concurrency: Annotated[
        int, typer.Option(help="Jobs run at once by this worker (scans are I/O and CPU bound).")
    ] = 1,
    once: Annotated[
        bool, typer.Option("--once", help="Run the jobs waiting now, then exit.")
    ] = False,
) -> None:
    """Run scan jobs and scheduled scans from the queue (PostgreSQL catalog, scan_queue on).

    Start as many workers as needed, on as many machines: each takes the next job; a store
    is never scanned twice at once. Creates the queue's tables on first use.
    """
    from registre.scanners.errors import ScanError
    from registre.scanners.runs.queue import QUEUE, build_app, ensure_schema

    config = settings()
    catalog_engine().dispose()  # checks the catalog schema is current
    try:
        queue = build_app(config.database_url)
        if ensure_schema(queue, config.database_url):
            console.print("created the scan queue's tables")
    except ScanError as exc:
        fail(str(exc))
    console.print(f"worker on queue '{QUEUE}' (Ctrl-C stops it after the current job)")
    queue.run_worker(queues=[QUEUE], concurrency=concurrency, wait=not once)
