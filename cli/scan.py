"""``registre datastore``, ``registre scan`` and ``registre scheduler``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import Progress, TaskID
from sqlalchemy import select
from sqlalchemy.orm import Session

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data.scan_errors import detail
from registre.catalog.db import session_factory, transaction
from registre.catalog.errors import DomainError, NotFound
from registre.catalog.i18n import N_, Text
from registre.cli.common import (
    catalog_engine,
    console,
    err,
    error_text,
    fail,
    headers,
    progress_bar,
    say,
    settings,
    shown,
    unit_of_work,
)
from registre.cli.scan_report import print_run_summary, run_status

store_app = typer.Typer(help=N_("Register and list data stores."), no_args_is_help=True)


@store_app.command("add")
def datastore_add(
    name: Annotated[str, typer.Argument(help=N_("A unique name, e.g. 'rh-paie'."))],
    url: Annotated[
        str,
        typer.Argument(
            help=N_(
                "postgresql://user@host/db, mysql://user@host/db, sqlite:///path.db or "
                "file:///folder (CSV and Parquet files). Never put a password here."
            )
        ),
    ],
    secret_ref: Annotated[
        str | None,
        typer.Option(
            "--secret-ref",
            help=N_(
                "Where the password is: env:REGISTRE_SECRET_NAME, or file:/path inside the "
                "secrets_dir setting."
            ),
        ),
    ] = None,
    schedule: Annotated[
        str | None, typer.Option(help=N_("Scan schedule, a cron expression such as '0 2 * * *'."))
    ] = None,
    owner: Annotated[str | None, typer.Option(help=N_("Who answers for this store."))] = None,
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
        say(
            Text(
                "data store '{name}' registered ({kind}); scan it with: registre scan {name}",
                name=shown(name),
                kind=kind,
            )
        ),
        highlight=False,
    )


@store_app.command("list")
def datastore_list() -> None:
    """List data stores with their last scan."""
    from registre.catalog.models import DataStore

    with unit_of_work() as session:
        table = headers(N_("name"), N_("kind"), N_("url"), N_("schedule"), N_("last scan"))
        for store in session.scalars(select(DataStore).order_by(DataStore.name)):
            last = (
                f"{store.last_scan_at:%Y-%m-%d %H:%M}" if store.last_scan_at else say(Text("never"))
            )
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
        self.task = self.bar.add_task(
            say(Text("scanning {store}", store=shown(self.store))), total=tables
        )

    def table_done(self, name: str, ok: bool) -> None:
        if not ok:
            failed = say(Text("table {name} failed", name=shown(name)))
            recorded = say(Text("recorded on the run"))
            self.bar.console.print(f"[yellow]{failed}[/] ({recorded})")
        if self.task is not None:
            self.bar.advance(self.task)


def scan_store(store_name: str, sample_size: int | None = None) -> int:
    """Scan a registered store with a progress bar and a summary; returns the exit status."""
    from registre.scanners.runs.lifecycle import abandon_run, start_scan
    from registre.scanners.runs.scan import ScanOptions, execute_scan
    from registre.scanners.runs.stopping import (
        exit_status,
        interruption_message,
        sigterm_as_interrupt,
    )

    config = settings()
    options = ScanOptions.from_settings(config, sample_size)
    engine = catalog_engine()
    factory = session_factory(engine)
    try:
        with sigterm_as_interrupt():
            try:
                with transaction(factory) as session:
                    store_id = _store_id(session, store_name)
                    run_id = start_scan(session, CLI_ACTOR, store_id, liveness=options.liveness).id
            except DomainError as exc:
                fail(error_text(exc))
            try:
                err.print(
                    say(
                        Text(
                            "scan {run} of {store}: loading the detectors...",
                            run=run_id,
                            store=shown(store_name),
                        )
                    )
                )
                with progress_bar() as bar:
                    run = execute_scan(
                        factory, run_id, options=options, progress=_BarProgress(bar, store_name)
                    )
            except KeyboardInterrupt as exc:
                # execute_scan closed it; stopped before it began, it is closed here
                abandon_run(factory, run_id, interruption_message(exc))
                stopped = say(Text("scan {run} interrupted", run=run_id))
                closed = say(Text("the run is closed as interrupted"))
                err.print(f"[red]{stopped}[/]: {closed}")
                raise typer.Exit(exit_status(exc)) from None
    finally:
        engine.dispose()
    print_run_summary(factory, run.id)
    return 1 if run.status.value == "FAILED" else 0


def _store_id(session: Session, store_name: str) -> int:
    from registre.catalog.models import DataStore

    store_id: int | None = session.scalar(select(DataStore.id).where(DataStore.name == store_name))
    if store_id is None:  # the callers turn a DomainError into a clean message
        raise NotFound(
            Text("no data store named '{name}'; see 'registre datastore list'", name=store_name)
        )
    return store_id


def abandon_store_scans(store_name: str, reason: str | None) -> int:
    """Close the store's open runs as interrupted (admin); returns the exit status."""
    from registre.scanners.runs.lifecycle import abandon_scans

    with unit_of_work() as session:
        runs = abandon_scans(session, CLI_ACTOR, _store_id(session, store_name), reason)
        closed = [(run.id, detail(run.errors[-1])) for run in runs]
    if not closed:
        console.print(
            say(Text("no open scan of '{store}': nothing to abandon", store=shown(store_name)))
        )
    for run_id, message in closed:
        console.print(
            say(
                Text(
                    "scan {run} of '{store}' closed: {message}",
                    run=run_id,
                    store=shown(store_name),
                    message=shown(message),
                )
            )
        )
    return 0


