"""Every page answers for every role that reads, lists download as CSV, exports download,
and no vocabulary code (``IN_PRODUCTION``, ``NATIONAL_IDENTIFIER``) is shown as text."""

from __future__ import annotations

import enum
import html
import re

import pytest

from registre.catalog import enums
from registre.catalog.enums import Role
from tests.support.api import Api, open_api
from tests.support.catalogs import Databases
from tests.web.conftest import seeded, sign_in
from tests.web.pages import CSV_LISTS, all_pages, detail_pages
from tests.web.seed import seed

TAGS = re.compile(r"<[^>]+>")


def visible_text(page: str) -> str:
    """The page's text as a reader sees it (no tags, no attributes)."""
    body = page.split("<body>", 1)[-1]
    return html.unescape(TAGS.sub(" ", body))


def _codes() -> set[str]:
    """Every enum name that is not also an ordinary word or acronym."""
    codes = set()
    for value in vars(enums).values():
        if isinstance(value, type) and issubclass(value, enum.Enum):
            codes |= {m.value for m in value if isinstance(m.value, str) and "_" in m.value}
    codes |= {
        "NATIONAL_IDENTIFIER",
        "SPECIAL_CATEGORY",
        "EMAIL_ADDRESS",
        "FR_NIR",
        "CONTACT",
        "IDENTITY",
        "SUGGESTED",
        "CONFIRMED",
        "CONFIDENTIAL",
        "LIMITED",
        "PLANNED",
    }
    return codes


@pytest.mark.postgres
def test_every_page_and_download_answers_on_postgresql(
    databases: Databases, pg_server_url: str
) -> None:
    with open_api(databases, "postgresql", seed, pg_url=pg_server_url) as api:
        sign_in(api)
        for path in all_pages(seeded(api)) + [f"{p}?format=csv" for p in CSV_LISTS]:
            assert api.client.get(path).status_code == 200, path
        order = re.findall(r'<tr id="finding-(\d+)"', api.client.get("/revue").text)
        assert order[:2] == [str(seeded(api).findings["sante"]), str(seeded(api).findings["nir"])]


def test_every_page_answers_for_an_admin(site: Api) -> None:
    sign_in(site)
    for path in all_pages(seeded(site)):
        answer = site.client.get(path)
        assert answer.status_code == 200, path
        assert '<html lang="fr">' in answer.text
        assert 'href="#main"' in answer.text  # the skip link


def test_every_form_that_posts_carries_its_csrf_token(site: Api) -> None:
    sign_in(site)
    forms = 0
    for path in all_pages(seeded(site)):
        page = site.client.get(path).text
        for form in re.findall(r"<form\b[^>]*>.*?</form>", page, re.S | re.I):
            if not re.search(r'method="post"', form, re.I):
                continue
            forms += 1
            assert re.search(r'name="csrf" value="[^"]{20,}"', form), (path, form[:300])
    assert forms > 20  # the walk reaches the pages' forms


@pytest.mark.parametrize("role", [Role.STEWARD, Role.SECURITY, Role.AUDITOR, Role.SCANNER])
def test_every_reading_page_answers_for_each_role(site: Api, role: Role) -> None:
    sign_in(site, role)
    for path in all_pages(seeded(site), admin=False):
        assert site.client.get(path).status_code == 200, path
    assert site.client.get("/jetons").status_code == 403
    assert 'href="/jetons"' not in site.client.get("/").text


def test_no_vocabulary_code_is_shown_as_text(site: Api) -> None:
    sign_in(site)
    codes = _codes()
    for path in all_pages(seeded(site)):
        text = visible_text(site.client.get(path).text)
        shown = {code for code in codes if re.search(rf"\b{code}\b", text)}
        assert shown == set(), path


def test_dates_are_written_the_french_way(site: Api) -> None:
    sign_in(site)
    page = visible_text(site.client.get("/jetons").text)
    assert re.search(
        r"\b\d{1,2} (janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc)\.? \d{4}, \d{2}:\d{2}",
        page,
    )


