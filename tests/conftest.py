"""Shared fixtures: real database servers, each test run in its own database.

Tests that need PostgreSQL or MariaDB skip with a reason when the server is
unreachable, except when ``REGISTRE_REQUIRE_SERVICES=1`` (set by ``.ci/run``), where
they fail instead: CI must never go green by skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

PG_ADMIN_URL = os.environ.get("REGISTRE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
MYSQL_ADMIN_URL = os.environ.get("REGISTRE_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test")
REQUIRE_SERVICES = os.environ.get("REGISTRE_REQUIRE_SERVICES") == "1"


def _unavailable(what: str, exc: Exception) -> None:
    message = f"{what} unreachable ({type(exc).__name__}: {exc})"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message}; REGISTRE_REQUIRE_SERVICES=1 forbids skipping", pytrace=False)
    pytest.skip(message)


def _with_dbname(url: str, dbname: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{dbname}"


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """URL of a fresh PostgreSQL database for this test run, dropped at the end."""
    try:
        import psycopg

        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except Exception as exc:  # noqa: BLE001 - any connection failure means "unreachable"
        _unavailable(f"PostgreSQL at {PG_ADMIN_URL}", exc)
    name = f"registre_t_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_dbname(PG_ADMIN_URL, name)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="session")
def mysql_server_url() -> Iterator[str]:
    """URL of a fresh MariaDB/MySQL database for this test run, dropped at the end."""
    from urllib.parse import urlparse

    parsed = urlparse(MYSQL_ADMIN_URL)
    try:
        import pymysql

        admin = pymysql.connect(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 3306,
            user=parsed.username or "root",
            password=parsed.password or "",
            connect_timeout=3,
            autocommit=True,
        )
    except Exception as exc:  # noqa: BLE001
        _unavailable(f"MariaDB at {MYSQL_ADMIN_URL}", exc)
    name = f"registre_t_{uuid.uuid4().hex[:10]}"
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    try:
        yield _with_dbname(MYSQL_ADMIN_URL, name)
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        admin.close()
