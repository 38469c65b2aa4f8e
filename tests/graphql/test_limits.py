"""Limits of a request: page size, cursors, query depth."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from registre.config.settings import Settings
from tests.graphql.http_seed import seed
from tests.support.api import Api

# --------------------------------------------------------------------------- limits

GRAPHQL_RESPONSE = "application/graphql-response+json"


@pytest.fixture
def api_seed() -> Callable[[Session], dict[str, int]]:
    return seed


@pytest.mark.parametrize("api_settings", [Settings(database_url="sqlite://", api_max_page_size=5)])
def test_first_above_the_max_page_size_is_refused_naming_first(api: Api) -> None:
    ok = api.gql("{ datasets(first: 5) { totalCount } }")
    assert "errors" not in ok
    for first in (6, 1000, -1):
        body = api.gql(f"{{ datasets(first: {first}) {{ totalCount }} }}")
        (error,) = body["errors"]
        assert error["message"].startswith("first:")
        assert error["extensions"] == {"code": "INVALID_INPUT", "field": "first"}
    # the default page size is capped too
    body = api.gql("{ organisations { totalCount } }")
    assert body["errors"][0]["extensions"]["field"] == "first"


def test_bad_cursor_is_refused_naming_after(api: Api) -> None:
    body = api.gql('{ datasets(first: 2, after: "not-a-cursor") { totalCount } }')
    assert body["errors"][0]["extensions"] == {"code": "INVALID_INPUT", "field": "after"}


@pytest.mark.parametrize(
    "api_settings", [Settings(database_url="sqlite://", api_max_query_depth=5)]
)
def test_depth_limit(api: Api) -> None:
    at_limit = "{ datasets { edges { node { dataStore { datasets { name } } } } } }"  # name at 5
    too_deep = "{ datasets { edges { node { dataStore { datasets { dataStore { name } } } } } } }"
    assert api.data(at_limit)["datasets"]["edges"][0]["node"]["dataStore"]["datasets"] == [
        {"name": "agents"}
    ]

    refused = api.post(too_deep)
    assert refused.status_code == 200
    assert "data" not in refused.json()
    assert "maximum operation depth of 5" in refused.json()["errors"][0]["message"]
    assert api.post(too_deep, headers={"Accept": GRAPHQL_RESPONSE}).status_code == 400

    # a fragment does not hide depth
    via_fragment = (
        "query { datasets { edges { node { ...Deep } } } } "
        "fragment Deep on Dataset { dataStore { datasets { dataStore { name } } } }"
    )
    assert "maximum operation depth" in api.post(via_fragment).json()["errors"][0]["message"]
