"""Single sign-on tests: Registre (through Starlette's TestClient, at ``http://testserver``)
signing people in at a real OpenID Connect provider started on this machine
(``provider.py``), configured as ProConnect would be (its scopes and claims)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any
from urllib.parse import urlsplit

import pytest

from registre.config.oidc import OidcSettings
from registre.config.settings import Settings
from tests.support.api import Api, open_api
from tests.support.catalogs import Databases
from tests.web.oidc.provider import (
    APP_BASE,
    CLIENT_ID,
    CLIENT_SECRET,
    Provider,
    ProviderBrowser,
    running_provider,
)
from tests.web.seed import seed

SECRET_ENV = "REGISTRE_SECRET_OIDC_TEST"
LABEL = "Se connecter avec ProConnect"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider() as started:
        yield started


def oidc_settings(issuer: str, **changes: Any) -> OidcSettings:
    values: dict[str, Any] = {
        "issuer": issuer,
        "client_id": CLIENT_ID,
        "client_secret_ref": f"env:{SECRET_ENV}",
        "scopes": "openid email given_name usual_name uid siret groups",
        "name_claims": ["given_name", "usual_name"],
        "button_label": LABEL,
        "redirect_base_url": APP_BASE,
    }
    return OidcSettings(**(values | changes))


SiteFactory = Callable[..., AbstractContextManager[Api]]


@pytest.fixture
def make_site(databases: Databases, monkeypatch: pytest.MonkeyPatch) -> SiteFactory:
    """``with make_site(issuer, **oidc_changes) as api``: the seeded catalog's app with
    single sign-on at ``issuer``."""
    monkeypatch.setenv(SECRET_ENV, CLIENT_SECRET)

    @contextmanager
    def make(issuer: str, **changes: Any) -> Iterator[Api]:
        settings = Settings(oidc=oidc_settings(issuer, **changes))
        with open_api(databases, "sqlite", seed, settings) as api:
            yield api

    return make


@pytest.fixture
def sso_site(make_site: SiteFactory, provider: Provider) -> Iterator[Api]:
    with make_site(provider.issuer) as api:
        yield api


@pytest.fixture
def browser() -> Iterator[ProviderBrowser]:
    at_provider = ProviderBrowser()
    yield at_provider
    at_provider.close()


def callback_path(url: str) -> str:
    """The path and query of an address at Registre (the TestClient's base)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def sign_in_with_provider(
    api: Api, browser: ProviderBrowser, login: str, next_url: str = "/"
) -> Any:
    """The whole sign-in, as a browser does it: Registre's button, the provider's forms,
    back to Registre; the answer of Registre's callback."""
    start = api.client.get("/connexion/oidc", params={"next": next_url}, follow_redirects=False)
    assert start.status_code == 303, start.text
    back = browser.until_app(start.headers["location"], login)
    return api.client.get(callback_path(back), follow_redirects=False)
