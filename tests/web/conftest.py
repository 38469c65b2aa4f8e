"""The web tests browse one seeded catalog per test (``tests/web/seed.py``), signed in
through the sign-in form as a real browser would."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from registre.catalog.enums import Role
from tests.support.api import Api, open_api
from tests.support.catalogs import Databases
from tests.web.seed import Seeded, seed

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def site(databases: Databases) -> Iterator[Api]:
    with open_api(databases, "sqlite", seed) as api:
        yield api


def seeded(api: Api) -> Seeded:
    assert isinstance(api.payload, Seeded)
    return api.payload


def sign_in(api: Api, role: Role = Role.ADMIN) -> None:
    """Sign the test client in with ``role``'s token, through the form."""
    api.client.cookies.clear()
    form = api.client.get("/connexion")
    assert form.status_code == 200
    token = CSRF.search(form.text)
    assert token is not None
    answer = api.client.post(
        "/connexion",
        data={"token": api.tokens[role], "csrf": token.group(1), "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found is not None, "no CSRF token in the page"
    return found.group(1)
