"""``exposureChanges`` over HTTP: what was found, reviewed or gone since a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from registre.catalog.enums import Role
from tests.catalog.exposure.exposure_seed import DAY, HOUR, T0, seed
from tests.support.api import Api, open_api
from tests.support.catalogs import BACKENDS, Databases, pg_url_for


@pytest.fixture(scope="module", params=BACKENDS)
def api(request: pytest.FixtureRequest, databases: Databases) -> Iterator[Api]:
    """The seeded catalog on each backend, read by the security team unless a test says."""
    pg_url = pg_url_for(request, request.param)
    with open_api(databases, request.param, seed, pg_url=pg_url, role=Role.SECURITY) as made:
        yield made


# --- exposureChanges -------------------------------------------------------------------------

CHANGES = """
query Changes($since: DateTime!, $until: DateTime, $kinds: [ChangeKind!], $first: Int = 50,
              $after: String) {
  exposureChanges(since: $since, until: $until, kinds: $kinds, first: $first, after: $after) {
    totalCount
    byKind { kind count }
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      kind at by dataset { name } field entityType category status maskedExample
    } }
  }
}
"""


def _changes(data: dict[str, Any]) -> list[tuple[str, str, str, dt.datetime]]:
    return [
        (
            e["node"]["kind"],
            f"{e['node']['dataset']['name']}.{e['node']['field']}",
            e["node"]["category"],
            dt.datetime.fromisoformat(e["node"]["at"]),
        )
        for e in data["edges"]
    ]


def test_changes_since_a_time_are_found_reviewed_and_gone_data_oldest_first(api: Api) -> None:
    data = api.data(CHANGES, {"since": T0.isoformat()})["exposureChanges"]
    assert _changes(data) == [
        ("FOUND", "naissances.nir", "NATIONAL_IDENTIFIER", T0 + 2 * HOUR),
        ("CONFIRMED", "naissances.nom", "IDENTITY", T0 + DAY),
        ("REJECTED", "naissances.commentaire", "IDENTITY", T0 + 3 * DAY),
        ("GONE", "contacts.telephone", "CONTACT", T0 + 4 * DAY),  # when its scan run finished
        ("FOUND", "casier.condamnation", "CRIMINAL_OFFENCE", T0 + 5 * DAY),
        ("CONFIRMED", "casier.condamnation", "CRIMINAL_OFFENCE", T0 + 5 * DAY),
    ]
    nodes_ = [e["node"] for e in data["edges"]]
    assert nodes_[1]["by"] == "token:steward" and nodes_[0]["by"] is None
    assert nodes_[0]["maskedExample"] == "1 85 ** ** *** *** 36"
    assert nodes_[3]["status"] == "SUGGESTED"  # gone, its review status unchanged
    assert data["totalCount"] == 6
    assert {row["kind"]: row["count"] for row in data["byKind"]} == {
        "FOUND": 2,
        "CONFIRMED": 2,
        "REJECTED": 1,
        "GONE": 1,
    }


def test_changes_window_and_kinds(api: Api) -> None:
    later = api.data(CHANGES, {"since": (T0 + 2 * DAY).isoformat()})["exposureChanges"]
    assert [c[0] for c in _changes(later)] == ["REJECTED", "GONE", "FOUND", "CONFIRMED"]
    window = {"since": T0.isoformat(), "until": (T0 + 4 * DAY).isoformat()}  # until: exclusive
    assert [c[1] for c in _changes(api.data(CHANGES, window)["exposureChanges"])] == [
        "naissances.nir",
        "naissances.nom",
        "naissances.commentaire",
    ]
    gone = api.data(CHANGES, {"since": (T0 - 10 * DAY).isoformat(), "kinds": ["GONE"]})
    # vieux.nom went on T0 - 2 days, contacts.telephone on T0 + 4 days
    assert [c[1] for c in _changes(gone["exposureChanges"])] == ["vieux.nom", "contacts.telephone"]
    assert gone["exposureChanges"]["totalCount"] == 2
    assert api.data(CHANGES, {"since": (T0 + 6 * DAY).isoformat()})["exposureChanges"] == {
        "totalCount": 0,
        "byKind": [{"kind": k, "count": 0} for k in ("FOUND", "CONFIRMED", "REJECTED", "GONE")],
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "edges": [],
    }


def test_changes_pages_follow_the_same_order(api: Api) -> None:
    since = (T0 - 40 * DAY).isoformat()
    everything = _changes(api.data(CHANGES, {"since": since})["exposureChanges"])
    walked: list[Any] = []
    after = None
    while True:
        page = api.data(CHANGES, {"since": since, "first": 1, "after": after})["exposureChanges"]
        walked += _changes(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert walked == everything and len(everything) > 10


def test_changes_refuse_a_time_without_zone_and_a_foreign_cursor(api: Api) -> None:
    body = api.gql(CHANGES, {"since": "2025-03-10T09:00:00"})
    assert body["errors"][0]["message"].startswith("since: give a time zone")
    body = api.gql(CHANGES, {"since": T0.isoformat(), "after": "bm90IGEgY3Vyc29y"})
    assert "not a cursor returned by exposureChanges" in body["errors"][0]["message"]


def test_auditor_sees_the_changes_but_no_evidence(api: Api) -> None:
    changes = api.data(CHANGES, {"since": T0.isoformat()}, role="auditor")["exposureChanges"]
    assert changes["edges"] and all(e["node"]["maskedExample"] is None for e in changes["edges"])
