"""What the PostgreSQL connector asks the server: its catalog queries (relations, columns,
statistics, keys), the plan nodes that make a view expensive, the libpq parameters of a
store's URL (and of nothing else on the Registre server), and how its errors read; the
pieces of a sampling query, whose select list never reads binary columns and cuts text
server-side."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from registre.catalog.data.harvested import ColumnInfo, TableKind
from registre.catalog.data.scan_errors import ScanErrorKind
from registre.catalog.data.store_urls import check_url_params
from registre.catalog.enums import DataStoreKind
from registre.catalog.errors import InvalidInput
from registre.catalog.i18n import Text
from registre.scanners.connectors.registry import MAX_TEXT_CHARS, url_reason
from registre.scanners.errors import ScanError

KINDS: dict[str, TableKind] = {"r": "table", "p": "table", "f": "table", "v": "view", "m": "view"}

RELATIONS = """
SELECT c.oid, n.nspname, c.relname, c.relkind,
       CASE WHEN c.relkind = 'p' THEN
            (SELECT sum(l.reltuples) FILTER (WHERE l.reltuples >= 0)
               FROM pg_partition_tree(c.oid) t JOIN pg_class l ON l.oid = t.relid
              WHERE t.isleaf)
       WHEN c.relkind IN ('r', 'm') AND c.reltuples >= 0 THEN c.reltuples
       END AS estimated_rows
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
   AND NOT c.relispartition
   AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
 ORDER BY n.nspname, c.relname
"""

COLUMNS = """
SELECT a.attrelid, a.attname, a.attnum, format_type(a.atttypid, a.atttypmod), a.attnotnull
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
   AND NOT c.relispartition
   AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
   AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attrelid, a.attnum
"""

# Statistics and current size of one relation; a partitioned table sums its leaves.
STATS = """
WITH rel AS (
  SELECT c.oid, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = %s AND c.relname = %s
), parts AS (
  SELECT rel.oid AS root, l.oid, l.reltuples, l.relpages
    FROM rel JOIN pg_class l ON l.oid = rel.oid WHERE rel.relkind <> 'p'
  UNION ALL
  SELECT rel.oid, l.oid, l.reltuples, l.relpages
    FROM rel, pg_partition_tree(rel.oid) t JOIN pg_class l ON l.oid = t.relid
   WHERE rel.relkind = 'p' AND t.isleaf
)
SELECT rel.relkind,
       (SELECT sum(reltuples) FILTER (WHERE reltuples >= 0) FROM parts),
       (SELECT coalesce(sum(relpages), 0) FROM parts),
       (SELECT coalesce(sum(pg_relation_size(oid)), 0) FROM parts),
       current_setting('block_size')::int
  FROM rel
"""


# The single-column primary key of a table (a view over it may be sampled through it).
SINGLE_KEY = """
SELECT a.attname
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
 WHERE n.nspname = %s AND c.relname = %s AND i.indisprimary AND i.indnatts = 1
"""

#: plan nodes that make a view aggregate (or otherwise read everything before a first row)
AGGREGATING = frozenset({"Aggregate", "WindowAgg", "SetOp", "Unique", "Group", "Sort"})


def plan_nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from plan_nodes(child)


def connection_params(url: str, label: str) -> dict[str, Any]:
    """libpq parameters from the URL's parts only (and an allow-list of its query).

    Never the server's password sources: the password is the URL's (filled from the
    store's secret reference) or none at all, so libpq consults neither ``PGPASSWORD`` nor
    a ``.pgpass`` file of the Registre server, whatever host a store names.
    """
    try:
        check_url_params(url, DataStoreKind.POSTGRESQL)
        parts = urlsplit(url)
        port = parts.port
    except (InvalidInput, ValueError) as exc:
        raise ScanError(
            Text("invalid PostgreSQL URL {where}: {reason}", where=label, reason=url_reason(exc)),
            kind=ScanErrorKind.INVALID_CONFIGURATION,
        ) from None
    params: dict[str, Any] = {"sslmode": "prefer", **dict(parse_qsl(parts.query))}
    # Every parameter libpq would otherwise take from the server's environment (PGUSER,
    # PGHOSTADDR, PGOPTIONS, ...) or home (.pgpass, ~/.postgresql/postgresql.key) is set
    # here: a store's host gets the store's own credentials and nothing of the server's.
    params.update(
        host=parts.hostname or "",  # checked: a name or an address, never a socket path
        hostaddr="",
        port=port or 5432,
        dbname=unquote(parts.path.lstrip("/")),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        options="",
        # a path that can never exist: libpq then reads no password file, silently
        passfile=os.path.join(os.devnull, "registre-reads-no-passfile"),
        sslcertmode="disable",  # never present the server's client certificate
        gssencmode="disable",
        # password-based methods only: no Kerberos/GSS ticket of the server is used
        require_auth="none,password,md5,scram-sha-256",
    )
    if not params["host"]:
        params.pop("host")  # the local socket: admins only (checked at registration)
    return params


def connect_kind(exc: Exception) -> ScanErrorKind:
    """Why a connection failed. psycopg keeps no SQLSTATE for it, so libpq's text is read:
    a ``FATAL`` came from a PostgreSQL server (so it was reached), anything else did not."""
    if type(exc).__name__ == "ConnectionTimeout" or "timeout expired" in str(exc):
        return ScanErrorKind.TIMEOUT
    text = str(exc)
    if "FATAL" not in text:
        return ScanErrorKind.UNREACHABLE  # refused, reset, unknown host, not PostgreSQL
    if "pg_hba.conf" in text:
        return ScanErrorKind.PERMISSION_DENIED
    if "database" in text and "does not exist" in text:
        return ScanErrorKind.NOT_FOUND
    return ScanErrorKind.AUTHENTICATION_FAILED  # unknown role, wrong password


def error_code(exc: Exception) -> str:
    """Error class and SQLSTATE only: PostgreSQL messages can echo row values."""
    sqlstate = getattr(exc, "sqlstate", None)
    if sqlstate == "57014":
        return f"{type(exc).__name__} (SQLSTATE {sqlstate}: statement timeout)"
    return f"{type(exc).__name__} (SQLSTATE {sqlstate})" if sqlstate else type(exc).__name__


@dataclass(frozen=True)
class Shape:
    """The pieces of a sampling query: outer select list, inner columns, relation."""

    select: Any
    inner: Any
    relation: Any
    names: list[str]  # the inner columns, in order


@dataclass(frozen=True)
class Stats:
    relkind: str
    reltuples: float | None  # None: never analysed
    relpages: int
    pages_now: int


def select_item(column: ColumnInfo) -> Any:
    """Binary columns are not read at all; text is cut server-side."""
    from psycopg import sql

    ident = sql.Identifier(column.name)
    data_type = column.data_type.lower()
    if is_binary(column):
        return sql.SQL("NULL AS {}").format(ident)
    is_text = data_type == "text" or data_type.startswith(("character", "varchar", "char"))
    if is_text and not data_type.endswith("]"):
        return sql.SQL("left({}::text, {}) AS {}").format(ident, sql.Literal(MAX_TEXT_CHARS), ident)
    return ident


def is_binary(column: ColumnInfo) -> bool:
    return column.data_type.lower() == "bytea"
