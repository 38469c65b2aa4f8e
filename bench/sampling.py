"""Benchmark: the PostgreSQL connector's sample cost does not grow with the table.

Run from the repository root: ``python -m bench.sampling`` (or ``python
bench/sampling.py``). It creates its own database on the server named by
``REGISTRE_BENCH_PG_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``),
fills 10,000-, 200,000- and 2,000,000-row tables with ``generate_series``, ANALYZEs them,
times ``sample(size=1000)`` on each (median of several repetitions, warm cache) next
to the naive ``ORDER BY random() LIMIT 1000``, prints a table, and drops the database.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import sql

from registre.scanners.connectors.registry import connector_for

ADMIN_URL = os.environ.get("REGISTRE_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
TABLES = {"agents_10k": 10_000, "agents_200k": 200_000, "agents_2m": 2_000_000}

_FILL = """
CREATE TABLE {table} (
    id bigint PRIMARY KEY,
    nom text NOT NULL,
    courriel text,
    commune text,
    naissance date
);
INSERT INTO {table}
SELECT g, 'Agent ' || g, 'agent' || g || '@exemple.fr',
       (ARRAY['Lyon', 'Nîmes', 'Brest', 'Saint-Étienne'])[1 + g % 4],
       date '1950-01-01' + (g % 20000)
  FROM generate_series(1, {rows}) AS g;
ANALYZE {table};
"""


def _median_ms(run: Callable[[], int], repeat: int) -> tuple[float, int]:
    run()  # warm-up: same cache state for every measured run
    timings, rows = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        rows = run()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), rows


def _with_dbname(url: str, dbname: str) -> str:
    return f"{url.rpartition('/')[0]}/{dbname}"


def _print_results(
    args: argparse.Namespace,
    server: Any,
    sizes: dict[str, Any],
    infos: dict[str, Any],
    measured: dict[str, tuple[float, int]],
    naive: dict[str, tuple[float, int]],
) -> None:
    print()
    print(
        f"machine: {os.cpu_count()} CPU, {platform.system()} {platform.machine()}; "
        f"PostgreSQL {server[0] if server else '?'}; Python {platform.python_version()}"
    )
    print(
        f"sample(size={args.size}): median of {args.repeat} runs after a warm-up; "
        "naive ORDER BY random(): median of "
        f"{max(3, args.repeat // 3)}"
    )
    header = (
        f"{'table':<12} {'rows':>10} {'heap MB':>8} {'estimated':>10} "
        f"{'sample ms':>10} {'rows back':>9} {'naive ms':>9}"
    )
    print(header)
    print("-" * len(header))
    for name, rows in TABLES.items():
        size_row = sizes[name]
        heap_mb = (size_row[0] if size_row else 0) / 2**20
        ms, got = measured[name]
        print(
            f"{name:<12} {rows:>10,} {heap_mb:>8.1f} {infos[name].estimated_rows or 0:>10,} "
            f"{ms:>10.1f} {got:>9} {naive[name][0]:>9.1f}"
        )
    small, large = measured["agents_10k"][0], measured["agents_2m"][0]
    print(f"\nsample cost ratio 2M / 10k = {large / small:.2f} (table size ratio 200)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="rows per sample")
    parser.add_argument("--repeat", type=int, default=9, help="measured runs per table")
    args = parser.parse_args(argv)

    admin = psycopg.connect(ADMIN_URL, autocommit=True)
    dbname = f"registre_bench_{uuid.uuid4().hex[:8]}"
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    url = _with_dbname(ADMIN_URL, dbname)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            for table, rows in TABLES.items():
                start = time.perf_counter()
                conn.execute(_FILL.format(table=table, rows=rows).encode())
                print(f"created {table}: {rows:,} rows in {time.perf_counter() - start:.1f} s")
            server = conn.execute("SHOW server_version").fetchone()
            sizes = {
                table: conn.execute("SELECT pg_relation_size(%s::regclass)", [table]).fetchone()
                for table in TABLES
            }
            naive: dict[str, tuple[float, int]] = {}
            for table in TABLES:
                query = sql.SQL("SELECT * FROM {} ORDER BY random() LIMIT {}").format(
                    sql.Identifier(table), sql.Literal(args.size)
                )
                naive[table] = _median_ms(
                    lambda q=query: len(conn.execute(q).fetchall()), max(3, args.repeat // 3)
                )

        connector = connector_for(url)
        try:
            infos = {t.name: t for t in connector.list_tables() if t.name in TABLES}
            measured = {
                name: _median_ms(
                    lambda t=infos[name]: len(connector.sample(t, args.size)["id"]), args.repeat
                )
                for name in TABLES
            }
        finally:
            connector.close()

        _print_results(args, server, sizes, infos, measured, naive)
    finally:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))
        )
        admin.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
