"""What the catalog can tell of a run's Procrastinate jobs without the queue's library: the
job table lives in the catalog database, so a plain query says whether a job still waits.

Kept apart from :mod:`registre.scanners.runs.queue` so that the run lifecycle can ask it
without importing the queue (which imports the lifecycle).
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

#: the Procrastinate task that claims a run and harvests its store (argument ``run_id``)
SCAN_TASK = "registre.scan_run"
#: the task that scans one table of a run (``run_id``, ``dataset_id``)
TABLE_TASK = "registre.scan_table"


def runs_with_live_jobs(session: Session, run_ids: Collection[int]) -> set[int]:
    """Which of ``run_ids`` have a job (harvest or table) still waiting or running
    (``todo`` or ``doing``): a job of a worker that died is handed back to ``todo`` by the
    other workers' stalled-job recovery, so it counts as alive.

    No job table (the queue was never used on this catalog) means no live job at all.
    """
    if not run_ids or session.get_bind().dialect.name != "postgresql":
        return set()
    if session.scalar(text("SELECT to_regclass('procrastinate_jobs')")) is None:
        return set()
    rows = session.scalars(
        text(
            "SELECT DISTINCT (args->>'run_id')::bigint FROM procrastinate_jobs "
            "WHERE task_name IN (:scan, :table) AND status::text IN ('todo', 'doing') "
            "AND (args->>'run_id')::bigint IN :ids"
        ).bindparams(bindparam("ids", expanding=True)),
        {"scan": SCAN_TASK, "table": TABLE_TASK, "ids": list(run_ids)},
    )
    return {int(r) for r in rows}
