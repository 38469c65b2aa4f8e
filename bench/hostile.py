"""The API under attack and under load, against a real server (run on demand, not in CI).

    .venv/bin/python -m registre.bench.hostile [--seconds 20] [--clients 200]

Starts ``registre serve``'s app under uvicorn on 127.0.0.1 (a free port) over a seeded
SQLite catalog in a temporary folder, then sends, one at a time: 100,000 ``__typename``
aliases, 1,000 nested aliases, a 10 MB document, a 100 MB body, JSON nested 100,000 deep;
for each, the status, the time and the server's peak RSS. Then a load of N concurrent
clients for S seconds, read-only and then mixed (reads and mutations): p50/p95 latency,
errors, the server's peak RSS. Loopback only; every loop is bounded.

``PYTHONPATH`` decides which code is measured: the figures of docs/benchmarks.md ran it
once from this branch, once with ``PYTHONPATH`` pointing at the previous release.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx

SEED = textwrap.dedent(
    """
    import sys
    from registre.catalog import migrate
    from registre.catalog.access.roles import CLI_ACTOR
    from registre.catalog.access.tokens import create_token
    from registre.catalog.data import stores
    from registre.catalog.db import make_engine, session_factory, transaction
    from registre.catalog.enums import Role

    engine = make_engine(sys.argv[1])
    migrate.upgrade(engine)
    with transaction(session_factory(engine)) as session:
        print(create_token(session, CLI_ACTOR, "bench", Role.ADMIN)[1])
        store = stores.register_data_store(session, CLI_ACTOR, {"name": "s", "url": "sqlite:///x"})
        for i in range(200):
            data = {"data_store_id": store.id, "name": f"t{i}"}
            stores.register_dataset(session, CLI_ACTOR, data)
    """
)

SERVE = textwrap.dedent(
    """
    import sys, uvicorn
    from registre.config.settings import load_settings
    from registre.graphql.app import create_app
    settings = load_settings()
    try:
        from registre.cli.main import uvicorn_limits
        limits = uvicorn_limits(settings)
    except ImportError:  # a release before the limits
        limits = {}
    uvicorn.run(create_app(settings), host="127.0.0.1", port=int(sys.argv[1]),
                log_level="warning", **limits)
    """
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> tuple[float, float]:
    """Current and peak resident memory of ``pid``, in MB (Linux /proc)."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


class Server:
    def __init__(self, folder: Path) -> None:
        url = f"sqlite:///{folder / 'bench.db'}"
        seeded = subprocess.run(
            [sys.executable, "-c", SEED, url], capture_output=True, text=True, check=True
        )
        self.token = seeded.stdout.strip().splitlines()[-1]
        self.port = _free_port()
        env = {**os.environ, "REGISTRE_DATABASE_URL": url}
        self.process = subprocess.Popen([sys.executable, "-c", SERVE, str(self.port)], env=env)
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(100):
            try:
                httpx.get(f"{self.url}/healthz", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def restart_peak(self) -> None:
        # /proc/<pid>/clear_refs "5" resets VmHWM to the current RSS
        Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")


def _attacks() -> list[tuple[str, bytes]]:
    def body(query: str) -> bytes:
        import json

        return json.dumps({"query": query}).encode()

    aliases = "{ " + " ".join(f"a{i}: __typename" for i in range(100_000)) + " }"
    nested = " ".join(f"a{i}: fields {{ b: name c: name }}" for i in range(1000))
    nested_q = f"{{ datasets(first: 100) {{ edges {{ node {{ {nested} }} }} }} }}"
    big_doc = "{ " + "me { name } " * 800_000 + "}"
    deep = b'{"query": "{ me { name } }", "variables": {"x": ' + b"[" * 100_000
    deep += b"]" * 100_000 + b"}}"
    return [
        ("100,000 aliases", body(aliases)),
        ("1,000 nested aliases", body(nested_q)),
        ("10 MB document", body(big_doc)),
        ("100 MB body", b'{"query": "' + b" " * 100_000_000 + b'"}'),
        ("JSON 100,000 deep", deep),
    ]


def attacks(server: Server) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}
    rows = []
    for name, payload in _attacks():
        server.restart_peak()
        started = time.monotonic()
        try:
            response = httpx.post(f"{server.url}/graphql", content=payload, headers=headers,
                                  timeout=120)  # fmt: skip
            status = str(response.status_code)
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        elapsed = time.monotonic() - started
        rows.append({"attack": name, "status": status, "seconds": elapsed,
                     "peak_rss_mb": _rss_mb(server.process.pid)[1]})  # fmt: skip
    return rows


READ = """{ datasets(first: 20) { totalCount edges { node { name qualifiedName
    fields { name } } } } organisations(first: 10) { totalCount } }"""
WRITE = "mutation($n: String!) { createOrganisation(input: {name: $n}) { organisation { id } } }"


async def load(server: Server, clients: int, seconds: float, mixed: bool) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {server.token}"}
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds
    server.restart_peak()
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=30) as client:

        async def one(worker: int) -> None:
            nonlocal errors
            n = 0
            while time.monotonic() < deadline:
                n += 1
                if mixed and n % 5 == 0:
                    body = {"query": WRITE, "variables": {"n": f"org-{worker}-{n}"}}
                else:
                    body = {"query": READ}
                started = time.monotonic()
                try:
                    response = await client.post("/graphql", json=body, headers=headers)
                    ok = response.status_code == 200 and "errors" not in response.json()
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.monotonic() - started)
                errors += not ok

        await asyncio.gather(*(one(i) for i in range(clients)))
    latencies.sort()
    return {
        "load": "mixed" if mixed else "read-only",
        "requests": len(latencies),
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[int(len(latencies) * 0.95) - 1],
        "errors": errors,
        "peak_rss_mb": _rss_mb(server.process.pid)[1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        server = Server(Path(folder))
        try:
            print("| attack | status | time (s) | server peak RSS (MB) |\n|---|---|---|---|")
            for row in attacks(server):
                print(f"| {row['attack']} | {row['status']} | {row['seconds']:.2f} | "
                      f"{row['peak_rss_mb']:.0f} |")  # fmt: skip
            print("\n| load | requests | p50 (ms) | p95 (ms) | errors | server peak RSS (MB) |")
            print("|---|---|---|---|---|---|")
            for mixed in (False, True):
                r = asyncio.run(load(server, args.clients, args.seconds, mixed))
                print(f"| {r['load']} | {r['requests']} | {r['p50_ms']:.0f} | "
                      f"{r['p95_ms']:.0f} | {r['errors']} | {r['peak_rss_mb']:.0f} |")  # fmt: skip
        finally:
            server.stop()


if __name__ == "__main__":
    main()
