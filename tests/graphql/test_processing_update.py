"""``updateProcessingActivity``: the fields sent change and the others stay, the change is
audited in the activity's domain, a steward changes only its own domain's activities, and
moving one to another domain needs the register right on both."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from graphql_relay import to_global_id
from sqlalchemy import select

from registre.catalog.models import AuditEvent, ProcessingActivity
from tests.support.api import Api, serve
from tests.support.catalogs import BACKENDS, Databases, open_catalog, pg_url_for
from tests.support.domains import MARKS, TwoDomains, post, seed_two_domains

ALPHA, BETA = MARKS

UPDATE = """mutation U($i: UpdateProcessingActivityInput!) {
  updateProcessingActivity(input: $i) { processingActivity {
    name purposes legalBasis dataCategories subPurposes recipients retention
    transfers { country mechanism } domain { name } } } }"""
NODE = """query N($id: ID!) { node(id: $id) { ... on ProcessingActivity { name } } }"""


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


def _answer(api: Api, token: str, variables: dict[str, Any]) -> Any:
    return post(api.client, token, UPDATE, {"i": variables})


def _activity(two: TwoDomains, mark: str) -> str:
    return to_global_id("ProcessingActivity", two.sides[mark].ids["ProcessingActivity"][0])


def _trail(api: Api) -> list[AuditEvent]:
    with api.factory() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_the_fields_sent_change_the_others_stay_audited(api: Api) -> None:
    two = _two(api)
    alpha = two.sides[ALPHA]
    body = _answer(
        api,
        alpha.steward_token,
        {
            "id": _activity(two, ALPHA),
            "name": "Paie des agents",
            "legalBasis": "LEGAL_OBLIGATION",
            "dataCategories": ["identité", "NIR"],
            "transfers": [{"country": "CH", "mechanism": "Art. 45"}],
        },
    )
    assert "errors" not in body, body["errors"]
    changed = body["data"]["updateProcessingActivity"]["processingActivity"]
    assert changed == {
        "name": "Paie des agents",
        "purposes": f"but {ALPHA}",  # not sent: kept
        "legalBasis": "LEGAL_OBLIGATION",
        "dataCategories": ["identité", "NIR"],
        "subPurposes": [],
        "recipients": [],
        "retention": None,
        "transfers": [{"country": "CH", "mechanism": "Art. 45"}],
        "domain": {"name": f"Direction {ALPHA}"},
    }
    last = _trail(api)[-1]
    assert (last.action, last.entity_type) == ("update_processing_activity", "ProcessingActivity")
    assert last.actor == f"Agent {ALPHA.upper()[1:]}" and last.user_id == alpha.user
    assert last.domain_id == alpha.domain
    assert last.before is not None and last.after is not None
    assert last.before["name"] == f"Traitement {ALPHA}"
    assert last.after["name"] == "Paie des agents"
    # an empty list empties it; a text sent as null clears it
    body = _answer(
        api,
        alpha.steward_token,
        {"id": _activity(two, ALPHA), "dataCategories": [], "purposes": None},
    )
    assert "errors" not in body, body["errors"]
    changed = body["data"]["updateProcessingActivity"]["processingActivity"]
    assert changed["dataCategories"] == [] and changed["purposes"] is None
    assert changed["legalBasis"] == "LEGAL_OBLIGATION"


def test_refusals_name_the_field_and_change_nothing(api: Api) -> None:
    two = _two(api)
    alpha = two.sides[ALPHA]
    before = len(_trail(api))
    mine = _activity(two, ALPHA)
    cases = [
        ({"id": mine, "name": None}, "INVALID_INPUT", "input.name"),
        ({"id": mine, "name": f"Traitement {BETA}"}, "CONFLICT", "input.name"),
        ({"id": mine, "domainId": None}, "INVALID_INPUT", "input.domainId"),
        ({"id": mine, "dataCategories": None}, "INVALID_INPUT", "input.dataCategories"),
        ({"id": mine, "wp248Criteria": ["NOT_A_CRITERION"]}, None, None),
    ]
    for variables, code, field in cases:
        body = _answer(api, alpha.steward_token, variables)
        assert body.get("errors"), variables
        if code is not None:
            assert body["errors"][0]["extensions"] == {"code": code, "field": field}, variables
    with api.factory() as session:
        name = session.scalar(
            select(ProcessingActivity.name).where(
                ProcessingActivity.id == alpha.ids["ProcessingActivity"][0]
            )
        )
    assert name == f"Traitement {ALPHA}"
    assert len(_trail(api)) == before


def test_a_steward_changes_only_its_own_domain(api: Api) -> None:
    two = _two(api)
    alpha, beta = two.sides[ALPHA], two.sides[BETA]
    before = len(_trail(api))
    # the other domain's activity is not found, as an unknown id
    body = _answer(api, alpha.steward_token, {"id": _activity(two, BETA), "purposes": "pris"})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # its own activity into a domain it does not hold: that domain is not found
    move = {"id": _activity(two, ALPHA), "domainId": to_global_id("Domain", beta.domain)}
    body = _answer(api, alpha.steward_token, move)
    assert body["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "input.domainId"}
    # the DPO of alpha reads beta nowhere either
    body = _answer(api, two.dpo_token, {"id": _activity(two, BETA), "purposes": "pris"})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert len(_trail(api)) == before
    with api.factory() as session:
        purposes = session.scalar(
            select(ProcessingActivity.purposes).where(
                ProcessingActivity.id == beta.ids["ProcessingActivity"][0]
            )
        )
    assert purposes == f"but {BETA}"


def test_a_steward_of_both_domains_moves_an_activity(api: Api) -> None:
    two = _two(api)
    alpha, beta = two.sides[ALPHA], two.sides[BETA]
    moved = _activity(two, ALPHA)
    move = {"id": moved, "domainId": to_global_id("Domain", beta.domain)}
    body = _answer(api, two.both_token, move)
    assert "errors" not in body, body["errors"]
    activity = body["data"]["updateProcessingActivity"]["processingActivity"]
    assert activity["domain"] == {"name": f"Direction {BETA}"}
    last = _trail(api)[-1]
    assert last.action == "update_processing_activity"
    assert last.before is not None and last.before["domain_id"] == alpha.domain
    assert last.after is not None and last.after["domain_id"] == beta.domain
    # now beta's steward reads it and alpha's does not
    seen_by_beta = post(api.client, beta.steward_token, NODE, {"id": moved})
    assert seen_by_beta["data"]["node"] == {"name": f"Traitement {ALPHA}"}
    seen_by_alpha = post(api.client, alpha.steward_token, NODE, {"id": moved})
    assert seen_by_alpha["data"]["node"] is None
    # and alpha's steward cannot change it any more
    body = _answer(api, alpha.steward_token, {"id": moved, "purposes": "repris"})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
