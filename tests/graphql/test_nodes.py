"""``node(id)`` for every type, links both ways, and a data store that never shows its secret."""

from __future__ import annotations

import json

import pytest
from graphql_relay import from_global_id, to_global_id
from sqlalchemy import func, select

from registre.catalog.models import (
    AISystem,
    Assessment,
    AuditEvent,
    Dataset,
    DataStore,
    Domain,
    Field,
    Finding,
    Organisation,
    Policy,
    ProcessingActivity,
    ScanRun,
)
from registre.graphql.schema import NODE_TYPES
from tests.graphql.queries_seed import ids_of
from tests.support.api import Api

# --------------------------------------------------------------------------- node(id)

NODE_FIELDS = {
    "Organisation": "name",
    "DataStore": "name",
    "Dataset": "name",
    "Field": "name",
    "Finding": "entityType",
    "AISystem": "name",
    "Policy": "controlRef",
    "Assessment": "kind",
    "ProcessingActivity": "name",
    "ScanRun": "status",
    "AuditEvent": "action",
    "Domain": "name",
}
MODELS = {
    "Organisation": Organisation,
    "DataStore": DataStore,
    "Dataset": Dataset,
    "Field": Field,
    "Finding": Finding,
    "AISystem": AISystem,
    "Policy": Policy,
    "Assessment": Assessment,
    "ProcessingActivity": ProcessingActivity,
    "ScanRun": ScanRun,
    "AuditEvent": AuditEvent,
    "Domain": Domain,
}


def test_every_node_type_is_covered() -> None:
    assert set(NODE_FIELDS) == {t._meta.name for t in NODE_TYPES}


@pytest.mark.parametrize("type_name", list(NODE_FIELDS))
def test_node_returns_each_type(shared: Api, type_name: str) -> None:
    model, field = MODELS[type_name], NODE_FIELDS[type_name]
    with shared.factory() as session:
        row_id = session.scalar(select(func.max(model.id)))
    assert row_id is not None
    global_id = to_global_id(type_name, row_id)
    fragment = f"... on {type_name} {{ {field} }}"
    query = f"query N($id: ID!) {{ node(id: $id) {{ __typename id {fragment} }} }}"
    node = shared.data(query, {"id": global_id})["node"]
    assert node["__typename"] == type_name
    assert node["id"] == global_id and from_global_id(node["id"]) == (type_name, str(row_id))
    assert node[field]
    # a well-formed id of a row that does not exist is null, not an error
    assert shared.data(query, {"id": to_global_id(type_name, row_id + 1000)}) == {"node": None}


# --------------------------------------------------------------------------- links both ways


def test_dataset_links(shared: Api) -> None:
    ids = ids_of(shared)
    node = shared.data(
        """query D($id: ID!) { dataset(id: $id) {
            qualifiedName dataStore { name hostingOrganisation { name } hasSecret }
            aiSystems { name }
            aiSystemUsages { usage aiSystem { name } }
            processingActivities { name controller { name } }
            fields { name containsPersonalData findings { entityType status } }
            containsPersonalData
        } }""",
        {"id": ids.gid("dataset", "Naissances")},
    )["dataset"]
    assert node["dataStore"] == {
        "name": "etat-civil",
        "hostingOrganisation": {"name": "Hébergeur SecNumCloud"},
        "hasSecret": True,
    }
    assert [s["name"] for s in node["aiSystems"]] == ["Tri du courrier", "Chatbot"]  # each once
    assert sorted((u["usage"], u["aiSystem"]["name"]) for u in node["aiSystemUsages"]) == [
        ("INPUT", "Tri du courrier"),
        ("RETRIEVAL", "Chatbot"),
        ("TRAINING", "Tri du courrier"),
    ]
    assert node["processingActivities"] == [
        {"name": "État civil", "controller": {"name": "Ville de Valbourg"}}
    ]
    assert node["fields"] == [
        {
            "name": "nom",
            "containsPersonalData": True,
            "findings": [{"entityType": "PERSON", "status": "SUGGESTED"}],
        },
        {"name": "commune", "containsPersonalData": False, "findings": []},
    ]
    assert node["containsPersonalData"] is True


