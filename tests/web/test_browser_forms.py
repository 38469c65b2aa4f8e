"""The forms, clicked through in headless Chromium as a steward would: register a data
store and edit it, create a policy and link it to an AI system, record a processing
activity and link a system to it, answer the AI Act questionnaire; each result read back
through the API. Each form is photographed at 1280 px (``REGISTRE_SCREENSHOTS=docs/img``
writes the pictures the docs show; without it they go to a temporary folder)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from registre.catalog.enums import Role
from tests.web.browser import query_api, sign_in_page

SHOTS = os.environ.get("REGISTRE_SCREENSHOTS")


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    return Path(SHOTS) if SHOTS else tmp_path


def _shoot(page: Any, folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=True)
    assert (folder / name).stat().st_size > 10_000  # a page, not a blank


STORES = """{ dataStores(first: 50) { edges { node {
  name description owner sensitivity hostingCountry scanSchedule } } } }"""


def test_register_then_edit_a_data_store(page: Any, served: Any, shots: Path) -> None:
    base, tokens, _ = served
    sign_in_page(page, tokens[Role.STEWARD])
    page.goto("/entrepots")
    page.get_by_role("link", name="Enregistrer un entrepôt").click()
    page.get_by_label("Nom", exact=True).fill("Paie")
    page.get_by_label("URL de connexion").fill("postgresql://lecteur@db.ville.example/paie")
    page.get_by_label("Responsable", exact=True).fill("DRH")
    page.get_by_label("Sensibilité").select_option(label="Confidentiel")
    page.get_by_label("Pays d’hébergement (code ISO, par exemple FR)").fill("fr")
    _shoot(page, shots, "web-store-new.png")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/entrepots/*")
    assert page.locator("h1").inner_text() == "Paie"
    page.get_by_role("link", name="Modifier").click()
    page.wait_for_url("**/modifier")
    page.get_by_label("Description").fill("Paie des agents de la ville")
    page.get_by_label("Responsable", exact=True).fill("Direction des ressources humaines")
    schedule = page.get_by_label("Planification des analyses (cron, par exemple 0 2 * * *)")
    schedule.fill("0 3 * * 1")
    _shoot(page, shots, "web-store-edit.png")
    schedule.fill("chaque nuit")
    page.get_by_role("button", name="Enregistrer").click()
    # refused as the API refuses, in French, on the field, what was typed kept
    alert = page.get_by_role("alert")
    assert "n’est pas une expression cron valide" in alert.inner_text()
    assert schedule.get_attribute("aria-invalid") == "true"
    assert schedule.input_value() == "chaque nuit"
    schedule.fill("0 3 * * 1")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/entrepots/\d+$"))
    assert "Paie des agents de la ville" in page.locator("main").inner_text()
    edges = query_api(base, tokens[Role.AUDITOR], STORES, {})["dataStores"]["edges"]
    (node,) = [e["node"] for e in edges if e["node"]["name"] == "Paie"]
    assert node == {
        "name": "Paie",
        "description": "Paie des agents de la ville",
        "owner": "Direction des ressources humaines",
        "sensitivity": "CONFIDENTIAL",
        "hostingCountry": "FR",
        "scanSchedule": "0 3 * * 1",
    }


def test_create_a_policy_and_link_it_to_a_system(page: Any, served: Any, shots: Path) -> None:
    base, tokens, ids = served
    sign_in_page(page, tokens[Role.STEWARD])
    page.get_by_role("navigation").get_by_role("link", name="Politiques").click()
    page.get_by_role("link", name="Nouvelle politique").click()
    page.get_by_label("Type").select_option(label="Gouvernance")
    page.get_by_label("Référentiel").select_option(label="Charte interne")
    page.get_by_label("Référence de la mesure (par exemple INT-HOMOLOG-SSI)").fill("CHARTE-IA-3")
    page.get_by_label("Intitulé").fill("Toute décision assistée par l’IA est relue par un agent")
    page.get_by_label("Adresse du texte officiel").fill("https://ville.example/charte-ia")
    page.get_by_label("Version").fill("2026")
    page.get_by_label("Responsable", exact=True).fill("DPO")
    _shoot(page, shots, "web-policy-new.png")
    page.get_by_role("button", name="Créer").click()
    page.get_by_role("status").get_by_text("Politique créée.").wait_for()
    assert "CHARTE-IA-3" in page.locator("tbody").inner_text()
    page.goto(f"/systemes-ia/{ids.ai['chatbot']}")
    page.get_by_label("Politique", exact=True).select_option(label=(
        "Charte interne CHARTE-IA-3 — Toute décision assistée par l’IA est relue par un agent"
    ))  # fmt: skip
    page.get_by_role("button", name="Lier la politique").click()
    page.wait_for_url(f"**/systemes-ia/{ids.ai['chatbot']}*")
    assert "CHARTE-IA-3" in page.locator("main").inner_text()
    query = (
        '{ aiSystems(first: 5, filter: {search: "Agent"}) { edges { node { '
        "policies { status policy { controlRef kind framework } } } } } }"
    )
    (edge,) = query_api(base, tokens[Role.AUDITOR], query, {})["aiSystems"]["edges"]
    linked = [p for p in edge["node"]["policies"] if p["policy"]["controlRef"] == "CHARTE-IA-3"]
    assert linked and linked[0]["policy"] == {
        "controlRef": "CHARTE-IA-3", "kind": "GOVERNANCE", "framework": "INTERNAL_CHARTER"
    }  # fmt: skip


def test_record_a_processing_activity_and_link_a_system(
    page: Any, served: Any, shots: Path
) -> None:
    base, tokens, _ = served
    sign_in_page(page, tokens[Role.STEWARD])
    page.goto("/traitements")
    page.get_by_label("Nom", exact=True).fill("Gestion des aides sociales")
    page.get_by_label("Finalités").fill("Instruire les demandes d’aide")
    page.get_by_label("Base légale").select_option(index=1)
    page.get_by_label("Durée de conservation").fill("5 ans après la dernière aide")
    _shoot(page, shots, "web-processing.png")
    page.get_by_role("button", name="Inscrire").click()
    page.wait_for_url("**/traitements*")
    assert "Gestion des aides sociales" in page.locator("table").first.inner_text()
    page.get_by_label("Activité de traitement", exact=True).select_option(
        label="Gestion des aides sociales"
    )
    page.get_by_label("Système d’IA", exact=True).select_option(label="Aide à l’instruction")
    page.get_by_role("button", name="Rattacher").click()
    page.wait_for_url("**/traitements*")
    query = (
        "{ processingActivities(first: 10) { edges { node { name retention "
        "aiSystems { name } } } } }"
    )
    nodes = [
        e["node"]
        for e in query_api(base, tokens[Role.AUDITOR], query, {})["processingActivities"]["edges"]
    ]
    (mine,) = [n for n in nodes if n["name"] == "Gestion des aides sociales"]
    assert mine == {
        "name": "Gestion des aides sociales",
        "retention": "5 ans après la dernière aide",
        "aiSystems": [{"name": "Aide à l’instruction"}],
    }


def test_answer_the_ai_act_questionnaire(page: Any, served: Any, shots: Path) -> None:
    base, tokens, ids = served
    sign_in_page(page, tokens[Role.STEWARD])
    page.goto(f"/systemes-ia/{ids.ai['aid']}")
    page.get_by_role("link", name="Classification (règlement IA)").click()
    page.locator("#q-is_ai_system").check()
    page.locator("#q-profiling").check()
    page.get_by_label("Usage relevant de l’annexe III, le cas échéant").select_option(value="5(a)")
    page.get_by_role("button", name="Classer et enregistrer").click()
    result = page.locator("#result")
    result.get_by_text("Enregistré sur le système.").wait_for()
    assert "Classe de risque proposée : Haut risque" in result.inner_text()
    _shoot(page, shots, "web-classification.png")
    query = (
        '{ aiSystems(first: 5, filter: {search: "Aide"}) { edges { node { '
        "riskClass annexIIIPoint profiling } } } }"
    )
    (edge,) = query_api(base, tokens[Role.AUDITOR], query, {})["aiSystems"]["edges"]
    assert edge["node"] == {"riskClass": "HIGH", "annexIIIPoint": "5(a)", "profiling": True}


def test_edit_a_dataset_and_a_system_and_record_an_assessment(page: Any, served: Any) -> None:
    base, tokens, ids = served
    sign_in_page(page, tokens[Role.STEWARD])
    page.goto(f"/jeux-de-donnees/{ids.datasets['agents']}")
    page.get_by_role("link", name="Modifier la description, le référent et la sensibilité").click()
    page.get_by_label("Description").fill("Les agents de la ville et leur carrière")
    page.get_by_label("Gestionnaire").fill("DRH")
    page.get_by_label("Sensibilité").select_option(value="RESTRICTED")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/jeux-de-donnees/\d+$"))
    assert "Les agents de la ville et leur carrière" in page.locator("main").inner_text()
    page.goto(f"/systemes-ia/{ids.ai['aid']}")
    page.get_by_role("link", name="Modifier", exact=True).click()
    page.get_by_label("Contrôle humain (personne ou fonction nommée)").fill(
        "Cheffe du service social"
    )
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/systemes-ia/\d+$"))
    page.locator("#kind").select_option(value="DPIA")
    page.locator("#assessment_status").select_option(value="COMPLETED")
    page.locator("#date").fill("2026-11-29")
    page.get_by_label("Synthèse").fill("Risques résiduels acceptés par le DPO")
    page.get_by_role("button", name="Enregistrer l’analyse").click()
    page.wait_for_url(re.compile(r"/systemes-ia/\d+"))
    assessments = page.get_by_role("region", name="Analyses d’impact et homologations")
    assert "29 novembre 2026" in assessments.inner_text()  # a French date
    query = (
        '{ aiSystems(first: 5, filter: {search: "Aide"}) { edges { node { humanOversightOwner '
        "assessments { kind status date } } } } "
        'datasets(first: 5, filter: {search: "agents"}) { edges { node { '
        "description steward sensitivity } } } }"
    )
    data = query_api(base, tokens[Role.AUDITOR], query, {})
    (system,) = data["aiSystems"]["edges"]
    assert system["node"]["humanOversightOwner"] == "Cheffe du service social"
    assert {"kind": "DPIA", "status": "COMPLETED", "date": "2026-11-29"} in system["node"][
        "assessments"
    ]
    (dataset,) = data["datasets"]["edges"]
    assert dataset["node"] == {
        "description": "Les agents de la ville et leur carrière",
        "steward": "DRH",
        "sensitivity": "RESTRICTED",
    }
