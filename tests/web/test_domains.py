"""The web interface with tokens limited to domains: every page works and shows only the
token's domain; a caller of several domains chooses the domain of a new data store or AI
system in the form."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from registre.catalog.models import AISystem, DataStore, Domain, ProcessingActivity
from tests.support.api import Api, serve
from tests.support.catalogs import Databases, open_catalog
from tests.support.domains import MARKS, TwoDomains, seed_two_domains
from tests.web.conftest import CSRF, csrf_of
from tests.web.pages import LISTS

ALPHA, BETA = MARKS


@pytest.fixture
def site(databases: Databases) -> Iterator[Api]:
    with (
        open_catalog(databases, "sqlite", seed_two_domains) as catalog,
        serve(catalog, tokens={}) as api,
    ):
        yield api


def _sign_in(api: Api, token: str) -> None:
    api.client.cookies.clear()
    form = api.client.get("/connexion")
    found = CSRF.search(form.text)
    assert found is not None
    answer = api.client.post(
        "/connexion",
        data={"token": token, "csrf": found.group(1), "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def test_every_page_shows_only_the_stewards_domain(site: Api) -> None:
    two = site.payload
    assert isinstance(two, TwoDomains)
    for mark in MARKS:
        mine, theirs = two.sides[mark], two.other(mark)
        _sign_in(site, mine.steward_token)
        pages = LISTS + [
            f"/entrepots/{mine.ids['DataStore'][0]}",
            f"/jeux-de-donnees/{mine.ids['Dataset'][0]}",
            f"/systemes-ia/{mine.ids['AISystem'][0]}",
            "/entrepots/nouveau",
            "/systemes-ia/nouveau",
        ]
        for path in pages:
            answer = site.client.get(path)
            assert answer.status_code == 200, (path, answer.status_code)
            assert theirs.mark not in answer.text.lower(), path
        assert any(mark in site.client.get(p).text for p in ("/entrepots", "/systemes-ia"))
        # the other domain's pages are not found
        for path in (
            f"/entrepots/{theirs.ids['DataStore'][0]}",
            f"/jeux-de-donnees/{theirs.ids['Dataset'][0]}",
            f"/systemes-ia/{theirs.ids['AISystem'][0]}",
        ):
            assert site.client.get(path).status_code == 404, path
        # one domain: the form has no domain select (the catalog picks it)
        assert 'name="domain_id"' not in site.client.get("/entrepots/nouveau").text


def test_a_caller_of_several_domains_chooses_one(site: Api) -> None:
    two = site.payload
    assert isinstance(two, TwoDomains)
    beta = two.sides[BETA]
    _sign_in(site, two.both_token)
    form = site.client.get("/entrepots/nouveau").text
    options = re.findall(r'<option value="(\d+)"[^>]*>Direction (\w+)</option>', form)
    assert sorted(name for _, name in options) == sorted(MARKS)
    # without a choice: refused, naming the field
    answer = site.client.post(
        "/entrepots/nouveau",
        data={"csrf": csrf_of(form), "name": "sans", "url": "postgresql://u@h/s"},
    )
    assert answer.status_code == 400 and "plusieurs domaines" in answer.text
    answer = site.client.post(
        "/entrepots/nouveau",
        data={
            "csrf": csrf_of(form),
            "name": "choisi",
            "url": "postgresql://u@h/c",
            "domain_id": str(beta.domain),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    form = site.client.get("/systemes-ia/nouveau").text
    assert 'name="domain_id"' in form
    answer = site.client.post(
        "/systemes-ia/nouveau",
        data={
            "csrf": csrf_of(form),
            "name": "IA choisie",
            "status": "PLANNED",
            "domain_id": str(beta.domain),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    with site.factory() as session:
        assert (
            session.scalar(select(DataStore.domain_id).where(DataStore.name == "choisi"))
            == beta.domain
        )
        assert (
            session.scalar(select(AISystem.domain_id).where(AISystem.name == "IA choisie"))
            == beta.domain
        )
        assert session.get(Domain, beta.domain) is not None


def test_the_processing_form_asks_a_caller_of_several_domains_for_one(site: Api) -> None:
    two = site.payload
    assert isinstance(two, TwoDomains)
    alpha, beta = two.sides[ALPHA], two.sides[BETA]
    # one domain: no select, the catalog picks the steward's own
    _sign_in(site, alpha.steward_token)
    assert 'name="domain_id"' not in site.client.get("/traitements").text
    _sign_in(site, two.both_token)
    form = site.client.get("/traitements").text
    options = re.findall(r'<option value="(\d+)"[^>]*>Direction (\w+)</option>', form)
    assert sorted(name for _, name in options) == sorted(MARKS)
    answer = site.client.post(
        "/traitements", data={"csrf": csrf_of(form), "name": "Traitement sans domaine"}
    )
    assert answer.status_code == 400 and "plusieurs domaines" in answer.text
    assert 'name="domain_id"' in answer.text  # the form comes back with its select
    answer = site.client.post(
        "/traitements",
        data={
            "csrf": csrf_of(form),
            "name": "Traitement choisi",
            "domain_id": str(beta.domain),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    with site.factory() as session:
        chosen = session.scalar(
            select(ProcessingActivity.domain_id).where(
                ProcessingActivity.name == "Traitement choisi"
            )
        )
        assert chosen == beta.domain
        assert (
            session.scalar(
                select(ProcessingActivity.id).where(
                    ProcessingActivity.name == "Traitement sans domaine"
                )
            )
            is None
        )


def _row(html: str, name: str) -> str:
    found = re.search(rf"<tr><td>{re.escape(name)}</td>(.*?)</tr>", html, re.S)
    assert found is not None, name
    return found.group(1)


def test_admin_pages_name_domains_in_french(site: Api) -> None:
    """The tokens page says which domains a token is limited to; the default domain keeps its
    code (what ``--domain`` takes) explained in French; the header names a token in French."""
    two = site.payload
    assert isinstance(two, TwoDomains)
    _sign_in(site, two.admin_token)
    tokens = site.client.get("/jetons").text
    assert "(domaines : Direction zalpha)" in _row(tokens, "dpo-alpha")
    assert "(domaines :" not in _row(tokens, "admin-wide")  # the whole organisation
    assert "jeton admin-wide" in tokens and "token:admin-wide" not in tokens
    people = site.client.get("/personnes").text
    assert "default (domaine par défaut)" in people
    assert "<td>default</td>" not in people


def test_the_annex_viii_list_says_when_it_is_empty(site: Api) -> None:
    """A steward whose domain has no high-risk system reads so, not a heading over nothing."""
    two = site.payload
    assert isinstance(two, TwoDomains)
    for mark in MARKS:
        _sign_in(site, two.sides[mark].steward_token)
        page = site.client.get("/traitements").text
        has_link = "/traitements/export/annexe-viii?id=" in page
        says_none = "Aucun système d’IA à haut risque dans le registre." in page
        assert has_link != says_none, mark
    _sign_in(site, two.admin_token)
    with site.factory() as session:
        high = session.scalar(select(AISystem.id).where(AISystem.risk_class == "HIGH").limit(1))
    assert ("/traitements/export/annexe-viii?id=" in site.client.get("/traitements").text) == (
        high is not None
    )
