"""The API answers in the language of ``Accept-Language`` (English when it names none
Registre speaks): the classification's reasons and obligations and the errors' messages are
translated; codes, enum values and rule ids never are."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from registre.catalog.enums import Role
from tests.support.api import Api, open_api
from tests.support.catalogs import Databases

CLASSIFY = """
mutation($input: ClassifyAISystemInput!) {
  classifyAISystem(input: $input) { riskClass reasons obligations }
}"""

CHATBOT = {"input": {"art50Triggers": ["INTERACTS_WITH_PERSONS"]}}
WELFARE = {"input": {"annexIIIPoint": "5(a)", "profiling": True}}


@pytest.fixture
def api(databases: Databases) -> Iterator[Api]:
    with open_api(databases, role=Role.STEWARD) as made:
        yield made


def _ask(api: Api, variables: dict[str, Any], language: str | None) -> tuple[Any, str]:
    headers = {"Accept-Language": language} if language else {}
    response = api.post(CLASSIFY, variables, headers=headers)
    assert response.status_code == 200
    return response.json(), response.headers["content-language"]


def test_the_classification_speaks_the_request_language(api: Api) -> None:
    french, lang = _ask(api, CHATBOT, "fr-FR,fr;q=0.9,en;q=0.5")
    assert lang == "fr"
    result = french["data"]["classifyAISystem"]
    assert result["riskClass"] == "LIMITED"  # an enum value, never translated
    assert result["reasons"] == [
        "Art. 50, § 1 : interagit directement avec des personnes physiques"
    ]
    assert result["obligations"] == [
        "Art. 50, § 1 : informer les personnes qu’elles interagissent avec un système d’IA",
        "Art. 4 : maîtrise de l’IA du personnel qui l’utilise",
    ]
    english, lang = _ask(api, CHATBOT, "en-GB")
    assert lang == "en"
    assert english["data"]["classifyAISystem"]["reasons"] == [
        "Art. 50(1): interacts directly with people"
    ]
    # no header: English, what scripts always read
    assert _ask(api, CHATBOT, None) == (english, "en")
    # a language Registre does not speak: English too
    assert _ask(api, CHATBOT, "de-DE")[0] == english


def test_nested_messages_are_translated_whole(api: Api) -> None:
    french = _ask(api, WELFARE, "fr")[0]["data"]["classifyAISystem"]
    assert french["riskClass"] == "HIGH"
    assert french["reasons"] == [
        "Art. 6, § 2, et annexe III, point 5(a) (Accès et droit aux services privés essentiels "
        "et aux services publics et prestations sociales essentiels : éligibilité aux "
        "prestations et services essentiels d’aide sociale)"
    ]
    english = _ask(api, WELFARE, "en")[0]["data"]["classifyAISystem"]
    assert english["reasons"] == [
        "Art. 6(2) and Annex III point 5(a) (Access to essential private and public services "
        "and benefits: eligibility for essential public assistance benefits and services)"
    ]
    assert len(french["obligations"]) == len(english["obligations"])
    assert not any("Art. 26(" in o for o in french["obligations"])


def test_errors_keep_their_code_and_speak_the_language(api: Api) -> None:
    bad = {"input": {"annexIIIPoint": "9(z)"}}
    french = _ask(api, bad, "fr")[0]["errors"][0]
    english = _ask(api, bad, "en")[0]["errors"][0]
    assert french["extensions"] == english["extensions"]
    assert english["extensions"]["code"] == "INVALID_INPUT"
    assert english["message"].startswith("input.annexIIIPoint: is not an Annex III point; one of")
    assert french["message"].startswith(
        "input.annexIIIPoint: n’est pas un point de l’annexe III ; l’un de"
    )
    assert "1(a), 1(b)" in french["message"]


# --- compliance issues --------------------------------------------------------------------

ISSUES = """
{ complianceIssues(first: 50) { edges { node { rule legalBasis title message facts } } } }"""


@pytest.fixture
def register(databases: Databases) -> Iterator[Api]:
    from tests.graphql.test_compliance import _seed

    with open_api(databases, seed=_seed, role=Role.AUDITOR) as made:
        yield made


def _issues(api: Api, language: str | None) -> dict[str, dict[str, Any]]:
    headers = {"Accept-Language": language} if language else {}
    response = api.post(ISSUES, headers=headers)
    assert response.status_code == 200 and "errors" not in response.json()
    edges = response.json()["data"]["complianceIssues"]["edges"]
    return {edge["node"]["rule"]: edge["node"] for edge in edges}


def test_compliance_issues_speak_the_request_language(register: Api) -> None:
    from registre.catalog.models.compliance import StoredIssue

    english = _issues(register, "en")
    french = _issues(register, "fr")
    assert _issues(register, None) == english
    assert set(french) == set(english) == {"PSSIE-HOMOLOGATION", "GOV-OWNER", "AIACT-27-FRIA"}
    with register.factory() as session:
        stored = {r.rule: r.message for r in session.query(StoredIssue)}
    # English is the stored text, byte for byte
    assert {rule: node["message"] for rule, node in english.items()} == stored
    owner = french["GOV-OWNER"]
    name = english["GOV-OWNER"]["message"].split("'")[1]
    assert owner["message"] == f"« {name} » n’a pas de responsable désigné"
    assert owner["title"] == "Système d’IA sans responsable"
    assert english["GOV-OWNER"]["title"] == "AI system without owner"
    homologation = french["PSSIE-HOMOLOGATION"]
    assert homologation["message"] == (
        f"« {english['PSSIE-HOMOLOGATION']['message'].split(chr(39))[1]} » est en production "
        "sans homologation de sécurité achevée"
    )
    assert homologation["legalBasis"] == "PSSIE INT-HOMOLOG-SSI; RGS, art. 5"
    fria = french["AIACT-27-FRIA"]
    assert fria["legalBasis"] == "Règlement (UE) 2024/1689 sur l’IA, art. 27"
    # no code of the register in a French message (facts keep them: they are data)
    assert not any(
        "IN_PRODUCTION" in n["message"] or "PILOT" in n["message"] for n in french.values()
    )
    assert "IN_PRODUCTION" in english["AIACT-27-FRIA"]["message"]
    assert "en production" in fria["message"]
    # facts and rule ids are the same in both languages
    assert {r: n["facts"] for r, n in french.items()} == {r: n["facts"] for r, n in english.items()}


def test_validation_errors_speak_the_request_language(api: Api) -> None:
    store = """
    mutation { registerDataStore(input: {name: "x", url: "postgresql://u:pw@h/db"}) {
      dataStore { id } } }"""
    country = (
        'mutation { createOrganisation(input: {name: "x", country: "France"}) { __typename } }'
    )

    def error(query: str, language: str) -> dict[str, Any]:
        body = api.post(query, role=Role.ADMIN, headers={"Accept-Language": language}).json()
        return dict(body["errors"][0])

    english, french = error(store, "en"), error(store, "fr")
    assert english["extensions"] == french["extensions"]  # code and field: never translated
    assert "contains a password; the catalog never stores secrets" in english["message"]
    assert (
        "contient un mot de passe ; le catalogue ne conserve jamais de secret" in french["message"]
    )
    english, french = error(country, "en"), error(country, "fr-FR")
    assert english["extensions"]["code"] == french["extensions"]["code"] == "INVALID_INPUT"
    assert french["message"] == (
        "input.country: doit être un code pays ISO 3166-1 à deux lettres, comme FR ou DE"
    )


def test_pydantic_errors_speak_the_request_language_by_type(api: Api) -> None:
    """A name over its length and a retention over its bound: pydantic's own errors, read
    by their type and bound, in French for ``Accept-Language: fr``."""
    long_name = "x" * 201
    store = (
        'mutation { registerDataStore(input: {name: "' + long_name + '",'
        ' url: "postgresql://u@h/db"}) { dataStore { id } } }'
    )
    system = (
        'mutation { registerAISystem(input: {name: "Tri", logRetentionDays: 40000}) {'
        " aiSystem { id } } }"
    )

    def error(query: str, language: str) -> dict[str, Any]:
        body = api.post(query, role=Role.ADMIN, headers={"Accept-Language": language}).json()
        return dict(body["errors"][0])

    english, french = error(store, "en"), error(store, "fr")
    assert english["message"] == "input.name: String should have at most 200 characters"
    assert french["message"] == "input.name: Au plus 200 caractères sont permis"
    english, french = error(system, "en"), error(system, "fr")
    assert english["message"].endswith("Input should be less than or equal to 36500")
    assert french["message"].endswith("La valeur doit être inférieure ou égale à 36500")
