"""The API under attack: every limit refuses its attack early, with its own error.

Each test sends what the issue "Hold under attack and under load" measured (100,000
aliases, nested aliases, a 10 MB document, a 100 MB body, deep JSON, a slow body, a client
that gave up) and checks the refusal: status, message naming the setting, nothing done.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from starlette.requests import Request
from starlette.testclient import TestClient

from registre.catalog import migrate
from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.access.tokens import create_token
from registre.catalog.db import make_engine, session_factory, transaction
from registre.catalog.enums import Role
from registre.catalog.models import Organisation
from registre.cli.main import uvicorn_limits
from registre.config.settings import Settings
from registre.graphql.app import create_app
from registre.graphql.body import read_body
from registre.graphql.context import RequestContext
from registre.graphql.http import GraphQLParams, RequestError, run_operation
from registre.graphql.middleware import Budget
from registre.graphql.schema import schema

STRICT = {"Accept": "application/graphql-response+json"}


class NoScans:
    def submit(self, run_id: int, store_id: int) -> None:
        pass

    def shutdown(self, wait: bool = True) -> None:
        pass


@dataclass
class Server:
    engine: Engine
    token: str
    path: Path

    def client(self, **settings: Any) -> TestClient:
        app = create_app(
            Settings(database_url="sqlite://", **settings),
            engine=self.engine,
            services={"scans": NoScans()},
        )
        return TestClient(app, raise_server_exceptions=False)

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def organisations(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(Organisation)) or 0)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("limits") / "catalog.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with transaction(session_factory(engine)) as session:
        token = create_token(session, CLI_ACTOR, "limits", Role.ADMIN)[1]
    yield Server(engine, token, path)
    engine.dispose()


def post(client: TestClient, server: Server, query: str, **kwargs: Any) -> Any:
    headers = {**server.auth(), **STRICT, **kwargs.pop("headers", {})}
    return client.post("/graphql", json={"query": query, **kwargs}, headers=headers)


def only_error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert "data" not in body, body
    (error,) = body["errors"]
    return dict(error)


# ------------------------------------------------------------------ the document's cost


def test_100000_typename_aliases_are_refused_while_parsing(server: Server) -> None:
    query = "{ " + " ".join(f"a{i}: __typename" for i in range(100_000)) + " }"
    started = time.monotonic()
    # (1.6 MB: the body limit would refuse it first; raised to show the token limit)
    with server.client(api_max_body_bytes=10_000_000) as client:
        response = post(client, server, query)
    assert response.status_code == 400
    error = only_error(response)
    assert error["extensions"]["code"] == "QUERY_TOO_LARGE"
    assert "5,000 tokens" in error["message"] and "api_max_query_tokens" in error["message"]
    assert time.monotonic() - started < 5


def test_a_10_mb_document_is_refused_before_parsing_it_whole(server: Server) -> None:
    query = "{ " + "me { name } " * 800_000 + "}"  # ~10 MB of tokens
    with server.client(api_max_body_bytes=20_000_000) as client:
        response = post(client, server, query)
    assert response.status_code == 400
    assert only_error(response)["extensions"]["code"] == "QUERY_TOO_LARGE"


def test_the_token_limit_counts_comments_too(server: Server) -> None:
    query = "{ me { name } }\n" + "#\n" * 6000
    with server.client() as client:
        response = post(client, server, query)
    assert response.status_code == 400
    assert only_error(response)["extensions"]["code"] == "QUERY_TOO_LARGE"


def test_aliases_under_a_page_are_counted_times_the_page(server: Server) -> None:
    fields = " ".join(f"f{i}: fields {{ name }}" for i in range(120))
    query = f"{{ datasets(first: 100) {{ edges {{ node {{ {fields} }} }} }} }}"
    with server.client() as client:
        response = post(client, server, query)
        assert response.status_code == 400
        error = only_error(response)
        assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
        # 1 + 100 * (edges 1 + node 1 + 120 * (1 + 10 lists * 1 name))
        assert error["extensions"]["cost"] == 1 + 100 * (2 + 120 * 11)
        assert error["extensions"]["limit"] == 100_000
        assert "api_max_query_cost" in error["message"]
        # the same with a page of 10 fits
        small = post(client, server, query.replace("first: 100", "first: 10"))
        assert small.status_code == 200 and "errors" not in small.json(), small.text


def test_first_in_a_variable_is_what_the_cost_multiplies(server: Server) -> None:
    fields = " ".join(f"f{i}: fields {{ name }}" for i in range(120))
    query = f"query($n: Int) {{ datasets(first: $n) {{ edges {{ node {{ {fields} }} }} }} }}"
    with server.client() as client:
        assert post(client, server, query, variables={"n": 100}).status_code == 400
        assert post(client, server, query, variables={"n": 5}).status_code == 200


def test_1000_nested_aliases_are_refused_before_validation(server: Server) -> None:
    # the standard rules would compare every pair of these: refused by cost first
    inner = " ".join(f"a{i}: fields {{ b: name c: name }}" for i in range(1000))
    query = f"{{ datasets(first: 100) {{ edges {{ node {{ {inner} }} }} }} }}"
    started = time.monotonic()
    with server.client() as client:
        # within the default token limit: refused by its size already
        assert only_error(post(client, server, query))["extensions"]["code"] == "QUERY_TOO_LARGE"
    with server.client(api_max_query_tokens=50_000) as client:
        response = post(client, server, query)
    assert response.status_code == 400
    assert only_error(response)["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert time.monotonic() - started < 5


def test_graphiql_introspection_fits_the_cost_limit(server: Server) -> None:
    from graphql import get_introspection_query

    with server.client() as client:
        response = post(client, server, get_introspection_query(descriptions=True))
    assert response.status_code == 200 and "errors" not in response.json()


def test_a_refused_document_is_200_for_legacy_json_clients(server: Server) -> None:
    query = "{ " + " ".join(f"a{i}: __typename" for i in range(6000)) + " }"
    with server.client() as client:
        response = post(client, server, query, headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_LARGE"


# ------------------------------------------------------------------ the body


def test_a_100_mb_body_is_refused_on_its_content_length(server: Server) -> None:
    with server.client() as client:
        response = client.post(
            "/graphql",
            content=b"{" + b" " * 100_000_000 + b"}",
            headers={**server.auth(), "Content-Type": "application/json"},
        )
    assert response.status_code == 413
    assert "1,048,576 bytes (setting api_max_body_bytes)" in only_error(response)["message"]


def test_a_large_body_without_a_token_is_a_401_unread(server: Server) -> None:
    with server.client() as client:
        response = client.post(
            "/graphql",
            content=b"[" * 5_000_000,
            headers={"Content-Type": "application/json", "Authorization": "Bearer nope"},
        )
    assert response.status_code == 401
    assert only_error(response)["message"] == "invalid or revoked token"


def test_a_chunked_body_is_cut_at_the_limit(server: Server) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b" " * 100_000

    with server.client() as client:
        response = client.post(
            "/graphql",
            content=chunks(),
            headers={**server.auth(), "Content-Type": "application/json"},
        )
    assert response.status_code == 413


def test_a_slow_body_is_a_408() -> None:
    sent = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        sent += 1
        await asyncio.sleep(0.05)
        return {"type": "http.request", "body": b" ", "more_body": True}

    scope = {"type": "http", "method": "POST", "headers": [], "path": "/graphql"}
    request = Request(scope, receive)
    with pytest.raises(RequestError) as refused:
        asyncio.run(read_body(request, 1_000_000, 0.3))
    assert refused.value.status == 408
    assert "api_body_timeout_s" in refused.value.message
    assert sent < 20


@pytest.mark.parametrize("depth", [33, 100_000])
def test_deep_json_is_a_400_never_a_500(server: Server, depth: int) -> None:
    variables = "[" * depth + "]" * depth
    body = f'{{"query": "{{ me {{ name }} }}", "variables": {{"x": {variables}}}}}'
    with server.client() as client:
        response = client.post(
            "/graphql",
            content=body,
            headers={**server.auth(), "Content-Type": "application/json"},
        )
    assert response.status_code == 400
    assert "deeper than 32 levels (setting api_max_json_depth)" in only_error(response)["message"]


def test_a_number_of_10000_digits_is_a_400() -> None:
    from registre.graphql.body import parse_json

    with pytest.raises(RequestError) as refused:
        parse_json(b'{"variables": {"n": ' + b"9" * 10_000 + b"}}", 32)
    assert refused.value.status == 400


# ------------------------------------------------------------------ time


def test_a_request_past_its_deadline_is_stopped_and_writes_nothing(server: Server) -> None:
    before = server.organisations()
    with server.client(api_request_timeout_s=1e-9) as client:
        response = post(
            client,
            server,
            'mutation { createOrganisation(input: {name: "trop tard"}) { organisation { id } } }',
        )
    assert response.status_code == 503
    error = only_error(response)
    assert error["extensions"]["code"] == "TIMEOUT"
    assert "api_request_timeout_s" in error["message"]
    assert server.organisations() == before


def test_a_client_that_disconnected_stops_its_request(server: Server) -> None:
    budget = Budget(60)
    budget.disconnected.set()
    with session_factory(server.engine)() as session:
        context = RequestContext(
            session=session, actor=CLI_ACTOR, settings=Settings(), budget=budget
        )
        outcome = run_operation(
            schema,
            GraphQLParams(
                'mutation { createOrganisation(input: {name: "parti"}) { __typename } }', None, None
            ),
            method="POST",
            strict_media=True,
            context=context,
        )
        session.rollback()
    assert outcome.status == 503
    assert outcome.body["errors"][0]["message"] == "the client disconnected"
    assert server.organisations() == 0 or "parti" not in _names(server)


def _names(server: Server) -> list[str]:
    with server.engine.connect() as conn:
        return list(conn.scalars(select(Organisation.name)))


def test_sqlite_statements_are_interrupted_at_the_deadline(server: Server) -> None:
    from registre.graphql.app import _interruptible, interrupt_sqlite_at_deadline

    interrupt_sqlite_at_deadline(server.engine)
    budget = Budget(0.2)
    with session_factory(server.engine)() as session, _interruptible(session, budget):
        started = time.monotonic()
        with pytest.raises(Exception, match="interrupted"):
            session.execute(
                select(func.count()).select_from(
                    select(func.abs(1))
                    .select_from(
                        __import__("sqlalchemy").text(
                            "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                            "WHERE i < 100000000) SELECT i FROM n)"
                        )
                    )
                    .subquery()
                )
            )
        assert time.monotonic() - started < 3
    # the connection, back in the pool, does not carry the spent budget to the next user
    with session_factory(server.engine)() as session:
        assert session.execute(select(func.abs(-1))).scalar() == 1


# ------------------------------------------------------------------ the server


def test_serve_passes_the_connection_limits_to_uvicorn() -> None:
    limits = uvicorn_limits(
        Settings(api_keep_alive_s=3, api_max_concurrency=64, api_max_header_bytes=8192)
    )
    assert limits["timeout_keep_alive"] == 3
    assert limits["limit_concurrency"] == 64
    assert limits["h11_max_incomplete_event_size"] == 8192


def test_every_limit_is_a_setting_with_a_bound() -> None:
    for name in ("api_max_body_bytes", "api_max_query_tokens", "api_max_query_cost"):
        with pytest.raises(ValueError):
            Settings(**{name: 0})
    assert json.dumps(Settings().model_dump())  # all plain values
