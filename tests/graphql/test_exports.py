"""The ``export`` query: the same files as the catalog's exports, for an auditor."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from graphql_relay import to_global_id

from registre.catalog.enums import Role
from tests.catalog.exports.exports_seed import GOLDEN, ExportIds, seed
from tests.support.api import Api, open_api
from tests.support.catalogs import Databases

EXPORT_QUERY = """query ($kind: ExportKind!, $format: ExportFormat, $ai: ID, $pa: ID) {
  export(kind: $kind, format: $format, aiSystemId: $ai, processingActivityId: $pa) {
    filename mediaType content } }"""


@pytest.fixture(scope="module")
def api(databases: Databases) -> Iterator[Api]:
    with open_api(databases, seed=seed, role=Role.AUDITOR) as made:
        yield made


def _ids(api: Api) -> ExportIds:
    assert isinstance(api.payload, ExportIds)
    return api.payload


def _export(api: Api, variables: dict[str, Any]) -> dict[str, Any]:
    return api.gql(EXPORT_QUERY, variables)


def test_graphql_export_for_an_auditor(api: Api) -> None:
    payload = api.data(EXPORT_QUERY, {"kind": "ART30", "format": "CSV_EXCEL"})["export"]
    assert payload["filename"] == "registre-art30.csv"
    assert payload["content"] == (GOLDEN / "art30-excel.csv").read_bytes().decode("utf-8")


def test_graphql_export_takes_global_ids(api: Api) -> None:
    ids = _ids(api)
    annex = api.data(
        EXPORT_QUERY, {"kind": "ANNEX_VIII", "ai": to_global_id("AISystem", ids.triage_id)}
    )
    assert annex["export"]["mediaType"] == "application/json"
    assert json.loads(annex["export"]["content"])["missing"] == []
    pa = to_global_id("ProcessingActivity", ids.aides_id)
    pia = api.data(EXPORT_QUERY, {"kind": "PIA", "pa": pa})
    assert json.loads(pia["export"]["content"])["pia"]


def test_graphql_export_errors_name_the_field(api: Api) -> None:
    result = _export(api, {"kind": "ANNEX_VIII"})
    assert result.get("errors") and "aiSystemId" in str(result["errors"][0])
    wrong = _export(api, {"kind": "PIA", "pa": "not-an-id"})
    assert wrong.get("errors") and "processingActivityId" in str(wrong["errors"][0])
