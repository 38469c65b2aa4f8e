"""GraphQL over HTTP: methods, media types, status codes, GraphiQL, unexpected errors.

Authentication is in ``test_http_auth``, limits in ``test_limits``."""

from __future__ import annotations

import json
import logging
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

import graphql
from registre.catalog.models import Organisation
from tests.graphql.http_seed import seed
from tests.support.api import Api

GRAPHQL_RESPONSE = "application/graphql-response+json"
STATIC_DIR = Path(__file__).resolve().parents[2] / "graphql" / "static"
CREATE_ORG = 'mutation { createOrganisation(input: {name: "Préfecture"}) { organisation { id } } }'


@pytest.fixture
def api_seed() -> Any:
    return seed


def _organisations(api: Api) -> int:
    with api.factory() as session:
        return int(session.scalar(select(func.count()).select_from(Organisation)) or 0)


# --------------------------------------------------------------------------- methods


def test_post_json(api: Api) -> None:
    response = api.post("query Who { me { name role } }", operation_name="Who")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"data": {"me": {"name": "token:admin", "role": "ADMIN"}}}


def test_post_answers_in_the_media_type_asked_for(api: Api) -> None:
    response = api.post("{ me { role } }", headers={"Accept": GRAPHQL_RESPONSE})
    assert response.status_code == 200
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    assert response.json()["data"]["me"]["role"] == "ADMIN"


def test_unacceptable_accept_header_is_406(api: Api) -> None:
    response = api.post("{ me { role } }", headers={"Accept": "text/csv"})
    assert response.status_code == 406


def test_get_query(api: Api) -> None:
    response = api.client.get(
        "/graphql",
        params={
            "query": "query Q($n: Int) { organisations(first: $n) { totalCount } } "
            "query Other { me { name } }",
            "variables": json.dumps({"n": 1}),
            "operationName": "Q",
        },
        headers=api.auth(),
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"organisations": {"totalCount": 0}}}


def test_get_mutation_is_405_and_changes_nothing(api: Api) -> None:
    response = api.client.get("/graphql", params={"query": CREATE_ORG}, headers=api.auth())
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert "POST" in response.json()["errors"][0]["message"]
    assert _organisations(api) == 0
    # the same mutation over POST does create it
    assert api.data(CREATE_ORG)["createOrganisation"]["organisation"]["id"]
    assert _organisations(api) == 1


# --------------------------------------------------------------------------- malformed requests


