"""Single sign-on in a real browser: Debian's chromium (Playwright) on Registre served by
uvicorn, signing in at the real provider and signing out there, with the pages' own
Content-Security-Policy in force (a form may only be sent to Registre itself)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn
from sqlalchemy import select

from registre.catalog.access.people import grant_role
from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.enums import Role
from registre.catalog.models.people import User
from registre.config.settings import Settings
from registre.graphql.app import create_app
from tests.support.api import RecordedScans
from tests.support.catalogs import Catalog, Databases, open_catalog
from tests.web.browser import CHROMIUM, LAUNCH_ARGS, require_browser
from tests.web.oidc.conftest import LABEL, SECRET_ENV, oidc_settings
from tests.web.oidc.provider import CLIENT_SECRET, free_port, running_provider
from tests.web.seed import seed

WAITING_FR = "Votre compte a été créé ; un administrateur doit vous attribuer un rôle."


@contextmanager
def serve(catalog: Catalog, settings: Settings, port: int) -> Iterator[None]:
    app = create_app(settings, engine=catalog.engine, services={"scans": RecordedScans()})
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):  # a readiness wait, not a timed assertion
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_a_person_signs_in_waits_for_a_role_works_and_signs_out_in_chromium(
    databases: Databases, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync_playwright = require_browser()
    monkeypatch.setenv(SECRET_ENV, CLIENT_SECRET)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with (
        running_provider(base) as provider,
        open_catalog(databases, "sqlite", seed) as catalog,
    ):
        oidc = oidc_settings(provider.issuer, redirect_base_url=base)
        settings = Settings(database_url=catalog.url, oidc=oidc)
        with serve(catalog, settings, port), sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            page = browser.new_page(locale="fr-FR")
            page.goto(base + "/revue")
            assert page.url.startswith(base + "/connexion")
            page.get_by_role("link", name=LABEL).click()
            # the provider's own login and consent forms
            page.fill('input[name="login"]', "marie.curie")
            page.fill('input[name="password"]', "x")
            page.click('button[type="submit"]')
            page.click('button[type="submit"]')
            page.wait_for_url(base + "/revue")
            assert WAITING_FR in page.content()

            with catalog.factory() as session:
                user = session.scalar(select(User).where(User.oidc_subject == "marie.curie"))
                assert user is not None
                grant_role(session, CLI_ACTOR, user, Role.STEWARD)
                session.commit()
            page.reload()
            assert page.locator(".who").inner_text().startswith("Marie Curie")
            assert page.locator("h1").count() == 1 and WAITING_FR not in page.content()

            page.get_by_role("button", name="Se déconnecter").click()
            # at the provider: its logout confirmation, then back to Registre's sign-in page
            page.wait_for_url(provider.issuer + "/**")
            page.click('button[name="logout"], button[type="submit"]')
            page.wait_for_url(base + "/connexion**")
            page.goto(base + "/")
            assert page.url.startswith(base + "/connexion")
            browser.close()
