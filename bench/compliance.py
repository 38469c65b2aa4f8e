"""Benchmark: the compliance engine over a register of realistic size.

Run from the repository root: ``python -m bench.compliance``. It imports the 1,530 AI
systems of the Dutch algorithm register (``../shared/data/``) into a temporary SQLite
catalog, then times ``catalog.compliance.evaluate`` over all of them (median of several
runs) and counts the SQL statements one evaluation issues, which must not grow with the
number of systems.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event

from registre.catalog import migrate
from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.compliance.engine import evaluate
from registre.catalog.db import make_engine, session_factory, transaction
from registre.catalog.governance.importer import import_ai_systems

DUTCH = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "nl-algoritmeregister-2026-08-08.json"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed evaluations (median kept)")
    args = parser.parse_args(argv)
    if not DUTCH.exists():
        print(f"skipped: {DUTCH} is absent (shared reference data)")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'catalog.db'}")
        migrate.upgrade(engine)
        factory = session_factory(engine)
        with transaction(factory) as session:
            systems = import_ai_systems(session, CLI_ACTOR, DUTCH).total
        statements = 0

        def count(*_: Any) -> None:
            nonlocal statements
            statements += 1

        event.listen(engine, "before_cursor_execute", count)
        timings, issues = [], 0
        for _ in range(args.runs):
            statements = 0
            with factory() as session:
                started = time.perf_counter()
                issues = len(evaluate(session))
                timings.append(time.perf_counter() - started)
        engine.dispose()
    print(f"machine: {platform.machine()}, Python {sys.version.split()[0]}")
    print(f"| AI systems | issues | SQL statements | evaluation (median of {args.runs}) |")
    print("|---|---|---|---|")
    print(f"| {systems:,} | {issues:,} | {statements} | {statistics.median(timings):.2f} s |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
