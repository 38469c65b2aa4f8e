"""The database servers of the test run: PostgreSQL (catalog and scanned store) and
MariaDB (scanned store only: the catalog does not run on MariaDB).

A test that needs a server skips with a reason when it is unreachable, except when
``REGISTRE_REQUIRE_SERVICES=1`` (set by ``.ci/run``), where it fails instead: CI must never
go green by skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn
from urllib.parse import urlparse

import pytest

PG_ADMIN_URL = os.environ.get("REGISTRE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
MYSQL_ADMIN_URL = os.environ.get("REGISTRE_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test")
REQUIRE_SERVICES = os.environ.get("REGISTRE_REQUIRE_SERVICES") == "1"


def unavailable(what: str, exc: Exception) -> NoReturn:
    """Skip the test (or fail it under ``REGISTRE_REQUIRE_SERVICES=1``)."""
    message = f"{what} unreachable ({type(exc).__name__}: {exc})"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message}; REGISTRE_REQUIRE_SERVICES=1 forbids skipping", pytrace=False)
    pytest.skip(message)


def with_dbname(url: str, dbname: str) -> str:
    """``url`` pointing at the database ``dbname`` of the same server."""
    base, _, _ = url.rpartition("/")
    return f"{base}/{dbname}"


def unique_name(prefix: str = "registre_t") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


@contextmanager
def pg_database() -> Iterator[str]:
    """URL of a fresh PostgreSQL database, dropped at the end."""
    try:
        import psycopg

        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except Exception as exc:  # noqa: BLE001 - any connection failure means "unreachable"
        unavailable(f"PostgreSQL at {PG_ADMIN_URL}", exc)
    name = unique_name()
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_dbname(PG_ADMIN_URL, name)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _mysql_admin() -> Any:
    parsed = urlparse(MYSQL_ADMIN_URL)
    import pymysql

    return pymysql.connect(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 3306,
        user=parsed.username or "root",
        password=parsed.password or "",
        connect_timeout=3,
        autocommit=True,
    )


@contextmanager
def mysql_database() -> Iterator[str]:
    """URL of a fresh MariaDB/MySQL database, dropped at the end."""
    try:
        admin = _mysql_admin()
    except Exception as exc:  # noqa: BLE001
        unavailable(f"MariaDB at {MYSQL_ADMIN_URL}", exc)
    name = unique_name()
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    try:
        yield with_dbname(MYSQL_ADMIN_URL, name)
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        admin.close()
