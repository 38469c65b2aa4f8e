"""End to end in headless Chromium: sign in, review a finding and see it confirmed through
the API, register an AI system and link a dataset through the forms, download a CSV, the
keyboard, axe-core on every page, and no request to any other host."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from registre.catalog.enums import Role
from tests.web.browser import axe_violations, query_api, sign_in_page
from tests.web.pages import all_pages


def test_sign_in_and_the_dashboard(page: Any, served: Any) -> None:
    _, tokens, _ = served
    page.goto("/revue")
    assert "/connexion" in page.url
    sign_in_page(page, tokens[Role.STEWARD])
    page.goto("/")
    assert page.title() == "Tableau de bord · Registre"
    assert page.locator("html").get_attribute("lang") == "fr"
    page.reload()
    assert page.title() == "Tableau de bord · Registre"  # a reload keeps the session


def test_review_a_finding_in_the_queue_then_the_api_sees_it(page: Any, served: Any) -> None:
    base, tokens, ids = served
    sign_in_page(page, tokens[Role.STEWARD])
    page.goto("/revue")
    row = page.locator(f"#finding-{ids.findings['nir']}")
    row.get_by_role("button", name="Confirmer nir").click()  # htmx: the row is replaced
    page.locator(f"#finding-{ids.findings['nir']} .badge").filter(has_text="Confirmée").wait_for()
    assert "par token:steward" in page.locator(f"#finding-{ids.findings['nir']}").inner_text()
    from graphql_relay import to_global_id

    data = query_api(
        base,
        tokens[Role.AUDITOR],
        "query($id: ID!) { node(id: $id) { ... on Finding { status reviewer } } }",
        {"id": to_global_id("Finding", ids.findings["nir"])},
    )
    assert data["node"] == {"status": "CONFIRMED", "reviewer": "token:steward"}


def test_the_queue_works_from_the_keyboard(page: Any, served: Any) -> None:
    _, tokens, ids = served
    sign_in_page(page, tokens[Role.STEWARD])
    page.goto("/revue")
    page.keyboard.press("Tab")
    skip = page.evaluate("document.activeElement.textContent")
    assert skip.strip() == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # tick two findings and reject them, keys only
    page.focus(f"#tick-{ids.findings['nom']}")
    page.keyboard.press("Space")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
    page.focus(f"#tick-{ids.findings['hostile']}")
    page.keyboard.press("Space")
    page.focus("#comment")
    page.keyboard.type("pas des personnes")
    page.focus("button[value=REJECTED]")
    page.keyboard.press("Enter")
    page.wait_for_url("**fait=2")
    assert "2 détections revues." in page.inner_text("main")
    assert page.locator(f"#finding-{ids.findings['nom']}").count() == 0


def test_register_an_ai_system_and_link_a_dataset(page: Any, served: Any) -> None:
    base, tokens, ids = served
    sign_in_page(page, tokens[Role.STEWARD])
    page.goto("/systemes-ia")
    page.get_by_role("link", name="Enregistrer un système d’IA").click()
    page.get_by_label("Nom", exact=True).fill("Tri du courrier")
    page.get_by_label("Finalité").fill("Orienter les courriers entrants")
    page.get_by_label("Statut").select_option(label="Expérimentation")
    page.get_by_label("Classe de risque (règlement IA)").select_option(label="Risque minimal")
    page.get_by_label("Pays d’hébergement (code ISO à deux lettres, par ex. FR)").fill("FR")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/systemes-ia/*")
    assert page.locator("h1").inner_text() == "Tri du courrier"
    page.get_by_label("Jeu de données", exact=True).select_option(label="agents")
    page.get_by_label("Usage").select_option(label="Entrée")
    page.get_by_role("button", name="Lier le jeu de données").click()
    page.locator("#linked-datasets").get_by_text("agents").wait_for()
    data = query_api(
        base,
        tokens[Role.AUDITOR],
        '{ aiSystems(first: 5, filter: {search: "Tri du courrier"}) { edges { node { '
        "name status riskClass datasets { usage dataset { name } } } } } }",
        {},
    )
    node = data["aiSystems"]["edges"][0]["node"]
    assert node == {
        "name": "Tri du courrier",
        "status": "PILOT",
        "riskClass": "MINIMAL",
        "datasets": [{"usage": "INPUT", "dataset": {"name": "agents"}}],
    }


def test_download_a_csv(page: Any, served: Any) -> None:
    _, tokens, _ = served
    sign_in_page(page, tokens[Role.ADMIN])
    page.goto("/jeux-de-donnees")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger en CSV").click()
    download = download_info.value
    assert download.suggested_filename == "jeux-de-donnees.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:2] == ["Entrepôt", "Jeu de données"]
    assert sorted(r[1] for r in rows[1:]) == ["agents", 'usagers<script>alert("x")</script>']


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
def test_axe_finds_no_serious_violation_on_any_page(page: Any, served: Any, role: Role) -> None:
    _, tokens, ids = served
    page.goto("/connexion")
    assert axe_violations(page) == []
    sign_in_page(page, tokens[role])
    for path in all_pages(ids, admin=role is Role.ADMIN):
        page.goto(path)
        found = axe_violations(page)
        assert found == [], (path, [(v["id"], v["help"], len(v["nodes"])) for v in found])
    page.set_extra_http_headers({"Accept-Language": "en"})
    page.goto("/langue/en?next=/revue")
    assert axe_violations(page) == []


def test_no_request_leaves_the_server(page: Any, served: Any) -> None:
    base, tokens, ids = served
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    sign_in_page(page, tokens[Role.ADMIN])
    for path in all_pages(ids):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    page.goto("/revue")
    page.locator(f"#finding-{ids.findings['sante']}").get_by_role("button", name="Rejeter").click()
    page.wait_for_load_state("networkidle")
    ours = urlsplit(base).netloc
    assert len(requests) > len(all_pages(ids))
    assert {urlsplit(url).netloc for url in requests} == {ours}
    assert any(url.endswith("/static/htmx.min.js") for url in requests)
