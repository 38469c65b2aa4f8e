"""Over HTTP, for :mod:`bench.scale`: the server (uvicorn in a child process, recording
its garbage-collection pauses), queries and writes timed, the pauses of a time window."""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2 as httpx

from registre.bench.scale_queries import Query

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(url: str, gc_file: Path) -> Iterator[str]:
    port = free_port()
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


def pauses(gc_file: Path, window: tuple[float, float]) -> dict[str, list[float]]:
    """The server's GC pauses during ``window`` (the timed requests only, not start-up's own
    collect-and-freeze), by row of :data:`GC_ROWS`: "2 idle", the full collections run
    between requests (graphql/collector.py); "cpu N", the CPU time of the pauses (the rest
    is waiting for a core)."""
    found: dict[str, list[float]] = {k: [] for k in GC_ROWS}
    for at, generation, pause, cpu, idle in json.loads(gc_file.read_text()):
        if window[0] <= at <= window[1]:
            key = f"{generation} idle" if idle else str(generation)
            found[key].append(pause)
            found[f"cpu {key}"].append(cpu)
    return found
