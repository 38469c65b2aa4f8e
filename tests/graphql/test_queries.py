"""The read side: connections and pagination, filters, ``node(id)``, links both ways, the
personal-data rule, and bad input that never becomes a 500."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from graphql_relay import from_global_id, to_global_id
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data import stores
from registre.catalog.enums import FindingStatus
from registre.catalog.governance import register as ai_register
from registre.catalog.models import (
    AISystem,
    Assessment,
    AuditEvent,
    Dataset,
    DataStore,
    Field,
    Finding,
    Organisation,
    Policy,
    ProcessingActivity,
    ScanRun,
)
from registre.graphql.types.data import NODE_TYPES
from tests.support.api import Api, open_api
from tests.support.catalogs import BACKENDS, Databases, pg_url_for

A = CLI_ACTOR


@dataclass(frozen=True)
class Ids:
    """Database ids of the seeded rows, by a short name."""

    orgs: dict[str, int]
    stores: dict[str, int]
    datasets: dict[str, int]
    fields: dict[str, int]
    findings: dict[str, int]
    ai: dict[str, int]
    policies: dict[str, int]
    activities: dict[str, int]
    assessments: dict[str, int]
    runs: list[int]

    def gid(self, kind: str, name: str) -> str:
        type_name, table = {
            "org": ("Organisation", self.orgs),
            "store": ("DataStore", self.stores),
            "dataset": ("Dataset", self.datasets),
            "field": ("Field", self.fields),
            "finding": ("Finding", self.findings),
            "ai": ("AISystem", self.ai),
            "policy": ("Policy", self.policies),
            "activity": ("ProcessingActivity", self.activities),
            "assessment": ("Assessment", self.assessments),
        }[kind]
        return to_global_id(type_name, table[name])


def _finding(
    session: Session, field: Field, status: FindingStatus, *, gone_run: int | None = None
) -> Finding:
    finding = Finding(
        field_id=field.id,
        entity_type="PERSON",
        category="identity",
        score=0.8,
        coverage=0.9,
        distinct_sampled=40,
        masked_example="J*** D***",
        reasons=["name-like"],
        status=status,
        gone_since_run_id=gone_run,
    )
    session.add(finding)
    session.flush()
    return finding


def seed(session: Session) -> Ids:
    orgs = {
        "ville": stores.create_organisation(
            session, A, {"name": "Ville de Valbourg", "is_public_body": True, "country": "FR"}
        ),
        "cloud": stores.create_organisation(
            session, A, {"name": "Hyper Cloud Inc", "country": "US", "non_eu_control": True}
        ),
        "heberg": stores.create_organisation(
            session,
            A,
            {"name": "Hébergeur SecNumCloud", "country": "FR", "qualifications": ["SECNUMCLOUD"]},
        ),
    }
    sts = {
        "etat_civil": stores.register_data_store(
            session,
            A,
            {
                "name": "etat-civil",
                "url": "postgresql://reader@db/ec",
                "secret_ref": "env:REGISTRE_SECRET_EC",
                "hosting_organisation_id": orgs["heberg"].id,
                "hosting_country": "FR",
            },
        ),
        "voirie": stores.register_data_store(
            session, A, {"name": "voirie", "url": "sqlite:///voirie.db"}
        ),
        "rh": stores.register_data_store(session, A, {"name": "rh", "url": "mysql://reader@rh/rh"}),
    }
    spec = [  # name, store, sensitivity, description
        ("Naissances", "etat_civil", "CONFIDENTIAL", "Actes de naissance depuis 1950"),
        ("deces", "etat_civil", "RESTRICTED", None),
        ("voirie_troncons", "voirie", "PUBLIC", "Tronçons de voirie"),
        ("taux_100%", "voirie", "INTERNAL", None),
        ("tauxX100", "voirie", None, None),
        ("agents", "rh", "CONFIDENTIAL", "Agents de la ville"),
        ("ancienne_table", "rh", "CONFIDENTIAL", None),
    ]
    datasets = {
        name: stores.register_dataset(
            session,
            A,
            {
                "data_store_id": sts[store].id,
                "name": name,
                "sensitivity": sens,
                "description": desc,
            },
        )
        for name, store, sens, desc in spec
    }
    run = ScanRun(data_store_id=sts["etat_civil"].id)
    runs = [run, ScanRun(data_store_id=sts["voirie"].id), ScanRun(data_store_id=sts["rh"].id)]
    session.add_all(runs)
    session.flush()
    fields: dict[str, Field] = {}
    for key, dataset, name in [
        ("naissances.nom", "Naissances", "nom"),
        ("naissances.commune", "Naissances", "commune"),
        ("deces.nir", "deces", "nir"),
        ("voirie.libelle", "voirie_troncons", "libelle"),
        ("agents.nom", "agents", "nom"),
        ("ancienne.nom", "ancienne_table", "nom"),
    ]:
        fields[key] = Field(dataset_id=datasets[dataset].id, name=name, position=len(fields))
        session.add(fields[key])
    session.flush()
    findings = {
        "naissances.nom": _finding(session, fields["naissances.nom"], FindingStatus.SUGGESTED),
        "deces.nir": _finding(session, fields["deces.nir"], FindingStatus.CONFIRMED),
        "voirie.libelle": _finding(session, fields["voirie.libelle"], FindingStatus.REJECTED),
        # suggested, but the last scan no longer saw it: does not count
        "agents.nom": _finding(
            session, fields["agents.nom"], FindingStatus.SUGGESTED, gone_run=run.id
        ),
        "ancienne.nom": _finding(session, fields["ancienne.nom"], FindingStatus.SUGGESTED),
    }
    datasets["ancienne_table"].removed_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    ai = {
        "tri": ai_register.register_ai_system(
            session,
            A,
            {
                "name": "Tri du courrier",
                "purpose": "Classer le courrier entrant",
                "status": "IN_PRODUCTION",
                "risk_class": "HIGH",
                "provider_id": orgs["cloud"].id,
            },
        ),
        "chatbot": ai_register.register_ai_system(
            session,
            A,
            {
                "name": "Chatbot",
                "purpose": "Répondre aux usagers",
                "status": "PILOT",
                "risk_class": "LIMITED",
            },
        ),
        "fraude": ai_register.register_ai_system(
            session, A, {"name": "Détection de fraude", "status": "PLANNED", "risk_class": "HIGH"}
        ),
        "assistant": ai_register.register_ai_system(
            session, A, {"name": "Assistant COURRIER", "status": "RETIRED", "risk_class": "MINIMAL"}
        ),
    }
    for system, dataset, usage in [
        ("tri", "Naissances", "TRAINING"),
        ("tri", "Naissances", "INPUT"),
        ("tri", "deces", "INPUT"),
        ("chatbot", "Naissances", "RETRIEVAL"),
    ]:
        ai_register.link_ai_system_dataset(
            session,
            A,
            {"ai_system_id": ai[system].id, "dataset_id": datasets[dataset].id, "usage": usage},
        )
    policies = {
        ref: ai_register.create_policy(
            session,
            A,
            {
                "kind": "GOVERNANCE",
                "framework": "AI_ACT",
                "control_ref": ref,
                "title": f"Article {ref}",
            },
        )
        for ref in ("Art. 26", "Art. 27", "Art. 50")
    }
    for system, ref, status in [
        ("tri", "Art. 26", "COMPLIANT"),
        ("tri", "Art. 27", "DEROGATION"),
        ("chatbot", "Art. 50", "NON_COMPLIANT"),
    ]:
        ai_register.link_ai_system_policy(
            session,
            A,
            {"ai_system_id": ai[system].id, "policy_id": policies[ref].id, "status": status},
        )
    activities = {
        name: ai_register.create_processing_activity(
            session, A, {"name": name, "controller_id": orgs["ville"].id}
        )
        for name in ("État civil", "Voirie", "Paie")
    }
    for activity, dataset, system in [
        ("État civil", "Naissances", "tri"),
        ("État civil", "deces", None),
        ("Voirie", "voirie_troncons", None),
    ]:
        ai_register.link_processing_activity(
            session,
            A,
            {
                "processing_activity_id": activities[activity].id,
                "dataset_id": datasets[dataset].id,
                "ai_system_id": ai[system].id if system else None,
            },
        )
    assessments = {
        "fria": ai_register.record_assessment(
            session, A, {"kind": "FRIA", "status": "COMPLETED", "ai_system_id": ai["tri"].id}
        ),
        "dpia": ai_register.record_assessment(
            session,
            A,
            {
                "kind": "DPIA",
                "status": "IN_PROGRESS",
                "ai_system_id": ai["tri"].id,
                "processing_activity_id": activities["État civil"].id,
            },
        ),
        "voirie": ai_register.record_assessment(
            session,
            A,
            {
                "kind": "DPIA",
                "status": "PLANNED",
                "processing_activity_id": activities["Voirie"].id,
            },
        ),
    }
    session.flush()
    return Ids(
        orgs={k: v.id for k, v in orgs.items()},
        stores={k: v.id for k, v in sts.items()},
        datasets={k: v.id for k, v in datasets.items()},
        fields={k: v.id for k, v in fields.items()},
        findings={k: v.id for k, v in findings.items()},
        ai={k: v.id for k, v in ai.items()},
        policies={k: v.id for k, v in policies.items()},
        activities={k: v.id for k, v in activities.items()},
        assessments={k: v.id for k, v in assessments.items()},
        runs=[r.id for r in runs],
    )


@pytest.fixture
def api_seed() -> Callable[[Session], Ids]:
    return seed


@pytest.fixture(scope="module", params=BACKENDS)
def shared(request: pytest.FixtureRequest, databases: Databases) -> Iterator[Api]:
    """One seeded catalog per backend for the tests that only read."""
    pg_url = pg_url_for(request, request.param)
    with open_api(databases, request.param, seed, pg_url=pg_url) as client:
        yield client


def _ids(shared: Api) -> Ids:
    assert isinstance(shared.payload, Ids)
    return shared.payload


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
    ids = _ids(shared)
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
    ids = _ids(shared)
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
    ids = _ids(shared)
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
    ids = _ids(shared)
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
    ids = _ids(shared)
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
