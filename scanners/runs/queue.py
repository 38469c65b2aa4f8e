"""Scan jobs on Procrastinate, for a PostgreSQL catalog: any number of workers, any number
of machines, no broker but the catalog's own database.

A scan is fanned out (:mod:`registre.scanners.runs.fanout`): the API and the CLI defer one
job per run (a queueing lock per store keeps at most one scan of a store waiting); that job
harvests the store and defers one job per table, which every worker takes in parallel; the
last table closes the run. ``registre worker`` (:mod:`registre.scanners.runs.worker`) runs
them, and on a queue of its own the minute tick that defers the scans due. With the
embedded SQLite catalog, scans run in-process instead
(:mod:`registre.scanners.runs.dispatch`), over the same steps.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import logging
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from registre.catalog.data.scan_errors import not_queued
from registre.catalog.db import make_engine, session_factory, transaction
from registre.catalog.i18n import Text
from registre.config.settings import Settings, load_settings
from registre.scanners.errors import ScanError, missing_extra
from registre.scanners.runs.fanout import HandedBack, harvest_job, table_job
from registre.scanners.runs.jobs import SCAN_TASK, TABLE_TASK
from registre.scanners.runs.lifecycle import Liveness, abandon_run, close_stale_runs
from registre.scanners.runs.scan import ScanOptions
from registre.scanners.runs.schedule import start_due_runs
from registre.scanners.runs.stopping import StopFlag

if TYPE_CHECKING:
    import procrastinate

log = logging.getLogger("registre.queue")

#: harvest and table jobs
QUEUE = "scans"
#: the minute tick, on its own queue and its own worker slot: never late behind scans
SCHEDULE_QUEUE = "schedule"
#: a job handed back (its worker stopped) or recovered (its worker died) this many times
#: is given up: its run is then closed once silent
MAX_ATTEMPTS = 10

#: raised when this worker process is told to stop: its running jobs hand their work back
WORKER_STOP = StopFlag()


def conninfo(database_url: str) -> str:
    """The libpq connection string of a PostgreSQL catalog URL (SQLAlchemy style)."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise ScanError(
            Text(
                "the scan queue needs a PostgreSQL catalog (REGISTRE_DATABASE_URL="
                "postgresql://...); with SQLite, scans run in the API process"
            )
        )
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def build_app(database_url: str) -> procrastinate.App:
    """The Procrastinate app of a catalog, with Registre's tasks."""
    try:
        import procrastinate
    except ImportError as exc:
        raise missing_extra(Text("the scan queue"), "procrastinate", "queue") from exc

    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo(database_url))
    )
    # retried at once, and only when handed back: a scan's own failures are on its run
    hand_back = procrastinate.RetryStrategy(
        max_attempts=MAX_ATTEMPTS, retry_exceptions={HandedBack}
    )

    def defer_tables(run_id: int, dataset_ids: list[int]) -> None:
        task = app.tasks[TABLE_TASK]
        for dataset_id in dataset_ids:
            # a harvest delivered twice: the table already waits under its lock
            with contextlib.suppress(procrastinate.exceptions.AlreadyEnqueued):
                task.configure(queueing_lock=f"table-{run_id}-{dataset_id}").defer(
                    run_id=run_id, dataset_id=dataset_id
                )

    @app.task(name=SCAN_TASK, queue=QUEUE, retry=hand_back)
    def scan_run(run_id: int) -> None:
        # never raises for a store or a table: the run records failures
        factory, options = _worker_catalog()
        harvest_job(factory, run_id, options, defer_tables, WORKER_STOP)

    @app.task(name=TABLE_TASK, queue=QUEUE, retry=hand_back)
    def scan_table(run_id: int, dataset_id: int) -> None:
        factory, options = _worker_catalog()
        table_job(factory, run_id, dataset_id, options, WORKER_STOP)

    @app.periodic(cron="* * * * *", periodic_id="due-scans")
    @app.task(name="registre.defer_due_scans", queue=SCHEDULE_QUEUE, queueing_lock="due-scans")
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
                abandon_run(factory, run_id, not_queued(exc))
            except Exception:
                log.exception("scheduled run %s could be neither queued nor closed", run_id)
            continue
        queued.append(run_id)
    return queued


def defer_run(app: procrastinate.App, run_id: int, store_id: int) -> int:
    """Queue the job of a run created by :func:`start_scan`; returns the job id."""
    task = app.tasks[SCAN_TASK]
    return int(task.configure(queueing_lock=f"store-{store_id}").defer(run_id=run_id))


#: the PostgreSQL advisory lock under which Procrastinate's schema is created: two workers
#: starting together on a fresh catalog would otherwise both run its CREATE TYPE statements,
#: and the second would crash (``type "procrastinate_job_status" already exists``)
SCHEMA_LOCK = 0x5245_4749_5354_5245  # "REGISTRE"


def ensure_schema(database_url: str) -> bool:
    """Create Procrastinate's tables in the catalog database if they are missing; True when
    this call created them.

    One transaction under an advisory lock: whoever comes second waits for the first to
    commit, then finds the tables. ``registre db upgrade`` calls it, and so does every
    worker at start (for a catalog upgraded before the queue was installed).
    """
    try:
        import psycopg
        from procrastinate.schema import SchemaManager
    except ImportError as exc:
        raise missing_extra(Text("the scan queue"), "procrastinate", "queue") from exc
    with psycopg.connect(conninfo(database_url)) as connection:  # commits on leaving
        connection.execute("SELECT pg_advisory_xact_lock(%s)", [SCHEMA_LOCK])
        present = connection.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
        if present is not None and present[0] is not None:
            return False
        connection.execute(SchemaManager.get_schema())
    return True


def ensure_queue_schema_if_installed(database_url: str) -> bool:
    """:func:`ensure_schema` when Procrastinate is installed (else the queue is not used)."""
    try:
        import procrastinate  # noqa: F401
    except ImportError:
        return False
    return ensure_schema(database_url)


@functools.cache
def _worker_catalog() -> tuple[sessionmaker[Session], ScanOptions]:
    """The catalog a worker process writes to, from its own settings (once per process)."""
    settings = load_settings()
    options = ScanOptions.from_settings(settings)
    # a worker serves the queue whatever its own scan_queue setting says
    options = dataclasses.replace(
        options, liveness=dataclasses.replace(options.liveness, queued_on_jobs=True)
    )
    return session_factory(make_engine(settings.database_url)), options


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
