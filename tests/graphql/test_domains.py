"""Domains through the API: each steward reads and changes its own domain only, the links
across domains show without the other side's details, new objects go to the right domain,
admins manage domains, users and grants, and the audit trail names the person."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from graphql_relay import to_global_id
from sqlalchemy import select

from registre.catalog.models import AuditEvent, DataStore, Organisation
from tests.support.api import Api, serve
from tests.support.catalogs import BACKENDS, Databases, open_catalog, pg_url_for
from tests.support.domains import MARKS, TwoDomains, post, seed_two_domains

ALPHA, BETA = MARKS


@pytest.fixture(params=BACKENDS)
def api(request: pytest.FixtureRequest, databases: Databases) -> Iterator[Api]:
    pg_url = pg_url_for(request, request.param)
    with (
        open_catalog(databases, request.param, seed_two_domains, pg_url) as catalog,
        serve(catalog, tokens={}) as client,
    ):
        yield client


def _two(api: Api) -> TwoDomains:
    assert isinstance(api.payload, TwoDomains)
    return api.payload


def _ok(api: Api, token: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    body = post(api.client, token, query, variables)
    assert "errors" not in body, body["errors"]
    return body["data"]


def _error(api: Api, token: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    body = post(api.client, token, query, variables)
    assert body.get("errors"), body
    return body["errors"][0]


LISTS = """{
  domains { name }
  dataStores { totalCount edges { node { name domain { name } } } }
  datasets { totalCount edges { node { name } } }
  aiSystems { totalCount edges { node { name domain { name } } } }
  processingActivities { totalCount edges { node { name domain { name } } } }
  assessments { totalCount }
  scanRuns { totalCount }
}"""


def test_each_steward_lists_its_own_domain(api: Api) -> None:
    two = _two(api)
    for mark in MARKS:
        data = _ok(api, two.sides[mark].steward_token, LISTS)
        assert data["domains"] == [{"name": f"Direction {mark}"}]
        assert [e["node"] for e in data["dataStores"]["edges"]] == [
            {"name": f"store-{mark}", "domain": {"name": f"Direction {mark}"}}
        ]
        assert data["datasets"]["totalCount"] == 2
        assert sorted(e["node"]["name"] for e in data["datasets"]["edges"]) == [
            f"table_{mark}",
            f"vue_{mark}",
        ]
        assert data["aiSystems"]["totalCount"] == 1
        assert data["processingActivities"]["totalCount"] == 1
        assert data["assessments"]["totalCount"] == 1
        assert data["scanRuns"]["totalCount"] == 1
    # the organisation-wide admin sees both (and the default domain of migration 0016)
    wide = _ok(api, two.admin_token, LISTS)
    assert {d["name"] for d in wide["domains"]} >= {f"Direction {m}" for m in MARKS}
    assert wide["datasets"]["totalCount"] == 4
    assert wide["aiSystems"]["totalCount"] == 2


def test_node_of_the_other_domain_is_null(api: Api) -> None:
    two = _two(api)
    alpha, beta = two.sides[ALPHA], two.sides[BETA]
    query = "query N($id: ID!) { node(id: $id) { id } }"
    for type_name, ids in beta.ids.items():
        for row_id in ids:
            gid = to_global_id(type_name, row_id)
            assert _ok(api, alpha.steward_token, query, {"id": gid}) == {"node": None}, gid
            assert _ok(api, two.admin_token, query, {"id": gid}) == {"node": {"id": gid}}
    for type_name, ids in alpha.ids.items():
        gid = to_global_id(type_name, ids[0])
        assert _ok(api, alpha.steward_token, query, {"id": gid}) == {"node": {"id": gid}}


def test_a_link_across_domains_shows_without_the_other_side(api: Api) -> None:
    two = _two(api)
    alpha, beta = two.sides[ALPHA], two.sides[BETA]
    query = """query A($id: ID!) { aiSystem(id: $id) {
        datasets { usage outsidePerimeter dataset { name } } } }"""
    links = _ok(
        api, alpha.steward_token, query, {"id": to_global_id("AISystem", alpha.ids["AISystem"][0])}
    )
    assert sorted(
        (ln["usage"], ln["outsidePerimeter"], ln["dataset"]) for ln in links["aiSystem"]["datasets"]
    ) == [("INPUT", False, {"name": f"table_{ALPHA}"}), ("TRAINING", True, None)]
    # seen from the dataset of zbeta: used by an AI system zbeta's steward does not read
    query = """query D($id: ID!) { dataset(id: $id) {
        aiSystems { name } aiSystemUsages { usage outsidePerimeter aiSystem { name } } } }"""
    used = _ok(
        api, beta.steward_token, query, {"id": to_global_id("Dataset", beta.ids["Dataset"][1])}
    )
    assert used["dataset"] == {
        "aiSystems": [],
        "aiSystemUsages": [{"usage": "TRAINING", "outsidePerimeter": True, "aiSystem": None}],
    }
    wide = _ok(api, two.admin_token, query, {"id": to_global_id("Dataset", beta.ids["Dataset"][1])})
    assert wide["dataset"]["aiSystems"] == [{"name": f"IA {ALPHA}"}]


REGISTER = """mutation R($i: RegisterDataStoreInput!) {
  registerDataStore(input: $i) { dataStore { name domain { name } } } }"""


def test_a_new_object_goes_to_the_callers_domain(api: Api) -> None:
    two = _two(api)
    alpha, beta = two.sides[ALPHA], two.sides[BETA]
    made = _ok(
        api, alpha.steward_token, REGISTER, {"i": {"name": "neuf", "url": "postgresql://u@h/n"}}
    )
    assert made["registerDataStore"]["dataStore"]["domain"] == {"name": f"Direction {ALPHA}"}
    # in a domain it does not read: that domain is not found (not even its existence shows)
    into_beta = {
        "name": "ailleurs",
        "url": "postgresql://u@h/a",
        "domainId": to_global_id("Domain", beta.domain),
    }
    error = _error(api, alpha.steward_token, REGISTER, {"i": into_beta})
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "input.domainId"}
    # a caller of several domains names one
    error = _error(
        api, two.both_token, REGISTER, {"i": {"name": "deux", "url": "postgresql://u@h/d"}}
    )
    assert error["extensions"] == {"code": "INVALID_INPUT", "field": "input.domainId"}
    chosen = _ok(api, two.both_token, REGISTER, {"i": into_beta})
    assert chosen["registerDataStore"]["dataStore"]["domain"] == {"name": f"Direction {BETA}"}
    # an organisation-wide caller without domainId: the default domain
    wide = _ok(
        api, two.admin_token, REGISTER, {"i": {"name": "central", "url": "postgresql://u@h/c"}}
    )
    assert wide["registerDataStore"]["dataStore"]["domain"] == {"name": "default"}


def test_a_steward_changes_nothing_of_the_other_domain(api: Api) -> None:
    two = _two(api)
    alpha, beta = two.sides[ALPHA], two.sides[BETA]
    with api.factory() as session:
        before = session.scalars(select(AuditEvent.id)).all()
    update = """mutation U($i: UpdateDataStoreInput!) {
      updateDataStore(input: $i) { dataStore { name } } }"""
    other = {"id": to_global_id("DataStore", beta.ids["DataStore"][0]), "description": "pris"}
    assert (
        _error(api, alpha.steward_token, update, {"i": other})["extensions"]["code"] == "NOT_FOUND"
    )
    link = """mutation L($i: LinkAISystemDatasetInput!) {
      linkAISystemDataset(input: $i) { link { usage } } }"""
    foreign_ai = {
        "aiSystemId": to_global_id("AISystem", beta.ids["AISystem"][0]),
        "datasetId": to_global_id("Dataset", alpha.ids["Dataset"][0]),
        "usage": "INPUT",
    }
    assert (
        _error(api, alpha.steward_token, link, {"i": foreign_ai})["extensions"]["code"]
        == "NOT_FOUND"
    )
    review = """mutation V($i: ReviewFindingInput!) {
      reviewFinding(input: $i) { finding { status } } }"""
    finding = {
        "findingId": to_global_id("Finding", beta.ids["Finding"][0]),
        "decision": "CONFIRMED",
    }
    assert (
        _error(api, alpha.steward_token, review, {"i": finding})["extensions"]["code"]
        == "NOT_FOUND"
    )
    # moving its own store into the other domain needs rights there too
    move = {
        "id": to_global_id("DataStore", alpha.ids["DataStore"][0]),
        "domainId": to_global_id("Domain", beta.domain),
    }
    assert _error(api, alpha.steward_token, update, {"i": move})["extensions"]["code"] == (
        "NOT_FOUND"
    )
    with api.factory() as session:
        assert session.scalars(select(AuditEvent.id)).all() == before
        assert (
            session.scalar(
                select(DataStore.description).where(DataStore.id == beta.ids["DataStore"][0])
            )
            == f"base {BETA}"
        )


def test_the_audit_trail_names_the_person_and_stays_in_its_domain(api: Api) -> None:
    two = _two(api)
    alpha = two.sides[ALPHA]
    update = """mutation U($i: UpdateDataStoreInput!) {
      updateDataStore(input: $i) { dataStore { name } } }"""
    mine = {"id": to_global_id("DataStore", alpha.ids["DataStore"][0]), "description": "revue"}
    _ok(api, alpha.steward_token, update, mine and {"i": mine})
    trail = (
        """{ auditEvents(first: 100) { totalCount edges { node { actor action entityType } } } }"""
    )
    events = [e["node"] for e in _ok(api, alpha.steward_token, trail)["auditEvents"]["edges"]]
    assert events[-1] == {
        "actor": f"Agent {ALPHA.upper()[1:]}",
        "action": "update_data_store",
        "entityType": "DataStore",
    }
    with api.factory() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert last is not None and last.user_id == alpha.user and last.domain_id == alpha.domain
        in_alpha = session.scalars(
            select(AuditEvent.id).where(AuditEvent.domain_id == alpha.domain)
        ).all()
    assert len(events) == len(in_alpha)


PEOPLE = """mutation P($d: CreateDomainInput!, $u: CreateUserInput!) {
  createDomain(input: $d) { domain { id name } }
  createUser(input: $u) { user { id name email kind grants { role } } }
}"""
GRANT = """mutation G($i: RoleGrantInput!) {
  grantRole(input: $i) { user { grants { role domain { name } } } } }"""
REVOKE = """mutation G($i: RoleGrantInput!) {
  revokeRole(input: $i) { user { grants { role domain { name } } } } }"""


def test_admins_manage_domains_users_and_grants(api: Api) -> None:
    two = _two(api)
    made = _ok(
        api,
        two.admin_token,
        PEOPLE,
        {"d": {"name": "Commune de X"}, "u": {"name": "Claire", "email": "claire@x.fr"}},
    )
    domain, user = made["createDomain"]["domain"], made["createUser"]["user"]
    assert user["kind"] == "person" and user["grants"] == []
    grant = {"userId": user["id"], "role": "DPO", "domainId": domain["id"]}
    granted = _ok(api, two.admin_token, GRANT, {"i": grant})["grantRole"]["user"]
    assert granted["grants"] == [{"role": "DPO", "domain": {"name": "Commune de X"}}]
    wide = _ok(api, two.admin_token, GRANT, {"i": {"userId": user["id"], "role": "AUDITOR"}})
    assert {"role": "AUDITOR", "domain": None} in wide["grantRole"]["user"]["grants"]
    # an admin is organisation-wide only
    error = _error(
        api,
        two.admin_token,
        GRANT,
        {"i": {"userId": user["id"], "role": "ADMIN", "domainId": domain["id"]}},
    )
    assert error["extensions"] == {"code": "INVALID_INPUT", "field": "input.domainId"}
    revoked = _ok(api, two.admin_token, REVOKE, {"i": grant})["revokeRole"]["user"]
    assert revoked["grants"] == [{"role": "AUDITOR", "domain": None}]
    users = _ok(api, two.admin_token, "{ users { name } }")["users"]
    assert {"name": "Claire"} in users
    # nobody else manages them
    for token in (two.sides[ALPHA].steward_token, two.dpo_token):
        assert (
            _error(api, token, PEOPLE, {"d": {"name": "Y"}, "u": {"name": "Z"}})["extensions"][
                "code"
            ]
            == "FORBIDDEN"
        )
        assert _error(api, token, "{ users { name } }")["extensions"]["code"] == "FORBIDDEN"


def test_a_dpo_of_a_domain_clears_publication_there_only(api: Api) -> None:
    two = _two(api)
    alpha, beta = two.sides[ALPHA], two.sides[BETA]
    ground = """mutation G($i: RecordPublicationGroundInput!) {
      recordPublicationGround(input: $i) { dataset { name } } }"""
    mine = {
        "datasetId": to_global_id("Dataset", alpha.ids["Dataset"][0]),
        "ground": "CONSENT",
        "detail": "accord écrit",
    }
    body = post(api.client, two.dpo_token, ground, {"i": mine})
    assert "errors" not in body, body
    other = {
        "datasetId": to_global_id("Dataset", beta.ids["Dataset"][0]),
        "ground": "CONSENT",
        "detail": "accord écrit",
    }
    assert _error(api, two.dpo_token, ground, {"i": other})["extensions"]["code"] == "NOT_FOUND"
    # the steward of zalpha may not: the DPO's decision
    assert (
        _error(api, alpha.steward_token, ground, {"i": mine})["extensions"]["code"] == "FORBIDDEN"
    )


COUNTS = """{
  exposure { totalCount summary { datasets fields
    byDataStore { key datasets fields } byHostingCountry { key datasets fields }
    byAiRiskClass { key datasets fields } } }
  complianceIssues { totalCount }
  auditEvents { totalCount }
}"""


def test_counts_are_the_domains_own(api: Api) -> None:
    """The exposure summary (from the kept totals for the organisation, from the kept
    per-dataset rows for a domain) and the other counts add up to the whole."""
    two = _two(api)
    wide = _ok(api, two.admin_token, COUNTS)
    summary = wide["exposure"]["summary"]
    assert (summary["datasets"], summary["fields"]) == (4, 8)
    seen = {m: _ok(api, two.sides[m].steward_token, COUNTS) for m in MARKS}
    for mark, data in seen.items():
        mine = data["exposure"]["summary"]
        assert data["exposure"]["totalCount"] == mine["datasets"] == 2
        assert mine["fields"] == 4
        assert mine["byDataStore"] == [{"key": f"store-{mark}", "datasets": 2, "fields": 4}]
        country = "FR" if mark == ALPHA else "US"
        assert mine["byHostingCountry"] == [{"key": country, "datasets": 2, "fields": 4}]

    def by_key(counts: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return sorted((c["key"], c["datasets"], c["fields"]) for c in counts)

    parts = [c for d in seen.values() for c in d["exposure"]["summary"]["byHostingCountry"]]
    assert by_key(parts) == by_key(summary["byHostingCountry"])
    # issues and events: each domain's own, fewer than the whole
    for kind in ("complianceIssues", "auditEvents"):
        counts = [seen[m][kind]["totalCount"] for m in MARKS]
        assert all(c > 0 for c in counts), kind
        assert sum(counts) <= wide[kind]["totalCount"], kind


def test_the_roles_of_an_actor_per_domain() -> None:
    from registre.catalog.access.roles import Actor, Grant, Permission
    from registre.catalog.enums import Role

    wide = Actor("a", Role.AUDITOR)
    assert wide.domains() is None and wide.can(Permission.READ, 7)
    assert not wide.can(Permission.REGISTER)
    mixed = Actor("m", Role.STEWARD, grants=(Grant(Role.STEWARD, 1), Grant(Role.AUDITOR, 2)))
    assert mixed.domains() == {1, 2} and mixed.domains(Permission.REGISTER) == {1}
    assert mixed.can(Permission.REGISTER, 1) and not mixed.can(Permission.REGISTER, 2)
    assert mixed.can(Permission.REGISTER) and not mixed.can_wide(Permission.REGISTER)
    assert not mixed.can_on(Permission.READ, None)  # an object of no domain
    # administration is organisation-wide only, whatever a grant claims
    claimed = Actor("c", Role.ADMIN, grants=(Grant(Role.ADMIN, 1),))
    assert not claimed.can(Permission.ADMIN) and not claimed.can(Permission.ADMIN, 1)
    assert claimed.can(Permission.REGISTER, 1) and not claimed.can(Permission.REGISTER, 2)


def test_a_review_names_the_person_behind_the_token(api: Api) -> None:
    """A steward's token belongs to a person: the finding's reviewer and the trail name
    them, not the token."""
    two = _two(api)
    alpha = two.sides[ALPHA]
    finding = to_global_id("Finding", alpha.ids["Finding"][0])
    review = """mutation R($i: ReviewFindingInput!) {
      reviewFinding(input: $i) { finding { status reviewer } } }"""
    done = _ok(
        api, alpha.steward_token, review, {"i": {"findingId": finding, "decision": "CONFIRMED"}}
    )
    person = f"Agent {ALPHA.upper()[1:]}"
    assert done["reviewFinding"]["finding"] == {"status": "CONFIRMED", "reviewer": person}
    with api.factory() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None and event.entity_type == "Finding"
    assert (event.actor, event.user_id) == (person, alpha.user)


def test_a_domain_of_an_organisation_of_the_catalog(api: Api) -> None:
    """One catalog for several organisations: ``createDomain`` takes an ``organisationId``,
    and an unknown one is refused on that field."""
    two = _two(api)
    with api.factory() as session:
        org = session.scalars(select(Organisation).order_by(Organisation.id)).first()
        assert org is not None
        org_id, org_name = org.id, org.name
    made = """mutation D($d: CreateDomainInput!) {
      createDomain(input: $d) { domain { name organisation { name } } } }"""
    gid = to_global_id("Organisation", org_id)
    done = _ok(api, two.admin_token, made, {"d": {"name": "Commune de Y", "organisationId": gid}})
    assert done["createDomain"]["domain"] == {
        "name": "Commune de Y",
        "organisation": {"name": org_name},
    }
    unknown = {"name": "Commune de Z", "organisationId": to_global_id("Organisation", 999_999)}
    error = _error(api, two.admin_token, made, {"d": unknown})
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "input.organisationId"}