def test_ai_system_links(shared: Api) -> None:
    ids = ids_of(shared)
    node = shared.data(
        """query A($id: ID!) { aiSystem(id: $id) {
            provider { name country }
            datasets { usage dataset { name } }
            policies { status policy { controlRef } aiSystem { name } }
            processingActivities { name }
            assessments { kind status processingActivity { name } }
        } }""",
        {"id": ids.gid("ai", "tri")},
    )["aiSystem"]
    assert node["provider"] == {"name": "Hyper Cloud Inc", "country": "US"}
    assert sorted((d["usage"], d["dataset"]["name"]) for d in node["datasets"]) == [
        ("INPUT", "Naissances"),
        ("INPUT", "deces"),
        ("TRAINING", "Naissances"),
    ]
    assert sorted(
        (p["status"], p["policy"]["controlRef"], p["aiSystem"]["name"]) for p in node["policies"]
    ) == [("COMPLIANT", "Art. 26", "Tri du courrier"), ("DEROGATION", "Art. 27", "Tri du courrier")]
    assert node["processingActivities"] == [{"name": "État civil"}]
    assert sorted(
        (a["kind"], a["status"], (a["processingActivity"] or {}).get("name"))
        for a in node["assessments"]
    ) == [("DPIA", "IN_PROGRESS", "État civil"), ("FRIA", "COMPLETED", None)]
    bare = shared.data(
        """query A($id: ID!) { aiSystem(id: $id) {
            datasets { usage } policies { status }
            processingActivities { name } assessments { kind }
        } }""",
        {"id": ids.gid("ai", "fraude")},
    )["aiSystem"]
    assert bare == {"datasets": [], "policies": [], "processingActivities": [], "assessments": []}


def test_reverse_links(shared: Api) -> None:
    ids = ids_of(shared)
    data = shared.data(
        """query R($p: ID!, $pa: ID!, $s: ID!, $f: ID!) {
            policy: node(id: $p) { ... on Policy { aiSystems { status aiSystem { name } } } }
            activity: node(id: $pa) {
                ... on ProcessingActivity {
                    datasets { name } aiSystems { name } assessments { kind }
                }
            }
            store: node(id: $s) { ... on DataStore { datasets { name } } }
            finding: node(id: $f) { ... on Finding { field { name } gone } }
        }""",
        {
            "p": ids.gid("policy", "Art. 50"),
            "pa": ids.gid("activity", "État civil"),
            "s": ids.gid("store", "rh"),
            "f": ids.gid("finding", "agents.nom"),
        },
    )
    assert data["policy"] == {
        "aiSystems": [{"status": "NON_COMPLIANT", "aiSystem": {"name": "Chatbot"}}]
    }
    assert data["activity"] == {
        "datasets": [{"name": "Naissances"}, {"name": "deces"}],
        "aiSystems": [{"name": "Tri du courrier"}],
        "assessments": [{"kind": "DPIA"}],
    }
    assert data["store"] == {"datasets": [{"name": "agents"}]}  # the removed table is not listed
    assert data["finding"] == {"field": {"name": "nom"}, "gone": True}


def test_data_store_never_exposes_its_secret(shared: Api) -> None:
    fields = shared.data('{ __type(name: "DataStore") { fields { name } } }')["__type"]["fields"]
    names = {f["name"] for f in fields}
    assert "hasSecret" in names and "url" in names
    assert not {n for n in names if "secret" in n.lower()} - {"hasSecret"}
    body = shared.gql(
        """{
            dataStores { edges { node { name url hasSecret } } }
            auditEvents(first: 100) { edges { node { before after } } }
        }"""
    )
    assert "EC_SECRET_NAME" not in json.dumps(body)
    assert {"name": "etat-civil", "url": "postgresql://reader@db/ec", "hasSecret": True} in [
        e["node"] for e in body["data"]["dataStores"]["edges"]
    ]
