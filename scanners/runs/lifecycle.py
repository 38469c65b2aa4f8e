"""The life of a scan run in the catalog: opened QUEUED, claimed RUNNING, kept alive by a
heartbeat, then closed, by its scan or as interrupted.

Every way a run ends early uses one vocabulary: status FAILED, and a last error whose
message starts with "interrupted". A run is closed as interrupted when

- its own process is stopped (Ctrl-C, SIGTERM, a dispatcher shutting down): at once, by
  :func:`registre.scanners.runs.scan.execute_scan`;
- its process died (SIGKILL, a crash of the machine): its heartbeat stops, and once it is
  older than the stale delay (``scan_stale_after_seconds``) the run is closed by the next
  scan of its store, the next scheduler tick, or the API starting;
- it waits for nobody: QUEUED in an API process that is gone (closed when the API starts
  again), or QUEUED on a Procrastinate job that no longer waits; and, whatever the
  dispatcher, QUEUED for longer than :data:`QUEUED_MAX_WAIT`;
- an admin abandons it (``registre scan --abandon``).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from registre import __version__
from registre.catalog.access.audit import record, snapshot
from registre.catalog.access.roles import Actor, Permission
from registre.catalog.data.scan_errors import ScanErrorKind, error_record
from registre.catalog.db import transaction
from registre.catalog.enums import Role, ScanStatus, ScanTrigger
from registre.catalog.errors import Conflict, NotFound
from registre.catalog.i18n import N_, Text
from registre.catalog.models import DataStore, ScanRun
from registre.catalog.models.base import utcnow
from registre.config.settings import Settings
from registre.scanners.runs.jobs import runs_with_live_jobs

log = logging.getLogger("registre.scan")

SCANNER_VERSION = f"registre-scanner/{__version__}"

#: An upper bound only: a run QUEUED this long is closed whatever the dispatcher says (a
#: QUEUED run has no heartbeat; the rules above close a lost one much sooner).
QUEUED_MAX_WAIT = dt.timedelta(hours=24)

OPEN = (ScanStatus.QUEUED, ScanStatus.RUNNING)


@dataclass(frozen=True)
class Liveness:
    """How a live run shows itself, and how long silence means death."""

    heartbeat: dt.timedelta = dt.timedelta(seconds=15)
    stale_after: dt.timedelta = dt.timedelta(seconds=120)
    #: QUEUED runs wait for Procrastinate jobs (``scan_queue`` on): one whose job no longer
    #: waits is lost. Off, a QUEUED run waits in some API process's memory: only that
    #: process knows, and it closes them when it starts again.
    queued_on_jobs: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> Liveness:
        return cls(
            heartbeat=dt.timedelta(seconds=settings.scan_heartbeat_seconds),
            stale_after=dt.timedelta(seconds=settings.scan_stale_after_seconds),
            queued_on_jobs=settings.scan_queue,
        )


def start_scan(
    session: Session,
    actor: Actor,
    store_id: int,
    trigger: ScanTrigger = ScanTrigger.MANUAL,
    *,
    liveness: Liveness = Liveness(),
) -> ScanRun:
    """Queue a scan of a data store; :func:`~registre.scanners.runs.scan.execute_scan` runs it."""
    actor.require(Permission.RECORD_SCAN)
    store = session.get(DataStore, store_id)
    if store is None:
        raise NotFound(Text("no {model} with id {id}", model="DataStore", id=store_id), field="id")
    actor.require_on(Permission.RECORD_SCAN, store.domain_id)
    _guard_one_run_per_store(session, store, liveness)
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
        raise Conflict(
            Text("a scan of '{name}' is already queued or running", name=name), field="id"
        ) from None
    record(session, actor, "start_scan", run)
    return run


#: an open run's status as a refusal says it ("already queued")
STATUS_WORDS = {ScanStatus.QUEUED: N_("queued"), ScanStatus.RUNNING: N_("running")}


def _guard_one_run_per_store(session: Session, store: DataStore, liveness: Liveness) -> None:
    """Two runs of one store would harvest into the same rows at once: refuse the second,
    once the store's dead runs are closed (they must not block it)."""
    close_stale_runs(session, liveness, store_id=store.id)
    run = session.scalar(
        select(ScanRun).where(ScanRun.data_store_id == store.id, ScanRun.status.in_(OPEN))
    )
    if run is not None:
        raise Conflict(
            Text(
                "a scan of '{name}' is already {status} (run {run}); "
                "an admin can close it with 'registre scan --abandon'",
                name=store.name,
                status=Text(STATUS_WORDS[run.status]),
                run=run.id,
            ),
            field="id",
        )


def close_stale_runs(
    session: Session, liveness: Liveness, *, store_id: int | None = None
) -> list[int]:
    """Close as interrupted the open runs (of one store, or all) whose process is gone:
    RUNNING and silent for longer than the stale delay, without a job of it waiting or
    running on the queue; QUEUED on a job that no longer waits; QUEUED for longer than
    :data:`QUEUED_MAX_WAIT`. Returns the runs closed."""
    now = utcnow()
    query = select(ScanRun).where(ScanRun.status.in_(OPEN))
    if store_id is not None:
        query = query.where(ScanRun.data_store_id == store_id)
    last_sign = func.coalesce(ScanRun.heartbeat_at, ScanRun.started_at, ScanRun.created_at)
    silent = session.scalars(
        query.where(ScanRun.status == ScanStatus.RUNNING, last_sign < now - liveness.stale_after)
    ).all()
    if silent:
        # nobody beats for a run whose tables wait for a free worker: its jobs are its life
        # (asked whatever this process's scan_queue says: a `registre scan` beside the queue)
        waiting = runs_with_live_jobs(session, [r.id for r in silent])
        silent = [r for r in silent if r.id not in waiting]
    seconds = int(liveness.stale_after.total_seconds())
    closing = [
        (r, Text("interrupted: no sign of life for over {seconds} s", seconds=seconds))
        for r in silent
    ]
    queued = session.scalars(query.where(ScanRun.status == ScanStatus.QUEUED)).all()
    # A job is deferred just after its run is committed: give it the stale delay to appear.
    waited = [r for r in queued if r.created_at < now - liveness.stale_after]
    live = runs_with_live_jobs(session, [r.id for r in waited]) if liveness.queued_on_jobs else ()
    for run in waited:
        if liveness.queued_on_jobs and run.id not in live:
            closing.append((run, Text("interrupted: its queue job is gone")))
        elif run.created_at < now - QUEUED_MAX_WAIT:
            closing.append((run, Text("interrupted: never started")))
    for run, message in closing:
        log.warning("scan %s of store %s closed: %s", run.id, run.data_store_id, message)
        finish_run(session, run, fatal=message, touch_store=False)
    return [run.id for run, _ in closing]


