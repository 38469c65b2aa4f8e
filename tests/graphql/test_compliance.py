"""``complianceIssues``, ``AISystem.complianceIssues`` and ``classifyAISystem`` over HTTP."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from registre.catalog.db import session_factory, transaction
from registre.catalog.enums import RiskClass, Role
from registre.catalog.models import AISystem, Assessment, AuditEvent
from registre.graphql.ids import to_global_id
from tests.catalog.compliance.compliance_seed import SYSTEM, seed_baseline
from tests.support.api import Api, open_api
from tests.support.catalogs import Databases

ROLES = ("steward", "auditor", "scanner")


def _seed(session: Session) -> dict[str, dict[str, int]]:
    """The baseline register with its FRIA and homologation removed (two HIGH issues)."""
    ids = seed_baseline(session)
    for key in ("fria", "homologation"):
        session.delete(session.get(Assessment, ids["assessments"][key]))
    session.get(AISystem, ids["systems"][SYSTEM]).owner = None
    return ids


@pytest.fixture
def api(databases: Databases) -> Iterator[Api]:
    """Read by an auditor unless a test says otherwise."""
    with open_api(databases, seed=_seed, role=Role.AUDITOR) as made:
        yield made


def gid(api: Api, type_name: str, key: str) -> str:
    table = {"AISystem": "systems", "Dataset": "datasets"}[type_name]
    return str(to_global_id(type_name, str(api.payload[table][key])))


ISSUES = """
query($filter: ComplianceIssueFilter, $first: Int, $after: String) {
  complianceIssues(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node {
      rule severity legalBasis title message subjectType subjectId subjectName facts unknown
      appliesFrom
      subject { __typename ... on AISystem { id name } ... on Dataset { id name } }
    } }
  }
}"""


def _nodes(data: Any) -> list[dict[str, Any]]:
    return [edge["node"] for edge in data["complianceIssues"]["edges"]]


#: AI Act Art. 27 applies to Annex III systems from 2 December 2027 (Art. 113 as amended by
#: the Digital Omnibus on AI, Reg. (EU) 2026/1744); until then the FRIA issue is INFO, coming
FRIA_DUE = dt.date(2027, 12, 2)
COMING = dt.date.today() < FRIA_DUE
ORDER = (
    ["PSSIE-HOMOLOGATION", "GOV-OWNER", "AIACT-27-FRIA"]
    if COMING
    else ["AIACT-27-FRIA", "PSSIE-HOMOLOGATION", "GOV-OWNER"]
)


def test_issues_cite_their_basis_and_subject(api: Api) -> None:
    data = api.data(ISSUES)
    nodes = _nodes(data)
    assert [n["rule"] for n in nodes] == ORDER
    fria = nodes[ORDER.index("AIACT-27-FRIA")]
    assert fria["severity"] == ("INFO" if COMING else "HIGH")
    assert fria["legalBasis"] == "AI Act Art. 27" and fria["appliesFrom"] == "2027-12-02"
    assert nodes[ORDER.index("GOV-OWNER")]["appliesFrom"] is None
    assert fria["subject"] == {"__typename": "AISystem", "id": gid(api, "AISystem", SYSTEM),
                               "name": SYSTEM}  # fmt: skip
    assert fria["subjectType"] == "AISystem" and fria["subjectId"] == gid(api, "AISystem", SYSTEM)
    assert json.loads(fria["facts"])["ai_system_id"] == api.payload["systems"][SYSTEM]
    assert fria["unknown"] is False
    node = api.data("query($id: ID!) { node(id: $id) { ... on AISystem { name } } }",
                    {"id": fria["subjectId"]})  # fmt: skip
    assert node == {"node": {"name": SYSTEM}}


@pytest.mark.parametrize("role", ROLES)
def test_every_role_may_read_issues(api: Api, role: str) -> None:
    assert api.data(ISSUES, role=role)["complianceIssues"]["totalCount"] == 3


def test_pagination_with_opaque_cursors(api: Api) -> None:
    first = api.data(ISSUES, {"first": 2})["complianceIssues"]
    assert first["totalCount"] == 3 and len(first["edges"]) == 2
    assert first["pageInfo"]["hasNextPage"] and not first["pageInfo"]["hasPreviousPage"]
    after = first["pageInfo"]["endCursor"]
    second = api.data(ISSUES, {"first": 2, "after": after})["complianceIssues"]
    assert [e["node"]["rule"] for e in second["edges"]] == ORDER[2:]
    assert not second["pageInfo"]["hasNextPage"] and second["pageInfo"]["hasPreviousPage"]
    body = api.gql(ISSUES, {"after": "bm9wZQ=="})
    assert body["errors"][0]["extensions"] == {"code": "INVALID_INPUT", "field": "after"}
    body = api.gql(ISSUES, {"first": 100000})
    assert body["errors"][0]["extensions"]["field"] == "first"


def test_filters(api: Api) -> None:
    def rules(flt: dict[str, Any]) -> list[str]:
        return [n["rule"] for n in _nodes(api.data(ISSUES, {"filter": flt}))]

    assert rules({"severity": "MEDIUM"}) == ["GOV-OWNER"]
    assert (
        rules({"minSeverity": "HIGH"})
        == [r for r in ORDER if r != "GOV-OWNER"][: 1 if COMING else 2]
    )
    assert rules({"rule": "GOV-OWNER"}) == ["GOV-OWNER"]
    assert len(rules({"aiSystemId": gid(api, "AISystem", SYSTEM)})) == 3
    assert rules({"datasetId": gid(api, "Dataset", "beneficiaires")}) == []
    body = api.gql(ISSUES, {"filter": {"rule": "NOPE"}})
    assert body["errors"][0]["extensions"] == {"code": "INVALID_INPUT", "field": "filter.rule"}
    body = api.gql(ISSUES, {"filter": {"aiSystemId": gid(api, "Dataset", "beneficiaires")}})
    assert body["errors"][0]["extensions"]["field"] == "filter.aiSystemId"


def _count(engine: Engine, fn: Any) -> int:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


SYSTEM_ISSUES = "{ aiSystems(first: 50) { edges { node { name complianceIssues { rule } } } } }"


def test_ai_system_compliance_issues_are_batched(api: Api) -> None:
    data = api.data(SYSTEM_ISSUES)
    (node,) = [e["node"] for e in data["aiSystems"]["edges"]]
    assert [i["rule"] for i in node["complianceIssues"]] == ORDER
    one = _count(api.engine, lambda: api.data(SYSTEM_ISSUES))
    with transaction(session_factory(api.engine)) as session:
        session.add_all(AISystem(name=f"Extra {i}", status="IN_PRODUCTION") for i in range(5))
    data = api.data(SYSTEM_ISSUES)
    assert len(data["aiSystems"]["edges"]) == 6
    assert _count(api.engine, lambda: api.data(SYSTEM_ISSUES)) == one


CLASSIFY = """
mutation($input: ClassifyAISystemInput!) {
  classifyAISystem(input: $input) {
    riskClass annexIIIPoint reasons obligations art63Exemption stored aiSystem { riskClass }
  }
}"""


def test_classify_proposes_without_storing_for_read_only_roles(api: Api) -> None:
    variables = {"input": {"annexIIIPoint": "4(a)", "aiSystemId": gid(api, "AISystem", SYSTEM)}}
    result = api.data(CLASSIFY, variables, role="auditor")["classifyAISystem"]
    assert result["riskClass"] == "HIGH" and result["annexIIIPoint"] == "4(a)"
    assert any("Annex III point 4(a)" in r for r in result["reasons"])
    assert result["stored"] is False and result["aiSystem"] == {"riskClass": "HIGH"}
    with session_factory(api.engine)() as session:
        assert session.get(AISystem, api.payload["systems"][SYSTEM]).annex_iii_point == "5(a)"


def test_classify_stores_for_stewards_with_an_audit_event(api: Api) -> None:
    variables = {
        "input": {
            "aiSystemId": gid(api, "AISystem", SYSTEM),
            "annexIIIPoint": "5(a)",
            "art63Grounds": ["PREPARATORY_TASK"],
            "art50Triggers": ["INTERACTS_WITH_PERSONS"],
        }
    }
    result = api.data(CLASSIFY, variables, role="steward")["classifyAISystem"]
    assert result["riskClass"] == "LIMITED" and result["art63Exemption"] is True
    assert result["stored"] is True and result["aiSystem"] == {"riskClass": "LIMITED"}
    with session_factory(api.engine)() as session:
        system = session.get(AISystem, api.payload["systems"][SYSTEM])
        assert system.risk_class is RiskClass.LIMITED and system.art_6_3_claim
        event_ = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "update_ai_system")
        ).one()
        assert event_.actor == "token:steward" and event_.after["risk_class"] == "LIMITED"


def test_classify_without_a_system_only_answers(api: Api) -> None:
    result = api.data(CLASSIFY, {"input": {"socialScoring": True}}, role="steward")
    assert result["classifyAISystem"]["riskClass"] == "PROHIBITED"
    assert result["classifyAISystem"]["stored"] is False


def test_classify_refuses_bad_answers(api: Api) -> None:
    body = api.gql(CLASSIFY, {"input": {"annexIIIPoint": "9(z)"}})
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert "not an Annex III point" in body["errors"][0]["message"]
    body = api.gql(CLASSIFY, {"input": {"aiSystemId": to_global_id("AISystem", "999")}})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


DATED = """
query($filter: ComplianceIssueFilter) {
  complianceIssues(filter: $filter, first: 50) {
    totalCount
    edges { node { rule firstSeenAt lastSeenAt closedAt } }
  }
}"""

SET_OWNER = """
mutation($id: ID!) { updateAISystem(input: {id: $id, owner: "Direction des solidarités"}) {
  aiSystem { id } } }"""


def test_a_fixed_issue_is_closed_and_listed_as_closed(api: Api) -> None:
    before = dt.datetime.now(dt.UTC).isoformat()
    api.data(SET_OWNER, {"id": gid(api, "AISystem", SYSTEM)}, role="steward")
    open_now = _nodes(api.data(DATED))
    assert [n["rule"] for n in open_now] == [r for r in ORDER if r != "GOV-OWNER"]
    assert all(n["firstSeenAt"] and n["closedAt"] is None for n in open_now)
    (closed,) = _nodes(api.data(DATED, {"filter": {"status": "CLOSED"}}))
    assert closed["rule"] == "GOV-OWNER" and closed["closedAt"] >= before
    assert closed["firstSeenAt"] < closed["closedAt"]
    fixed_since = {"status": "CLOSED", "closedFrom": before}
    assert [n["rule"] for n in _nodes(api.data(DATED, {"filter": fixed_since}))] == ["GOV-OWNER"]
    later = {"status": "CLOSED", "closedFrom": "2999-01-01T00:00:00Z"}
    assert _nodes(api.data(DATED, {"filter": later})) == []
    every = api.data(DATED, {"filter": {"status": "ALL"}})["complianceIssues"]
    assert every["totalCount"] == 3
    by_type = {"subjectType": "Dataset"}
    assert _nodes(api.data(DATED, {"filter": by_type})) == []


def test_statements_do_not_grow_with_the_page(api: Api) -> None:
    def page(first: int) -> int:
        return _count(api.engine, lambda: api.data(ISSUES, {"first": first}))

    page(3)  # the token's first use of the run is recorded once
    assert page(1) == page(3)