def scan(
    name: Annotated[
        str, typer.Argument(help=N_("The data store's name (see 'registre datastore list')."))
    ],
    sample_size: Annotated[
        int | None,
        typer.Option(help=N_("Rows sampled per table (default: the scan_sample_size setting).")),
    ] = None,
    abandon: Annotated[
        bool,
        typer.Option(
            "--abandon",
            help=N_(
                "Scan nothing: close the store's queued or running scan as interrupted "
                "(admin), e.g. one whose process was killed, so that the store can be scanned "
                "again at once. Recorded in the audit trail."
            ),
        ),
    ] = False,
    reason: Annotated[
        str | None, typer.Option(help=N_("With --abandon: why, kept on the closed run."))
    ] = None,
) -> None:
    """Harvest a data store's schema and flag personal data, column by column.

    Draws a progress bar per table and ends with a summary of the findings (masked
    examples only). Exits non-zero only when the whole run failed; a failing table is
    recorded on the run and the others go on. Ctrl-C or SIGTERM cancels the query in
    progress and closes the run as interrupted (exit status 130 or 143).

    A scan whose process was killed (SIGKILL) is closed as interrupted by the next scan of
    its store once silent for scan_stale_after_seconds; --abandon closes it at once.
    """
    if abandon:
        raise typer.Exit(abandon_store_scans(name, reason))
    if reason is not None:
        fail(Text("--reason goes with --abandon"))
    raise typer.Exit(scan_store(name, sample_size))


def scheduler(
    once: Annotated[
        bool, typer.Option("--once", help=N_("Run the scans due now, then exit."))
    ] = False,
    interval: Annotated[
        int, typer.Option(help=N_("Seconds between two looks at the schedules."), min=5)
    ] = 60,
) -> None:
    """Run each data store's scans when its cron schedule says (set with --schedule).

    A failing store is recorded on its run and never stops the scheduler. Each tick also
    closes the runs whose process was killed. Ctrl-C or SIGTERM interrupts the scan in
    progress (its run is closed as interrupted) and stops.
    """
    import time

    from registre.catalog.models.base import utcnow
    from registre.scanners.runs.scan import ScanOptions
    from registre.scanners.runs.schedule import run_due_scans
    from registre.scanners.runs.stopping import exit_status, sigterm_as_interrupt

    config = settings()
    engine = catalog_engine()
    factory = session_factory(engine)
    options = ScanOptions.from_settings(config)
    try:
        with sigterm_as_interrupt():
            while True:
                report = run_due_scans(factory, utcnow(), options, config.schedule_timezone)
                for run in report.runs:
                    console.print(
                        say(
                            Text(
                                "scan {run} of store {store}: {status}",
                                run=run.id,
                                store=run.data_store_id,
                                status=run_status(run.status.value),
                            )
                        )
                    )
                for name in report.crashed:
                    crashed = say(Text("scan of {store} crashed", store=shown(name)))
                    err.print(f"[red]{crashed}[/] ({say(Text('see the log'))})")
                if once:
                    return
                time.sleep(interval)
    except KeyboardInterrupt as exc:
        err.print(say(Text("scheduler stopped; a scan in progress was closed as interrupted")))
        raise typer.Exit(exit_status(exc)) from None
    finally:
        engine.dispose()


def worker(
    concurrency: Annotated[
        int,
        typer.Option(
            help=N_(
                "Scan jobs (one table each) run at once by this worker; one per core is "
                "a fair start (scans are CPU bound). The schedule's tick has a slot of its own."
            )
        ),
    ] = 1,
    once: Annotated[
        bool, typer.Option("--once", help=N_("Run the jobs waiting now, then exit."))
    ] = False,
) -> None:
    """Run scan jobs and scheduled scans from the queue (PostgreSQL catalog, scan_queue on).

    Start as many workers as needed, on as many machines, together: each takes the next
    job. A scan is one job that harvests the store, then one job per table, spread over
    every worker; the last table closes the run. A store is never scanned twice at once.
    The queue's tables are created by 'registre db upgrade' (or here, under a lock, when
    missing). The detectors load once, before the first job.

    SIGTERM (docker stop) or Ctrl-C: the worker stops taking jobs, its running jobs cancel
    their queries and go back to the queue for another worker, and it exits with status
    143 or 130. A worker killed outright (SIGKILL) stops beating: after
    worker_stalled_after_seconds the other workers hand its jobs back and run them.
    """
    import signal

    from registre.scanners.errors import ScanError
    from registre.scanners.runs.queue import QUEUE, build_app, ensure_schema
    from registre.scanners.runs.worker import WorkerTiming, load_detectors, run_worker

    config = settings()
    catalog_engine().dispose()  # checks the catalog schema is current
    try:
        queue = build_app(config.database_url)
        if ensure_schema(config.database_url):
            console.print(say(Text("created the scan queue's tables")))
    except ScanError as exc:
        fail(str(exc))
    err.print(say(Text("loading the detectors...")))
    seconds = load_detectors()
    console.print(say(Text("detectors loaded in {seconds:.1f} s", seconds=seconds)))
    console.print(
        say(
            Text(
                "worker on queue '{queue}' (Ctrl-C or SIGTERM hands its scans back, then stops)",
                queue=QUEUE,
            )
        )
    )
    timing = WorkerTiming(stalled_after_s=config.worker_stalled_after_seconds)
    stopped_by = run_worker(queue, concurrency=concurrency, once=once, timing=timing)
    if stopped_by is not None:
        err.print(
            say(
                Text(
                    "worker stopped ({signal}); its scans in progress went back to the queue",
                    signal=stopped_by,
                )
            )
        )
        raise typer.Exit(128 + int(signal.Signals[stopped_by]))