def close_orphaned_queued_runs(session: Session, before: dt.datetime) -> list[int]:
    """Close the runs left QUEUED before ``before`` by an in-process dispatcher: called when
    an API process starts, since the process that queued them is gone (with its queue)."""
    runs = session.scalars(
        select(ScanRun).where(ScanRun.status == ScanStatus.QUEUED, ScanRun.created_at < before)
    ).all()
    for run in runs:
        log.warning("scan %s of store %s was queued by a stopped API", run.id, run.data_store_id)
        fatal = Text("interrupted: queued in an API that stopped")
        finish_run(session, run, fatal=fatal, touch_store=False)
    return [run.id for run in runs]


def abandon_run(
    factory: sessionmaker[Session],
    run_id: int,
    message: str,
    kind: ScanErrorKind = ScanErrorKind.INTERNAL,
) -> ScanRun:
    """Close a run that cannot go on as FAILED with ``message`` (if it is still open)."""
    with transaction(factory) as session:
        run = get_run(session, run_id)
        if run.status in OPEN:
            # started or not, it did not scan: the store's last scan stays what it was
            return finish_run(session, run, fatal=message, kind=kind, touch_store=False)
        return run


def abandon_scans(
    session: Session, actor: Actor, store_id: int, reason: str | None = None
) -> Sequence[ScanRun]:
    """An admin closes the store's open runs as interrupted (audited as ``abandon_scan``).

    For a run whose process is alive this only frees the store: that process finds its run
    closed when it ends and keeps the word given here.
    """
    actor.require(Permission.ADMIN)
    store = session.get(DataStore, store_id)
    if store is None:
        raise NotFound(Text("no {model} with id {id}", model="DataStore", id=store_id), field="id")
    runs = session.scalars(
        select(ScanRun).where(ScanRun.data_store_id == store_id, ScanRun.status.in_(OPEN))
    ).all()
    message = (
        Text("interrupted: abandoned by {actor} ({reason})", actor=actor.name, reason=reason)
        if reason
        else Text("interrupted: abandoned by {actor}", actor=actor.name)
    )
    for run in runs:
        finish_run(
            session, run, fatal=message, touch_store=False, actor=actor, action="abandon_scan"
        )
    return runs


def get_run(session: Session, run_id: int) -> ScanRun:
    run = session.get(ScanRun, run_id)
    if run is None:
        raise NotFound(Text("no {model} with id {id}", model="ScanRun", id=run_id))
    return run


def finish_run(
    session: Session,
    run: ScanRun,
    *,
    fatal: str | None = None,
    kind: ScanErrorKind | None = None,
    touch_store: bool = True,
    actor: Actor | None = None,
    action: str = "finish_scan",
) -> ScanRun:
    """Close ``run``: FAILED with ``fatal`` (of ``kind``: by default, cancelled when the
    message says the run was interrupted, else internal), else from its table counts;
    audited."""
    if fatal is not None:
        if kind is None:
            interrupted = fatal.startswith("interrupted")
            kind = ScanErrorKind.CANCELLED if interrupted else ScanErrorKind.INTERNAL
        run.errors = [*run.errors, error_record(None, kind, fatal)]
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
    session.flush()  # closed before a new run is inserted (one open run per store)
    actor = actor or Actor(name=run.requested_by or "scanner", role=Role.SCANNER)
    record(session, actor, action, run, after=snapshot(run))
    return run


class Heartbeat:
    """While a run is RUNNING, a daemon thread refreshes its ``heartbeat_at``.

    The thread has its own session and short transactions: it never holds the run's, and a
    failed beat (a busy catalog) is logged and tried again at the next one. Use as a
    context manager around the run's work; leaving it stops the thread.
    """

    def __init__(self, factory: sessionmaker[Session], run_id: int, every: dt.timedelta) -> None:
        self.factory, self.run_id, self.every = factory, run_id, every.total_seconds()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat_until_stopped, name=f"registre-heartbeat-{run_id}", daemon=True
        )

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def beat(self) -> bool:
        """Refresh the heartbeat now; False when the run is no longer RUNNING."""
        with transaction(self.factory) as session:
            return bool(
                session.execute(
                    update(ScanRun)
                    .where(ScanRun.id == self.run_id, ScanRun.status == ScanStatus.RUNNING)
                    .values(heartbeat_at=utcnow())
                ).rowcount
            )

    def _beat_until_stopped(self) -> None:
        while not self._stop.wait(self.every):
            try:
                if not self.beat():
                    return  # closed meanwhile (abandoned): nothing left to keep alive
            except Exception as exc:  # noqa: BLE001 - the next beat may succeed; the run goes on
                log.warning("scan %s: heartbeat failed (%s)", self.run_id, type(exc).__name__)
