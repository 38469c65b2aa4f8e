"""The one error a scanner step raises for a failure it understands, and its kind."""

from __future__ import annotations

import errno
import socket
import sqlite3
from typing import Any

from registre.catalog.data.scan_errors import ScanErrorKind
from registre.catalog.i18n import Text


class ScanError(Exception):
    """A scanner step failed; the message is safe to store (never a sampled value).

    ``kind`` says why in words every role may read; it is classified from ``cause``
    (the driver's exception) when not given. The message itself is for admins only
    (see :mod:`registre.catalog.data.scan_errors`).
    """

    def __init__(
        self,
        message: str,
        *,
        kind: ScanErrorKind | None = None,
        cause: BaseException | None = None,
    ) -> None:
        super().__init__(message)
        if kind is None:
            kind = error_kind(cause) if cause is not None else ScanErrorKind.INTERNAL
        self.kind = kind


def missing_extra(what: Text, package: str, extra: str) -> ScanError:
    """The error for an optional driver that is not installed: the extra that brings it
    (``install registre[mysql]``), never an ImportError at start-up."""
    return ScanError(
        Text(
            "{what} needs {package}: install registre[{extra}]",
            what=what,
            package=package,
            extra=extra,
        )
    )


# SQLSTATE classes and codes (PostgreSQL, and MySQL's own SQLSTATEs where it has them)
_SQLSTATE = {
    "57014": ScanErrorKind.TIMEOUT,  # query_canceled: statement_timeout (or a cancel)
    "28000": ScanErrorKind.AUTHENTICATION_FAILED,  # invalid authorization (unknown role...)
    "28P01": ScanErrorKind.AUTHENTICATION_FAILED,  # invalid_password
    "42501": ScanErrorKind.PERMISSION_DENIED,  # insufficient_privilege
    "3D000": ScanErrorKind.NOT_FOUND,  # invalid_catalog_name: no such database
    "42P01": ScanErrorKind.NOT_FOUND,  # undefined_table
    "3F000": ScanErrorKind.NOT_FOUND,  # invalid_schema_name
    "55P03": ScanErrorKind.TIMEOUT,  # lock_not_available
    "57P01": ScanErrorKind.UNREACHABLE,  # admin_shutdown
    "57P03": ScanErrorKind.UNREACHABLE,  # cannot_connect_now
}
_SQLSTATE_CLASSES = {
    "08": ScanErrorKind.UNREACHABLE,  # connection exception
    "22": ScanErrorKind.INVALID_DATA,  # data exception
    "28": ScanErrorKind.AUTHENTICATION_FAILED,
    "42": ScanErrorKind.NOT_FOUND,  # syntax error or access rule: mostly undefined objects
    "53": ScanErrorKind.INTERNAL,  # insufficient resources
}

# MySQL / MariaDB error numbers (server 1xxx-4xxx, client 2xxx)
_MYSQL_CODES = {
    1044: ScanErrorKind.PERMISSION_DENIED,  # access denied to database
    1045: ScanErrorKind.AUTHENTICATION_FAILED,  # access denied for user
    1049: ScanErrorKind.NOT_FOUND,  # unknown database
    1142: ScanErrorKind.PERMISSION_DENIED,  # command denied
    1143: ScanErrorKind.PERMISSION_DENIED,  # column access denied
    1146: ScanErrorKind.NOT_FOUND,  # table does not exist
    1356: ScanErrorKind.INVALID_DATA,  # view references invalid objects
    1317: ScanErrorKind.CANCELLED,  # query execution was interrupted (KILL QUERY)
    1969: ScanErrorKind.TIMEOUT,  # max_statement_time exceeded (MariaDB)
    3024: ScanErrorKind.TIMEOUT,  # max_execution_time exceeded (MySQL)
    1205: ScanErrorKind.TIMEOUT,  # lock wait timeout
    1226: ScanErrorKind.PERMISSION_DENIED,  # user resource limit
    1129: ScanErrorKind.PERMISSION_DENIED,  # host blocked
    1130: ScanErrorKind.PERMISSION_DENIED,  # host not allowed to connect
    2003: ScanErrorKind.UNREACHABLE,  # can't connect
    2005: ScanErrorKind.UNREACHABLE,  # unknown host
    2006: ScanErrorKind.UNREACHABLE,  # server has gone away
    2013: ScanErrorKind.UNREACHABLE,  # lost connection during query
    2026: ScanErrorKind.INVALID_CONFIGURATION,  # TLS asked (ssl_mode) but not offered
}

