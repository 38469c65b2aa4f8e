"""The fixtures every test folder shares; the code behind them is in ``tests/support/``.

- ``pg_server_url``, ``mysql_server_url``: a database of this run on each server.
- ``databases``: the run's catalog templates and copies (SQLite files, PostgreSQL).
- ``catalog``: a migrated catalog of its own on each backend, seeded by ``catalog_seed``.
- ``new_catalog``: ``new_catalog(backend="sqlite", seed=None)``, for tests that need
  a catalog of their own outside the ``catalog`` parametrization.
- ``empty_engine``: ``empty_engine(backend)``, a new database without any table.
- ``api``: the GraphQL client over a catalog seeded by ``api_seed`` with a token for every
  role, on the ``backend`` (SQLite unless parametrized indirectly with ``BACKENDS``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from sqlalchemy import Engine

from registre.config.settings import Settings
from tests.support.api import Api, open_api
from tests.support.catalogs import BACKENDS, Catalog, Databases, Seed, open_catalog, pg_url_for
from tests.support.servers import mysql_database, pg_database


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """URL of a fresh PostgreSQL database for this test run, dropped at the end."""
    with pg_database() as url:
        yield url


@pytest.fixture(scope="session")
def mysql_server_url() -> Iterator[str]:
    """URL of a fresh MariaDB/MySQL database for this test run, dropped at the end."""
    with mysql_database() as url:
        yield url


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    dbs = Databases(tmp_path_factory.mktemp("catalogs"))
    yield dbs
    dbs.close()


@pytest.fixture
def empty_engine(
    request: pytest.FixtureRequest, databases: Databases
) -> Iterator[Callable[[str], Engine]]:
    """``empty_engine(backend)``: an engine over a new, empty database."""
    made: list[tuple[str, str, Engine]] = []

    def make(backend: str) -> Engine:
        name, engine = databases.create(backend, pg_url_for(request, backend))
        made.append((backend, name, engine))
        return engine

    yield make
    for backend, name, engine in made:
        databases.drop(backend, name, engine)


@pytest.fixture
def catalog_seed() -> Seed | None:
    """Override in a test module to seed every ``catalog`` of that module."""
    return None


@pytest.fixture(params=BACKENDS)
def catalog(
    request: pytest.FixtureRequest, databases: Databases, catalog_seed: Seed | None
) -> Iterator[Catalog]:
    """A migrated catalog of its own, seeded by ``catalog_seed``, on each backend.

    On PostgreSQL the test's work is rolled back on a shared copy (see ``open_catalog``).
    """
    backend = request.param
    pg_url = pg_url_for(request, backend)
    with open_catalog(databases, backend, catalog_seed, pg_url, isolation="rollback") as made:
        yield made


@pytest.fixture
def new_catalog(
    request: pytest.FixtureRequest, databases: Databases
) -> Iterator[Callable[..., Catalog]]:
    """``new_catalog(backend="sqlite", seed=None)``: a migrated catalog database of its own."""
    with ExitStack() as stack:

        def make(backend: str = "sqlite", seed: Seed | None = None) -> Catalog:
            pg_url = pg_url_for(request, backend)
            return stack.enter_context(open_catalog(databases, backend, seed, pg_url))

        yield make


@pytest.fixture
def api_seed() -> Seed | None:
    """Override in a test module: ``seed(session) -> payload``, run once per run in the template."""
    return None


@pytest.fixture
def api_settings() -> Settings | None:
    """Override in a test module (or with ``indirect`` parametrization) to tune limits."""
    return None


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` unless parametrized (``indirect=True``) with ``BACKENDS``."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def api(
    request: pytest.FixtureRequest,
    databases: Databases,
    backend: str,
    api_seed: Seed | None,
    api_settings: Settings | None,
) -> Iterator[Api]:
    """The API over a catalog of its own, seeded by ``api_seed``, with an admin's token."""
    pg_url = pg_url_for(request, backend)
    with open_api(databases, backend, api_seed, api_settings, pg_url) as client:
        yield client
