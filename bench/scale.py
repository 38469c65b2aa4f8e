"""Reads at a ministry's size: p50/p95 over HTTP, SQL statements per query, plans, GC.

    .venv/bin/python -m bench.scale --fields 1000000 --db postgresql
    .venv/bin/python -m bench.scale --fields 50000 --db sqlite --repeat 30
    .venv/bin/python -m bench.scale --fields 1000000 --db sqlite --repeat 15 --domain

Builds a catalog of ``--fields`` fields (:mod:`bench.scale_build`: per million, 5,000
stores over 10 domains, 100,000 datasets, 100,000 findings, 3,000 AI systems with their
links) in a new database (PostgreSQL: ``bench_scale_<pid>`` on ``--pg-url``; SQLite: a
temporary file), then, for the queries of :mod:`bench.scale_queries`:

1. serves it with uvicorn (``registre serve``'s app and limits) in a child process and
   times each query ``--repeat`` times over HTTP (after two warm-up runs): p50 and p95;
2. runs each query in-process at page sizes 10 and 50, counting SQL statements, and
   EXPLAINs every statement of the page-50 run, flagging a sequential scan of ``field``
   or ``finding`` (PostgreSQL ``Seq Scan on``, SQLite ``SCAN``);
3. reports the server's garbage-collection pauses (``gc.callbacks``): count and longest
   per generation, over the timed runs.

With ``--domain``, each query is also timed, counted and explained as the steward of one
domain (a token limited to it: the criteria of ``catalog/access/perimeter.py``), right
after the organisation-wide admin.

Also times two writes (an AI system updated: its issues re-evaluated in the transaction;
an organisation updated: what names it re-evaluated). The database is dropped at the
end unless ``--keep``. Prints a Markdown table; ``--out`` writes it and a JSON record.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url

from registre.bench.scale_build import Built, build
from registre.bench.scale_http import (
    GC_ROWS,
    UPDATE_ORG,
    UPDATE_SYSTEM,
    pauses,
    server,
    timed,
    timed_mutation,
)
from registre.bench.scale_queries import Query, own_queries, readme_queries, saved_queries
from registre.bench.scale_rows import NOW
from registre.catalog.db import make_engine

__all__ = ["Query", "database", "main", "readme_queries", "saved_queries", "seq_scans"]

PAGE_SIZES = (10, 50)
HOT_TABLES = ("field", "finding")


@dataclass
class Result:
    name: str
    p50_ms: float
    p95_ms: float
    statements: dict[int, int]
    seq_scans: list[str]
    errors: str | None = None
    #: "organisation" (an organisation-wide admin) or "domain" (a steward of one domain)
    caller: str = "organisation"


# --- databases -------------------------------------------------------------------------
@contextmanager
def database(kind: str, pg_url: str, keep: bool, reuse: str | None) -> Iterator[str]:
    """The URL of a new, empty database, dropped at the end (unless ``keep``)."""
    if reuse:
        yield reuse
        return
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="bench-scale-")
        path = Path(folder) / "catalog.db"
        try:
            yield f"sqlite:///{path}"
        finally:
            if not keep:
                for leftover in Path(folder).iterdir():
                    leftover.unlink()
                Path(folder).rmdir()
        return
    name = f"bench_scale_{os.getpid()}"
    admin = make_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --- in-process: statements and plans --------------------------------------------------
@contextmanager
def recording(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def before(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _explain(engine: Engine, statement: str, params: Any) -> str:
    if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
        return ""
    prefix = "EXPLAIN " if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(prefix + statement, params).all()
    return "\n".join(" ".join(str(c) for c in row) for row in rows)


def seq_scans(engine: Engine, statements: list[tuple[str, Any]]) -> list[str]:
    """The hot tables a statement reads in full, as ``table: statement start``."""
    pattern = (
        r"Seq Scan on (field|finding)\b"
        if engine.dialect.name == "postgresql"
        else r"\bSCAN (field|finding)\b"
    )
    found = []
    for statement, params in statements:
        plan = _explain(engine, statement, params)
        for table in set(re.findall(pattern, plan)):
            found.append(f"{table}: {' '.join(statement.split())}\n{plan}")
    return found


def in_process(
    url: str, token: str, queries: list[Query]
) -> dict[str, tuple[dict[int, int], list[str], str | None]]:
    from starlette.testclient import TestClient

    from registre.config.settings import Settings
    from registre.graphql.app import create_app

    engine = make_engine(url)
    app = create_app(Settings(database_url=url), engine=engine)
    out: dict[str, tuple[dict[int, int], list[str], str | None]] = {}
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:
        for query in queries:
            counts: dict[int, int] = {}
            scans: list[str] = []
            error = None
            for size in PAGE_SIZES:
                document, variables = query.sized(size)
                with recording(engine) as seen:
                    body = client.post(
                        "/graphql",
                        json={"query": document, "variables": variables},
                        headers=headers,
                    ).json()
                if body.get("errors"):
                    error = body["errors"][0]["message"][:200]
                counts[size] = len(
                    [s for s, _ in seen if not s.startswith(("SAVEPOINT", "RELEASE"))]
                )
                if size == PAGE_SIZES[-1]:
                    scans = seq_scans(engine, seen)
            out[query.name] = (counts, scans, error)
    engine.dispose()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fields", type=int, default=50_000)
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="sqlite")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "REGISTRE_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per query")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--reuse",
        metavar="URL",
        help="measure a catalog built before with --keep (same --fields) instead of building",
    )
    parser.add_argument(
        "--domain",
        action="store_true",
        help="also time each query as the steward of one domain (a tenth of the catalog), "
        "right after the organisation-wide admin",
    )
    parser.add_argument("--explain", action="store_true", help="print each flagged plan")
    parser.add_argument("--out", type=Path, help="write scale-<db>-<fields>.{md,json} here")
    args = parser.parse_args(argv)
    since = (NOW - dt.timedelta(days=7)).isoformat()
    # AI system 5 and data store 21 are in the first of the build's domains (DOMAIN)
    system, store = _global_id("AISystem", 5), _global_id("DataStore", 21)
    queries = [*readme_queries(), *saved_queries(since), *own_queries(since, system, store)]
    with database(args.db, args.pg_url, args.keep, args.reuse) as url:
        engine = make_engine(url)
        if args.reuse:
            built = reuse(engine, args.fields)
        else:
            print(f"building {args.fields:,} fields on {args.db} ...", flush=True)
            built = build(engine, args.fields)
            print(f"built in {built.seconds:.0f} s (kept: {args.keep}) at {url}", flush=True)
        tokens = {"organisation": built.token}
        if args.domain:
            tokens["domain"] = steward_token(engine)
            print(share(engine), flush=True)
        engine.dispose()
        counted = {who: in_process(url, token, queries) for who, token in tokens.items()}
        gc_file = Path(tempfile.mkstemp(prefix="bench-gc-", suffix=".json")[1])
        results = []
        writes = {}
        with server(url, gc_file) as base:
            clients = {
                who: httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=120)
                for who, token in tokens.items()
            }
            client = clients["organisation"]
            started = time.time()
            for q in queries:
                for who, each in clients.items():
                    p50, p95, error = timed(each, base, q, args.repeat)
                    counts, scans, error2 = counted[who][q.name]
                    results.append(Result(q.name, p50, p95, counts, scans, error or error2, who))
                    print(
                        f"  {q.name} ({who}): p50 {p50:.0f} ms, p95 {p95:.0f} ms, {counts}",
                        flush=True,
                    )
                    if args.explain:
                        for scan in scans:
                            print(textwrap.indent(scan, "      "), flush=True)
            window = (started, time.time())
            writes["updateAISystem (its issues re-evaluated)"] = timed_mutation(
                client,
                base,
                UPDATE_SYSTEM,
                [{"id": _global_id("AISystem", i + 1), "owner": f"B{i}"} for i in range(10)],
            )
            writes["updateOrganisation (a deployer: what names it re-evaluated)"] = timed_mutation(
                client,
                base,
                UPDATE_ORG,
                [{"id": _global_id("Organisation", 30), "dpo": f"d{i}@x.fr"} for i in range(3)],
            )
            for each in clients.values():
                each.close()
        gc = pauses(gc_file, window)
        gc_file.unlink()
    report = render(args, built, results, writes, gc)
    print(report)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        stem = args.out / f"scale-{args.db}-{args.fields}"
        stem.with_suffix(".md").write_text(report, encoding="utf-8")
        stem.with_suffix(".json").write_text(
            json.dumps(
                {
                    "results": [asdict(r) for r in results],
                    "writes": writes,
                    "gc": gc,
                    "build_s": built.seconds,
                    "refresh_s": built.refresh_seconds,
                    "issues": built.issues,
                },
                indent=2,
            ),
            encoding="utf-8",
        )


def reuse(engine: Engine, fields: int) -> Built:
    from registre.bench.scale_rows import Sizes
    from registre.catalog.access.roles import CLI_ACTOR
    from registre.catalog.access.tokens import create_token
    from registre.catalog.db import session_factory, transaction
    from registre.catalog.enums import Role

    with transaction(session_factory(engine)) as session:
        token = create_token(session, CLI_ACTOR, f"bench-{time.time_ns()}", Role.ADMIN)[1]
    return Built(Sizes(fields), token, 0.0, 0.0, 0)


def steward_token(engine: Engine) -> str:
    """A steward's token limited to the build's first domain."""
    from registre.bench.scale_rows import DOMAIN
    from registre.catalog.access.roles import CLI_ACTOR
    from registre.catalog.access.tokens import create_token
    from registre.catalog.db import session_factory, transaction
    from registre.catalog.enums import Role
    from registre.catalog.models import Domain

    with transaction(session_factory(engine)) as session:
        domain = session.get(Domain, DOMAIN)
        assert domain is not None, "a catalog built before domains: build it again"
        name = f"bench-steward-{time.time_ns()}"
        return create_token(session, CLI_ACTOR, name, Role.STEWARD, [domain])[1]


def share(engine: Engine) -> str:
    """What the steward's domain holds of the whole."""
    from registre.bench.scale_rows import DOMAIN

    counts = {
        "stores": "FROM data_store",
        "datasets": "FROM dataset JOIN data_store ON data_store.id = dataset.data_store_id",
        "AI systems": "FROM ai_system",
    }
    parts = []
    with engine.connect() as conn:
        for name, source in counts.items():
            table = "ai_system" if name == "AI systems" else "data_store"
            whole = conn.execute(text(f"SELECT count(*) {source}")).scalar_one()
            mine = conn.execute(
                text(f"SELECT count(*) {source} WHERE {table}.domain_id = :d"), {"d": DOMAIN}
            ).scalar_one()
            parts.append(f"{mine:,} of {whole:,} {name}")
    return f"the steward's domain (id {DOMAIN}) holds " + ", ".join(parts)


