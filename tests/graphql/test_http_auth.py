"""GraphQL over HTTP: a bearer token or a 401, and nothing changed without one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.access.tokens import revoke_token
from registre.catalog.db import transaction
from registre.catalog.enums import Role
from registre.catalog.models import Organisation
from tests.graphql.http_seed import seed
from tests.support.api import Api

GRAPHQL_RESPONSE = "application/graphql-response+json"
STATIC_DIR = Path(__file__).resolve().parents[2] / "graphql" / "static"
CREATE_ORG = 'mutation { createOrganisation(input: {name: "Préfecture"}) { organisation { id } } }'


@pytest.fixture
def api_seed() -> Callable[[Session], dict[str, int]]:
    return seed


def _organisations(api: Api) -> int:
    with api.factory() as session:
        return int(session.scalar(select(func.count()).select_from(Organisation)) or 0)


# --------------------------------------------------------------------------- authentication


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic YWRtaW46YWRtaW4="},
        {"Authorization": "Bearer   "},
        {"Authorization": "rgt_abc"},
    ],
)
def test_no_token_is_401_with_www_authenticate(api: Api, headers: dict[str, str]) -> None:
    response = api.client.post("/graphql", json={"query": "{ me { name } }"}, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "data" not in response.json()


def test_unknown_token_is_401(api: Api) -> None:
    response = api.client.post(
        "/graphql",
        json={"query": "{ me { name } }"},
        headers={"Authorization": "Bearer rgt_not-a-token"},
    )
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_revoked_token_is_401(api: Api) -> None:
    assert api.data("{ me { role } }", role=Role.STEWARD) == {"me": {"role": "STEWARD"}}
    with transaction(api.factory) as session:
        revoke_token(session, CLI_ACTOR, "steward")
    response = api.post("{ me { role } }", role=Role.STEWARD)
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    # the other tokens still work
    assert api.data("{ me { role } }", role=Role.AUDITOR) == {"me": {"role": "AUDITOR"}}


def test_mutation_without_token_changes_nothing(api: Api) -> None:
    response = api.client.post("/graphql", json={"query": CREATE_ORG})
    assert response.status_code == 401
    assert _organisations(api) == 0
