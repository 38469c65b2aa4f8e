"""Build a catalog of a large ministry's size with bulk inserts (for :mod:`bench.scale`).

The rows are :mod:`bench.scale_rows`' (per 1,000,000 fields: 5,000 data stores over 10
domains, 100,000 datasets, 100,000 findings, 3,000 AI systems with their links...).

Rows go in with explicit ids through SQLAlchemy Core ``executemany`` (PostgreSQL: COPY),
then the stored compliance issues are computed by one full refresh (timed: what
``registre compliance refresh`` costs at that size).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Table, insert, text

from registre.bench import scale_rows
from registre.bench.scale_rows import Sizes
from registre.catalog import migrate
from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.access.tokens import create_token
from registre.catalog.compliance.store import refresh
from registre.catalog.db import session_factory, transaction
from registre.catalog.enums import Role
from registre.catalog.exposure.kept import rebuild as rebuild_exposure

CHUNK = 20_000


@dataclass
class Built:
    sizes: Sizes
    token: str
    seconds: float
    refresh_seconds: float
    issues: int


def _chunks(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _copy(engine: Engine, table: Table, rows: Iterator[dict[str, Any]]) -> None:
    """PostgreSQL COPY (text format) of ``rows`` into ``table``."""
    first = next(rows, None)
    if first is None:
        return
    columns = list(first)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        names = ", ".join(f'"{c}"' for c in columns)
        with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            buffer = io.StringIO()
            for n, row in enumerate(_prepend(first, rows)):
                buffer.write("\t".join(_pg_text(row[c]) for c in columns) + "\n")
                if n % CHUNK == CHUNK - 1:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
        raw.commit()
    finally:
        raw.close()


def _prepend(first: dict[str, Any], rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield first
    yield from rows


def _pg_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list | dict):
        value = json.dumps(value)
    elif isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _complete(table: Table, rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Rows with every column: the models' Python-side defaults filled in (COPY applies none)."""
    for row in rows:
        unknown = set(row) - set(table.columns.keys())
        if unknown:
            raise ValueError(f"{table.name} has no column {sorted(unknown)}")
        for column in table.columns:
            if column.name in row or column.default is None:
                continue
            default: Any = column.default
            row[column.name] = default.arg(None) if default.is_callable else default.arg
        yield row


def _load(engine: Engine, table: Table, rows: Iterator[dict[str, Any]]) -> None:
    rows = _complete(table, rows)
    if engine.dialect.name == "postgresql":
        _copy(engine, table, rows)
        return
    with engine.begin() as conn:
        for chunk in _chunks(rows):
            conn.execute(insert(table), chunk)


def build(engine: Engine, fields: int, seed: int = 12, log: Callable[[str], None] = print) -> Built:
    """Migrate ``engine``'s empty database and fill it to ``fields`` fields."""
    started = time.perf_counter()
    sizes = Sizes(fields)
    rng = random.Random(seed)
    migrate.upgrade(engine)
    tables = scale_rows.tables(sizes, rng)
    for model, rows in tables:
        table = model if isinstance(model, Table) else model.__table__
        t0 = time.perf_counter()
        _load(engine, table, rows)
        log(f"  {table.name}: {time.perf_counter() - t0:.1f} s")
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for model, _ in tables:
                if not isinstance(model, Table):
                    name = model.__tablename__
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                            f"(SELECT max(id) FROM {name}))"
                        )
                    )
    factory = session_factory(engine)
    t0 = time.perf_counter()
    with transaction(factory) as session:
        outcome = refresh(session)
        t1 = time.perf_counter()
        # the exposure kept per finding and per dataset: what the same command rebuilds
        rebuild_exposure(session)
    refresh_seconds = time.perf_counter() - t0
    log(
        f"  compliance refresh: {refresh_seconds:.1f} s, {outcome.opened} issues "
        f"(of which the exposure rebuild {time.perf_counter() - t1:.1f} s)"
    )
    with transaction(factory) as session:
        token = create_token(session, CLI_ACTOR, "bench", Role.ADMIN)[1]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    return Built(sizes, token, time.perf_counter() - started, refresh_seconds, outcome.opened)
