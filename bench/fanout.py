"""Benchmark: a scan fanned out over workers, detectors kept loaded, the API's memory.

Run from the repository root: ``python -m bench.fanout`` (needs a PostgreSQL server,
``REGISTRE_BENCH_PG_URL``, default ``postgresql://postgres@127.0.0.1:5432/postgres``).

1. **Workers**: a SQLite store of ``--tables`` generated French tables (``bench.corpus``,
   ``--rows`` rows each) is scanned through the queue by 1, then 2 ``registre worker
   --once`` processes on a fresh PostgreSQL catalog; the run's time is its own
   (``started_at`` to ``finished_at``: from the harvest job's claim to the last table).
   For each worker, the durations of its first, second and later jobs (Procrastinate's
   events) show whether a job pays for loading the detectors.
2. **API memory** (``--api``): ``registre serve`` over a SQLite catalog scans the demo
   city through ``scanDataStore``; its resident memory (VmRSS) before and after, with the
   scan in a child process (today) and in a thread of the API (``--in-thread``, as before).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from .corpus import DEFAULT_SEED, generated_tables

PG_URL = os.environ.get("REGISTRE_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def build_store(path: Path, tables: int, rows: int, seed: int) -> int:
    """A SQLite store of ``tables`` generated tables; returns the number of cells."""
    templates = generated_tables(seed, rows, copies=max(1, tables // 10 + 1))
    cells = 0
    with sqlite3.connect(path) as conn:
        for i in range(tables):
            table = templates[i % len(templates)]
            name = f"t{i:03d}_{table.name}"[:60]
            cols = ", ".join(f'"{c.name}" TEXT' for c in table.columns)
            conn.execute(f'CREATE TABLE "{name}" ({cols})')
            marks = ", ".join("?" for _ in table.columns)
            names = ", ".join(f'"{c.name}"' for c in table.columns)
            values = [
                tuple(None if v is None else str(v) for v in row)
                for row in zip(*(c.values for c in table.columns), strict=False)
            ]
            conn.executemany(f'INSERT INTO "{name}" ({names}) VALUES ({marks})', values)
            cells += len(values) * len(table.columns)
    return cells


def _env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRE_")}
    return env | {"REGISTRE_DATABASE_URL": url, "REGISTRE_SCAN_QUEUE": "true"}


def bench_workers(args: argparse.Namespace) -> list[dict[str, Any]]:
    import psycopg

    from registre.catalog import migrate
    from registre.catalog.access.roles import CLI_ACTOR
    from registre.catalog.data.stores import register_data_store
    from registre.catalog.db import make_engine, session_factory, transaction
    from registre.catalog.models import ScanRun
    from registre.scanners.runs.lifecycle import start_scan
    from registre.scanners.runs.queue import build_app, defer_run, ensure_schema

    name = f"bench_fanout_{uuid.uuid4().hex[:8]}"
    base = PG_URL.rsplit("/", 1)[0]
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{base}/{name}"
    results = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            store = Path(tmp) / "store.sqlite"
            cells = build_store(store, args.tables, args.rows, args.seed)
            engine = make_engine(url)
            migrate.upgrade(engine)
            ensure_schema(url)
            factory = session_factory(engine)
            with transaction(factory) as session:
                data = {"name": "grande-base", "url": f"sqlite:///{store}"}
                store_id = register_data_store(session, CLI_ACTOR, data).id
            queue = build_app(url)
            env = _env(url) | {"REGISTRE_SCAN_SAMPLE_SIZE": str(args.sample)}
            for workers in args.workers:
                procs = [
                    subprocess.Popen(
                        [sys.executable, "-m", "registre", "worker"],
                        env=env,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL,
                        text=True,
                    )
                    for _ in range(workers)
                ]
                loads = [_detectors_loaded(p) for p in procs]  # every worker warm
                with transaction(factory) as session:
                    run_id = start_scan(session, CLI_ACTOR, store_id).id
                deferred = time.perf_counter()
                with queue.open():
                    defer_run(queue, run_id, store_id)
                time.sleep(2)  # the scan's tables now fill the scan queue
                tick_s = _tick_delay(queue, url)
                status = "QUEUED"
                while status in ("QUEUED", "RUNNING"):
                    time.sleep(0.1)
                    with factory() as session:
                        run = session.get(ScanRun, run_id)
                        assert run is not None
                        status = run.status.value
                wall = time.perf_counter() - deferred
                by_worker = _jobs_per_worker(url, run_id)  # before they unregister
                for proc in procs:
                    proc.terminate()
                    proc.communicate(timeout=60)
                with factory() as session:
                    run = session.get(ScanRun, run_id)
                    assert run is not None and run.started_at and run.finished_at
                    seconds = (run.finished_at - run.started_at).total_seconds()
                    scanned = run.datasets_scanned
                results.append(
                    {
                        "workers": workers,
                        "tables": args.tables,
                        "cells": cells,
                        "status": status,
                        "scanned": scanned,
                        "wall_s": round(wall, 2),
                        "run_s": round(seconds, 2),
                        "detector_load_s": loads,
                        "jobs_per_worker": by_worker,
                        "jobs": _job_durations(url, run_id),
                        "tick_while_scanning_s": tick_s,
                        "load_average": os.getloadavg()[0],
                    }
                )
                print(json.dumps(results[-1]), flush=True)
            engine.dispose()
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return results


def _tick_delay(queue: Any, url: str) -> float:
    """Seconds from deferring the schedule's tick to its end, while a scan runs."""
    import psycopg

    from registre.scanners.runs.queue import conninfo

    started = time.perf_counter()
    with queue.open():
        task = queue.tasks["registre.defer_due_scans"]
        # a lock of its own: the worker's periodic tick may be waiting under the usual one
        job = task.configure(queueing_lock=f"bench-{uuid.uuid4().hex}").defer(
            timestamp=int(time.time())
        )
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        while True:
            found = conn.execute(
                "SELECT status::text FROM procrastinate_jobs WHERE id = %s", [job]
            ).fetchone()
            if found and found[0] in ("succeeded", "failed"):
                return round(time.perf_counter() - started, 2)
            time.sleep(0.05)


