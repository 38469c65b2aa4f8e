"""The web tests browse one seeded catalog per test (``tests/web/seed.py``), signed in
through the sign-in form as a real browser would; the browser tests drive Chromium on a
server of their own (``browser``, ``served``, ``page``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from registre.catalog.enums import Role
from tests.support.api import Api, open_api, seed_tokens
from tests.support.catalogs import Databases, open_catalog
from tests.web.browser import AXE, CHROMIUM, LAUNCH_ARGS, live_server, require_browser
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


# --- a real browser on a real server (tests/web/browser.py) ---------------------------


def _seed(session: Any) -> tuple[dict[Role, str], Seeded]:
    return seed_tokens(session), seed(session)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_playwright = require_browser()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def served(databases: Databases) -> Iterator[tuple[str, dict[Role, str], Seeded]]:
    with open_catalog(databases, "sqlite", _seed) as catalog:
        tokens, ids = catalog.payload
        with live_server(catalog) as base:
            yield base, tokens, ids


@pytest.fixture
def page(browser: Any, served: tuple[str, dict[Role, str], Seeded]) -> Iterator[Any]:
    base, _, _ = served
    context = browser.new_context(
        base_url=base,
        locale="fr-FR",
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )
    # axe-core is served to the page from its own origin (the policy allows no inline script)
    context.route(
        "**/__axe.min.js",
        lambda route: route.fulfill(path=str(AXE), content_type="application/javascript"),
    )
    opened = context.new_page()
    yield opened
    context.close()
