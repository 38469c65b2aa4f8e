"""The GraphQL API over a catalog, called through Starlette's TestClient as a client would.

``open_api`` opens the app over a fresh copy of a seeded template that also holds a token
for every role; ``Api.post`` sends a query with a role's token, ``Api.data`` returns the
``data`` of a request that must succeed, ``Api.gql`` the whole body (data and errors).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx2 as httpx
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.access.tokens import create_token
from registre.catalog.db import session_factory, transaction
from registre.catalog.enums import Role
from registre.config.settings import Settings
from registre.graphql.app import create_app

from .catalogs import Catalog, Databases, Seed, open_catalog, seed_key


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


#: ``role`` left out: the client's default role
_DEFAULT: Any = object()


@dataclass
class Api:
    """A client of the API, with a token for every role (``Role`` or its value)."""

    backend: str
    engine: Engine
    factory: sessionmaker[Session]
    client: TestClient
    tokens: dict[Role, str]
    scans: RecordedScans | None
    payload: Any = None
    settings: Settings = field(default_factory=Settings)
    role: Role = Role.ADMIN

    def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        role: Role | str | None = _DEFAULT,
        *,
        headers: dict[str, str] | None = None,
        operation_name: str | None = None,
    ) -> httpx.Response:
        """POST ``query``; ``role=None`` sends no token at all."""
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        if operation_name is not None:
            body["operationName"] = operation_name
        role = self.role if role is _DEFAULT else role
        all_headers = self.auth(role) if role is not None else {}
        return self.client.post("/graphql", json=body, headers=all_headers | (headers or {}))

    def gql(
        self, query: str, variables: dict[str, Any] | None = None, role: Role | str = _DEFAULT
    ) -> dict[str, Any]:
        """The JSON body (``data`` and ``errors``) of a request that must be a well-formed 200."""
        response = self.post(query, variables, role)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
        body: dict[str, Any] = response.json()
        return body

    def data(
        self, query: str, variables: dict[str, Any] | None = None, role: Role | str = _DEFAULT
    ) -> Any:
        """The ``data`` of a request that must succeed without any error."""
        body = self.gql(query, variables, role)
        assert "errors" not in body, body["errors"]
        return body["data"]

    def auth(self, role: Role | str | None = None) -> dict[str, str]:
        """The ``Authorization`` header of ``role`` (the default role if not given)."""
        return {"Authorization": f"Bearer {self.tokens[Role(role or self.role)]}"}


def seed_tokens(session: Session) -> dict[Role, str]:
    """A token for every role, named after it."""
    return {role: create_token(session, CLI_ACTOR, role.value, role)[1] for role in Role}


@contextmanager
def serve(
    catalog: Catalog,
    settings: Settings | None = None,
    *,
    tokens: dict[Role, str] | None = None,
    role: Role = Role.ADMIN,
    record_scans: bool = True,
) -> Iterator[Api]:
    """A client of the app over ``catalog`` (``tokens`` created in it when not given).

    ``record_scans=False`` lets the app run scans with its own dispatcher (the scanner
    tests); leaving the block runs the app's shutdown, which waits for a running scan.
    """
    if tokens is None:
        with transaction(catalog.factory) as session:
            tokens = seed_tokens(session)
    settings = settings or Settings(database_url=catalog.url)
    scans = RecordedScans() if record_scans else None
    services = {"scans": scans} if scans is not None else None
    app = create_app(settings, engine=catalog.engine, services=services)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Api(
            catalog.backend,
            catalog.engine,
            session_factory(catalog.engine),
            client,
            tokens,
            scans,
            catalog.payload,
            settings,
            role,
        )


@contextmanager
def open_api(
    databases: Databases,
    backend: str = "sqlite",
    seed: Seed | None = None,
    settings: Settings | None = None,
    pg_url: str | None = None,
    *,
    role: Role = Role.ADMIN,
) -> Iterator[Api]:
    """A client over a fresh copy of the template seeded by ``seed`` and ``seed_tokens``;
    ``api.payload`` is what ``seed`` returned."""

    def with_tokens(session: Session) -> tuple[dict[Role, str], Any]:
        return seed_tokens(session), (seed(session) if seed is not None else None)

    # one template per module seed: name the wrapper after it
    with_tokens.__qualname__ = f"with_tokens.{seed_key(seed)}"
    with open_catalog(databases, backend, with_tokens, pg_url) as catalog:
        tokens, catalog.payload = catalog.payload
        with serve(catalog, settings, tokens=tokens, role=role) as api:
            yield api
