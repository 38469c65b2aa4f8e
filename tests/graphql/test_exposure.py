"""``exposure`` over HTTP, on a seeded catalog (SQLite and PostgreSQL); ``exposureChanges``
is in ``test_exposure_changes``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from registre.catalog.enums import FindingStatus, Role
from registre.catalog.errors import InvalidInput
from registre.catalog.exposure.query import ExposureFilter
from registre.graphql.ids import to_global_id
from tests.catalog.exposure.exposure_seed import Seeded, add_bulk_store, seed
from tests.support.api import Api, open_api
from tests.support.catalogs import BACKENDS, Databases, pg_url_for


@pytest.fixture(scope="module", params=BACKENDS)
def api(request: pytest.FixtureRequest, databases: Databases) -> Iterator[Api]:
    """The seeded catalog on each backend, read by the security team unless a test says."""
    pg_url = pg_url_for(request, request.param)
    with open_api(databases, request.param, seed, pg_url=pg_url, role=Role.SECURITY) as made:
        yield made


EXPOSURE = """
query Exposure($filter: ExposureFilter, $first: Int = 50, $after: String) {
  exposure(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      dataset { name }
      dataStore { name }
      hosting { organisation { name } country qualifications secNumCloud nonEuControl outsideEU }
      categories
      entityTypes
      findings { field entityType category status maskedExample finding { reasons } }
      aiSystems { usage hostingCountry outsideEU
                  aiSystem { name riskClass provider { name country } } }
      processingActivities { name }
      policies { status policy { controlRef } aiSystem { name } }
    } }
  }
}
"""


def nodes(api: Api, flt: dict[str, Any] | None = None, role: str = "security") -> dict[str, Any]:
    data = api.data(EXPOSURE, {"filter": flt}, role)["exposure"]
    return {edge["node"]["dataset"]["name"]: edge["node"] for edge in data["edges"]}


def test_exposure_lists_each_dataset_holding_personal_data_with_its_context(api: Api) -> None:
    found = nodes(api)
    # communes: no finding; vieux: its only suggestion is gone; supprime: removed dataset
    assert set(found) == {"naissances", "agents", "absences", "contacts", "casier"}

    agents = found["agents"]
    assert agents["dataStore"] == {"name": "rh-paie"}
    assert agents["categories"] == ["CONTACT", "FINANCIAL", "SPECIAL_CATEGORY"]
    assert agents["entityTypes"] == ["EMAIL_ADDRESS", "HEALTH", "IBAN_CODE"]
    # ancien_tel is a removed field: its confirmed finding no longer exposes anything
    assert [
        (f["field"], f["entityType"], f["status"], f["maskedExample"]) for f in agents["findings"]
    ] == [
        ("email", "EMAIL_ADDRESS", "CONFIRMED", "j***@v*******.fr"),
        ("iban", "IBAN_CODE", "SUGGESTED", "FR76 **** 189"),
        ("sante", "HEALTH", "SUGGESTED", "d******"),
    ]
    assert agents["findings"][0]["finding"]["reasons"] == ["coverage 0.80 over 120 distinct values"]
    # the store has no country of its own: the host's (LU) applies; US control is shown
    assert agents["hosting"] == {
        "organisation": {"name": "AWS EMEA"},
        "country": "LU",
        "qualifications": [],
        "secNumCloud": False,
        "nonEuControl": True,
        "outsideEU": False,
    }
    assert agents["aiSystems"] == [
        {
            "usage": usage,
            "hostingCountry": "IE",
            "outsideEU": True,  # provided from the US
            "aiSystem": {
                "name": "Assistant RH",
                "riskClass": "HIGH",
                "provider": {"name": "OpenAI", "country": "US"},
            },
        }
        for usage in ("INPUT", "TRAINING")
    ]
    assert agents["processingActivities"] == [{"name": "Gestion de la paie"}]
    assert sorted(
        (p["aiSystem"]["name"], p["policy"]["controlRef"], p["status"]) for p in agents["policies"]
    ) == [
        ("Assistant RH", "INT-REX-HB", "COMPLIANT"),
        ("Assistant RH", "SNC-HEB", "NON_COMPLIANT"),
    ]

    naissances = found["naissances"]
    # the rejected finding on "commentaire" is not personal data
    assert [(f["field"], f["status"]) for f in naissances["findings"]] == [
        ("nom", "CONFIRMED"),
        ("nir", "SUGGESTED"),
    ]
    assert naissances["hosting"]["organisation"] == {"name": "OVHcloud"}
    assert naissances["hosting"]["secNumCloud"] is True
    assert naissances["hosting"]["qualifications"] == ["SECNUMCLOUD", "HDS"]
    assert naissances["hosting"]["outsideEU"] is False
    assert [
        (u["aiSystem"]["name"], u["usage"], u["hostingCountry"], u["outsideEU"])
        for u in naissances["aiSystems"]
    ] == [
        ("Tri courrier", "INPUT", "FR", False)  # country from its host, OVHcloud
    ]
    assert [(p["policy"]["controlRef"], p["status"]) for p in naissances["policies"]] == [
        ("SNC-HEB", "COMPLIANT")
    ]

    contacts = found["contacts"]
    assert [f["field"] for f in contacts["findings"]] == ["courriel"]  # telephone is gone
    assert contacts["hosting"]["outsideEU"] is True
    assert contacts["aiSystems"][0]["hostingCountry"] == "LU"
    assert contacts["processingActivities"] == [] and contacts["policies"] == []
    assert found["casier"]["aiSystems"] == []


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        ({"category": "SPECIAL_CATEGORY"}, {"agents", "absences"}),
        ({"category": ["SPECIAL_CATEGORY", "CRIMINAL_OFFENCE"]}, {"agents", "absences", "casier"}),
        ({"category": "IDENTITY"}, {"naissances"}),  # not vieux (gone), not supprime (removed)
        ({"entityType": "FR_NIR"}, {"naissances"}),
        ({"entityType": ["EMAIL_ADDRESS", "PHONE_NUMBER"]}, {"agents", "contacts"}),
        ({"status": "CONFIRMED"}, {"naissances", "agents", "absences", "casier"}),
        ({"status": "SUGGESTED"}, {"naissances", "agents", "contacts"}),
        ({"status": "CONFIRMED", "category": "CONTACT"}, {"agents"}),
        ({"hostingOutsideEU": True}, {"agents", "absences", "contacts", "casier"}),
        ({"hostingOutsideEU": False}, {"naissances"}),
        # rh-paie: AWS EMEA; crm-usagers: Salesforce; Assistant RH: OpenAI; Chatbot: AWS EMEA
        ({"nonEuControl": True}, {"agents", "absences", "contacts", "casier"}),
        ({"nonEuControl": False}, {"naissances"}),
        ({"aiRiskClass": "HIGH"}, {"agents", "absences"}),
        ({"aiRiskClass": "LIMITED"}, {"contacts"}),
        ({"aiRiskClass": "PROHIBITED"}, set()),
        ({"usedByAiSystem": False}, {"casier"}),
        ({"usedByAiSystem": True, "hostingOutsideEU": True}, {"agents", "absences", "contacts"}),
    ],
)
def test_each_filter_narrows_the_exposure(
    api: Api, flt: dict[str, Any], expected: set[str]
) -> None:
    assert set(nodes(api, flt)) == expected


def test_data_store_filter_takes_a_global_or_a_plain_id(api: Api) -> None:
    store_id = api.payload.stores["rh-paie"]
    for given in (to_global_id("DataStore", store_id), str(store_id)):
        assert set(nodes(api, {"dataStoreId": given})) == {"agents", "absences"}
    body = api.gql(EXPOSURE, {"filter": {"dataStoreId": to_global_id("Dataset", 1)}})
    assert body["data"] is None
    assert "filter.dataStoreId" in body["errors"][0]["message"]


def test_finding_filters_choose_the_personal_data_shown(api: Api) -> None:
    agents = nodes(api, {"category": "SPECIAL_CATEGORY"})["agents"]
    assert agents["categories"] == ["SPECIAL_CATEGORY"]
    assert [f["field"] for f in agents["findings"]] == ["sante"]
    # a dataset criterion keeps every finding of the dataset
    assert len(nodes(api, {"aiRiskClass": "HIGH"})["agents"]["findings"]) == 3


def test_rejected_is_not_an_exposure_status(api: Api) -> None:
    body = api.gql(EXPOSURE, {"filter": {"status": "REJECTED"}})
    assert "REJECTED" in body["errors"][0]["message"]
    with pytest.raises(InvalidInput, match="SUGGESTED or CONFIRMED"):
        ExposureFilter(status=FindingStatus.REJECTED)


SUMMARY = """
query Summary($filter: ExposureFilter) {
  exposure(filter: $filter, first: 1) {
    totalCount
    summary {
      datasets fields
      byCategory { key datasets fields }
      byDataStore { key datasets fields }
      byHostingCountry { key datasets fields }
      byAiRiskClass { key datasets fields }
    }
  }
}
"""


def _counts(rows: list[dict[str, Any]]) -> dict[str | None, tuple[int, int]]:
    return {row["key"]: (row["datasets"], row["fields"]) for row in rows}


def test_summary_counts_datasets_and_fields_over_the_whole_selection(api: Api) -> None:
    data = api.data(SUMMARY)["exposure"]
    summary = data["summary"]
    assert data["totalCount"] == summary["datasets"] == 5
    # naissances: nom nir; agents: email iban sante; absences: motif; contacts: courriel;
    # casier: condamnation
    assert summary["fields"] == 8
    assert _counts(summary["byCategory"]) == {
        "CONTACT": (2, 2),
        "SPECIAL_CATEGORY": (2, 2),
        "CRIMINAL_OFFENCE": (1, 1),
        "FINANCIAL": (1, 1),
        "IDENTITY": (1, 1),
        "NATIONAL_IDENTIFIER": (1, 1),
    }
    assert [row["key"] for row in summary["byCategory"][:2]] == ["CONTACT", "SPECIAL_CATEGORY"]
    assert _counts(summary["byDataStore"]) == {
        "rh-paie": (2, 4),
        "crm-usagers": (2, 2),
        "etat-civil": (1, 2),
    }
    assert _counts(summary["byHostingCountry"]) == {"LU": (2, 4), "US": (2, 2), "FR": (1, 2)}
    assert _counts(summary["byAiRiskClass"]) == {
        "HIGH": (2, 4),
        "MINIMAL": (1, 2),
        "LIMITED": (1, 1),
    }


def test_summary_follows_the_filter(api: Api) -> None:
    summary = api.data(SUMMARY, {"filter": {"hostingOutsideEU": True, "status": "CONFIRMED"}})[
        "exposure"
    ]["summary"]
    # agents (email), absences (motif), casier (condamnation); contacts has no confirmed data
    assert (summary["datasets"], summary["fields"]) == (3, 3)
    assert _counts(summary["byDataStore"]) == {"rh-paie": (2, 2), "crm-usagers": (1, 1)}
    assert _counts(summary["byAiRiskClass"]) == {"HIGH": (2, 2)}


def test_pages_walk_every_exposed_dataset_once(api: Api) -> None:
    seen: list[str] = []
    after = None
    while True:
        page = api.data(EXPOSURE, {"first": 2, "after": after})["exposure"]
        assert page["totalCount"] == 5
        seen += [edge["node"]["dataset"]["name"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 5


def test_auditor_sees_the_exposure_but_no_evidence(api: Api) -> None:
    found = nodes(api, role="auditor")
    assert set(found) == {"naissances", "agents", "absences", "contacts", "casier"}
    findings = [f for node in found.values() for f in node["findings"]]
    assert len(findings) == 8
    assert all(f["maskedExample"] is None and f["finding"]["reasons"] is None for f in findings)


COMPLIANCE = """
{ exposure { edges { node { dataset { name } complianceIssues { rule message } } } } }
"""


def test_compliance_issues_of_the_dataset_and_of_the_ai_systems_using_it(api: Api) -> None:
    edges = api.data(COMPLIANCE)["exposure"]["edges"]
    try:
        import registre.catalog.compliance.engine  # noqa: F401
    except ImportError:
        assert all(edge["node"]["complianceIssues"] is None for edge in edges)
        pytest.skip("the compliance engine is not installed")
    issues = {
        edge["node"]["dataset"]["name"]: {
            (i["rule"], i["message"]) for i in edge["node"]["complianceIssues"]
        }
        for edge in edges
    }
    rules = {name: {rule for rule, _ in found} for name, found in issues.items()}
    # Assistant RH (HIGH) is provided from the US: a transfer issue on the datasets it uses
    assert "GDPR-44-TRANSFER" in rules["agents"] and "GDPR-44-TRANSFER" in rules["absences"]
    # casier: hosted in the US and used by no AI system, still listed
    assert rules["casier"] == {"GDPR-44-TRANSFER"}
    # an issue naming a dataset goes to that dataset only
    dpia = [m for r, m in issues["absences"] if r == "GDPR-9-DPIA"]
    assert dpia and all("public.absences" in m for m in dpia)
    assert not any("public.absences" in m for r, m in issues["agents"] if r == "GDPR-9-DPIA")
    assert "GDPR-9-DPIA" not in rules["naissances"]


# --- cost -------------------------------------------------------------------------------------

FULL = """
query Full($store: ID!) {
  exposure(filter: {dataStoreId: $store}, first: 100) {
    totalCount
    pageInfo { hasNextPage endCursor }
    summary { datasets fields byCategory { key datasets fields } byDataStore { key datasets }
              byHostingCountry { key datasets } byAiRiskClass { key datasets } }
    edges { cursor node {
      dataset { name qualifiedName containsPersonalData fields { name findings { entityType } }
                dataStore { name hostingOrganisation { name } } }
      dataStore { name }
      hosting { organisation { name } country outsideEU secNumCloud }
      categories entityTypes
      findings { field entityType category status maskedExample finding { score field { name } } }
      aiSystems { usage outsideEU aiSystem { name riskClass hostingCountry
                  provider { name country } hostingOrganisation { name } } }
      processingActivities { name controller { name } }
      policies { status policy { title } aiSystem { name } }
      complianceIssues { __typename }
    } }
  }
}
"""


def _seed_with_bulk_stores(session: Any) -> Seeded:
    seeded = seed(session)
    system = seeded.ai_systems["Assistant RH"]
    activity = seeded.activities["Gestion de la paie"]
    seeded.stores["small"] = add_bulk_store(session, "small", 10, system, activity)
    seeded.stores["big"] = add_bulk_store(session, "big", 60, system, activity)
    return seeded


def test_statements_per_request_do_not_grow_with_the_page(databases: Databases) -> None:
    with open_api(databases, seed=_seed_with_bulk_stores, role=Role.SECURITY) as bulk:
        _count_statements_per_store(bulk)


def _count_statements_per_store(bulk: Api) -> None:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    bulk.data("{ __typename }", {})  # the token's first use is written once, not counted
    event.listen(bulk.engine, "before_cursor_execute", count)
    try:
        sizes = {}
        for store in ("small", "big"):
            statements.clear()
            data = bulk.data(FULL, {"store": str(bulk.payload.stores[store])})["exposure"]
            assert data["totalCount"] == len(data["edges"]) == {"small": 10, "big": 60}[store]
            assert data["summary"]["fields"] == 2 * data["totalCount"]
            assert all(len(e["node"]["findings"]) == 2 for e in data["edges"])
            assert all(len(e["node"]["policies"]) == 2 for e in data["edges"])
            sizes[store] = len(statements)
    finally:
        event.remove(bulk.engine, "before_cursor_execute", count)
    assert sizes["small"] == sizes["big"], sizes
    assert sizes["big"] < 60, sizes  # about 20, and as many for the compliance engine
