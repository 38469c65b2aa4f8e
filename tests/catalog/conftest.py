"""Catalog databases for the catalog tests, on SQLite and PostgreSQL.

Each test gets its own database: a SQLite file in a temporary directory, or a PostgreSQL
database on the server of ``pg_server_url``, dropped after the test. Migrating and seeding
happen once per run in a template (a file copied, or ``CREATE DATABASE ... TEMPLATE``), so
a test costs a copy, not a migration.

A test module seeds its catalogs by overriding the ``catalog_seed`` fixture with a function
``seed(session) -> payload``; the payload (ids, tokens) is ``catalog.payload``.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from registre.catalog import migrate
from registre.catalog.db import make_engine, session_factory, transaction

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

Seed = Callable[[Session], Any]


def _with_dbname(url: str, dbname: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{dbname}"


def _fast(engine: Engine) -> Engine:
    """No fsync on a throw-away test database: durability is not under test, speed is."""

    @event.listens_for(engine, "connect")
    def _no_sync(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA synchronous=OFF")

    return engine


class Databases:
    """Creates and drops the catalog databases of a test run."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.prefix = f"registre_c_{uuid.uuid4().hex[:8]}"
        self._templates: dict[tuple[str, str], tuple[str, Any]] = {}
        self._admin: Any = None
        self._pg_url = ""
        self._pg_names: list[str] = []
        self._shared: dict[str, Engine] = {}

    def _admin_for(self, pg_url: str) -> Any:
        if self._admin is None:
            import psycopg

            # the maintenance database: pg_server_url's own database may be dropped first
            self._admin = psycopg.connect(_with_dbname(pg_url, "postgres"), autocommit=True)
            self._pg_url = pg_url
        return self._admin

    def create(
        self, backend: str, pg_url: str | None, template: str | None = None
    ) -> tuple[str, Engine]:
        """A new database (a copy of ``template`` if given): its name and an engine."""
        name = f"{self.prefix}_{uuid.uuid4().hex[:10]}"
        if backend == "sqlite":
            path = self.directory / f"{name}.db"
            if template is not None:
                shutil.copyfile(self.directory / f"{template}.db", path)
            return name, _fast(make_engine(f"sqlite:///{path}"))
        assert pg_url is not None
        admin = self._admin_for(pg_url)
        suffix = f' TEMPLATE "{template}"' if template else ""
        admin.execute(f'CREATE DATABASE "{name}"{suffix}')
        self._pg_names.append(name)
        return name, make_engine(_with_dbname(pg_url, name))

    def drop(self, backend: str, name: str, engine: Engine) -> None:
        engine.dispose()
        if backend == "sqlite":
            (self.directory / f"{name}.db").unlink(missing_ok=True)
        else:
            self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self._pg_names.remove(name)

    def template(self, backend: str, seed: Seed | None, pg_url: str | None) -> tuple[str, Any]:
        """The name of a migrated (and seeded) template database, and the seed's payload."""
        key = (backend, "" if seed is None else f"{seed.__module__}.{seed.__qualname__}")
        if key not in self._templates:
            name, engine = self.create(backend, pg_url)
            migrate.upgrade(engine)
            payload = None
            if seed is not None:
                with transaction(session_factory(engine)) as session:
                    payload = seed(session)
            engine.dispose()  # PostgreSQL copies a template only when nobody is connected
            self._templates[key] = (name, payload)
        return self._templates[key]

    def shared_copy(self, template: str, pg_url: str | None) -> Engine:
        """One PostgreSQL copy of ``template`` for the whole run (tests roll back their work)."""
        if template not in self._shared:
            self._shared[template] = self.create("postgresql", pg_url, template=template)[1]
        return self._shared[template]

    def close(self) -> None:
        for engine in self._shared.values():
            engine.dispose()
        if self._admin is not None:
            for name in [*self._pg_names]:
                self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self._admin.close()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    dbs = Databases(tmp_path_factory.mktemp("catalogs"))
    yield dbs
    dbs.close()


def _pg_url(request: pytest.FixtureRequest, backend: str) -> str | None:
    return request.getfixturevalue("pg_server_url") if backend == "postgresql" else None


@pytest.fixture
def empty_engine(
    request: pytest.FixtureRequest, databases: Databases
) -> Iterator[Callable[[str], Engine]]:
    """``empty_engine(backend)``: an engine over a new, empty database."""
    made: list[tuple[str, str, Engine]] = []

    def make(backend: str) -> Engine:
        name, engine = databases.create(backend, _pg_url(request, backend))
        made.append((backend, name, engine))
        return engine

    yield make
    for backend, name, engine in made:
        databases.drop(backend, name, engine)


@dataclass
class Catalog:
    backend: str
    engine: Engine
    factory: sessionmaker[Session]
    payload: Any = None


@pytest.fixture
def catalog_seed() -> Seed | None:
    """Override in a test module to seed every ``catalog`` of that module."""
    return None


@pytest.fixture(params=BACKENDS)
def catalog(
    request: pytest.FixtureRequest, databases: Databases, catalog_seed: Seed | None
) -> Iterator[Catalog]:
    """A migrated catalog of its own, seeded by ``catalog_seed``, on each backend."""
    backend = request.param
    pg_url = _pg_url(request, backend)
    template, payload = databases.template(backend, catalog_seed, pg_url)
    if backend == "sqlite":
        name, engine = databases.create(backend, pg_url, template=template)
        yield Catalog(backend, engine, session_factory(engine), payload)
        databases.drop(backend, name, engine)
        return
    # A PostgreSQL database per test costs ~0.3 s (CREATE ... TEMPLATE, then DROP). Instead
    # the test runs inside one transaction on a copy of the template, rolled back at the end:
    # the sessions' commits become savepoints released, their rollbacks savepoints undone.
    engine = databases.shared_copy(template, pg_url)
    with engine.connect() as connection:
        outer = connection.begin()
        factory = sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        yield Catalog(backend, engine, factory, payload)
        outer.rollback()