def _global_id(kind: str, pk: int) -> str:
    from registre.graphql.ids import to_global_id

    return str(to_global_id(kind, str(pk)))


def render(
    args: argparse.Namespace,
    built: Built,
    results: list[Result],
    writes: dict[str, tuple[float, float]],
    pauses: dict[str, list[float]],
) -> str:
    s = built.sizes
    lines = [
        f"{args.db}, {s.fields:,} fields ({s.stores:,} stores, {s.datasets:,} datasets, "
        f"{s.datasets:,} findings, {s.systems:,} AI systems); built in {built.seconds:.0f} s, "
        f"of which the first full compliance refresh {built.refresh_seconds:.1f} s "
        f"({built.issues:,} issues). {args.repeat} timed runs per query (page size 50).",
        "",
        "| query | caller | p50 (ms) | p95 (ms) | < 150 ms | SQL statements (first 10 / 50) "
        "| seq. scan of field/finding |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ok = "yes" if r.p95_ms < 150 else "**no**"
        scans = "; ".join(sorted({x.split(":")[0] for x in r.seq_scans})) or "none"
        note = f" (error: {r.errors})" if r.errors else ""
        counts = " / ".join(str(r.statements[n]) for n in PAGE_SIZES)
        lines.append(
            f"| {r.name}{note} | {r.caller} | {r.p50_ms:.0f} | {r.p95_ms:.0f} | {ok} | {counts} "
            f"| {scans} |"
        )
    lines += ["", "| write | p50 (ms) | max (ms) |", "|---|---|---|"]
    for name, (p50, worst) in writes.items():
        lines.append(f"| {name} | {p50:.0f} | {worst:.0f} |")
    lines += [
        "",
        "| GC generation | collections | longest pause (ms) | total (ms) |",
        "|---|---|---|---|",
    ]
    for gen in GC_ROWS:
        if gen.startswith("cpu"):
            continue
        values, cpu = pauses.get(gen, []), pauses.get(f"cpu {gen}", [])
        lines.append(
            f"| {gen} | {len(values)} | {max(values, default=0):.1f} "
            f"(CPU {max(cpu, default=0):.1f}) | {sum(values):.0f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
