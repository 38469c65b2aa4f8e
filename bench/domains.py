"""Reads of a caller limited to a domain against an organisation-wide one, same catalog.

    .venv/bin/python -m bench.domains --fields 50000 --db sqlite --repeat 20
    .venv/bin/python -m bench.domains --fields 50000 --db postgresql

Builds the catalog of :mod:`bench.scale_build`, splits its stores, AI systems and processing
activities over two domains (even and odd ids), then runs each query in-process through the
schema (no HTTP), ``--repeat`` times after one warm-up, as an organisation-wide admin (no
criteria: the statements of before domains) and as the steward of one domain (the criteria
of ``catalog/access/perimeter.py``; its exposure summary summed from the kept per-dataset
rows instead of the kept totals). Prints p50 and p95 per query and caller, and what each
caller counts (the domain's counts must be about half of the whole).
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from registre.bench.scale import database
from registre.bench.scale_build import build
from registre.catalog.access.roles import CLI_ACTOR, Actor, Grant
from registre.catalog.db import make_engine, session_factory
from registre.catalog.enums import Role
from registre.config.settings import Settings
from registre.graphql.context import RequestContext
from registre.graphql.http import GraphQLParams, run_operation
from registre.graphql.schema import schema

QUERIES = {
    "exposure summary": "{ exposure(first: 1) { totalCount summary { datasets fields "
    "byCategory { key datasets fields } byDataStore { key datasets } "
    "byHostingCountry { key datasets } byAiRiskClass { key datasets } } } }",
    "exposure page": "{ exposure(first: 50) { edges { node { dataset { qualifiedName } "
    "categories } } } }",
    "datasets page + count": "{ datasets(first: 50) { totalCount edges { node { "
    "qualifiedName fields { name containsPersonalData } } } } }",
    "aiSystems page + links": "{ aiSystems(first: 50) { totalCount edges { node { name "
    "datasets { usage outsidePerimeter dataset { qualifiedName } } } } } }",
    "complianceIssues page + count": "{ complianceIssues(first: 50) { totalCount "
    "edges { node { rule subjectName } } } }",
    "auditEvents page + count": "{ auditEvents(first: 50) { totalCount "
    "edges { node { action } } } }",
}


def _split(url: str) -> int:
    """Two domains; stores, AI systems and activities alternate between them. Returns the
    id of the first."""
    engine = make_engine(url)
    with engine.begin() as conn:
        for name in ("bench-a", "bench-b"):
            conn.execute(
                text("INSERT INTO domain (name, created_at) VALUES (:n, CURRENT_TIMESTAMP)"),
                {"n": name},
            )
        a, b = conn.execute(
            text("SELECT id FROM domain WHERE name LIKE 'bench-%' ORDER BY name")
        ).scalars()
        for table in ("data_store", "ai_system", "processing_activity"):
            conn.execute(
                text(f"UPDATE {table} SET domain_id = CASE WHEN id % 2 = 0 THEN :a ELSE :b END"),
                {"a": a, "b": b},
            )
    engine.dispose()
    return int(a)


def _run(factory: sessionmaker[Session], url: str, actor: Actor, query: str) -> tuple[float, Any]:
    with factory() as session:
        context = RequestContext(session, actor, Settings(database_url=url))
        started = time.perf_counter()
        outcome = run_operation(
            schema,
            GraphQLParams(query, None, None),
            method="POST",
            strict_media=False,
            context=context,
        )
        elapsed = (time.perf_counter() - started) * 1000
        assert "errors" not in outcome.body, outcome.body["errors"]
        return elapsed, outcome.body["data"]


def _counts(data: Any) -> str:
    root = next(iter(data.values()))
    if "summary" in root:
        return f"{root['summary']['datasets']:,} datasets, {root['summary']['fields']:,} fields"
    if "totalCount" in root:
        return f"{root['totalCount']:,}"
    return f"{len(root['edges'])} rows"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fields", type=int, default=50_000)
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    with database(args.db, args.pg_url, keep=False, reuse=None) as url:
        engine = make_engine(url)
        built = build(engine, args.fields, log=lambda _: None)
        engine.dispose()
        domain = _split(url)
        callers = {
            "organisation-wide": CLI_ACTOR,
            "one domain": Actor("bench", Role.STEWARD, grants=(Grant(Role.STEWARD, domain),)),
        }
        print(
            f"{args.db}, {built.sizes.fields:,} fields, {built.sizes.datasets:,} datasets; "
            f"{args.repeat} runs per query after one warm-up, in-process\n"
        )
        print("| query | caller | p50 (ms) | p95 (ms) | counts |")
        print("|---|---|---|---|---|")
        engine = make_engine(url)
        factory = session_factory(engine)
        for name, query in QUERIES.items():
            for who, actor in callers.items():
                _run(factory, url, actor, query)
                times, data = [], None
                for _ in range(args.repeat):
                    ms, data = _run(factory, url, actor, query)
                    times.append(ms)
                p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
                p50 = statistics.median(times)
                print(f"| {name} | {who} | {p50:.0f} | {p95:.0f} | {_counts(data)} |", flush=True)
        engine.dispose()


if __name__ == "__main__":
    main()