def _detectors_loaded(proc: subprocess.Popen[str]) -> float:
    """Wait for a worker to say its detectors are loaded; the time it says it took."""
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("detectors loaded in"):
            return float(line.split(" in ")[1].split(" s")[0])
    raise RuntimeError("the worker stopped before loading its detectors")


def _jobs_per_worker(url: str, run_id: int) -> list[int]:
    """How many of the run's jobs each worker ran."""
    import psycopg

    from registre.scanners.runs.queue import conninfo

    with psycopg.connect(conninfo(url)) as conn:
        rows = conn.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE (args->>'run_id')::bigint = %s"
            " GROUP BY worker_id ORDER BY 1 DESC",
            [run_id],
        ).fetchall()
    return [int(r[0]) for r in rows]


def _job_durations(url: str, run_id: int) -> dict[str, Any]:
    """The run's jobs in the order they started: the harvest job, the first table job, and
    the median of the others (seconds). A job that loaded the detectors would take seconds
    more than the others."""
    import psycopg

    from registre.scanners.runs.queue import conninfo

    query = """
    SELECT max(e.at) FILTER (WHERE e.type = 'succeeded')
             - max(e.at) FILTER (WHERE e.type = 'started'),
           max(e.at) FILTER (WHERE e.type = 'started')
      FROM procrastinate_jobs j JOIN procrastinate_events e ON e.job_id = j.id
     WHERE (j.args->>'run_id')::bigint = %s
     GROUP BY j.id ORDER BY 2
    """
    with psycopg.connect(conninfo(url)) as conn:
        took = [t.total_seconds() for t, _ in conn.execute(query, [run_id]) if t is not None]
    return {
        "jobs": len(took),
        "harvest_s": round(took[0], 3) if took else None,
        "first_table_s": round(took[1], 3) if len(took) > 1 else None,
        "median_table_s": round(statistics.median(took[1:]), 3) if len(took) > 1 else None,
        "max_table_s": round(max(took[1:]), 3) if len(took) > 1 else None,
    }


