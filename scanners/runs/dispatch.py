"""Run scans in the background of the API process.

With the embedded SQLite catalog the jobs run here, in a small thread pool: one worker by
default, so two scans never compete for the 2 cores a small server has, and SQLite sees
one writer at a time. The queue lives in this process's memory: when the process stops,
its running scans are interrupted and its queued runs closed; when it was killed instead,
the next start closes them (:meth:`ScanDispatcher.recover`).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy.orm import Session, sessionmaker

from registre.catalog.db import transaction
from registre.catalog.models import ScanRun
from registre.catalog.models.base import utcnow
from registre.scanners.runs.lifecycle import (
    abandon_run,
    close_orphaned_queued_runs,
    close_stale_runs,
)
from registre.scanners.runs.scan import ScanOptions, execute_scan
from registre.scanners.runs.stopping import StopFlag

log = logging.getLogger("registre.scan")


class ScanDispatcher:
    def __init__(
        self, factory: sessionmaker[Session], options: ScanOptions, workers: int = 1
    ) -> None:
        self.factory = factory
        self.options = options
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
            return execute_scan(self.factory, run_id, options=self.options, stop=self._stop)
        except Exception:
            # execute_scan records store and table failures itself; reaching here is a bug
            # in Registre, and the traceback holds no sampled value (values stay local).
            log.exception("scan run %s crashed", run_id)
            raise
        finally:
            with self._lock:
                self._waiting.pop(run_id, None)

    def shutdown(self, wait: bool = True) -> None:
        """Interrupt the running scans (their queries are cancelled, their runs closed as
        interrupted) and close the queued ones: a stopping API leaves no run open."""
        self._stop.set("the API stopped")
        self._pool.shutdown(wait=wait, cancel_futures=True)
        with self._lock:
            never_started = [r for r, f in self._waiting.items() if f.cancelled()]
        for run_id in never_started:
            abandon_run(self.factory, run_id, "interrupted: queued in an API that stopped")