@pytest.mark.parametrize("path", CSV_LISTS)
def test_each_list_downloads_what_it_lists_as_csv(site: Api, path: str) -> None:
    sign_in(site)
    answer = site.client.get(f"{path}?format=csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert answer.text.startswith('\ufeff"')  # Excel in French: BOM, ';', quoted cells
    assert len(answer.text.strip().splitlines()) >= 2, "the seeded catalog fills every list"


def test_a_filtered_list_downloads_only_what_it_shows(site: Api) -> None:
    sign_in(site)
    everything = site.client.get("/jeux-de-donnees?format=csv").text.strip().splitlines()
    some = site.client.get("/jeux-de-donnees?format=csv&q=agents").text.strip().splitlines()
    assert len(everything) == 3 and len(some) == 2 and '"agents"' in some[1]


def test_lists_are_paginated(site: Api) -> None:
    sign_in(site)
    page = site.client.get("/journal").text
    assert "page 1 sur" in page
    beyond = site.client.get("/journal?page=999")
    assert beyond.status_code == 200  # clamped to the last page


def test_the_exports_download(site: Api) -> None:
    sign_in(site)
    ids = seeded(site)
    art30 = site.client.get("/traitements/export/art30")
    assert art30.status_code == 200 and "Gestion des agents" in art30.text
    assert art30.headers["content-disposition"].startswith("attachment;")
    inventory = site.client.get("/traitements/export/inventaire")
    assert inventory.status_code == 200
    annex = site.client.get(f"/traitements/export/annexe-viii?id={ids.ai['aid']}")
    assert annex.status_code == 200 and annex.headers["content-type"] == "application/json"
    # Annex VIII registers high-risk systems only (the catalog refuses the others)
    assert (
        site.client.get(f"/traitements/export/annexe-viii?id={ids.ai['chatbot']}").status_code
        == 400
    )
    assert f"annexe-viii?id={ids.ai['chatbot']}" not in site.client.get("/traitements").text
    assert site.client.get("/traitements/export/annexe-viii").status_code == 400
    assert site.client.get("/traitements/export/inconnu").status_code == 400


def test_compliance_issues_link_their_official_texts(site: Api) -> None:
    sign_in(site)
    page = site.client.get("/conformite").text
    assert 'href="https://eur-lex.europa.eu/eli/reg/2016/679/oj"' in page
    assert "Transfert hors UE sans garanties" in page  # the rule's French title
    filtered = site.client.get("/conformite?gravite=CRITICAL").text
    assert "Aucun écart de conformité ouvert." in filtered


def test_the_data_flow_picture_flags_the_transfer(site: Api) -> None:
    sign_in(site)
    chatbot = seeded(site).ai["chatbot"]
    page = site.client.get(f"/exposition/{chatbot}").text
    svg = page.split('<svg class="flow"', 1)[1].split("</svg>", 1)[0]
    assert "rh › agents" in html.unescape(svg)
    assert "Identifiant national" in svg and "Coordonnées" in svg
    assert "Hyperscale Cloud Inc." in svg and "hors UE/EEE" in svg
    assert 'class="node flagged"' in svg  # the provider's box


def test_the_dashboard_draws_its_charts(site: Api) -> None:
    """Small server-rendered SVG charts: personal data by category and by store, open
    issues by severity, each bar a value of the catalog."""
    sign_in(site)
    page = site.client.get("/").text
    charts = {
        html.unescape(m.group(1)): m.group(2)
        for m in re.finditer(
            r'<svg class="chart"[^>]*aria-label="([^"]+)"[^>]*>(.*?)</svg>', page, re.S
        )
    }
    assert set(charts) == {
        "Champs contenant des données personnelles, par catégorie",
        "Champs contenant des données personnelles, par entrepôt",
        "Écarts de conformité ouverts par gravité",
    }, set(charts)
    for title, svg in charts.items():
        widths = [int(w) for w in re.findall(r'<rect [^>]*width="(\d+)"', svg)]
        assert widths and max(widths) > 0, title  # bars drawn, not an empty frame
        values = re.findall(r'class="chart-value">([^<]+)<', svg)
        assert len(values) == len(widths) and any(v.strip() != "0" for v in values), title


def test_scan_now_queues_a_run(site: Api) -> None:
    sign_in(site, Role.STEWARD)
    ids = seeded(site)
    page = site.client.get(f"/entrepots/{ids.stores['social']}").text
    from tests.web.conftest import csrf_of

    answer = site.client.post(
        f"/entrepots/{ids.stores['social']}/scanner",
        data={"csrf": csrf_of(page)},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert site.scans is not None and len(site.scans.submitted) == 1
    shown = site.client.get(answer.headers["location"]).text
    assert "Analyse lancée" in shown and "En attente" in shown


def test_store_pages_show_drift(site: Api) -> None:
    sign_in(site, Role.AUDITOR)
    ids = seeded(site)
    page = site.client.get(detail_pages(ids)[0]).text
    assert "nouvelles colonnes : 1" in page
    assert "Analyser maintenant" not in page


def test_tokens_for_admins(site: Api) -> None:
    sign_in(site)
    from tests.web.conftest import csrf_of

    page = site.client.get("/jetons").text
    created = site.client.post(
        "/jetons", data={"csrf": csrf_of(page), "name": "dpo-durand", "role": "auditor"}
    )
    assert created.status_code == 200
    token = re.search(r'id="new-token">(rgt_[^<]+)<', created.text)
    assert token is not None
    revoked = site.client.post(
        "/jetons/revoquer",
        data={"csrf": csrf_of(page), "name": "dpo-durand"},
        follow_redirects=False,
    )
    assert revoked.status_code == 303
    assert "révoqué le" in site.client.get("/jetons").text


def test_an_unknown_page_is_a_french_404(site: Api) -> None:
    sign_in(site)
    answer = site.client.get("/nulle-part")
    assert answer.status_code == 404 and "Cette page n’existe pas." in answer.text
    assert site.client.get("/jeux-de-donnees/99999").status_code == 404
