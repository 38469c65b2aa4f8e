"""Lists as connections: pagination that walks every item once, and their filters"""

from __future__ import annotations

import json
from typing import Any

import pytest
from graphql_relay import to_global_id
from sqlalchemy import select

from registre.catalog.models import (
    AISystem,
    Assessment,
    AuditEvent,
    Dataset,
    DataStore,
    Organisation,
    Policy,
    ProcessingActivity,
    ScanRun,
)
from tests.graphql.queries_seed import ids_of
from tests.support.api import Api

# --------------------------------------------------------------------------- connections

LISTS: dict[str, tuple[type[Any], str]] = {
    "organisations": (Organisation, "Organisation"),
    "dataStores": (DataStore, "DataStore"),
    "datasets": (Dataset, "Dataset"),
    "aiSystems": (AISystem, "AISystem"),
    "policies": (Policy, "Policy"),
    "processingActivities": (ProcessingActivity, "ProcessingActivity"),
    "assessments": (Assessment, "Assessment"),
    "auditEvents": (AuditEvent, "AuditEvent"),
    "scanRuns": (ScanRun, "ScanRun"),
}

PAGE = """
query Page($first: Int, $after: String) {
  %s(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { __typename id } }
  }
}
"""


def _expected_ids(api: Api, name: str) -> list[str]:
    model, type_name = LISTS[name]
    stmt = select(model.id).order_by(model.id)
    if model is Dataset:
        stmt = stmt.where(Dataset.removed_at.is_(None))
    with api.factory() as session:
        return [to_global_id(type_name, i) for i in session.scalars(stmt)]


@pytest.mark.parametrize("name", list(LISTS))
def test_list_is_a_connection(shared: Api, name: str) -> None:
    expected = _expected_ids(shared, name)
    assert len(expected) >= 3, "the seed must give every list more than a page"
    conn = shared.data(PAGE % name, {"first": 2})[name]
    assert conn["totalCount"] == len(expected)
    assert [e["node"]["id"] for e in conn["edges"]] == expected[:2]
    assert {e["node"]["__typename"] for e in conn["edges"]} == {LISTS[name][1]}
    info = conn["pageInfo"]
    assert info == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": conn["edges"][0]["cursor"],
        "endCursor": conn["edges"][1]["cursor"],
    }


