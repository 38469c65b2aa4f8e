"""Reads at a ministry's size: p50/p95 over HTTP, SQL statements per query, plans, GC.

    .venv/bin/python -m bench.scale --fields 1000000 --db postgresql
    .venv/bin/python -m bench.scale --fields 50000 --db sqlite --repeat 30

Builds a catalog of ``--fields`` fields (:mod:`bench.scale_build`: per million, 5,000
stores, 100,000 datasets, 100,000 findings, 3,000 AI systems with their links) in a new
database (PostgreSQL: ``bench_scale_<pid>`` on ``--pg-url``; SQLite: a temporary file),
then:

1. serves it with uvicorn (``registre serve``'s app and limits) in a child process and
   times each query ``--repeat`` times over HTTP (after two warm-up runs): p50 and p95;
2. runs each query in-process at page sizes 10 and 50, counting SQL statements, and
   EXPLAINs every statement of the page-50 run, flagging a sequential scan of ``field``
   or ``finding`` (PostgreSQL ``Seq Scan on``, SQLite ``SCAN``);
3. reports the server's garbage-collection pauses (``gc.callbacks``): count and longest
   per generation, over the timed runs.

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
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url

from registre.bench.scale_build import NOW, Built, build
from registre.catalog.db import make_engine

ROOT = Path(__file__).resolve().parent.parent
SAVED = ROOT / "graphql" / "saved_queries"
PAGE_SIZES = (10, 50)
HOT_TABLES = ("field", "finding")
#: GC pauses reported: by generation, during requests or (2 idle) between them, and the
#: CPU time of each (cpu ...)
GC_ROWS = tuple(f"{cpu}{gen}" for gen in ("0", "1", "2", "2 idle") for cpu in ("", "cpu "))

SERVE = textwrap.dedent(
    """
    import gc, json, sys, time, uvicorn
    from registre.config.settings import load_settings
    from registre.graphql.app import create_app
    from registre.cli.main import uvicorn_limits

    from registre.graphql.collector import STATE

    # (wall-clock time, generation, pause in ms, CPU time of the pause in ms, between
    # requests: the collector's own full collection once a response was sent)
    pauses = []
    started = [0.0, 0.0]
    def on_gc(phase, info):
        if phase == "start":
            started[:] = [time.perf_counter(), time.thread_time()]
        else:
            pause = (time.perf_counter() - started[0]) * 1000
            cpu = (time.thread_time() - started[1]) * 1000
            pauses.append((time.time(), info["generation"], pause, cpu, STATE.collecting))
    settings = load_settings()
    app = create_app(settings)
    gc.callbacks.append(on_gc)
    try:
        uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning",
                    **uvicorn_limits(settings))
    finally:
        with open(sys.argv[2], "w") as out:
            json.dump(pauses, out)
    """
)


@dataclass
class Query:
    name: str
    document: str
    variables: dict[str, Any] = field(default_factory=dict)
    #: how to set the page size: a variable name, or None to rewrite ``first: N``
    first_variable: str | None = None

    def sized(self, first: int) -> tuple[str, dict[str, Any]]:
        if self.first_variable:
            return self.document, {**self.variables, self.first_variable: first}
        return re.sub(r"first: \d+", f"first: {first}", self.document), dict(self.variables)


@dataclass
class Result:
    name: str
    p50_ms: float
    p95_ms: float
    statements: dict[int, int]
    seq_scans: list[str]
    errors: str | None = None


def readme_queries() -> list[Query]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```graphql\n(.*?)```", readme, flags=re.S):
        head = block.strip().split("{")[0].split("(")[0].split()
        if head[0] == "query":
            found.append(Query(f"README {head[1]}", block))
    return found


def saved_queries(since: str) -> list[Query]:
    found = []
    for path in sorted(SAVED.glob("*.graphql")):
        variables: dict[str, Any] = {"since": since} if "$since" in path.read_text() else {}
        found.append(Query(f"saved {path.stem}", path.read_text(), variables, "first"))
    return found


def own_queries(since: str) -> list[Query]:
    issue = "edges { node { rule severity subjectName message firstSeenAt } } totalCount"
    return [
        Query("complianceIssues", f"{{ complianceIssues(first: 50) {{ {issue} }} }}"),
        Query(
            "complianceIssues HIGH+, one rule",
            "{ complianceIssues(first: 50, filter: {minSeverity: HIGH, rule: "
            f'"GDPR-44-TRANSFER"}}) {{ {issue} }} }}',
        ),
        Query(
            "complianceIssues of one AI system",
            "query($id: ID!) { complianceIssues(first: 50, filter: {aiSystemId: $id}) "
            f"{{ {issue} }} }}",
            {"id": None},
        ),
        Query(
            "complianceIssues closed",
            f"{{ complianceIssues(first: 50, filter: {{status: CLOSED}}) {{ {issue} }} }}",
        ),
        Query(
            "exposure + summary",
            "{ exposure(first: 50) { totalCount edges { node { dataset { qualifiedName } "
            "categories complianceIssues { rule } } } summary { byCategory { key datasets "
            "fields } byHostingCountry { key datasets } } } }",
        ),
        *(
            Query(
                f"exposure + summary, {name}",
                f"{{ exposure(first: 50, filter: {{{flt}}}) {{ totalCount edges {{ node {{ "
                "dataset { qualifiedName } categories } } summary { datasets fields "
                "byCategory { key datasets } byDataStore { key datasets } "
                "byAiRiskClass { key datasets } } } }",
            )
            for name, flt in (
                ("aiRiskClass", "aiRiskClass: HIGH"),
                ("hostingOutsideEU", "hostingOutsideEU: true"),
                ("one store", 'dataStoreId: "RGF0YVN0b3JlOjE3"'),  # DataStore 17
            )
        ),
        Query(
            "exposureChanges",
            "query($since: DateTime!) { exposureChanges(since: $since, first: 50) { totalCount "
            "byKind { kind count } edges { node { kind at } } } }",
            {"since": since},
        ),
        Query(
            "search datasets",
            '{ datasets(first: 50, filter: {search: "paiements_1"}) { totalCount '
            "edges { node { qualifiedName } } } }",
        ),
    ]


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


# --- over HTTP -------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(url: str, gc_file: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "REGISTRE_DATABASE_URL": url}
    proc = subprocess.Popen([sys.executable, "-c", SERVE, str(port), str(gc_file)], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base
    finally:
        # SIGINT: uvicorn shuts down, then re-raises it as KeyboardInterrupt, so the
        # server script still writes its GC record (SIGTERM would be re-raised as a kill)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)


def timed(
    client: httpx.Client, base: str, query: Query, repeat: int
) -> tuple[float, float, str | None]:
    document, variables = query.sized(50)
    samples = []
    error = None
    for n in range(repeat + 2):
        t0 = time.perf_counter()
        response = client.post(f"{base}/graphql", json={"query": document, "variables": variables})
        elapsed = (time.perf_counter() - t0) * 1000
        body = response.json()
        if body.get("errors"):
            error = body["errors"][0]["message"][:200]
        if n >= 2:
            samples.append(elapsed)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return statistics.median(samples), p95, error


def timed_mutation(
    client: httpx.Client, base: str, document: str, variables: list[dict[str, Any]]
) -> tuple[float, float]:
    samples = []
    for v in variables:
        t0 = time.perf_counter()
        body = client.post(f"{base}/graphql", json={"query": document, "variables": v}).json()
        samples.append((time.perf_counter() - t0) * 1000)
        if body.get("errors"):
            raise RuntimeError(body["errors"])
    samples.sort()
    return statistics.median(samples), samples[-1]


UPDATE_SYSTEM = (
    "mutation($id: ID!, $owner: String) { updateAISystem(input: {id: $id, owner: $owner}) "
    "{ aiSystem { id } } }"
)
UPDATE_ORG = (
    "mutation($id: ID!, $dpo: String) { updateOrganisation(input: {id: $id, dpoContact: $dpo}) "
    "{ organisation { id } } }"
)


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
    parser.add_argument("--explain", action="store_true", help="print each flagged plan")
    parser.add_argument("--out", type=Path, help="write scale-<db>-<fields>.{md,json} here")
    args = parser.parse_args(argv)
    since = (NOW - dt.timedelta(days=7)).isoformat()
    queries = [*readme_queries(), *saved_queries(since), *own_queries(since)]
    with database(args.db, args.pg_url, args.keep, args.reuse) as url:
        engine = make_engine(url)
        if args.reuse:
            built = reuse(engine, args.fields)
        else:
            print(f"building {args.fields:,} fields on {args.db} ...", flush=True)
            built = build(engine, args.fields)
            print(f"built in {built.seconds:.0f} s (kept: {args.keep}) at {url}", flush=True)
        engine.dispose()
        system_id = _global_id("AISystem", 5)
        for q in queries:
            if "id" in q.variables and q.variables["id"] is None:
                q.variables["id"] = system_id
        counted = in_process(url, built.token, queries)
        gc_file = Path(tempfile.mkstemp(prefix="bench-gc-", suffix=".json")[1])
        results = []
        writes = {}
        with server(url, gc_file) as base:
            headers = {"Authorization": f"Bearer {built.token}"}
            with httpx.Client(headers=headers, timeout=120) as client:
                window = [time.time(), 0.0]
                for q in queries:
                    p50, p95, error = timed(client, base, q, args.repeat)
                    counts, scans, error2 = counted[q.name]
                    results.append(Result(q.name, p50, p95, counts, scans, error or error2))
                    print(f"  {q.name}: p50 {p50:.0f} ms, p95 {p95:.0f} ms, {counts}", flush=True)
                    if args.explain:
                        for scan in scans:
                            print(textwrap.indent(scan, "      "), flush=True)
                window[1] = time.time()
                writes["updateAISystem (its issues re-evaluated)"] = timed_mutation(
                    client,
                    base,
                    UPDATE_SYSTEM,
                    [{"id": _global_id("AISystem", i + 1), "owner": f"B{i}"} for i in range(10)],
                )
                writes["updateOrganisation (a deployer: what names it re-evaluated)"] = (
                    timed_mutation(
                        client,
                        base,
                        UPDATE_ORG,
                        [
                            {"id": _global_id("Organisation", 30), "dpo": f"d{i}@x.fr"}
                            for i in range(3)
                        ],
                    )
                )
        # the timed requests only (not start-up's own collect-and-freeze)
        # "2 idle": the full collections run between requests (graphql/collector.py);
        # "cpu N": the CPU time of the pauses (the rest is waiting for a core)
        pauses: dict[str, list[float]] = {k: [] for k in GC_ROWS}
        for at, generation, pause, cpu, idle in json.loads(gc_file.read_text()):
            if window[0] <= at <= window[1]:
                key = f"{generation} idle" if idle else str(generation)
                pauses[key].append(pause)
                pauses[f"cpu {key}"].append(cpu)
        gc_file.unlink()
    report = render(args, built, results, writes, pauses)
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
                    "gc": pauses,
                    "build_s": built.seconds,
                    "refresh_s": built.refresh_seconds,
                    "issues": built.issues,
                },
                indent=2,
            ),
            encoding="utf-8",
        )


def reuse(engine: Engine, fields: int) -> Built:
    from registre.bench.scale_build import Sizes
    from registre.catalog.access.roles import CLI_ACTOR
    from registre.catalog.access.tokens import create_token
    from registre.catalog.db import session_factory, transaction
    from registre.catalog.enums import Role

    with transaction(session_factory(engine)) as session:
        token = create_token(session, CLI_ACTOR, f"bench-{time.time_ns()}", Role.ADMIN)[1]
    return Built(Sizes(fields), token, 0.0, 0.0, 0)


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
        "| query | p50 (ms) | p95 (ms) | < 150 ms | SQL statements (first 10 / 50) "
        "| seq. scan of field/finding |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        ok = "yes" if r.p95_ms < 150 else "**no**"
        scans = "; ".join(sorted({x.split(":")[0] for x in r.seq_scans})) or "none"
        note = f" (error: {r.errors})" if r.errors else ""
        counts = " / ".join(str(r.statements[n]) for n in PAGE_SIZES)
        lines.append(
            f"| {r.name}{note} | {r.p50_ms:.0f} | {r.p95_ms:.0f} | {ok} | {counts} | {scans} |"
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
