"""A scan records what each table's rows are about, the API shows it with its reasons,
a steward corrects it and the next scan re-decides the columns under the correction;
a possible finding does not make a field personal until a steward confirms it."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from registre.catalog.access.roles import Actor
from registre.catalog.data.findings import counts_as_personal, review_finding
from registre.catalog.data.subject import correct_subject
from registre.catalog.db import transaction
from registre.catalog.enums import FindingStatus, Role, TableSubject
from registre.catalog.errors import PermissionDenied
from registre.catalog.models import AuditEvent, Dataset, Finding

COMMUNES = ["BASTIA", "FIGARI", "LE VIGAN", "ALZON", "ARAMON", "BLAGNAC", "LURI", "FOCE",
            "AGASSAC", "AUCAMVILLE", "BOUTX", "COGGIA"]  # fmt: skip
POSTAL = ["20600", "20114", "30120", "30770", "30390", "31700", "20228", "20100", "31230",
          "31140", "31160", "20118"]  # fmt: skip
SURNAMES = ["MARTIN", "DUBOIS", "LEROY", "MOREL", "GIRARD", "ROUX", "FOURNIER", "BONNET",
            "LAMBERT", "MERCIER", "DUPONT", "FAURE"]  # fmt: skip
FIRST = ["Anne", "Jean", "Line", "François", "Xavier", "Claire", "Rémi", "Agnès", "Paul",
         "Louise", "Marc", "Julie"]  # fmt: skip

DATASET = """query ($store: ID!) { datasets(filter: {dataStoreId: $store}) { edges { node {
  name subject subjectReasons subjectCorrection containsPersonalData
  fields { name containsPersonalData findings { entityType possible } } } } } }"""
CORRECT = """mutation ($id: ID!) { correctDatasetSubject(input: {datasetId: $id,
  subject: PERSONS}) { dataset { subject subjectCorrection subjectCorrectedBy } } }"""


def _store(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE communes (nom_commune TEXT, code_postal TEXT, code_insee TEXT)")
    conn.executemany(
        "INSERT INTO communes VALUES (?, ?, ?)",
        [(c, p, f"{p[:2]}{i:03d}") for i, (c, p) in enumerate(zip(COMMUNES, POSTAL, strict=True))],
    )
    conn.execute(
        "CREATE TABLE usagers (nom TEXT, prenom TEXT, commune TEXT, code_postal TEXT, note TEXT)"
    )
    notes = [f"Dossier suivi par Mme Claire {s.title()} depuis le début de l'année." for s in
             SURNAMES[:3]] + ["Rien à signaler pour ce dossier cette semaine."] * 9  # fmt: skip
    conn.executemany(
        "INSERT INTO usagers VALUES (?, ?, ?, ?, ?)",
        list(zip(SURNAMES, FIRST, COMMUNES, POSTAL, notes, strict=True)),
    )
    conn.commit()
    conn.close()
    return path


def _by_name(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["node"]["name"]: e["node"] for e in data["datasets"]["edges"]}


def _types(dataset: dict[str, Any], field: str) -> set[str]:
    fld = next(f for f in dataset["fields"] if f["name"] == field)
    return {f["entityType"] for f in fld["findings"] if not f["possible"]}


def test_the_subject_is_recorded_shown_and_corrected(scan_catalog: Any, tmp_path: Path) -> None:
    store = scan_catalog.register("ville", f"sqlite:///{_store(tmp_path / 's.sqlite')}")
    scan_catalog.scan(store)
    store_gid = scan_catalog.graphql("{ dataStores { edges { node { id name } } } }")["dataStores"][
        "edges"
    ][0]["node"]["id"]
    datasets = _by_name(scan_catalog.graphql(DATASET, {"store": store_gid}))
    communes, usagers = datasets["communes"], datasets["usagers"]
    assert communes["subject"] == "PLACES" and usagers["subject"] == "PERSONS"
    assert any("columns name places" in r for r in communes["subjectReasons"])
    assert not communes["containsPersonalData"]
    assert "LOCATION" in _types(usagers, "commune")
    assert not _types(communes, "nom_commune")

    # The steward says the communes table is about persons: the next scan re-decides.
    gid = scan_catalog.graphql(
        '{ datasets(filter: {search: "communes"}) { edges { node { id } } } }'
    )["datasets"]["edges"][0]["node"]["id"]
    corrected = scan_catalog.graphql(CORRECT, {"id": gid})["correctDatasetSubject"]["dataset"]
    assert corrected["subjectCorrection"] == "PERSONS"
    assert corrected["subject"] == "PLACES"  # until the next scan
    assert corrected["subjectCorrectedBy"]
    with scan_catalog.factory() as session:
        audited = session.query(AuditEvent).filter_by(action="correct_subject").count()
    assert audited == 1
    scan_catalog.scan(store)
    communes = _by_name(scan_catalog.graphql(DATASET, {"store": store_gid}))["communes"]
    assert communes["subject"] == "PERSONS" and communes["subjectCorrection"] == "PERSONS"
    assert any("steward" in r for r in communes["subjectReasons"])
    assert "LOCATION" in _types(communes, "nom_commune")
    assert communes["containsPersonalData"]


def test_the_reasons_read_in_the_language_of_the_request(scan_catalog: Any, tmp_path: Path) -> None:
    """Reasons are stored as templates: English without Accept-Language (as before), French
    with ``fr``, column names quoted « » and left as they are."""
    store = scan_catalog.register("ville", f"sqlite:///{_store(tmp_path / 's.sqlite')}")
    scan_catalog.scan(store)
    with scan_catalog.factory() as session:
        stored = session.query(Dataset).filter_by(name="usagers").one().subject_reasons
    assert all(isinstance(r, dict) and "template" in r for r in stored)
    query = "{ datasets { edges { node { name subjectReasons } } } }"
    english = {
        e["node"]["name"]: e["node"] for e in scan_catalog.graphql(query)["datasets"]["edges"]
    }
    french = {
        e["node"]["name"]: e["node"]
        for e in scan_catalog.graphql(query, language="fr")["datasets"]["edges"]
    }
    assert english["usagers"]["subjectReasons"][0].startswith(
        "rows are natural persons: first-name columns 'prenom'"
    )
    assert french["usagers"]["subjectReasons"][0].startswith(
        "les lignes sont des personnes physiques : colonnes de prénom « prenom »"
    )
    assert english["communes"]["subjectReasons"] == [
        "rows are places: 3 of 3 columns name places or their codes "
        "('nom_commune', 'code_postal', 'code_insee')"
    ]
    assert french["communes"]["subjectReasons"] == [
        "les lignes sont des lieux : 3 colonnes sur 3 nomment des lieux ou leurs codes "
        "(« nom_commune », « code_postal », « code_insee »)"
    ]


def test_only_a_reviewer_corrects_the_subject(scan_catalog: Any, tmp_path: Path) -> None:
    store = scan_catalog.register("ville", f"sqlite:///{_store(tmp_path / 's.sqlite')}")
    scan_catalog.scan(store)
    dataset = scan_catalog.datasets(store)["communes"]
    with transaction(scan_catalog.factory) as session:
        try:
            correct_subject(
                session, Actor(name="audit", role=Role.AUDITOR), {"dataset_id": dataset.id}
            )
        except PermissionDenied:
            denied = True
        else:
            denied = False
    assert denied
    with transaction(scan_catalog.factory) as session:
        corrected = correct_subject(
            session,
            Actor(name="steward", role=Role.STEWARD),
            {"dataset_id": dataset.id, "subject": TableSubject.EVENTS},
        )
        assert corrected.subject_correction is TableSubject.EVENTS
        assert corrected.subject_corrected_by == "steward"


def test_a_possible_finding_counts_once_confirmed(scan_catalog: Any, tmp_path: Path) -> None:
    store = scan_catalog.register("ville", f"sqlite:///{_store(tmp_path / 's.sqlite')}")
    scan_catalog.scan(store)
    found = scan_catalog.findings(store)
    note = found.get(("usagers", "note", "PERSON"))
    assert note is not None, "the free-text note should get a PERSON suggestion"
    assert note.score < 0.5 and not counts_as_personal(note)
    with transaction(scan_catalog.factory) as session:
        review_finding(
            session,
            Actor(name="steward", role=Role.STEWARD),
            {"finding_id": note.id, "decision": FindingStatus.CONFIRMED},
        )
        assert counts_as_personal(session.get(Finding, note.id))