@pytest.mark.parametrize("name", list(LISTS))
def test_pagination_walks_every_item_once(shared: Api, name: str) -> None:
    seen: list[str] = []
    after = None
    for page in range(100):
        conn = shared.data(PAGE % name, {"first": 2, "after": after})[name]
        assert conn["pageInfo"]["hasPreviousPage"] is (page > 0)
        assert len(conn["edges"]) <= 2
        seen += [e["node"]["id"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert seen == _expected_ids(shared, name)
    # past the end: an empty page, not an error
    empty = shared.data(PAGE % name, {"first": 2, "after": conn["edges"][-1]["cursor"]})[name]
    assert empty["edges"] == [] and empty["pageInfo"]["hasNextPage"] is False
    assert empty["pageInfo"]["endCursor"] is None


def test_first_zero_gives_the_count_only(shared: Api) -> None:
    conn = shared.data(PAGE % "datasets", {"first": 0})["datasets"]
    assert (
        conn["edges"] == [] and conn["totalCount"] == 6 and conn["pageInfo"]["hasNextPage"] is True
    )


# --------------------------------------------------------------------------- filters

DATASETS = """
query D($filter: DatasetFilter, $after: String) {
  datasets(filter: $filter, first: 2, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { name containsPersonalData } }
  }
}
"""


def _all_datasets(api: Api, flt: dict[str, Any]) -> tuple[list[str], int]:
    names: list[str] = []
    after = None
    while True:
        conn = api.data(DATASETS, {"filter": flt, "after": after})["datasets"]
        names += [e["node"]["name"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            return names, conn["totalCount"]
        after = conn["pageInfo"]["endCursor"]


def test_dataset_filters(shared: Api) -> None:
    ids = ids_of(shared)
    cases: list[tuple[dict[str, Any], set[str]]] = [
        ({}, {"Naissances", "deces", "voirie_troncons", "taux_100%", "tauxX100", "agents"}),
        ({"search": "NAISS"}, {"Naissances"}),
        ({"search": "  de la ville "}, {"agents"}),  # in the description
        ({"search": "taux_1"}, {"taux_100%"}),  # "_" is a character, not a wildcard
        ({"search": "100%"}, {"taux_100%"}),  # nor is "%"
        ({"search": "nothing like it"}, set()),
        ({"dataStoreId": ids.gid("store", "etat_civil")}, {"Naissances", "deces"}),
        ({"dataStoreId": str(ids.stores["voirie"])}, {"voirie_troncons", "taux_100%", "tauxX100"}),
        ({"containsPersonalData": True}, {"Naissances", "deces"}),
        ({"containsPersonalData": False}, {"voirie_troncons", "taux_100%", "tauxX100", "agents"}),
        ({"sensitivity": "CONFIDENTIAL"}, {"Naissances", "agents"}),
        ({"dataStoreId": ids.gid("store", "etat_civil"), "sensitivity": "RESTRICTED"}, {"deces"}),
        (
            {"search": "a", "containsPersonalData": True, "sensitivity": "CONFIDENTIAL"},
            {"Naissances"},
        ),
        (
            {"includeRemoved": True, "dataStoreId": ids.gid("store", "rh")},
            {"agents", "ancienne_table"},
        ),
    ]
    for flt, expected in cases:
        names, total = _all_datasets(shared, flt)
        assert set(names) == expected, flt
        assert len(names) == total == len(expected), flt


def test_personal_data_filter_agrees_with_the_field(shared: Api) -> None:
    # The filter (SQL) and containsPersonalData (Python) implement one rule twice.
    conn = shared.data("""{ datasets(first: 50, filter: {includeRemoved: true}) { edges { node {
        name containsPersonalData fields { containsPersonalData } } } } }""")["datasets"]
    flagged = {e["node"]["name"] for e in conn["edges"] if e["node"]["containsPersonalData"]}
    assert flagged == {"Naissances", "deces", "ancienne_table"}
    for edge in conn["edges"]:
        node = edge["node"]
        assert node["containsPersonalData"] == any(
            f["containsPersonalData"] for f in node["fields"]
        )
    in_filter, _ = _all_datasets(shared, {"containsPersonalData": True, "includeRemoved": True})
    assert set(in_filter) == flagged


def test_ai_system_filters(shared: Api) -> None:
    query = """query A($filter: AISystemFilter) {
        aiSystems(filter: $filter) { totalCount edges { node { name } } }
    }"""
    cases: list[tuple[dict[str, Any], set[str]]] = [
        ({}, {"Tri du courrier", "Chatbot", "Détection de fraude", "Assistant COURRIER"}),
        ({"search": "courrier"}, {"Tri du courrier", "Assistant COURRIER"}),
        ({"search": "usagers"}, {"Chatbot"}),  # in the purpose
        ({"status": "PILOT"}, {"Chatbot"}),
        ({"status": "RETIRED"}, {"Assistant COURRIER"}),
        ({"riskClass": "HIGH"}, {"Tri du courrier", "Détection de fraude"}),
        ({"riskClass": "PROHIBITED"}, set()),
        ({"search": "courrier", "riskClass": "HIGH"}, {"Tri du courrier"}),
        ({"search": "fraude", "status": "IN_PRODUCTION"}, set()),
    ]
    for flt, expected in cases:
        conn = shared.data(query, {"filter": flt})["aiSystems"]
        assert {e["node"]["name"] for e in conn["edges"]} == expected, flt
        assert conn["totalCount"] == len(expected), flt


def test_audit_event_and_scan_run_filters(shared: Api) -> None:
    ids = ids_of(shared)
    events = shared.data("""{ auditEvents(first: 100, filter: {action: "register_ai_system"}) {
        totalCount edges { node { actor entityType entityId after } } } }""")["auditEvents"]
    assert events["totalCount"] == 4
    assert {e["node"]["entityId"] for e in events["edges"]} == set(ids.ai.values())
    assert {e["node"]["actor"] for e in events["edges"]} == {"cli"}
    assert json.loads(events["edges"][0]["node"]["after"])["name"] == "Tri du courrier"
    runs = shared.data(
        """query R($s: ID) {
            scanRuns(dataStoreId: $s) { totalCount edges { node { dataStore { name } status } } }
        }""",
        {"s": ids.gid("store", "voirie")},
    )["scanRuns"]
    assert runs["totalCount"] == 1
    assert runs["edges"][0]["node"] == {"dataStore": {"name": "voirie"}, "status": "QUEUED"}