_ERRNO = {
    errno.ECONNREFUSED: ScanErrorKind.UNREACHABLE,
    errno.ECONNRESET: ScanErrorKind.UNREACHABLE,
    errno.EHOSTUNREACH: ScanErrorKind.UNREACHABLE,
    errno.ENETUNREACH: ScanErrorKind.UNREACHABLE,
    errno.ETIMEDOUT: ScanErrorKind.TIMEOUT,
    errno.EACCES: ScanErrorKind.PERMISSION_DENIED,
    errno.EPERM: ScanErrorKind.PERMISSION_DENIED,
    errno.ENOENT: ScanErrorKind.NOT_FOUND,
    errno.ENOTDIR: ScanErrorKind.NOT_FOUND,
    errno.ELOOP: ScanErrorKind.PERMISSION_DENIED,  # a symlink refused by O_NOFOLLOW
}


def error_kind(exc: BaseException) -> ScanErrorKind:
    """Classify a driver's or the system's exception, without reading its message."""
    if isinstance(exc, ScanError):
        return exc.kind
    if isinstance(exc, TimeoutError | socket.timeout):
        return ScanErrorKind.TIMEOUT
    if isinstance(exc, UnicodeError | ValueError) and not isinstance(exc, OSError):
        return ScanErrorKind.INVALID_DATA
    if isinstance(exc, sqlite3.Error):
        return _sqlite_kind(exc)
    sqlstate = getattr(exc, "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate:
        return _SQLSTATE.get(sqlstate) or _SQLSTATE_CLASSES.get(
            sqlstate[:2], ScanErrorKind.INTERNAL
        )
    module = type(exc).__module__ or ""
    if module.startswith("pymysql"):
        return _mysql_kind(exc)
    if module.startswith("psycopg"):
        # No SQLSTATE: the connection itself failed (refused, reset, not PostgreSQL)
        name = type(exc).__name__
        if name == "ConnectionTimeout":
            return ScanErrorKind.TIMEOUT
        if name in ("OperationalError", "InterfaceError"):
            return ScanErrorKind.UNREACHABLE
        return ScanErrorKind.INTERNAL
    if isinstance(exc, OSError):
        return _ERRNO.get(exc.errno or 0, ScanErrorKind.UNREACHABLE)
    if module.startswith("pyarrow"):
        return ScanErrorKind.INVALID_DATA
    return ScanErrorKind.INTERNAL


def _mysql_kind(exc: Any) -> ScanErrorKind:
    args = getattr(exc, "args", ())
    code = args[0] if args and isinstance(args[0], int) else None
    cause = exc.__cause__ or exc.__context__
    if code in (2003, 2013) and isinstance(cause, TimeoutError | socket.timeout):
        return ScanErrorKind.TIMEOUT  # PyMySQL's "lost connection" after a socket timeout
    if code in _MYSQL_CODES:
        return _MYSQL_CODES[code]
    if cause is not None and not isinstance(cause, type(exc)):
        return error_kind(cause)
    if type(exc).__name__ in ("OperationalError", "InterfaceError", "InternalError"):
        return ScanErrorKind.UNREACHABLE  # the protocol broke: not a (working) server
    return ScanErrorKind.INTERNAL


def _sqlite_kind(exc: sqlite3.Error) -> ScanErrorKind:
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name == "SQLITE_INTERRUPT":
        return ScanErrorKind.TIMEOUT
    if name in ("SQLITE_NOTADB", "SQLITE_CORRUPT", "SQLITE_MISMATCH"):
        return ScanErrorKind.INVALID_DATA
    if name in ("SQLITE_CANTOPEN",):
        return ScanErrorKind.NOT_FOUND
    if name in ("SQLITE_PERM", "SQLITE_AUTH", "SQLITE_READONLY"):
        return ScanErrorKind.PERMISSION_DENIED
    if name in ("SQLITE_BUSY", "SQLITE_LOCKED"):
        return ScanErrorKind.TIMEOUT
    if name == "SQLITE_ERROR":
        return ScanErrorKind.NOT_FOUND  # no such table/column/function
    return ScanErrorKind.INTERNAL
