"""The GraphQL read tests share one seeded catalog per backend (``queries_seed``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.graphql.queries_seed import seed
from tests.support.api import Api, open_api
from tests.support.catalogs import BACKENDS, Databases, pg_url_for


@pytest.fixture(scope="module", params=BACKENDS)
def shared(request: pytest.FixtureRequest, databases: Databases) -> Iterator[Api]:
    """One seeded catalog per backend and test module, for the tests that only read."""
    pg_url = pg_url_for(request, request.param)
    with open_api(databases, request.param, seed, pg_url=pg_url) as client:
        yield client
