"""Run scans in the background of the API process.

With the embedded SQLite catalog the jobs are queued here, in a small thread pool: one
worker by default, so two scans never compete for the 2 cores a small server has, and
SQLite sees one writer at a time. With ``isolate`` (what the API does), each scan runs in
a child process of its own that exits when the scan ends: the detectors (Presidio and
spaCy, about 300 MB) never load into the API process, and their memory goes back to the
system after each scan. The queue lives in this process's memory: when the process stops,
its running scans are interrupted (SIGTERM to their child) and its queued runs closed;
when it was killed instead, the next start closes them (:meth:`ScanDispatcher.recover`).
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from multiprocessing.process import BaseProcess

from sqlalchemy.orm import Session, sessionmaker

from registre.catalog.db import make_engine, session_factory, transaction
from registre.catalog.i18n import Text
from registre.catalog.models import ScanRun
from registre.catalog.models.base import utcnow
from registre.scanners.runs.lifecycle import (
    abandon_run,
    close_orphaned_queued_runs,
    close_stale_runs,
    get_run,
)
from registre.scanners.runs.scan import ScanOptions, execute_scan
from registre.scanners.runs.stopping import ScanStopped, StopFlag, interruption_message

log = logging.getLogger("registre.scan")

#: why the API's scans stop with it
API_STOPPED = Text("the API stopped")


class ScanDispatcher:
    def __init__(
        self,
        factory: sessionmaker[Session],
        options: ScanOptions,
        workers: int = 1,
        *,
        isolate: bool = False,
    ) -> None:
        self.factory = factory
        self.options = options
        url = factory.kw["bind"].url
        # an in-memory catalog cannot be reached from another process
        self._child_url = (
            url.render_as_string(hide_password=False)
            if isolate and url.database not in (None, "", ":memory:")
            else None
        )
        self._children: dict[int, BaseProcess] = {}
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="registre-scan")
        self._stop = StopFlag()
        self._lock = threading.Lock()
        self._waiting: dict[int, Future[ScanRun]] = {}

    def recover(self) -> list[int]:
        """At start-up: close the runs a previous API process left open (it was killed).

        Every QUEUED run was waiting in a queue that died with that process; a RUNNING run
        is closed only once silent for the stale delay (a ``registre scan`` may be running
        it on the same catalog).
        """
        with transaction(self.factory) as session:
            closed = close_orphaned_queued_runs(session, before=utcnow())
            closed += close_stale_runs(session, self.options.liveness)
        if closed:
            log.warning("closed %d scan runs left open by a stopped process", len(closed))
        return closed

    def submit(self, run_id: int, store_id: int) -> Future[ScanRun]:
        """Queue a run created by :func:`registre.scanners.runs.lifecycle.start_scan`
        (``store_id`` is part of the dispatcher protocol: a queue locks per store)."""
        with self._lock:
            future = self._pool.submit(self._run, run_id)
            self._waiting[run_id] = future
        return future

    def _run(self, run_id: int) -> ScanRun:
        try:
            if self._child_url is not None:
                return self._run_in_child(run_id, self._child_url)
            return execute_scan(self.factory, run_id, options=self.options, stop=self._stop)
        except Exception:
            # execute_scan records store and table failures itself; reaching here is a bug
            # in Registre, and the traceback holds no sampled value (values stay local).
            log.exception("scan run %s crashed", run_id)
            raise
        finally:
            with self._lock:
                self._waiting.pop(run_id, None)

    def _run_in_child(self, run_id: int, url: str) -> ScanRun:
        # spawn, not fork: the API's threads and connections must not be copied
        process = multiprocessing.get_context("spawn").Process(
            target=scan_in_child, args=(url, run_id, self.options), name=f"registre-scan-{run_id}"
        )
        with self._lock:
            if self._stop.is_set():
                return abandon_run(
                    self.factory, run_id, interruption_message(ScanStopped(API_STOPPED))
                )
            self._children[run_id] = process
            process.start()
        try:
            process.join()
        finally:
            with self._lock:
                self._children.pop(run_id, None)
        if process.exitcode != 0:  # killed (out of memory?) before it could close its run
            log.error("scan %s: its process ended with status %s", run_id, process.exitcode)
            died = Text("interrupted: its process died (status {status})", status=process.exitcode)
            abandon_run(self.factory, run_id, died)
        with self.factory() as session:
            run = get_run(session, run_id)
            session.expunge(run)
            return run

    def shutdown(self, wait: bool = True) -> None:
        """Interrupt the running scans (their queries are cancelled, their runs closed as
        interrupted) and close the queued ones: a stopping API leaves no run open."""
        self._stop.set(API_STOPPED)
        with self._lock:
            for child in self._children.values():
                child.terminate()  # SIGTERM: the child closes its run as interrupted
        self._pool.shutdown(wait=wait, cancel_futures=True)
        with self._lock:
            never_started = [r for r, f in self._waiting.items() if f.cancelled()]
        for run_id in never_started:
            abandon_run(self.factory, run_id, Text("interrupted: queued in an API that stopped"))


def scan_in_child(database_url: str, run_id: int, options: ScanOptions) -> None:
    """The body of a scan's child process: its own catalog connection, its own detectors.

    SIGTERM from the API stops the scan as the API's own stop flag would; SIGINT (Ctrl-C
    in the API's terminal reaches its whole process group) is left to the API, which
    then stops its children with SIGTERM.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stop = StopFlag()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set(API_STOPPED))
    engine = make_engine(database_url)
    try:
        execute_scan(session_factory(engine), run_id, options=options, stop=stop)
    finally:
        engine.dispose()
