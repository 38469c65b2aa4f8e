"""Scan jobs on Procrastinate, for a PostgreSQL catalog: any number of workers, any number
of machines, no broker but the catalog's own database.

``registre worker`` runs the jobs and the schedule (a periodic job each minute defers the
scans that are due). The API and the CLI defer a job per run; a queueing lock per store keeps
at most one scan of a store waiting. With the embedded SQLite catalog, scans run in-process
instead (:mod:`registre.scanners.runs.dispatch`); both paths call the same
:func:`registre.scanners.runs.scan.execute_scan`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import functools
import logging
import signal
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from registre.catalog.db import make_engine, session_factory, transaction
from registre.config.settings import Settings, load_settings
from registre.scanners.errors import ScanError
from registre.scanners.runs.jobs import SCAN_TASK
from registre.scanners.runs.lifecycle import Liveness, abandon_run, close_stale_runs
from registre.scanners.runs.scan import ScanOptions, execute_scan
from registre.scanners.runs.schedule import start_due_runs
from registre.scanners.runs.stopping import StopFlag

if TYPE_CHECKING:
    import procrastinate

log = logging.getLogger("registre.queue")

QUEUE = "scans"

#: raised when this worker process is told to stop: its running scans end at once
WORKER_STOP = StopFlag()


def conninfo(database_url: str) -> str:
    """The libpq connection string of a PostgreSQL catalog URL (SQLAlchemy style)."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise ScanError(
            "the scan queue needs a PostgreSQL catalog (REGISTRE_DATABASE_URL=postgresql://...); "
            "with SQLite, scans run in the API process"
        )
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def build_app(database_url: str) -> procrastinate.App:
    """The Procrastinate app of a catalog, with Registre's two tasks."""
    try:
        import procrastinate
    except ImportError as exc:
        raise ScanError("the scan queue needs procrastinate: install registre[queue]") from exc

    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo(database_url))
    )

    @app.task(name=SCAN_TASK, queue=QUEUE)
    def scan_run(run_id: int) -> None:
        # execute_scan never raises for a store or a table: the run records failures.
        factory, options = _worker_catalog()
        execute_scan(factory, run_id, options=options, stop=WORKER_STOP)

    @app.periodic(cron="* * * * *", periodic_id="due-scans")
    @app.task(name="registre.defer_due_scans", queue=QUEUE, queueing_lock="due-scans")
    def defer_due_scans(timestamp: int) -> None:
        factory, _ = _worker_catalog()
        settings = load_settings()
        now = dt.datetime.fromtimestamp(timestamp, dt.UTC)
        # This worker serves the queue whatever its own scan_queue setting says.
        liveness = dataclasses.replace(Liveness.from_settings(settings), queued_on_jobs=True)
        defer_due(app, factory, now, settings.schedule_timezone, liveness)

    return app


def defer_due(
    app: procrastinate.App,
    factory: sessionmaker[Session],
    now: dt.datetime,
    tz: str,
    liveness: Liveness = Liveness(queued_on_jobs=True),
) -> list[int]:
    """Queue a run for every store due at ``now``; returns the runs queued."""
    queued = []
    for run_id, store_id, _name in start_due_runs(factory, now, tz, liveness):
        try:
            defer_run(app, run_id, store_id)
        except Exception as exc:  # noqa: BLE001 - one store never stops the schedule
            try:
                abandon_run(factory, run_id, f"could not be queued ({type(exc).__name__})")
            except Exception:
                log.exception("scheduled run %s could be neither queued nor closed", run_id)
            continue
        queued.append(run_id)
    return queued


def defer_run(app: procrastinate.App, run_id: int, store_id: int) -> int:
    """Queue the job of a run created by :func:`start_scan`; returns the job id."""
    task = app.tasks[SCAN_TASK]
    return int(task.configure(queueing_lock=f"store-{store_id}").defer(run_id=run_id))


def ensure_schema(app: procrastinate.App, database_url: str) -> bool:
    """Create Procrastinate's tables in the catalog database if they are missing."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            present = connection.scalar(text("SELECT to_regclass('procrastinate_jobs')"))
    finally:
        engine.dispose()
    if present is None:
        with app.open():
            app.schema_manager.apply_schema()
        return True
    return False


def run_worker(app: procrastinate.App, *, concurrency: int = 1, once: bool = False) -> str | None:
    """Run a worker until the queue is empty (``once``) or a signal stops it; returns the
    signal's name, if one did.

    SIGTERM and SIGINT alike stop taking jobs and interrupt the running scans: their
    queries are cancelled and their runs closed as interrupted (Procrastinate alone would
    wait for them, and whoever sent SIGTERM would soon send SIGKILL).
    """
    from procrastinate.worker import Worker

    WORKER_STOP.clear()
    stopped_by: list[str] = []

    async def work() -> None:
        async with app.open_async():
            worker = Worker(
                app, queues=[QUEUE], concurrency=concurrency, wait=not once,
                install_signal_handlers=False,
            )  # fmt: skip
            loop = asyncio.get_running_loop()

            def on_signal(signum: signal.Signals) -> None:
                stopped_by.append(signum.name)
                WORKER_STOP.set(f"the worker was stopped by {signum.name}")
                worker.stop()

            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, on_signal, signum)
            try:
                await worker.run()
            finally:
                for signum in (signal.SIGTERM, signal.SIGINT):
                    loop.remove_signal_handler(signum)

    app.perform_import_paths()
    asyncio.run(work())
    return stopped_by[0] if stopped_by else None


@functools.cache
def _worker_catalog() -> tuple[sessionmaker[Session], ScanOptions]:
    """The catalog a worker process writes to, from its own settings (once per process)."""
    settings = load_settings()
    return session_factory(make_engine(settings.database_url)), ScanOptions.from_settings(settings)


def reset_worker_catalog() -> None:
    """Close the worker's catalog connections (a test, or a worker told its settings changed)."""
    if _worker_catalog.cache_info().currsize:
        factory, _ = _worker_catalog()
        bind = factory.kw["bind"]
        bind.dispose()
    _worker_catalog.cache_clear()


class QueueDispatcher:
    """The API's dispatcher when scans run on workers: defer instead of running here."""

    def __init__(self, settings: Settings) -> None:
        self.app = build_app(settings.database_url)
        self.app.open()
        self.liveness = Liveness.from_settings(settings)

    def recover(self, factory: sessionmaker[Session]) -> list[int]:
        """At start-up: close the runs whose worker died and the QUEUED ones whose job is gone."""
        with transaction(factory) as session:
            return close_stale_runs(session, self.liveness)

    def submit(self, run_id: int, store_id: int) -> int:
        return defer_run(self.app, run_id, store_id)

    def shutdown(self, wait: bool = True) -> None:
        self.app.close()
