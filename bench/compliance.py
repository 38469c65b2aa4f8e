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
from collections import Counter
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
        timings: list[float] = []
        found: list[Any] = []
        for _ in range(args.runs):
            statements = 0
            with factory() as session:
                started = time.perf_counter()
                found = evaluate(session)
                timings.append(time.perf_counter() - started)
        issues = len(found)
        engine.dispose()
    print(f"machine: {platform.machine()}, Python {sys.version.split()[0]}")
    print(f"| AI systems | issues | SQL statements | evaluation (median of {args.runs}) |")
    print("|---|---|---|---|")
    print(f"| {systems:,} | {issues:,} | {statements} | {statistics.median(timings):.2f} s |")
    print()
    print("| rule | severity | issues | of which unknown |")
    print("|---|---|---|---|")
    by_rule = Counter((i.rule, i.severity) for i in found)
    unknown = Counter((i.rule, i.severity) for i in found if i.unknown)
    for (rule, severity), count in sorted(by_rule.items()):
        print(f"| {rule} | {severity} | {count:,} | {unknown[(rule, severity)]:,} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
