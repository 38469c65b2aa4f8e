"""Migrated catalog databases on SQLite and PostgreSQL, one per test, fast.

Migrating and seeding happen once per run and per seed in a *template*: a SQLite file that
is copied, or a PostgreSQL database that ``CREATE DATABASE ... TEMPLATE`` copies. A test
then costs a copy, not a migration. A seed is a function ``seed(session) -> payload``; its
payload (ids, tokens) comes back with every copy. The catalog does not run on MariaDB
(Alembic migrations and ``catalog/db.py`` support SQLite and PostgreSQL), so MariaDB is
only ever a scanned store.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from registre.catalog import migrate
from registre.catalog.db import make_engine, session_factory, transaction

from .servers import unique_name, with_dbname

#: parametrize a test, or the ``backend`` fixture (``indirect=True``), over both catalogs
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

Seed = Callable[[Session], Any]
Isolation = Literal["copy", "rollback"]


def _fast(engine: Engine) -> Engine:
    """No fsync on a throw-away test database: durability is not under test, speed is."""

    @event.listens_for(engine, "connect")
    def _no_sync(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA synchronous=OFF")

    return engine


def pg_url_for(request: pytest.FixtureRequest, backend: str) -> str | None:
    """The PostgreSQL server's URL when ``backend`` needs it (so SQLite tests never ask)."""
    return str(request.getfixturevalue("pg_server_url")) if backend == "postgresql" else None


def seed_key(seed: Seed | None) -> str:
    """Templates are shared by seed function (importlib mode gives unique module names)."""
    return "" if seed is None else f"{seed.__module__}.{seed.__qualname__}"


class Databases:
    """Creates the catalog databases of a test run from templates, and drops them."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.prefix = unique_name("registre_c")[:19]
        self._templates: dict[tuple[str, str], tuple[str, Any]] = {}
        self._admin: Any = None
        self._pg_names: list[str] = []
        self._shared: dict[str, Engine] = {}

    def _admin_for(self, pg_url: str) -> Any:
        if self._admin is None:
            import psycopg

            # the maintenance database: pg_server_url's own database may be dropped first
            self._admin = psycopg.connect(with_dbname(pg_url, "postgres"), autocommit=True)
        return self._admin

    def create(
        self, backend: str, pg_url: str | None = None, template: str | None = None
    ) -> tuple[str, Engine]:
        """A new database (a copy of ``template`` if given): its name and an engine."""
        name = unique_name(self.prefix)
        if backend == "sqlite":
            path = self.directory / f"{name}.db"
            if template is not None:
                shutil.copyfile(self.directory / f"{template}.db", path)
            return name, _fast(make_engine(f"sqlite:///{path}"))
        assert backend == "postgresql", f"no catalog on {backend!r}"
        assert pg_url is not None, "a PostgreSQL catalog needs the pg_server_url fixture"
        suffix = f' TEMPLATE "{template}"' if template else ""
        self._admin_for(pg_url).execute(f'CREATE DATABASE "{name}"{suffix}')
        self._pg_names.append(name)
        return name, make_engine(with_dbname(pg_url, name))

    def drop(self, backend: str, name: str, engine: Engine) -> None:
        engine.dispose()
        if backend == "sqlite":
            (self.directory / f"{name}.db").unlink(missing_ok=True)
        else:
            self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self._pg_names.remove(name)

    def template(
        self, backend: str, seed: Seed | None, pg_url: str | None = None
    ) -> tuple[str, Any]:
        """The name of a migrated (and seeded) template database, and the seed's payload."""
        key = (backend, seed_key(seed))
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


@dataclass
class Catalog:
    """A migrated catalog database of a test: its engine, sessions and seed payload."""

    backend: str
    engine: Engine
    factory: sessionmaker[Session]
    payload: Any = None

    @classmethod
    def at(cls, url: str) -> Catalog:
        """A catalog someone else made (the CLI, the demo), reached by its URL."""
        engine = make_engine(url)
        return cls(engine.dialect.name, engine, session_factory(engine))

    @property
    def url(self) -> str:
        """The URL the CLI or an app would be given (password included)."""
        return self.engine.url.render_as_string(hide_password=False)


@contextmanager
def open_catalog(
    databases: Databases,
    backend: str = "sqlite",
    seed: Seed | None = None,
    pg_url: str | None = None,
    isolation: Isolation = "copy",
) -> Iterator[Catalog]:
    """A fresh copy of the (seeded) template, removed at the end.

    ``isolation="rollback"`` trades a PostgreSQL database per test (~0.3 s: ``CREATE ...
    TEMPLATE`` then ``DROP``) for one transaction on a shared copy, rolled back at the end:
    the sessions' commits become savepoints released, their rollbacks savepoints undone.
    Only sessions of ``catalog.factory`` see the work, so an app or a second engine needs
    ``"copy"``. On SQLite a file copy is cheap, so both give a copy.
    """
    template, payload = databases.template(backend, seed, pg_url)
    if backend == "sqlite" or isolation == "copy":
        name, engine = databases.create(backend, pg_url, template=template)
        try:
            yield Catalog(backend, engine, session_factory(engine), payload)
        finally:
            databases.drop(backend, name, engine)
        return
    engine = databases.shared_copy(template, pg_url)
    with engine.connect() as connection:
        outer = connection.begin()
        factory = sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            yield Catalog(backend, engine, factory, payload)
        finally:
            outer.rollback()
