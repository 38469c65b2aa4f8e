"""The publication gate through the API, as issue 13 tells it: a steward publishes a clean
dataset, is refused on one with a NIR column (with the reason), an admin records the
anonymisation, the steward publishes it; a new personal column found later raises the
CRPA-L312-1-2-PUBLICATION issue and shows in exposureChanges."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from graphql_relay import to_global_id
from sqlalchemy import select
from sqlalchemy.orm import Session

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.models import AuditEvent, Dataset
from registre.catalog.publication import gate
from tests.catalog.publication.publication_seed import (
    Publication,
    add_field,
    add_finding,
    scan_run,
    seed_publication,
)
from tests.support.api import Api
from tests.support.catalogs import BACKENDS


@pytest.fixture
def api_seed() -> Callable[[Session], Publication]:
    return seed_publication


UPDATE = """mutation U($input: UpdateDatasetInput!) {
  updateDataset(input: $input) {
    dataset { openDataAccess published licence themes updateFrequency keywords
              distributions { downloadUrl format } publisher contactPoint }
  }
}"""
GROUND = """mutation G($input: RecordPublicationGroundInput!) {
  recordPublicationGround(input: $input) {
    dataset { publicationGround { ground detail date recordedBy } }
  }
}"""
STATE = """query S($id: ID!) {
  dataset(id: $id) {
    openDataAccess published
    publicationBlockers { field entityType status reidentificationRisk }
  }
}"""
ISSUES = (
    """{ complianceIssues(first: 50) { edges { node { rule subjectName message legalBasis } } } }"""
)
CHANGES = """query C($since: DateTime!) {
  exposureChanges(since: $since, openData: true) {
    totalCount edges { node { kind field entityType openData dataset { name published } } }
  }
}"""


def _gid(dataset_id: int) -> str:
    return to_global_id("Dataset", dataset_id)


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_publish_refuse_record_the_ground_then_publish(api: Api) -> None:
    pub = api.payload
    assert isinstance(pub, Publication)
    steward = "steward"

    # 1. the clean dataset is published, with its metadata
    done = api.data(UPDATE, {"input": {"id": _gid(pub.clean), "openDataAccess": "OPEN"}}, steward)
    dataset = done["updateDataset"]["dataset"]
    assert dataset["published"] is True
    assert dataset["licence"] == "LICENCE_OUVERTE_2_0" and dataset["themes"] == ["TRAN", "REGI"]
    assert dataset["distributions"] == [
        {"downloadUrl": "https://data.valbourg.fr/trafic.csv", "format": "CSV"}
    ]

    # 2. the dataset with a NIR column is refused, and the refusal names why
    body = api.gql(UPDATE, {"input": {"id": _gid(pub.nir), "openDataAccess": "OPEN"}}, steward)
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "REFUSED", "field": "input.openDataAccess"}
    assert "'nir' (FR_NIR, confirmed)" in error["message"]
    assert "L312-1-2" in error["message"] and "recordPublicationGround" in error["message"]
    state = api.data(STATE, {"id": _gid(pub.nir)})["dataset"]
    assert state["openDataAccess"] == "NOT_PUBLISHED" and state["published"] is False
    assert state["publicationBlockers"] == [
        {
            "field": "nir",
            "entityType": "FR_NIR",
            "status": "CONFIRMED",
            "reidentificationRisk": False,
        }
    ]

    # 3. a steward may not record the ground; an admin (the DPO's decision) may
    ground = {
        "datasetId": _gid(pub.nir),
        "ground": "ANONYMISED",
        "detail": "NIR remplacé par un pseudonyme non réversible, communes regroupées",
        "date": "2026-11-02",
    }
    refused = api.gql(GROUND, {"input": ground}, steward)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    recorded = api.data(GROUND, {"input": ground}, "admin")
    assert recorded["recordPublicationGround"]["dataset"]["publicationGround"] == {
        "ground": "ANONYMISED",
        "detail": ground["detail"],
        "date": "2026-11-02",
        "recordedBy": "token:admin",
    }

    # 4. now the steward publishes it
    done = api.data(UPDATE, {"input": {"id": _gid(pub.nir), "openDataAccess": "OPEN"}}, steward)
    assert done["updateDataset"]["dataset"]["published"] is True

    # every gate decision is in the audit trail, the refusal included (it outlived its rollback)
    with api.factory() as session:
        decisions = [
            (e.action, e.entity_id, e.after["decision"])
            for e in session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.like("publication_%"))
                .order_by(AuditEvent.id)
            )
        ]
    assert decisions == [
        ("publication_allowed", pub.clean, "ALLOWED"),
        ("publication_refused", pub.nir, "REFUSED"),
        ("publication_allowed", pub.nir, "ALLOWED"),
    ]

    # 5. a later scan finds a birth date column: issue raised, change shown, dataset withheld
    with api.factory() as session:
        run = scan_run(session, pub.store)
        field = add_field(session, pub.nir, "date_naissance", "DATE")
        finding = add_finding(session, field, "DATE_OF_BIRTH", run_id=run.id)
        dataset_row = session.get(Dataset, pub.nir)
        assert dataset_row is not None and dataset_row.publication_ground_at is not None
        finding.created_at = dataset_row.publication_ground_at + dt.timedelta(seconds=1)
        since = finding.created_at - dt.timedelta(milliseconds=500)
        gate.withhold_after_scan(session, CLI_ACTOR, pub.nir, run.id)
        session.commit()
    issues = [
        e["node"] for e in api.data(ISSUES)["complianceIssues"]["edges"]
        if e["node"]["rule"] == "CRPA-L312-1-2-PUBLICATION"
    ]  # fmt: skip
    assert [i["subjectName"] for i in issues] == ["beneficiaires"]
    assert "'date_naissance' (DATE_OF_BIRTH" in issues[0]["message"]
    changes = api.data(CHANGES, {"since": since.isoformat()})["exposureChanges"]
    assert changes["totalCount"] == 1
    assert changes["edges"][0]["node"] == {
        "kind": "FOUND",
        "field": "date_naissance",
        "entityType": "DATE_OF_BIRTH",
        "openData": True,
        "dataset": {"name": "beneficiaires", "published": False},
    }


def test_metadata_is_edited_by_stewards_and_validated(api: Api) -> None:
    pub = api.payload
    assert isinstance(pub, Publication)
    values = {
        "id": _gid(pub.nir),
        "licence": "ODBL",
        "themes": ["SOCI"],
        "updateFrequency": "MONTHLY",
        "keywords": ["aides sociales"],
        "publisher": "CCAS de Valbourg",
        "contactPoint": "https://www.valbourg.fr/contact",
        "distributions": [{"title": "Base", "format": "csv"}],
    }
    done = api.data(UPDATE, {"input": values}, "steward")["updateDataset"]["dataset"]
    assert done["distributions"] == [{"downloadUrl": None, "format": "CSV"}]
    assert (done["publisher"], done["updateFrequency"]) == ("CCAS de Valbourg", "MONTHLY")
    bad = api.gql(UPDATE, {"input": {"id": _gid(pub.nir), "contactPoint": "appelez-nous"}})
    assert bad["errors"][0]["extensions"]["field"] == "input.contactPoint"
    auditor = api.gql(UPDATE, {"input": {"id": _gid(pub.nir), "licence": "ODBL"}}, "auditor")
    assert auditor["errors"][0]["extensions"]["code"] == "FORBIDDEN"
