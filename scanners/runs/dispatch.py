"""Run scans in the background of the API process.

With the embedded SQLite catalog the jobs run here, in a small thread pool: one worker by
default, so two scans never compete for the 2 cores a small server has, and SQLite sees
one writer at a time.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy.orm import Session, sessionmaker

from registre.catalog.models import ScanRun
from registre.scanners.runs.scan import ScanOptions, execute_scan

log = logging.getLogger("registre.scan")


class ScanDispatcher:
    def __init__(
        self, factory: sessionmaker[Session], options: ScanOptions, workers: int = 1
    ) -> None:
        self.factory = factory
        self.options = options
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="registre-scan")

    def submit(self, run_id: int, store_id: int) -> Future[ScanRun]:
        """Queue a run created by :func:`registre.scanners.runs.scan.start_scan` (``store_id`` is
        part of the dispatcher protocol: a queue locks per store)."""
        return self._pool.submit(self._run, run_id)

    def _run(self, run_id: int) -> ScanRun:
        try:
            return execute_scan(self.factory, run_id, options=self.options)
        except Exception:
            # execute_scan records store and table failures itself; reaching here is a bug
            # in Registre, and the traceback holds no sampled value (values stay local).
            log.exception("scan run %s crashed", run_id)
            raise

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=not wait)
