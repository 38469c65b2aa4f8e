"""``registre worker``: Procrastinate workers for the scan queue, in one process.

Two workers share the process: one takes harvest and table jobs (``concurrency`` at once),
the other only the schedule's minute tick, so that the tick never waits behind scans. The
detectors are loaded before the first job and stay loaded (they are process-wide).

Each worker beats in ``procrastinate_workers``; alongside them a recovery loop hands back
to the queue the jobs left ``doing`` by a worker whose heartbeat stopped (SIGKILL, a
machine lost), so that another worker runs them. SIGTERM (``docker stop``) and SIGINT
stop taking jobs; the running ones cancel their query and are handed back at once
(:class:`~registre.scanners.runs.fanout.HandedBack`), well within docker's 10 s.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from registre.catalog.i18n import Text
from registre.scanners.runs.queue import QUEUE, SCHEDULE_QUEUE, WORKER_STOP

if TYPE_CHECKING:
    import procrastinate

log = logging.getLogger("registre.queue")


@dataclass(frozen=True)
class WorkerTiming:
    """How a worker shows it is alive, and when another one's silence means death."""

    #: a worker silent this long is dead: its ``doing`` jobs are handed back
    stalled_after_s: float = 30.0

    @property
    def heartbeat_s(self) -> float:
        return max(0.5, self.stalled_after_s / 3)


def load_detectors() -> float:
    """Load Presidio and spaCy now (seconds), not in the first job; returns the time taken."""
    from registre.scanners.detection.analyzer import get_analyzer
    from registre.scanners.runs.scan import default_classifier

    started = time.perf_counter()
    default_classifier()
    get_analyzer()
    return time.perf_counter() - started


async def recover_stalled_jobs(app: procrastinate.App, stalled_after_s: float) -> list[int]:
    """Hand back to ``todo`` the jobs left ``doing`` by dead workers; returns their ids.

    Several workers may try the same job: Procrastinate retries it once (the others find
    it ``todo`` already and are refused, which is fine).
    """
    retried = []
    stalled = await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after_s)
    for job in stalled:
        if job.queue not in (QUEUE, SCHEDULE_QUEUE) or job.id is None:
            continue
        try:
            await app.job_manager.retry_job(job)
        except Exception as exc:  # noqa: BLE001 - another worker handed it back first
            log.info("stalled job %s not retried here (%s)", job.id, type(exc).__name__)
            continue
        log.warning("job %s (%s) of a dead worker handed back", job.id, job.task_name)
        retried.append(job.id)
    return retried


def run_worker(
    app: procrastinate.App,
    *,
    concurrency: int = 1,
    once: bool = False,
    timing: WorkerTiming = WorkerTiming(),
) -> str | None:
    """Run the workers until the queues are empty (``once``) or a signal stops them;
    returns the signal's name, if one did."""
    from procrastinate.worker import Worker

    WORKER_STOP.clear()
    stopped_by: list[str] = []

    async def recovery() -> None:
        while True:
            await asyncio.sleep(timing.heartbeat_s)
            try:
                await recover_stalled_jobs(app, timing.stalled_after_s)
            except Exception as exc:  # noqa: BLE001 - the next round may reach the catalog
                log.warning("stalled-job recovery failed (%s)", type(exc).__name__)

    async def work() -> None:
        async with app.open_async():
            workers = [
                Worker(
                    app, queues=[queue], concurrency=slots, name=queue, wait=not once,
                    install_signal_handlers=False,
                    update_heartbeat_interval=timing.heartbeat_s,
                    stalled_worker_timeout=timing.stalled_after_s,
                )
                for queue, slots in ((QUEUE, concurrency), (SCHEDULE_QUEUE, 1))
            ]  # fmt: skip
            loop = asyncio.get_running_loop()

            def on_signal(signum: signal.Signals) -> None:
                stopped_by.append(signum.name)
                WORKER_STOP.set(Text("the worker was stopped by {signal}", signal=signum.name))
                for worker in workers:
                    worker.stop()

            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, on_signal, signum)
            # jobs a dead worker left behind are handed back before this one takes any
            await recover_stalled_jobs(app, timing.stalled_after_s)
            recovering = asyncio.create_task(recovery())
            try:
                await asyncio.gather(*(worker.run() for worker in workers))
            finally:
                recovering.cancel()
                for signum in (signal.SIGTERM, signal.SIGINT):
                    loop.remove_signal_handler(signum)

    app.perform_import_paths()
    asyncio.run(work())
    return stopped_by[0] if stopped_by else None