# --- API memory ---------------------------------------------------------------------------


def _rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _gql(port: int, token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        result: dict[str, Any] = json.loads(response.read())
        return result


def serve_in_thread(url: str, port: int) -> None:
    """The API as before: scans in a thread of the API process."""
    import uvicorn

    from registre.catalog.db import make_engine, session_factory
    from registre.config.settings import Settings
    from registre.graphql.app import create_app
    from registre.scanners.runs.dispatch import ScanDispatcher
    from registre.scanners.runs.scan import ScanOptions

    settings = Settings(database_url=url)
    engine = make_engine(url)
    scans = ScanDispatcher(session_factory(engine), ScanOptions.from_settings(settings))
    app = create_app(settings, engine=engine, services={"scans": scans})
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def bench_api(in_thread: bool) -> dict[str, Any]:
    from registre.demo.city import build_city_database

    with tempfile.TemporaryDirectory() as tmp:
        catalog = f"sqlite:///{Path(tmp) / 'catalog.db'}"
        city = Path(tmp) / "city.sqlite"
        build_city_database(city)
        env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRE_")}
        env["REGISTRE_DATABASE_URL"] = catalog
        registre = [sys.executable, "-m", "registre"]
        subprocess.run([*registre, "db", "upgrade"], env=env, check=True, capture_output=True)
        subprocess.run(
            [*registre, "datastore", "add", "ville", f"sqlite:///{city}"],
            env=env,
            check=True,
            capture_output=True,
        )
        made = subprocess.run(
            [*registre, "token", "create", "--name", "bench", "--role", "admin"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        token = made.stdout.strip().splitlines()[-1]
        port = _free_port()
        command = (
            [sys.executable, "-m", "bench.fanout", "--serve-in-thread", catalog, str(port)]
            if in_thread
            else [*registre, "serve", "--port", str(port)]
        )
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            before = _rss_mb(server.pid)
            stores = _gql(port, token, "{ dataStores(first: 1) { edges { node { id } } } }", {})
            store_id = stores["data"]["dataStores"]["edges"][0]["node"]["id"]
            started = time.perf_counter()
            scan = "mutation ($id: ID!) { scanDataStore(id: $id) { scanRun { id } } }"
            run_id = _gql(port, token, scan, {"id": store_id})["data"]["scanDataStore"]["scanRun"][
                "id"
            ]
            status = "QUEUED"
            while status in ("QUEUED", "RUNNING"):
                time.sleep(0.5)
                node = _gql(
                    port, token, "query ($id: ID!) { node(id: $id) { ... on ScanRun { status } } }",
                    {"id": run_id},
                )  # fmt: skip
                status = node["data"]["node"]["status"]
            seconds = time.perf_counter() - started
            time.sleep(1)
            after = _rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(30)
    return {
        "mode": "thread of the API" if in_thread else "child process",
        "status": status,
        "scan_s": round(seconds, 1),
        "rss_before_mb": round(before[0]),
        "rss_after_mb": round(after[0]),
        "peak_rss_mb": round(after[1]),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=40)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--api", action="store_true", help="measure the API's memory instead")
    parser.add_argument(
        "--serve-in-thread", nargs=2, metavar=("URL", "PORT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.serve_in_thread:
        serve_in_thread(args.serve_in_thread[0], int(args.serve_in_thread[1]))
        return
    if args.api:
        for in_thread in (True, False):
            print(json.dumps(bench_api(in_thread)), flush=True)
        return
    bench_workers(args)


if __name__ == "__main__":
    main()
