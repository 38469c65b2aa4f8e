"""Every saved query in ``graphql/saved_queries/`` says what it answers, validates against the
schema and gives the expected answer on a seeded catalog."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from graphene.validation import depth_limit_validator
from graphql.validation import specified_rules

from graphql import parse, validate
from registre.catalog.enums import Role
from registre.config.settings import Settings
from registre.graphql.exposure import saved_queries
from registre.graphql.schema import schema
from tests.catalog.exposure.exposure_seed import DAY, T0, seed
from tests.support.api import Api, open_api
from tests.support.catalogs import Databases

QUERIES = saved_queries()


@pytest.fixture(scope="module")
def api(databases: Databases) -> Iterator[Api]:
    with open_api(databases, seed=seed, role=Role.SECURITY) as made:
        yield made


def _nodes(data: dict[str, Any]) -> dict[str, Any]:
    root = data.get("exposure") or data["exposureChanges"]
    return {e["node"]["dataset"]["qualifiedName"]: e["node"] for e in root["edges"]}


def _buckets(rows: list[dict[str, Any]]) -> dict[str | None, tuple[int, int]]:
    return {r["key"]: (r["datasets"], r["fields"]) for r in rows}


def check_personal_data_by_store(api: Api, run: Callable[..., Any]) -> None:
    data = run()
    assert data["exposure"]["totalCount"] == 5
    summary = data["exposure"]["summary"]
    assert (summary["datasets"], summary["fields"]) == (5, 8)
    assert _buckets(summary["byDataStore"])["rh-paie"] == (2, 4)
    nodes = _nodes(data)
    assert [(f["field"], f["status"]) for f in nodes["public.naissances"]["findings"]] == [
        ("nom", "CONFIRMED"),
        ("nir", "SUGGESTED"),
    ]
    one = run(dataStoreId=str(api.payload.stores["rh-paie"]))
    assert set(_nodes(one)) == {"public.agents", "public.absences"}
    assert {n["dataStore"]["name"] for n in _nodes(one).values()} == {"rh-paie"}


def check_ai_systems_on_personal_data(api: Api, run: Callable[..., Any]) -> None:
    nodes = _nodes(run())
    # casier holds criminal-offence data but no AI system uses it
    assert set(nodes) == {
        "public.naissances",
        "public.agents",
        "public.absences",
        "public.contacts",
    }
    agents = nodes["public.agents"]
    assert {(u["usage"], u["aiSystem"]["name"]) for u in agents["aiSystems"]} == {
        ("TRAINING", "Assistant RH"),
        ("INPUT", "Assistant RH"),
    }
    assert agents["aiSystems"][0]["aiSystem"]["provider"] == {
        "name": "OpenAI",
        "country": "US",
        "nonEuControl": True,
    }
    assert ("SNC-HEB", "NON_COMPLIANT") in {
        (p["policy"]["controlRef"], p["status"]) for p in agents["policies"]
    }
    assert agents["processingActivities"] == [
        {"name": "Gestion de la paie", "legalBasis": "PUBLIC_TASK"}
    ]
    high = run(aiRiskClass="HIGH")
    assert set(_nodes(high)) == {"public.agents", "public.absences"}
    assert _buckets(high["exposure"]["summary"]["byAiRiskClass"]) == {"HIGH": (2, 4)}


def check_hosting_outside_eu(api: Api, run: Callable[..., Any]) -> None:
    data = run()
    nodes = _nodes(data)
    assert set(nodes) == {"public.agents", "public.absences", "public.contacts", "public.casier"}
    # crm-usagers is hosted in the US; rh-paie is in LU but its AI system comes from the US
    assert nodes["public.contacts"]["hosting"]["country"] == "US"
    assert nodes["public.contacts"]["hosting"]["outsideEU"] is True
    assert nodes["public.agents"]["hosting"]["outsideEU"] is False
    assert nodes["public.agents"]["aiSystems"][0]["outsideEU"] is True
    assert _buckets(data["exposure"]["summary"]["byHostingCountry"]) == {
        "LU": (2, 4),
        "US": (2, 2),
    }


def check_special_categories(api: Api, run: Callable[..., Any]) -> None:
    data = run()
    nodes = _nodes(data)
    assert set(nodes) == {"public.agents", "public.absences", "public.casier"}
    assert [
        (f["field"], f["entityType"], f["status"]) for f in nodes["public.agents"]["findings"]
    ] == [("sante", "HEALTH", "SUGGESTED")]
    assert _buckets(data["exposure"]["summary"]["byCategory"]) == {
        "SPECIAL_CATEGORY": (2, 2),
        "CRIMINAL_OFFENCE": (1, 1),
    }
    awaiting = _nodes(run(status="SUGGESTED"))
    assert list(awaiting) == ["public.agents"]
    audited = _nodes(run(role="auditor"))
    assert all(f["maskedExample"] is None for n in audited.values() for f in n["findings"])


def check_changes_since_last_week(api: Api, run: Callable[..., Any]) -> None:
    data = run(since=T0.isoformat())["exposureChanges"]
    assert data["totalCount"] == 6
    assert [(e["node"]["kind"], e["node"]["field"]) for e in data["edges"]] == [
        ("FOUND", "nir"),
        ("CONFIRMED", "nom"),
        ("REJECTED", "commentaire"),
        ("GONE", "telephone"),
        ("FOUND", "condamnation"),
        ("CONFIRMED", "condamnation"),
    ]
    assert data["edges"][0]["node"]["dataset"] == {
        "qualifiedName": "public.naissances",
        "dataStore": {"name": "etat-civil"},
    }
    later = run(since=(T0 + 2 * DAY).isoformat())["exposureChanges"]
    assert [e["node"]["kind"] for e in later["edges"]] == ["REJECTED", "GONE", "FOUND", "CONFIRMED"]


CHECKS: dict[str, Callable[[Api, Callable[..., Any]], None]] = {
    "personal_data_by_store": check_personal_data_by_store,
    "ai_systems_on_personal_data": check_ai_systems_on_personal_data,
    "hosting_outside_eu": check_hosting_outside_eu,
    "special_categories": check_special_categories,
    "changes_since_last_week": check_changes_since_last_week,
}


def test_every_saved_query_is_checked() -> None:
    assert set(QUERIES) == set(CHECKS)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_saved_query_says_which_question_it_answers(name: str) -> None:
    header = []
    for line in QUERIES[name].splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    assert header and header[0].startswith("# Question: ") and header[0].endswith("?"), name
    assert any("Variables:" in line for line in header), name


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_saved_query_validates_against_the_schema(name: str) -> None:
    rules = [*specified_rules, depth_limit_validator(Settings().api_max_query_depth)]
    assert validate(schema.graphql_schema, parse(QUERIES[name]), rules) == []


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_saved_query_answers_on_a_seeded_catalog(api: Api, name: str) -> None:
    def run(role: str = "security", **variables: Any) -> Any:
        return api.data(QUERIES[name], variables, role)

    CHECKS[name](api, run)


def test_saved_queries_ship_with_the_package() -> None:
    folder = Path(__file__).resolve().parents[2] / "graphql" / "saved_queries"
    assert sorted(p.stem for p in folder.glob("*.graphql")) == sorted(QUERIES)
    assert not (folder / "__init__.py").exists()
