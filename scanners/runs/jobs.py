"""What the catalog can tell of a run's Procrastinate job without the queue's library: the
job table lives in the catalog database, so a plain query says whether a job still waits.

Kept apart from :mod:`registre.scanners.runs.queue` so that the run lifecycle can ask it
without importing the queue (which imports the lifecycle).
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

#: the Procrastinate task that runs one scan (its only argument is ``run_id``)
SCAN_TASK = "registre.scan_run"


def runs_with_live_jobs(session: Session, run_ids: Collection[int]) -> set[int]:
    """Which of ``run_ids`` have a job still waiting or running (``todo`` or ``doing``).

    No job table (the queue was never used on this catalog) means no live job at all.
    """
    if not run_ids or session.get_bind().dialect.name != "postgresql":
        return set()
    if session.scalar(text("SELECT to_regclass('procrastinate_jobs')")) is None:
        return set()
    rows = session.scalars(
        text(
            "SELECT DISTINCT (args->>'run_id')::bigint FROM procrastinate_jobs "
            "WHERE task_name = :task AND status::text IN ('todo', 'doing') "
            "AND (args->>'run_id')::bigint IN :ids"
        ).bindparams(bindparam("ids", expanding=True)),
        {"task": SCAN_TASK, "ids": list(run_ids)},
    )
    return {int(r) for r in rows}
