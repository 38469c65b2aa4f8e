"""One set of URL rules for every store engine, for stewards and admins alike.

A steward must not reach the Registre server's own local database as the server's OS user
(no host, or no user), smuggle a folder path behind a database scheme, or hand the driver
parameters that read the server's files; every refusal names what was wrong.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from registre.catalog import migrate
from registre.catalog.access.roles import CLI_ACTOR, Actor
from registre.catalog.data.store_urls import url_connect_timeout
from registre.catalog.data.stores import register_data_store
from registre.catalog.db import make_engine, session_factory
from registre.catalog.enums import DataStoreKind, Role
from registre.catalog.errors import InvalidInput, PermissionDenied

STEWARD = Actor(name="steward", role=Role.STEWARD)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    engine = make_engine(f"sqlite:///{tmp_path / 'catalog.db'}")
    migrate.upgrade(engine)
    with session_factory(engine)() as session:
        yield session
    engine.dispose()


def _register(session: Session, url: str, actor: Actor = STEWARD) -> DataStoreKind:
    store = register_data_store(session, actor, {"name": f"s-{uuid.uuid4().hex[:8]}", "url": url})
    return store.kind


@pytest.mark.parametrize(
    ("url", "refusal"),
    [
        ("mysql:///paie", "name the host of the MySQL/MariaDB store"),
        ("mariadb:///paie", "name the host of the MySQL/MariaDB store"),
        ("mysql://127.0.0.1/paie", "name the user to connect as (mysql://user@host/db)"),
        ("mysql://:3306/paie", "name the host"),
        ("postgresql:///paie", "server's own socket"),
        ("postgresql://pg.interne/paie", "name the user to connect as (postgresql://"),
    ],
)
def test_steward_needs_a_host_and_a_user_on_every_server_engine(
    session: Session, url: str, refusal: str
) -> None:
    with pytest.raises(PermissionDenied) as raised:
        _register(session, url)
    assert refusal in str(raised.value)


def test_admin_may_keep_a_local_store_steward_may_name_one(session: Session) -> None:
    assert _register(session, "mysql:///paie", CLI_ACTOR) is DataStoreKind.MYSQL
    assert _register(session, "postgresql:///paie", CLI_ACTOR) is DataStoreKind.POSTGRESQL
    assert _register(session, "mysql://lecteur@db.interne:3307/paie") is DataStoreKind.MYSQL
    assert _register(session, "mariadb://lecteur@10.0.0.5/paie") is DataStoreKind.MYSQL


@pytest.mark.parametrize("actor", [STEWARD, CLI_ACTOR], ids=["steward", "admin"])
@pytest.mark.parametrize(
    ("url", "refusal"),
    [
        ("mysql:relative/path", "a MySQL/MariaDB URL has '//' after the scheme"),
        ("mysql:/srv/data", "a MySQL/MariaDB URL has '//' after the scheme"),
        ("postgresql:relative", "a PostgreSQL URL has '//' after the scheme"),
        ("sqlite:relative.db", "a SQLite URL has '//' after the scheme"),
        ("file:relative/data", "a file URL names an absolute path"),
        ("file://serveur/partage", "not host serveur"),
        ("mysql://u@h/", "a MySQL/MariaDB URL names one database"),
        ("mysql://u@h/a/b", "a MySQL/MariaDB URL names one database"),
        ("mysql://u@%2Ftmp%2Fmysql.sock/db", "host name or an IP address"),
        ("mysql://u@h1,h2/db", "host name or an IP address"),
    ],
)
def test_the_url_shape_matches_the_engine(
    session: Session, actor: Actor, url: str, refusal: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        _register(session, url, actor)
    assert refusal in str(raised.value), str(raised.value)


@pytest.mark.parametrize(
    "query",
    [
        "read_default_file=/etc/mysql/debian.cnf",
        "unix_socket=/run/mysqld/mysqld.sock",
        "local_infile=1",
        "ssl_key=/etc/ssl/private/server.key",
        "init_command=SET+GLOBAL+x%3D1",
        "charset=utf8mb4&bind_address=10.0.0.1",
    ],
)
def test_mysql_parameters_outside_the_allow_list_are_refused(session: Session, query: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        _register(session, f"mysql://lecteur@db.interne/paie?{query}", CLI_ACTOR)
    message = str(raised.value)
    assert "not allowed in a MySQL/MariaDB store URL" in message
    assert "allowed: charset, connect_timeout, ssl_mode" in message


@pytest.mark.parametrize(
    ("query", "refusal"),
    [
        ("charset=big5", "charset='big5' is not supported; use one of latin1, utf8"),
        ("ssl_mode=SOMETIMES", "ssl_mode='SOMETIMES' is not supported; use one of DISABLED"),
        ("connect_timeout=abc", "connect_timeout is a whole number of seconds above 0"),
        ("connect_timeout=0", "connect_timeout is a whole number of seconds above 0"),
        ("connect_timeout=", "connect_timeout is a whole number of seconds above 0"),
    ],
)
def test_mysql_parameter_values_are_checked(session: Session, query: str, refusal: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        _register(session, f"mysql://lecteur@db.interne/paie?{query}")
    assert refusal in str(raised.value)


def test_postgresql_parameter_values_are_checked(session: Session) -> None:
    with pytest.raises(InvalidInput, match="sslmode='sometimes' is not supported"):
        _register(session, "postgresql://u@h/db?sslmode=sometimes")
    with pytest.raises(InvalidInput, match="connect_timeout is a whole number"):
        _register(session, "postgresql://u@h/db?connect_timeout=-1")


def test_allowed_parameters_are_accepted(session: Session) -> None:
    url = "mysql://lecteur@db.interne/paie?charset=latin1&ssl_mode=REQUIRED&connect_timeout=5"
    assert _register(session, url) is DataStoreKind.MYSQL
    url = "postgresql://lecteur@pg.interne/paie?sslmode=require&connect_timeout=100000"
    assert _register(session, url) is DataStoreKind.POSTGRESQL


def test_a_url_connect_timeout_only_lowers_the_configured_one() -> None:
    # Accepted at registration (the setting may change later), clamped at connect time.
    assert url_connect_timeout("postgresql://u@h/db?connect_timeout=100000", 30) == 30
    assert url_connect_timeout("mysql://u@h/db?connect_timeout=100000", 7.5) == 7.5
    assert url_connect_timeout("mysql://u@h/db?connect_timeout=5", 30) == 5
    assert url_connect_timeout("mysql://u@h/db", 30) == 30
