"""What the MySQL/MariaDB connector asks the server and how it reads the answers: the
relation kinds and column types it knows, the select list that never reads binary columns
and cuts text server-side, PyMySQL's arguments from a store's URL (and from nothing else on
the Registre server), TLS as ``ssl_mode`` asks, and how its errors read."""

from __future__ import annotations

import math
import re
import ssl
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from registre.catalog.data.harvested import ColumnInfo, TableKind
from registre.catalog.data.scan_errors import ScanErrorKind
from registre.catalog.data.store_urls import check_url_params, url_connect_timeout
from registre.catalog.enums import DataStoreKind
from registre.catalog.errors import InvalidInput
from registre.catalog.i18n import Text
from registre.scanners.connectors.registry import MAX_TEXT_CHARS, url_reason
from registre.scanners.errors import ScanError

SSL_UNSUPPORTED = 2026  # CR_SSL_CONNECTION_ERROR: the server offers no TLS

KINDS: dict[str, TableKind] = {"BASE TABLE": "table", "SYSTEM VERSIONED": "table", "VIEW": "view"}
INTEGER_TYPES = {"tinyint", "smallint", "mediumint", "int", "integer", "bigint"}
BINARY = re.compile(
    r"^((tiny|medium|long)?blob|(var)?binary|bit|geometry|geometrycollection|point|"
    r"linestring|polygon|multipoint|multilinestring|multipolygon)\b",
    re.IGNORECASE,
)
TEXT = re.compile(r"^((var)?char|(tiny|medium|long)?text)\b", re.IGNORECASE)


def quote(name: str) -> str:
    """A MySQL identifier: backticks, inner backticks doubled."""
    return "`" + name.replace("`", "``") + "`"


def select_item(column: ColumnInfo) -> str:
    """Binary columns are not read at all; text is cut server-side."""
    ident = quote(column.name)
    if BINARY.match(column.data_type):
        return f"NULL AS {ident}"
    if TEXT.match(column.data_type):
        return f"LEFT({ident}, {MAX_TEXT_CHARS}) AS {ident}"
    return ident


def decoded(value: object) -> str:
    """information_schema values; some MySQL 8 columns come back as bytes."""
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace")
    return "" if value is None else str(value)


def error_code(exc: Exception) -> str:
    """Error class and server code only: MySQL messages can echo row values."""
    code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
    timeouts = {1969: "max_statement_time exceeded", 3024: "max_execution_time exceeded"}
    if code in timeouts:
        return f"{type(exc).__name__} ({code}: {timeouts[code]})"
    return f"{type(exc).__name__} ({code})" if code is not None else type(exc).__name__


def connect_args(url: str, label: str, timeout_s: float) -> tuple[dict[str, Any], str]:
    """PyMySQL's arguments from the URL, after the catalog's rules (host, parameters).

    Only what the URL says, and the parameters allowed by
    :data:`~registre.catalog.data.store_urls.MYSQL_URL_PARAMS`: never an option file, a
    socket path or a client key of the Registre server. Timeouts are the configured ones;
    the URL's ``connect_timeout`` may only lower the connect timeout.
    """
    try:
        check_url_params(url, DataStoreKind.MYSQL)
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 3306
    except (InvalidInput, ValueError) as exc:
        raise ScanError(
            Text("invalid MySQL URL {where}: {reason}", where=label, reason=url_reason(exc)),
            kind=ScanErrorKind.INVALID_CONFIGURATION,
        ) from None
    query = dict(parse_qsl(parts.query))
    ssl_mode = query.get("ssl_mode", "PREFERRED")
    args = {
        "host": host,
        "port": port,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "database": unquote(parts.path.lstrip("/")),
        "charset": query.get("charset", "utf8mb4"),
        "connect_timeout": max(1, math.ceil(url_connect_timeout(url, timeout_s))),
        # a safety net behind the server's statement cap, which answers first and clearly
        "read_timeout": math.ceil(timeout_s) + 5,
        "write_timeout": math.ceil(timeout_s) + 5,
        "autocommit": True,
        "local_infile": False,
        "ssl": ssl_context(ssl_mode),
        "ssl_disabled": ssl_mode == "DISABLED",
    }
    return args, ssl_mode


def ssl_context(ssl_mode: str) -> ssl.SSLContext | None:
    """TLS as ``ssl_mode`` asks (MySQL's client names); PyMySQL upgrades when it can."""
    if ssl_mode == "DISABLED":
        return None
    context = ssl.create_default_context()  # the system's CAs, never a key of the server
    if ssl_mode in ("PREFERRED", "REQUIRED"):
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif ssl_mode == "VERIFY_CA":
        context.check_hostname = False
    return context


def connect_detail(exc: Exception) -> str:
    """Connection errors carry no row values: keep the server's message."""
    if len(exc.args) >= 2:
        return f"{type(exc).__name__} ({exc.args[0]}): {exc.args[1]}"
    return f"{type(exc).__name__}: {exc}"
