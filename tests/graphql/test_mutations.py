"""Mutations over the API: a review turns ``containsPersonalData`` off and on; bad input is
never a 500 and names the field; a registered name is found with accents and case folded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from graphql_relay import to_global_id
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registre.catalog.models import (
    AuditEvent,
)
from tests.graphql.queries_seed import Ids, seed
from tests.support.api import Api
from tests.support.catalogs import BACKENDS


@pytest.fixture
def api_seed() -> Callable[[Session], Ids]:
    return seed


# --------------------------------------------------------------------------- reviews and the flag

REVIEW = """mutation R($input: ReviewFindingInput!) {
  reviewFinding(input: $input) { finding { status reviewer field { containsPersonalData } } }
}"""
FLAGS = """query F($field: ID!, $dataset: ID!) {
  field: node(id: $field) { ... on Field { containsPersonalData findings { status } } }
  dataset(id: $dataset) { containsPersonalData }
  personal: datasets(filter: {containsPersonalData: true}) { edges { node { name } } }
}"""


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_review_turns_contains_personal_data_off_and_on(api: Api) -> None:
    ids = api.payload
    assert isinstance(ids, Ids)
    variables = {
        "field": ids.gid("field", "naissances.nom"),
        "dataset": ids.gid("dataset", "Naissances"),
    }
    before = api.data(FLAGS, variables)
    assert before["field"] == {"containsPersonalData": True, "findings": [{"status": "SUGGESTED"}]}
    assert before["dataset"]["containsPersonalData"] is True
    assert "Naissances" in {e["node"]["name"] for e in before["personal"]["edges"]}

    rejected = api.data(
        REVIEW,
        {"input": {"findingId": ids.gid("finding", "naissances.nom"), "decision": "REJECTED"}},
    )
    assert rejected["reviewFinding"]["finding"] == {
        "status": "REJECTED",
        "reviewer": "token:admin",
        "field": {"containsPersonalData": False},
    }
    after = api.data(FLAGS, variables)
    assert after["field"] == {"containsPersonalData": False, "findings": [{"status": "REJECTED"}]}
    assert after["dataset"]["containsPersonalData"] is False
    assert "Naissances" not in {e["node"]["name"] for e in after["personal"]["edges"]}

    api.data(
        REVIEW,
        {"input": {"findingId": ids.gid("finding", "naissances.nom"), "decision": "CONFIRMED"}},
    )
    assert api.data(FLAGS, variables)["field"]["containsPersonalData"] is True


# --------------------------------------------------------------------------- bad input


def _m(name: str, fields: str, variables: str = "") -> str:
    """``mutation { name(input: {fields}) { __typename } }``, with variables if given."""
    head = f"mutation M({variables})" if variables else "mutation"
    return f"{head} {{ {name}(input: {{{fields}}}) {{ __typename }} }}"


def _bad_cases(ids: Ids) -> list[tuple[str, str, dict[str, Any], str]]:
    """(label, document, variables, the field the message must name)."""
    missing = to_global_id("DataStore", 999_999)
    node = "query Q($i: ID!) { node(id: $i) { id } }"
    register_dataset = _m("registerDataset", 'dataStoreId: $s, name: "x"', "$s: ID!")
    update_dataset = _m("updateDataset", 'id: $d, description: "x"', "$d: ID!")
    review = "findingId: $f, decision: %s"
    datasets = "query Q($f: DatasetFilter) { datasets(filter: $f) { totalCount } }"
    scan_runs = "query Q($s: ID!) { scanRuns(dataStoreId: $s) { totalCount } }"
    link = _m(
        "linkAISystemDataset", "aiSystemId: $a, datasetId: $d, usage: INPUT", "$a: ID!, $d: ID!"
    )
    nowhere = {"ai": to_global_id("AISystem", 999_999), "dataset": to_global_id("Dataset", 999_999)}
    return [
        ("enum in variables", "mutation M($i: RegisterAISystemInput!) "
         "{ registerAISystem(input: $i) { __typename } }",
         {"i": {"name": "x", "status": "FOO"}}, "status"),
        ("enum in a filter variable", datasets, {"f": {"sensitivity": "SECRET"}}, "sensitivity"),
        ("country", _m("createOrganisation", 'name: "x", country: "France"'), {}, "input.country"),
        ("transfer country",
         _m("createProcessingActivity", 'name: "x", transfers: [{country: "Etats-Unis"}]'),
         {}, "input.transfers.0.country"),
        ("cron", _m("registerDataStore", 'name: "x", url: "sqlite:///x", scanSchedule: "la nuit"'),
         {}, "input.scanSchedule"),
        ("cron on update", _m("updateDataStore", 'id: $s, scanSchedule: "61 * * * *"', "$s: ID!"),
         {"s": ids.gid("store", "voirie")}, "input.scanSchedule"),
        ("siren", _m("createOrganisation", 'name: "x", siren: "123456789"'), {}, "input.siren"),
        ("blank name", _m("createOrganisation", 'name: "   "'), {}, "input.name"),
        ("password in url", _m("registerDataStore", 'name: "x", url: "postgresql://u:pw@h/db"'),
         {}, "input.url"),
        ("unknown store", register_dataset, {"s": missing}, "input.dataStoreId"),
        ("unknown id on update", update_dataset, {"d": nowhere["dataset"]}, "input.id"),
        ("unknown finding", _m("reviewFinding", review % "CONFIRMED", "$f: ID!"),
         {"f": to_global_id("Finding", 999_999)}, "input.findingId"),
        ("unknown AI system in a link", link,
         {"a": nowhere["ai"], "d": ids.gid("dataset", "deces")}, "input.aiSystemId"),
        ("wrong-type id in input", register_dataset, {"s": ids.gid("ai", "tri")},
         "input.dataStoreId"),
        ("wrong-type id in update", update_dataset, {"d": ids.gid("store", "rh")}, "input.id"),
        ("wrong-type id in a query", "query Q($d: ID!) { dataset(id: $d) { name } }",
         {"d": ids.gid("ai", "tri")}, "id"),
        ("wrong-type id in a filter",
         "query Q($s: ID!) { datasets(filter: {dataStoreId: $s}) { totalCount } }",
         {"s": ids.gid("dataset", "deces")}, "filter.dataStoreId"),
        ("wrong-type id in scanRuns", scan_runs, {"s": ids.gid("ai", "tri")}, "dataStoreId"),
        ("garbage node id", node, {"i": "not an id at all"}, "id"),
        ("node id of a non-node type", node, {"i": to_global_id("PageInfo", 1)}, "id"),
        ("node id with a non-numeric key", node, {"i": to_global_id("Dataset", "abc")}, "id"),
        ("suggested is not a decision", _m("reviewFinding", review % "SUGGESTED", "$f: ID!"),
         {"f": ids.gid("finding", "deces.nir")}, "input.decision"),
        ("negative rows",
         _m("registerDataset", 'dataStoreId: $s, name: "x", estimatedRows: -1', "$s: ID!"),
         {"s": ids.gid("store", "rh")}, "input.estimatedRows"),
        ("annex III point", _m("registerAISystem", 'name: "x", annexIIIPoint: "9(z)"'),
         {}, "input.annexIIIPoint"),
        # the argument is `id`, not an input object
        ("scan of an unknown store", "mutation M($s: ID!) { scanDataStore(id: $s) { __typename } }",
         {"s": missing}, "id"),
    ]  # fmt: skip


def test_bad_input_is_never_a_500_and_names_the_field(api: Api) -> None:
    ids = api.payload
    assert isinstance(ids, Ids)
    with api.factory() as session:
        events = session.scalar(select(func.count()).select_from(AuditEvent))
    for label, document, variables, field in _bad_cases(ids):
        response = api.post(document, variables)
        assert response.status_code == 200, (label, response.text)
        body = response.json()
        assert body.get("errors"), label
        (error,) = body["errors"]
        assert field in error["message"], (label, error["message"])
        extensions = error.get("extensions", {})
        assert extensions.get("code") != "INTERNAL", (label, error)
        if "field" in extensions:
            assert extensions["field"] == field, (label, extensions)
        data = body.get("data")
        assert data is None or all(v is None for v in data.values()), (label, data)
    with api.factory() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_invalid_enum_literal_is_a_validation_error(api: Api) -> None:
    # Inline literals are checked by GraphQL validation: the message names the enum and the
    # location points at the value (graphql-core does not name the argument).
    document = (
        'mutation {\n  registerAISystem(input: {name: "x", status: FOO}) { aiSystem { id } }\n}'
    )
    body = api.gql(document)
    (error,) = body["errors"]
    assert "AISystemStatus" in error["message"] and "FOO" in error["message"]
    assert error["locations"] == [{"line": 2, "column": document.splitlines()[1].index("FOO") + 1}]
    assert "data" not in body


def test_search_folds_accents_and_case_on_every_backend(api: Api) -> None:
    store = api.data("{ dataStores(first: 1) { edges { node { id } } } }")["dataStores"]["edges"]
    created = api.data(
        "mutation($i: RegisterDatasetInput!) { registerDataset(input: $i) { dataset { id } } }",
        {"i": {"dataStoreId": store[0]["node"]["id"], "name": "ÉTAT_CIVIL_NAISSANCES"}},
    )["registerDataset"]["dataset"]["id"]
    for search in ("état_civil_naiss", "ÉTAT_CIVIL_NAISS", "Civil_Naissances"):
        found = api.data(
            "query($s: String) { datasets(filter: {search: $s}) { edges { node { id } } } }",
            {"s": search},
        )["datasets"]["edges"]
        assert [e["node"]["id"] for e in found] == [created], search
