"""The review queue: riskiest first, one by one in place or in bulk with a comment, each
decision made by the catalog's review service (and so seen by the API)."""

from __future__ import annotations

import re

from registre.catalog.enums import Role
from registre.catalog.models import Finding
from tests.support.api import Api
from tests.web.conftest import csrf_of, seeded, sign_in


def _status(api: Api, finding_id: int) -> tuple[str, str | None, str | None]:
    with api.factory() as session:
        finding = session.get(Finding, finding_id)
        assert finding is not None
        return finding.status.value, finding.reviewer, finding.review_comment


def test_the_queue_puts_special_categories_then_national_identifiers_first(site: Api) -> None:
    sign_in(site, Role.STEWARD)
    page = site.client.get("/revue").text
    order = re.findall(r'<tr id="finding-(\d+)"', page)
    ids = seeded(site).findings
    assert order[:2] == [str(ids["sante"]), str(ids["nir"])]
    # the confirmed one is not in the queue
    assert str(ids["courriel"]) not in order
    assert set(order) == {str(ids[k]) for k in ("sante", "nir", "nom", "hostile")}


def test_confirming_one_finding_in_place(site: Api) -> None:
    sign_in(site, Role.STEWARD)
    page = site.client.get("/revue")
    nir = seeded(site).findings["nir"]
    answer = site.client.post(
        "/revue/decider",
        data={"csrf": csrf_of(page.text), "one": f"{nir}:CONFIRMED", "comment": "NIR des agents"},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    assert answer.text.lstrip().startswith(f'<tr id="finding-{nir}">')
    assert "Confirmée" in answer.text and "par token:steward" in answer.text
    assert _status(site, nir) == ("CONFIRMED", "token:steward", "NIR des agents")
    # and the API sees it
    data = site.data(
        "query($id: ID!) { node(id: $id) { ... on Finding { status reviewer } } }",
        {"id": _gid(nir)},
    )
    assert data["node"] == {"status": "CONFIRMED", "reviewer": "token:steward"}


def _gid(finding_id: int) -> str:
    from graphql_relay import to_global_id

    return to_global_id("Finding", finding_id)


def test_rejecting_in_bulk_with_a_comment_keeps_the_filters(site: Api) -> None:
    sign_in(site, Role.STEWARD)
    ids = seeded(site).findings
    page = site.client.get("/revue?categorie=IDENTITY")
    answer = site.client.post(
        "/revue/decider",
        data={
            "csrf": csrf_of(page.text),
            "finding": [str(ids["nom"]), str(ids["hostile"])],
            "decision": "REJECTED",
            "comment": "libellés, pas des personnes",
            "next": "/revue?categorie=IDENTITY",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/revue?categorie=IDENTITY&fait=2"
    for key in ("nom", "hostile"):
        assert _status(site, ids[key]) == (
            "REJECTED",
            "token:steward",
            "libellés, pas des personnes",
        )
    assert _status(site, ids["nir"])[0] == "SUGGESTED"
    shown = site.client.get(answer.headers["location"]).text
    assert "2 détections revues." in shown


def test_an_auditor_sees_no_evidence_and_no_decision(site: Api) -> None:
    sign_in(site, Role.AUDITOR)
    page = site.client.get("/revue").text
    assert "1 85 ** ** *** *** 36" not in page
    assert "Exemple masqué" not in page
    assert "Confirmer" not in page and 'name="finding"' not in page
    nir = seeded(site).findings["nir"]
    refused = site.client.post(
        "/revue/decider", data={"csrf": csrf_of(page), "one": f"{nir}:CONFIRMED"}
    )
    assert refused.status_code == 403
    assert _status(site, nir)[0] == "SUGGESTED"


def test_security_reads_evidence_but_cannot_decide(site: Api) -> None:
    sign_in(site, Role.SECURITY)
    page = site.client.get("/revue").text
    assert "1 85 ** ** *** *** 36" in page
    assert "Confirmer" not in page


def test_the_queue_downloads_as_csv(site: Api) -> None:
    sign_in(site, Role.STEWARD)
    answer = site.client.get("/revue?format=csv&categorie=NATIONAL_IDENTIFIER")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert 'filename="revue.csv"' in answer.headers["content-disposition"]
    lines = answer.text.lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith('"Entrepôt";"Jeu de données";"Champ"')
    assert len(lines) == 2 and '"nir"' in lines[1] and "Numéro de sécurité sociale" in lines[1]