def test_bad_json_is_400(api: Api) -> None:
    response = api.client.post(
        "/graphql",
        content=b'{"query": "{ me { name } }"',
        headers={**api.auth(), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("body", [[{"query": "{ me { name } }"}], "{ me { name } }", 42])
def test_json_that_is_not_an_object_is_400(api: Api, body: Any) -> None:
    response = api.client.post("/graphql", json=body, headers=api.auth())
    assert response.status_code == 400


@pytest.mark.parametrize(
    "body", [{}, {"query": ""}, {"query": "   "}, {"query": 12}, {"variables": {}}]
)
def test_missing_query_is_400(api: Api, body: dict[str, Any]) -> None:
    response = api.client.post("/graphql", json=body, headers=api.auth())
    assert response.status_code == 400
    assert "query" in response.json()["errors"][0]["message"]


def test_get_without_query_is_400(api: Api) -> None:
    response = api.client.get("/graphql", headers={**api.auth(), "Accept": "application/json"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {"query": "{ me { name } }", "variables": [1]},
        {"query": "{ me { name } }", "variables": "{not json"},
        {"query": "{ me { name } }", "operationName": 3},
    ],
)
def test_bad_variables_or_operation_name_are_400(api: Api, body: dict[str, Any]) -> None:
    response = api.client.post("/graphql", json=body, headers=api.auth())
    assert response.status_code == 400


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/graphql"]
)
def test_non_json_content_type_is_415(api: Api, content_type: str) -> None:
    response = api.client.post(
        "/graphql",
        content=b'{"query": "{ me { name } }"}',
        headers={**api.auth(), "Content-Type": content_type},
    )
    assert response.status_code == 415


def test_json_content_type_with_charset_is_fine(api: Api) -> None:
    response = api.client.post(
        "/graphql",
        content=json.dumps({"query": "{ me { name } }"}).encode(),
        headers={**api.auth(), "Content-Type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query", ["{ me { nom } }", "{ me { name }", '{ organisations(first: "two") { totalCount } }']
)
def test_invalid_document_is_200_in_json_but_400_in_graphql_response(api: Api, query: str) -> None:
    legacy = api.post(query)
    assert legacy.status_code == 200
    assert legacy.headers["content-type"] == "application/json"
    assert "data" not in legacy.json() and legacy.json()["errors"]

    strict = api.post(query, headers={"Accept": GRAPHQL_RESPONSE})
    assert strict.status_code == 400
    assert strict.headers["content-type"] == GRAPHQL_RESPONSE
    assert strict.json()["errors"] == legacy.json()["errors"]


def test_bad_variable_value_is_400_in_graphql_response(api: Api) -> None:
    query = "query Q($n: Int!) { organisations(first: $n) { totalCount } }"
    strict = api.post(query, {"n": "many"}, headers={"Accept": GRAPHQL_RESPONSE})
    assert strict.status_code == 400
    assert "$n" in strict.json()["errors"][0]["message"]
    assert "data" not in strict.json()  # nothing was executed
    assert api.post(query, {"n": "many"}).status_code == 200


def test_an_execution_error_is_200_with_data_even_in_graphql_response(api: Api) -> None:
    # `first` beyond the maximum fails while executing: the response is partial, not refused
    query = "{ organisations(first: 100000) { totalCount } }"
    response = api.post(query, headers={"Accept": GRAPHQL_RESPONSE})
    assert response.status_code == 200
    body = response.json()
    assert "data" in body and body["errors"][0]["extensions"]["field"] == "first"


def test_root_fields_are_capped_aliases_and_fragments_included(api: Api) -> None:
    limit = api.settings.api_max_root_fields
    aliases = " ".join(f"a{i}: me {{ role }}" for i in range(limit))
    assert "errors" not in api.post(f"{{ {aliases} }}").json()
    too_many = f"{{ {aliases} ...F }} fragment F on Query {{ extra: me {{ role }} }}"
    strict = api.post(too_many, headers={"Accept": GRAPHQL_RESPONSE})
    assert strict.status_code == 400
    assert strict.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert api.post(too_many).status_code == 200


def test_introspection_is_one_per_request(api: Api) -> None:
    one = "{ __schema { queryType { name } } __typename }"
    assert api.post(one).json()["data"]["__schema"]["queryType"]["name"] == "Query"
    many = "{ a: __schema { types { name } } b: __schema { types { name } } }"
    body = api.post(many, headers={"Accept": GRAPHQL_RESPONSE})
    assert body.status_code == 400
    assert body.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


def test_unknown_operation_name_is_400(api: Api) -> None:
    response = api.post("query A { me { name } } query B { me { role } }", operation_name="C")
    assert response.status_code == 400
    assert "'C'" in response.json()["errors"][0]["message"]


def test_several_operations_without_a_name_is_400(api: Api) -> None:
    response = api.post("query A { me { name } } query B { me { role } }")
    assert response.status_code == 400
    assert "operationName" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "query",
    [
        "{ me { ...Missing } }",
        "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
    ],
)
def test_bad_fragments_are_validation_errors_not_500(api: Api, query: str) -> None:
    response = api.post(query, headers={"Accept": GRAPHQL_RESPONSE})
    assert response.status_code == 400
    assert response.json()["errors"]


# --------------------------------------------------------------------------- GraphiQL


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href"}.get(tag)
        self.urls += [v for k, v in attrs if k == wanted and v and not v.startswith("data:")]


def test_graphiql_page_and_its_assets_are_served_by_the_app(api: Api) -> None:
    page = api.client.get(
        "/graphql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "GraphiQL" in page.text
    parser = _Assets()
    parser.feed(page.text)
    assert len(parser.urls) == 4
    for url in parser.urls:
        assert url.startswith("/graphql/static/"), url
        asset = api.client.get(url)
        assert asset.status_code == 200, url
        assert asset.content == (STATIC_DIR / url.removeprefix("/graphql/static/")).read_bytes()
    js = api.client.get("/graphql/static/graphiql.min.js")
    assert "javascript" in js.headers["content-type"]
    assert api.client.get("/graphql/static/nothing.js").status_code == 404


def test_get_with_a_query_answers_json_even_to_a_browser(api: Api) -> None:
    response = api.client.get(
        "/graphql",
        params={"query": "{ me { name } }"},
        headers={**api.auth(), "Accept": "text/html,*/*"},
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"me": {"name": "token:admin"}}}


def test_graphiql_introspection_query_fits_the_depth_limit(api: Api) -> None:
    # GraphiQL loads the schema with this (deep) query; the depth limit must not refuse it.
    data = api.data(graphql.get_introspection_query(descriptions=True))
    assert data["__schema"]["queryType"]["name"] == "Query"


def test_healthz(api: Api) -> None:
    assert api.client.get("/healthz").json() == {"status": "ok"}


# --------------------------------------------------------------------------- unexpected errors


def test_unexpected_error_does_not_leak_a_traceback(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    # A row the code cannot read (as after a botched manual edit) makes a resolver crash.
    with api.engine.begin() as conn:
        conn.execute(text("UPDATE dataset SET kind = 'HOLOGRAM'"))
    with caplog.at_level(logging.ERROR, logger="registre.api"):
        response = api.post("{ datasets { edges { node { name kind } } } }")
    assert response.status_code == 200
    body = response.json()
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "INTERNAL"
    reference = error["extensions"]["reference"]
    assert reference in error["message"]
    for leak in ("Traceback", 'File "', "HOLOGRAM", "LookupError", "sqlalchemy", ".py"):
        assert leak not in response.text, leak
    # ... while the server log has what an operator needs
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info is not None


def test_failure_outside_graphql_is_a_bare_500(api: Api) -> None:
    # The catalog lost its token table: authentication itself fails.
    with api.engine.begin() as conn:
        conn.execute(
            text(
                "DROP TABLE api_token CASCADE"
                if api.backend == "postgresql"
                else "DROP TABLE api_token"
            )
        )
    response = api.post("{ me { name } }")
    assert response.status_code == 500
    for leak in ("Traceback", 'File "', "api_token", "sqlalchemy"):
        assert leak not in response.text, leak
