"""The GraphQL API over a real catalog: a SQLite file, or a PostgreSQL database.

Each test gets a catalog of its own, copied from a template that is migrated and seeded
once per run: a token for every role, plus what the test module's ``api_seed`` fixture
adds. Tests call the app through Starlette's TestClient, as a client would.

(The catalog tests have the same kind of helper; conftests of sibling folders cannot
share code without a package, and ``tests/`` has none on purpose.)
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from registre.catalog import migrate
from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.access.tokens import create_token
from registre.catalog.db import make_engine, session_factory, transaction
from registre.catalog.enums import Role
from registre.config.settings import Settings
from registre.graphql.app import create_app

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
    """Creates catalog databases from migrated, seeded templates, and drops them."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.prefix = f"registre_a_{uuid.uuid4().hex[:8]}"
        self._templates: dict[tuple[str, str], tuple[str, Any]] = {}
        self._admin: Any = None
        self._pg_names: list[str] = []

    def create(
        self, backend: str, pg_url: str | None, template: str | None = None
    ) -> tuple[str, Engine]:
        name = f"{self.prefix}_{uuid.uuid4().hex[:10]}"
        if backend == "sqlite":
            path = self.directory / f"{name}.db"
            if template is not None:
                shutil.copyfile(self.directory / f"{template}.db", path)
            return name, _fast(make_engine(f"sqlite:///{path}"))
        assert pg_url is not None
        if self._admin is None:
            import psycopg

            # the maintenance database: pg_server_url's own database may be dropped first
            self._admin = psycopg.connect(_with_dbname(pg_url, "postgres"), autocommit=True)
        suffix = f' TEMPLATE "{template}"' if template else ""
        self._admin.execute(f'CREATE DATABASE "{name}"{suffix}')
        self._pg_names.append(name)
        return name, make_engine(_with_dbname(pg_url, name))

    def drop(self, backend: str, name: str, engine: Engine) -> None:
        engine.dispose()
        if backend == "sqlite":
            (self.directory / f"{name}.db").unlink(missing_ok=True)
        else:
            self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self._pg_names.remove(name)

    def template(self, backend: str, seed: Seed, pg_url: str | None) -> tuple[str, Any]:
        key = (backend, f"{seed.__module__}.{seed.__qualname__}")
        if key not in self._templates:
            name, engine = self.create(backend, pg_url)
            migrate.upgrade(engine)
            with transaction(session_factory(engine)) as session:
                payload = seed(session)
            engine.dispose()  # PostgreSQL copies a template only when nobody is connected
            self._templates[key] = (name, payload)
        return self._templates[key]

    def close(self) -> None:
        if self._admin is not None:
            for name in [*self._pg_names]:
                self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self._admin.close()


@pytest.fixture(scope="session")
def api_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    dbs = Databases(tmp_path_factory.mktemp("api_catalogs"))
    yield dbs
    dbs.close()


class RecordedScans:
    """The app's ``scans`` service, recording the runs it is given instead of running them.

    Running a scan (Presidio, spaCy) is the scanner tests' business; here it is enough to
    know that ``scanDataStore`` queued its run.
    """

    def __init__(self) -> None:
        self.submitted: list[int] = []

    def submit(self, run_id: int, store_id: int) -> None:
        self.submitted.append(run_id)

    def shutdown(self, wait: bool = True) -> None:
        pass


@dataclass
class Api:
    """A client of the API, with a token for every role."""

    backend: str
    engine: Engine
    factory: sessionmaker[Session]
    client: TestClient
    tokens: dict[Role, str]
    scans: RecordedScans
    payload: Any = None
    settings: Settings = field(default_factory=Settings)

    def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        role: Role | None = Role.ADMIN,
        headers: dict[str, str] | None = None,
        operation_name: str | None = None,
    ) -> httpx.Response:
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        if operation_name is not None:
            body["operationName"] = operation_name
        all_headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        return self.client.post("/graphql", json=body, headers=all_headers | (headers or {}))

    def gql(
        self, query: str, variables: dict[str, Any] | None = None, *, role: Role = Role.ADMIN
    ) -> dict[str, Any]:
        """The JSON body of a request that must be a well-formed 200."""
        response = self.post(query, variables, role=role)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
        body: dict[str, Any] = response.json()
        return body

    def data(
        self, query: str, variables: dict[str, Any] | None = None, *, role: Role = Role.ADMIN
    ) -> Any:
        """The ``data`` of a request that must succeed without any error."""
        body = self.gql(query, variables, role=role)
        assert "errors" not in body, body["errors"]
        return body["data"]

    def auth(self, role: Role = Role.ADMIN) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def seed_tokens(session: Session) -> dict[Role, str]:
    """A token for every role, named after it."""
    return {role: create_token(session, CLI_ACTOR, role.value, role)[1] for role in Role}


@pytest.fixture
def api_seed() -> Seed | None:
    """Override in a test module: ``seed(session) -> payload``, run once per run in the template."""
    return None


@pytest.fixture
def api_settings() -> Settings:
    """Override in a test module (or with ``indirect`` parametrization) to tune limits."""
    return Settings(database_url="sqlite://")


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` unless parametrized (``indirect=True``) with ``BACKENDS``."""
    return str(getattr(request, "param", "sqlite"))


def open_api(
    databases: Databases, backend: str, seed: Seed | None, settings: Settings, pg_url: str | None
) -> tuple[Api, Callable[[], None]]:
    """A client over a fresh copy of the seeded template, and how to close it."""

    def full_seed(session: Session) -> tuple[dict[Role, str], Any]:
        return seed_tokens(session), (seed(session) if seed is not None else None)

    # one template per module seed: name the wrapper after it
    full_seed.__qualname__ = f"with_tokens.{getattr(seed, '__qualname__', 'none')}"
    full_seed.__module__ = getattr(seed, "__module__", __name__)
    template, (tokens, payload) = databases.template(backend, full_seed, pg_url)
    name, engine = databases.create(backend, pg_url, template=template)
    scans = RecordedScans()
    app = create_app(settings, engine=engine, services={"scans": scans})
    client = TestClient(app, raise_server_exceptions=False)
    client.__enter__()
    api = Api(backend, engine, session_factory(engine), client, tokens, scans, payload, settings)

    def close() -> None:
        client.__exit__(None, None, None)
        databases.drop(backend, name, engine)

    return api, close


@pytest.fixture
def api(
    request: pytest.FixtureRequest,
    api_databases: Databases,
    backend: str,
    api_seed: Seed | None,
    api_settings: Settings,
) -> Iterator[Api]:
    pg_url = request.getfixturevalue("pg_server_url") if backend == "postgresql" else None
    client, close = open_api(api_databases, backend, api_seed, api_settings, pg_url)
    yield client
    close()
