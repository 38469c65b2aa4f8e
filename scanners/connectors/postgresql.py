"""PostgreSQL connector: harvest from ``pg_catalog``, sample with ``TABLESAMPLE SYSTEM``.

The session is read-only (``default_transaction_read_only``) with a
``statement_timeout``. Estimated row counts come from ``pg_class.reltuples``
(never ``count(*)``); -1 (never analysed) is reported as None.

Sampling, per relation (statistics re-read at sample time, so a harvest that is a
little stale does not matter):

* views: their plan is read first (``EXPLAIN``). A view whose plan costs more than
  ``max_view_cost`` is skipped, with the reason recorded; an aggregating one cheaper than
  that is run in full (under the statement timeout) and shuffled. A view over one table
  that shows the table's single-column primary key is sampled through it:
  ``WHERE key IN (SELECT key FROM table TABLESAMPLE SYSTEM (p))``, block sampling as
  below. Any other view, and foreign tables, are read once with rows kept at random
  positions (``row_number() OVER ()``), from the planner's row estimate: spread over the
  whole relation, at the cost of one pass over it;
* small tables (at most ``small_table_pages`` pages on disk *and* about
  ``small_table_rows`` rows): the whole table in random order, ``LIMIT size``; the
  cost is bounded by the page threshold, not by the row count;
* larger tables: ``TABLESAMPLE SYSTEM (p)``, ``p`` chosen from the current size on
  disk and the rows per page of the last ANALYZE so that about ``1.5 x size`` rows
  come back, then shuffled and cut to ``size``. The pages read are proportional to
  ``size``, not to the table. A never-analysed large table is sampled the same way
  with an assumed row density. SYSTEM samples whole pages, so at least ``size / 10``
  pages are drawn (about 10 rows kept from each): at the default size (1,000), a hundred
  pages spread over the table, not a few page-sized clusters.
"""

from __future__ import annotations

import contextlib
import math
import random
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from registre.catalog.data.harvested import ColumnInfo, TableInfo
from registre.catalog.data.scan_errors import ScanErrorKind
from registre.catalog.data.store_urls import url_connect_timeout
from registre.catalog.i18n import Text
from registre.scanners.connectors.base import (
    ROWS_PER_RANGE,
    CancelFlag,
    SampleMethod,
    random_positions,
)
from registre.scanners.connectors.postgresql_sql import (
    AGGREGATING,
    COLUMNS,
    KINDS,
    RELATIONS,
    SINGLE_KEY,
    STATS,
    Shape,
    Stats,
    connect_kind,
    connection_params,
    error_code,
    is_binary,
    plan_nodes,
    select_item,
)
from registre.scanners.connectors.registry import columns_from_rows, redact_url
from registre.scanners.errors import ScanError, missing_extra

if TYPE_CHECKING:
    import psycopg


