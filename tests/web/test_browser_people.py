"""In headless Chromium: an admin opens the page of people from the navigation, grants a
role to a person created by their first single sign-on through the form, and that person's
actor then holds it; axe-core finds nothing serious on the page.

With ``REGISTRE_SCREENSHOT_DIR`` set, the page is saved there as ``personnes.png`` (the
picture of docs/domains.md)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from registre.catalog.access.domains import create_domain
from registre.catalog.access.oidc import Identity, sign_in_person
from registre.catalog.access.people import actor_for_user, create_user, grant_role
from registre.catalog.access.roles import CLI_ACTOR, Grant
from registre.catalog.data.stores import create_organisation
from registre.catalog.enums import Role, UserKind
from registre.catalog.models import User
from registre.config.oidc import OidcSettings
from tests.support.api import seed_tokens
from tests.support.catalogs import Catalog, Databases, open_catalog
from tests.web.browser import AXE, axe_violations, live_server, sign_in_page
from tests.web.seed import seed

ISSUER = "https://sso.ville.example/realms/agents"


def _person(session: Session, sub: str, name: str, email: str) -> User:
    identity = Identity(ISSUER, sub, {"sub": sub, "email": email, "name": name})
    return sign_in_person(session, OidcSettings(issuer=ISSUER, client_id="registre"), identity)


def _seed(session: Session) -> dict[str, Any]:
    tokens = seed_tokens(session)
    seed(session)
    ville = create_organisation(session, CLI_ACTOR, {"name": "Ville de Saint-Aubin"})
    rh = create_domain(session, CLI_ACTOR, "Ressources humaines", ville.id)
    social = create_domain(session, CLI_ACTOR, "Action sociale", ville.id)
    luc = create_user(
        session, CLI_ACTOR, "Luc Moreau", "luc.moreau@ville.fr", organisation_id=ville.id
    )
    grant_role(session, CLI_ACTOR, luc, Role.STEWARD, rh.id)
    grant_role(session, CLI_ACTOR, luc, Role.AUDITOR)
    night = create_user(session, CLI_ACTOR, "Analyse de nuit", kind=UserKind.SERVICE)
    grant_role(session, CLI_ACTOR, night, Role.SCANNER, social.id)
    agnes = _person(session, "s-1", "Agnès Varda", "agnes.varda@ville.fr")
    _person(session, "s-2", "Jacques Demy", "jacques.demy@ville.fr")
    return {"tokens": tokens, "agnes": agnes.id, "social": social.id}


@pytest.fixture
def served(databases: Databases) -> Iterator[tuple[str, Catalog]]:
    with open_catalog(databases, "sqlite", _seed) as catalog, live_server(catalog) as base:
        yield base, catalog


@pytest.fixture
def page(browser: Any, served: tuple[str, Catalog]) -> Iterator[Any]:
    base, _ = served
    context = browser.new_context(
        base_url=base, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    context.route(
        "**/__axe.min.js",
        lambda route: route.fulfill(path=str(AXE), content_type="application/javascript"),
    )
    opened = context.new_page()
    yield opened
    context.close()


def test_an_admin_grants_a_role_through_the_form(page: Any, served: Any) -> None:
    _, catalog = served
    ids = catalog.payload
    sign_in_page(page, ids["tokens"][Role.ADMIN])
    page.get_by_role("navigation").get_by_role("link", name="Personnes").click()
    page.wait_for_url("**/personnes")
    assert page.locator("h1").inner_text() == "Personnes et domaines"
    row = page.locator(f"#user-{ids['agnes']}")
    assert "en attente d’un rôle" in row.inner_text()
    found = axe_violations(page)
    assert found == [], [(v["id"], v["help"], len(v["nodes"])) for v in found]
    row.get_by_label("Rôle pour Agnès Varda").select_option(label="Gestionnaire de données")
    row.get_by_label("Où, pour Agnès Varda").select_option(label="Action sociale")
    row.get_by_role("button", name="Attribuer à Agnès Varda").click()
    page.wait_for_url("**/personnes?fait=attribue")
    assert page.get_by_role("status").inner_text() == "Rôle attribué."
    row = page.locator(f"#user-{ids['agnes']}")
    assert "Action sociale" in row.inner_text()
    assert "en attente" not in row.inner_text()
    with catalog.factory() as session:
        agnes = session.get(User, ids["agnes"])
        assert agnes is not None
        actor = actor_for_user(session, agnes)
        assert actor is not None and actor.grants == (Grant(Role.STEWARD, ids["social"]),)
    assert axe_violations(page) == []
    target = os.environ.get("REGISTRE_SCREENSHOT_DIR")
    if target:
        page.screenshot(path=str(Path(target) / "personnes.png"), full_page=True)
