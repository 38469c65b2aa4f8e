"""The compliance pages read the stored issues (as the API does), never the rules run on a
request: filters by status ("fixed this month"), severity, rule and subject, keyset pages,
and the issues of one AI system or dataset."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import event

from registre.catalog.enums import Role
from registre.catalog.models.compliance import StoredIssue
from registre.graphql.ids import to_global_id
from registre.web import issues as web_issues
from registre.web.issues import decode_cursor, encode_cursor
from tests.support.api import Api
from tests.web.conftest import seeded, sign_in

SET_OWNER = """
mutation($id: ID!) { updateAISystem(input: {id: $id, owner: "Direction des solidarités"}) {
  aiSystem { id } } }"""

ROW = re.compile(r"<tbody>(.*?)</tbody>", re.S)


def _rows(page: str) -> list[str]:
    found = ROW.search(page)
    return [] if found is None else found.group(1).split("<tr>")[1:]


def test_the_page_lists_the_stored_issues_with_their_filters(site: Api) -> None:
    sign_in(site)
    with site.factory() as session:
        stored = session.query(StoredIssue).filter(StoredIssue.closed_at.is_(None)).count()
    assert stored > 0
    page = site.client.get("/conformite").text
    assert f"1–{stored} sur {stored}" in html.unescape(page).replace("\u202f", " ")
    owners = site.client.get("/conformite?regle=GOV-OWNER").text
    rows = _rows(owners)
    assert len(rows) == 2  # both seeded systems have no owner
    assert all("GOV-OWNER" in row for row in rows)
    assert "Agent conversationnel" in owners and "Aide à l’instruction" in html.unescape(owners)
    datasets = site.client.get("/conformite?sujet=Dataset").text
    assert "GOV-OWNER" not in datasets.split("<tbody>", 1)[-1]
    # an unknown rule or severity is no filter, not an error
    assert site.client.get("/conformite?regle=NOPE&gravite=NOPE").status_code == 200


def test_a_fixed_issue_moves_to_fixed_this_month(site: Api) -> None:
    sign_in(site)
    chatbot = seeded(site).ai["chatbot"]
    assert _rows(site.client.get("/conformite?etat=fermes-ce-mois").text) == []
    site.data(SET_OWNER, {"id": to_global_id("AISystem", str(chatbot))}, role="steward")
    still_open = site.client.get("/conformite?regle=GOV-OWNER").text
    assert len(_rows(still_open)) == 1 and "Agent conversationnel" not in still_open
    fixed = site.client.get("/conformite?regle=GOV-OWNER&etat=fermes-ce-mois").text
    (row,) = _rows(fixed)
    assert "Agent conversationnel" in row and "résolu le" in row
    every = site.client.get("/conformite?regle=GOV-OWNER&etat=tous").text
    assert len(_rows(every)) == 2
    csv = site.client.get("/conformite?regle=GOV-OWNER&etat=fermes&format=csv").text
    assert csv.count("GOV-OWNER") == 1 and "Résolu le" in csv


def test_keyset_pages_walk_every_issue_once(site: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    sign_in(site)
    with site.factory() as session:
        expected = session.query(StoredIssue).filter(StoredIssue.closed_at.is_(None)).count()
    monkeypatch.setattr(web_issues, "PAGE_SIZE", 2)
    seen: list[str] = []
    address = "/conformite"
    pages = 0
    while address:
        page = site.client.get(address).text
        seen.extend(_rows(page))
        pages += 1
        found = re.search(r'href="([^"]*apres=[^"]*)" rel="next"', page)
        address = html.unescape(found.group(1)) if found else ""
        assert pages <= expected
    assert len(seen) == expected and len(set(seen)) == expected
    assert pages == -(-expected // 2)
    assert "Première page" in page
    last_first = (pages - 1) * 2 + 1
    assert f"{last_first}–{expected} sur {expected}" in html.unescape(page).replace("\u202f", " ")


def test_a_forged_cursor_is_the_first_page() -> None:
    key = (1, "GDPR-44-TRANSFER", "AISystem", 3, "Transfer", 9)
    assert decode_cursor(encode_cursor(key)) == key
    for forged in ("", "!!", "bm9wZQ", encode_cursor((1, 2, 3, 4, 5, 6))):  # type: ignore[arg-type]
        assert decode_cursor(forged) is None


def test_pages_never_run_the_rules(site: Api) -> None:
    """The dashboard, the compliance page and a system's page read what is stored: no
    statement reads the tables the rules evaluate beyond what the page itself shows."""
    sign_in(site, Role.AUDITOR)
    chatbot = seeded(site).ai["chatbot"]
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(site.engine, "before_cursor_execute", record)
    try:
        site.client.get("/conformite")
        compliance = list(statements)
        statements.clear()
        site.client.get(f"/exposition/{chatbot}")
    finally:
        event.remove(site.engine, "before_cursor_execute", record)
    # the rules read the organisations and processing activities; the page never does
    assert any("compliance_issue" in s for s in compliance)
    assert not any("FROM organisation" in s for s in compliance)
    assert not any("FROM processing_activity" in s for s in compliance)


def test_issue_messages_are_in_the_page_language(site: Api) -> None:
    sign_in(site)
    french = html.unescape(site.client.get("/conformite?regle=GOV-OWNER").text)
    assert "« Agent conversationnel » n’a pas de responsable désigné" in french
    assert 'lang="en"' not in french.split("<tbody>", 1)[1]
    english = html.unescape(
        site.client.get("/conformite?regle=GOV-OWNER", headers={"Accept-Language": "en"}).text
    )
    assert "'Agent conversationnel' has no accountable owner" in english
    transfer = html.unescape(site.client.get("/conformite?regle=GDPR-44-TRANSFER").text)
    assert "RGPD, art. 44 à 46" in transfer
    assert (
        'href="https://eur-lex.europa.eu/eli/reg/2016/679/oj" rel="noopener noreferrer">RGPD'
        in transfer
    )


def test_the_search_reads_the_language_shown(site: Api) -> None:
    """A French reader searches the French text the page shows (stored with each issue,
    ``message_fr``); an English reader the English one; a rule's title and legal basis in
    the page's language find its issues too."""
    sign_in(site)
    english_page = {"Accept-Language": "en"}

    def rules(query: str, **headers: str) -> set[str]:
        page = site.client.get(f"/conformite?q={query}", headers=headers).text
        return {m for row in _rows(page) for m in re.findall(r"GOV-OWNER|[A-Z0-9.-]{6,}", row)}

    # « n’a pas de responsable désigné »: in the French message only
    assert "GOV-OWNER" in rules("responsable%20d%C3%A9sign%C3%A9")
    assert rules("responsable%20d%C3%A9sign%C3%A9", **english_page) == set()
    # "accountable owner": in the English message only
    assert "GOV-OWNER" in rules("accountable%20owner", **english_page)
    assert rules("accountable%20owner") == set()
    # a French rule title and a French legal basis
    assert "GOV-OWNER" in rules("sans%20responsable")
    assert "GDPR-44-TRANSFER" in rules("art.%2044%20%C3%A0%2046")
    with site.factory() as session:
        stored = session.query(StoredIssue).filter(StoredIssue.rule == "GOV-OWNER").first()
        assert stored is not None and stored.message_fr is not None
        assert "n’a pas de responsable désigné" in stored.message_fr