class PostgresqlConnector:
    """Read-only PostgreSQL connector (psycopg 3). All non-system schemas."""

    kind: ClassVar[str] = "postgresql"
    small_table_rows: ClassVar[int] = 10_000
    small_table_pages: ClassVar[int] = 1_024  # 8 MB with the default 8 kB block
    oversample: ClassVar[float] = 1.5
    min_sampled_pages: ClassVar[int] = 8
    assumed_rows_per_page: ClassVar[int] = 40  # never-analysed large tables only
    #: a view whose plan costs more (PostgreSQL's cost units) is skipped, not sampled
    max_view_cost: ClassVar[float] = 1_000_000.0

    def __init__(self, url: str, *, timeout_s: float = 30, seed: int | None = None) -> None:
        try:
            import psycopg
        except ImportError as exc:
            raise missing_extra(Text("the PostgreSQL connector"), "psycopg", "postgresql") from exc
        self._psycopg = psycopg
        self._seed = seed
        self._rng = random.Random(seed)
        #: how the last sample was drawn (SampleMethod), for the scan's report
        self.sample_method: str | None = None
        self._label = redact_url(url)
        self._cancelled = CancelFlag()
        params = connection_params(url, self._label)
        # The URL may ask for less than the configured timeout, never more (libpq: >= 2 s).
        connect_timeout = max(2, math.ceil(url_connect_timeout(url, timeout_s)))
        try:
            self._conn: psycopg.Connection[Any] = psycopg.connect(
                autocommit=True,
                **(
                    params
                    | {"connect_timeout": connect_timeout, "application_name": "registre-scanner"}
                ),
            )
        except psycopg.Error as exc:
            # Connection errors carry no row values; their first line says what failed.
            # The detail is for admins only (catalog/data/scan_errors.py).
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise ScanError(
                Text(
                    "cannot connect to PostgreSQL at {where}: {error}: {detail}",
                    where=self._label,
                    error=type(exc).__name__,
                    detail=detail,
                ),
                kind=connect_kind(exc),
            ) from None
        try:
            with self._conn.cursor() as cur:
                # set_config() takes bind parameters, SET does not.
                cur.execute("SELECT set_config('default_transaction_read_only', 'on', false)")
                cur.execute(
                    "SELECT set_config('statement_timeout', %s, false)",
                    [str(max(1, int(timeout_s * 1000)))],
                )
                if seed is not None:
                    cur.execute("SELECT setseed(%s)", [random.Random(seed).uniform(-1, 1)])
        except psycopg.Error as exc:
            self._conn.close()
            raise ScanError(
                Text("cannot configure the PostgreSQL session: {error}", error=error_code(exc)),
                cause=exc,
            ) from None

    def cancel(self) -> None:
        """Interrupt the statement in progress (a cancel request to the server); every
        later call raises ScanError (cancelled). Safe from any thread, at any time."""
        self._cancelled.set()
        # Nothing to cancel, or the server is gone: the statement ends either way.
        with contextlib.suppress(self._psycopg.Error):
            self._conn.cancel_safe(timeout=5)

    def _failure(self, message: str, exc: Exception) -> ScanError:
        return self._cancelled.failure(message, error_code(exc), exc)

    # --- harvest -------------------------------------------------------------------

    def list_tables(self) -> Iterator[TableInfo]:
        """Tables, partitioned tables, views, materialized views and foreign tables."""
        self._cancelled.check()
        try:
            with self._conn.cursor() as cur:
                relations = cur.execute(RELATIONS).fetchall()
                columns: dict[int, list[ColumnInfo]] = {}
                for relid, name, position, data_type, notnull in cur.execute(COLUMNS):
                    columns.setdefault(relid, []).append(
                        ColumnInfo(name, position, data_type, nullable=not notnull)
                    )
        except self._psycopg.Error as exc:
            raise self._failure(
                Text("PostgreSQL harvest failed at {where}", where=self._label), exc
            ) from None
        for oid, schema, name, relkind, estimated in relations:
            yield TableInfo(
                schema=schema,
                name=name,
                kind=KINDS[relkind],
                columns=tuple(columns.get(oid, ())),
                estimated_rows=None if estimated is None else int(estimated),
            )

    # --- sampling ------------------------------------------------------------------

    def sample(self, table: TableInfo, size: int) -> dict[str, list[object]]:
        """At most ``size`` rows, by block sampling on large tables (see module doc)."""
        names = [c.name for c in table.columns]
        if size <= 0 or not names:
            return {name: [] for name in names}
        if table.schema is None:
            raise ScanError(
                Text("PostgreSQL table {name!r} has no schema", name=table.name),
                kind=ScanErrorKind.NOT_FOUND,
            )
        label = f"{table.schema}.{table.name}"
        self._cancelled.check()
        self.sample_method = None
        try:
            with self._conn.cursor() as cur:
                row = cur.execute(STATS, [table.schema, table.name]).fetchone()
                if row is None:
                    raise ScanError(
                        Text("PostgreSQL table {name} not found", name=label),
                        kind=ScanErrorKind.NOT_FOUND,
                    )
                relkind, reltuples, relpages, size_bytes, block_size = row
                stats = Stats(
                    relkind,
                    None if reltuples is None else float(reltuples),
                    int(relpages),
                    int(size_bytes) // int(block_size),
                )
                rows = self._sample_rows(cur, table, size, stats)
        except self._psycopg.Error as exc:
            raise self._failure(
                Text("PostgreSQL could not sample {name}", name=label), exc
            ) from None
        self._cancelled.check()
        return columns_from_rows(names, rows)

    def _sample_rows(
        self, cur: psycopg.Cursor[Any], table: TableInfo, size: int, stats: Stats
    ) -> list[tuple[Any, ...]]:
        from psycopg import sql

        relation = sql.Identifier(table.schema or "", table.name)
        # The inner query reads the raw columns (binary ones not at all); the outer one
        # cuts text, after the LIMIT, so only the rows kept pay for it.
        select = sql.SQL(", ").join(select_item(c) for c in table.columns)
        read = [sql.Identifier(c.name) for c in table.columns if not is_binary(c)]
        inner = sql.SQL(", ").join(read) if read else sql.SQL("NULL")
        names = [c.name for c in table.columns if not is_binary(c)]
        shape = Shape(select, inner, relation, names)
        if stats.relkind == "v":
            return self._sample_view(cur, table, size, shape)
        if stats.relkind == "f":
            estimate = stats.reltuples if stats.reltuples is not None else None
            return self._positions(cur, shape, size, estimate)
        return self._sample_table(cur, shape, size, stats)

    def _shuffled(self, cur: psycopg.Cursor[Any], shape: Shape, size: int) -> list[Any]:
        from psycopg import sql

        self.sample_method = SampleMethod.SHUFFLED_WHOLE
        query = sql.SQL("SELECT {} FROM (SELECT {} FROM {} ORDER BY random() LIMIT {}) AS s")
        return cur.execute(
            query.format(shape.select, shape.inner, shape.relation, sql.Literal(size))
        ).fetchall()

    def _percent(self, stats: Stats, size: int) -> float | None:
        """The TABLESAMPLE percentage that draws about ``oversample x size`` rows; None for
        a small table (read whole instead: the page threshold bounds its cost)."""
        density = (
            stats.reltuples / stats.relpages
            if stats.reltuples is not None and stats.relpages > 0
            else None
        )
        estimate = density * stats.pages_now if density is not None else None
        if stats.pages_now <= self.small_table_pages and (
            estimate is None or estimate <= self.small_table_rows
        ):
            return None
        if estimate is None:
            estimate = float(stats.pages_now * self.assumed_rows_per_page)
        # Rows come in whole pages: draw enough pages that each gives about ROWS_PER_RANGE
        # of the rows kept, so that no few pages (clusters of neighbours) make the sample.
        pages = max(self.min_sampled_pages, math.ceil(size / ROWS_PER_RANGE))
        return 100 * max(
            self.oversample * size / max(estimate, 1.0), pages / max(stats.pages_now, 1)
        )

    def _sample_table(
        self, cur: psycopg.Cursor[Any], shape: Shape, size: int, stats: Stats
    ) -> list[tuple[Any, ...]]:
        from psycopg import sql

        percent = self._percent(stats, size)
        if percent is None:
            return self._shuffled(cur, shape, size)
        self.sample_method = SampleMethod.TABLESAMPLE
        rows: list[tuple[Any, ...]] = []
        for _attempt in range(2):  # one retry, wider, if the pages drawn were too few
            percent = min(100.0, percent)
            sampled = sql.SQL(
                "SELECT {} FROM (SELECT {} FROM {} TABLESAMPLE SYSTEM ({}){}"
                " ORDER BY random() LIMIT {}) AS s"
            ).format(
                shape.select,
                shape.inner,
                shape.relation,
                sql.Literal(round(percent, 6)),
                self._repeatable(),
                sql.Literal(size),
            )
            rows = cur.execute(sampled).fetchall()
            if len(rows) >= size or percent >= 100:
                break
            percent *= 4
        return rows

    def _repeatable(self) -> Any:
        from psycopg import sql

        if self._seed is None:
            return sql.SQL("")
        return sql.SQL(" REPEATABLE ({})").format(sql.Literal(self._seed))

    def _sample_view(
        self, cur: psycopg.Cursor[Any], table: TableInfo, size: int, shape: Shape
    ) -> list[tuple[Any, ...]]:
        """A view, from its plan: skipped when too costly, whole when aggregating, by its
        base table's key when it shows one, else at random positions (module doc)."""
        from psycopg import sql

        label = f"{table.schema}.{table.name}"
        explain = sql.SQL("EXPLAIN (FORMAT JSON, VERBOSE) SELECT {} FROM {}")
        explained = cur.execute(explain.format(shape.inner, shape.relation)).fetchone()
        assert explained is not None  # EXPLAIN always answers one row
        plan = explained[0][0]["Plan"]
        nodes = list(plan_nodes(plan))
        cost, estimate = float(plan["Total Cost"]), float(plan["Plan Rows"])
        aggregating = sorted({n["Node Type"] for n in nodes} & AGGREGATING)
        if cost > self.max_view_cost:
            what = (
                Text("an aggregating view ({steps})", steps=list(aggregating))
                if aggregating
                else Text("a view")
            )
            raise ScanError(
                Text(
                    "{name} skipped: {what} whose plan costs {cost}, over the limit of {limit} "
                    "(sampling it would run it in full)",
                    name=label,
                    what=what,
                    cost=f"{cost:.0f}",
                    limit=f"{self.max_view_cost:.0f}",
                ),
                kind=ScanErrorKind.SKIPPED,
            )
        if aggregating:
            rows = self._shuffled(cur, shape, size)
            self.sample_method = SampleMethod.WHOLE_VIEW
            return rows
        bases = {(n.get("Schema"), n["Relation Name"]) for n in nodes if "Relation Name" in n}
        scans = [n for n in nodes if "Relation Name" in n]
        if len(bases) == 1 and len(scans) == 1:
            schema, name = next(iter(bases))
            # what each column of the view is, in the plan's words ("p.id", "(p.id + 0)")
            shown = dict(zip(shape.names, plan.get("Output", ()), strict=False))
            by_key = self._by_base_key(
                cur, size, shape, schema, name, scans[0].get("Alias", name), shown
            )
            if by_key is not None:
                return by_key
        return self._positions(cur, shape, size, estimate)

    def _by_base_key(
        self,
        cur: psycopg.Cursor[Any],
        size: int,
        shape: Shape,
        schema: str | None,
        name: str,
        alias: str,
        shown: dict[str, str],
    ) -> list[tuple[Any, ...]] | None:
        """Sample a view over one table through the table's key, if the view shows it
        unchanged under the key's name; None when it cannot."""
        from psycopg import sql

        if schema is None:
            return None
        key = cur.execute(SINGLE_KEY, [schema, name]).fetchone()
        if key is None or shown.get(key[0], "").replace('"', "") != f"{alias}.{key[0]}":
            return None
        found = cur.execute(STATS, [schema, name]).fetchone()
        if found is None:
            return None
        relkind, reltuples, relpages, size_bytes, block_size = found
        stats = Stats(
            relkind,
            None if reltuples is None else float(reltuples),
            int(relpages),
            int(size_bytes) // int(block_size),
        )
        percent = self._percent(stats, size)
        if percent is None:
            return self._shuffled(cur, shape, size)  # over a small table: cheap whole
        self.sample_method = SampleMethod.TABLESAMPLE_BY_KEY
        ident = sql.Identifier(key[0])
        rows: list[tuple[Any, ...]] = []
        for _attempt in range(2):
            percent = min(100.0, percent)
            query = sql.SQL(
                "SELECT {} FROM (SELECT {} FROM {} WHERE {} IN (SELECT {} FROM {}"
                " TABLESAMPLE SYSTEM ({}){}) ORDER BY random() LIMIT {}) AS s"
            ).format(
                shape.select,
                shape.inner,
                shape.relation,
                ident,
                ident,
                sql.Identifier(schema, name),
                sql.Literal(round(percent, 6)),
                self._repeatable(),
                sql.Literal(size),
            )
            rows = cur.execute(query).fetchall()
            if len(rows) >= size or percent >= 100:
                break
            percent *= 4
        return rows

    def _positions(
        self, cur: psycopg.Cursor[Any], shape: Shape, size: int, estimate: float | None
    ) -> list[tuple[Any, ...]]:
        """One pass over the relation, keeping the rows at random positions."""
        from psycopg import sql

        if estimate is None or estimate <= self.small_table_rows:
            return self._shuffled(cur, shape, size)
        self.sample_method = SampleMethod.RANDOM_POSITIONS
        positions = random_positions(int(estimate), size, self._rng)
        query = sql.SQL(
            "SELECT {} FROM (SELECT {}, row_number() OVER () AS registre_position_ FROM {}) AS s"
            " WHERE registre_position_ = ANY(%s)"
        ).format(shape.select, shape.inner, shape.relation)
        return cur.execute(query, [positions]).fetchall()

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> PostgresqlConnector:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
