"""The refusals of the exports, the secrets, the roles and the scans in the language of
``Accept-Language`` (English without it); codes and fields never change."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from graphql_relay import to_global_id

from registre.catalog.data.scan_errors import ScanErrorKind, generic_message
from registre.catalog.enums import Role
from registre.catalog.i18n import translate
from tests.catalog.exports.exports_seed import ExportIds, seed
from tests.support.api import Api, open_api
from tests.support.catalogs import Databases

EXPORT = """query ($kind: ExportKind!, $format: ExportFormat, $ai: ID) {
  export(kind: $kind, format: $format, aiSystemId: $ai) { filename } }"""
REGISTER = """mutation ($input: RegisterDataStoreInput!) {
  registerDataStore(input: $input) { dataStore { id } } }"""
START = """mutation ($id: ID!) { scanDataStore(id: $id) { scanRun { id } } }"""


@pytest.fixture(scope="module")
def api(databases: Databases) -> Iterator[Api]:
    with open_api(databases, seed=seed, role=Role.ADMIN) as made:
        yield made


def _error(api: Api, query: str, variables: dict[str, Any], lang: str, role: Role) -> Any:
    response = api.post(query, variables, role, headers={"Accept-Language": lang})
    assert response.status_code == 200
    errors = response.json()["errors"]
    return errors[0]["message"], errors[0]["extensions"]


def both(api: Api, query: str, variables: dict[str, Any], role: Role = Role.ADMIN) -> Any:
    english, english_ext = _error(api, query, variables, "en", role)
    french, french_ext = _error(api, query, variables, "fr-FR", role)
    assert english_ext == french_ext  # codes and fields are never translated
    return english, french


def test_export_refusals_in_french(api: Api) -> None:
    english, french = both(api, EXPORT, {"kind": "ANNEX_VIII"})
    assert (
        english == "input.aiSystemId: the ANNEX_VIII export is about one AI system: give aiSystemId"
    )
    assert french == (
        "input.aiSystemId: l’export ANNEX_VIII porte sur un système d’IA : donnez aiSystemId"
    )
    assert isinstance(api.payload, ExportIds)
    triage = to_global_id("AISystem", api.payload.triage_id)
    english, french = both(api, EXPORT, {"kind": "ANNEX_VIII", "format": "CSV", "ai": triage})
    assert english == "input.format: the ANNEX_VIII export exists as JSON, not CSV"
    assert french == "input.format: l’export ANNEX_VIII existe en JSON, pas en CSV"
    minimal = to_global_id("AISystem", api.payload.quotient_id)
    english, french = both(api, EXPORT, {"kind": "ANNEX_VIII", "ai": minimal})
    assert "registers high-risk AI systems only;" in english and "' is MINIMAL" in english
    assert "n’enregistre que les systèmes d’IA à haut risque ;" in french
    assert french.endswith(" » est à risque minimal")


def test_secret_refusals_in_french(api: Api) -> None:
    store = {"name": "paie", "url": "postgresql://paie@db/paie", "secretRef": "env:PAIE_PW"}
    english, french = both(api, REGISTER, {"input": store})
    assert "environment variables holding secrets must start with 'REGISTRE_SECRET_'" in english
    assert french == (
        "input.secretRef: les variables d’environnement qui portent des secrets doivent commencer "
        "par « REGISTRE_SECRET_ » (le réglage secret_env_prefix du serveur)"
    )
    store["secretRef"] = "file:/etc/passwd"
    english, french = both(api, REGISTER, {"input": store})
    assert "file secrets are off on this server" in english
    assert "les secrets en fichier sont désactivés sur ce serveur" in french


def test_a_role_refusal_in_french(api: Api) -> None:
    store = {"name": "x", "url": "sqlite:///x.db"}
    english, french = both(api, REGISTER, {"input": store}, role=Role.AUDITOR)
    assert english == "role 'auditor' may not register"
    assert french == "le rôle « auditor » ne peut pas enregistrer ni décrire"


def test_a_scan_refusal_in_french(api: Api) -> None:
    store = {"name": "scan-twice", "url": "sqlite:///scan-twice.db"}
    created = api.data(REGISTER, {"input": store})["registerDataStore"]["dataStore"]["id"]
    api.data(START, {"id": created})  # queued (the test API records it, runs nothing)
    english, french = both(api, START, {"id": created})
    assert english.startswith("id: a scan of 'scan-twice' is already queued (run ")
    assert french.startswith("id: une analyse de « scan-twice » est déjà en attente (analyse ")
    assert french.endswith(" ; un admin peut la clore avec « registre scan --abandon »")


def test_the_scan_errors_every_role_reads_in_french() -> None:
    message = generic_message("public.usagers", ScanErrorKind.PERMISSION_DENIED)
    assert message == (
        "Table public.usagers could not be scanned: the scanner is not allowed to read it."
    )
    assert translate(message, "fr") == (
        "La table public.usagers n’a pas pu être analysée : le scanner n’a pas le droit de la lire."
    )
    whole = generic_message(None, ScanErrorKind.UNREACHABLE)
    assert translate(whole, "fr") == "L’analyse a échoué : l’entrepôt de données est injoignable."
    for kind in ScanErrorKind:  # every sentence has its French
        assert translate(generic_message("t", kind), "fr") != generic_message("t", kind)
