"""The publication gate: open data is refused while personal data no ground covers is
there, a recorded ground lets it through, a new finding after the ground blocks again, the
compliance rule and the audit trail say so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from registre.catalog.access.audit import record_refusal
from registre.catalog.access.roles import CLI_ACTOR, Actor
from registre.catalog.compliance.engine import evaluate
from registre.catalog.data import stores
from registre.catalog.data.findings import review_finding
from registre.catalog.enums import OpenDataAccess, Role
from registre.catalog.errors import InvalidInput, PermissionDenied, Refused
from registre.catalog.models import AuditEvent, Dataset
from registre.catalog.publication import gate
from tests.catalog.publication.publication_seed import (
    Publication,
    add_field,
    add_finding,
    scan_run,
    seed_publication,
)
from tests.support.catalogs import Catalog

STEWARD = Actor(name="claire.steward", role=Role.STEWARD)
ANONYMISED = {
    "ground": "ANONYMISED",
    "detail": "NIR supprimé, communes regroupées par arrondissement (k >= 11)",
    "date": dt.date(2026, 11, 2),
}


@pytest.fixture
def catalog_seed() -> Callable[[Session], Publication]:
    return seed_publication


@pytest.fixture
def pub(catalog: Catalog) -> Publication:
    assert isinstance(catalog.payload, Publication)
    return catalog.payload


def _open(session: Session, dataset_id: int, actor: Actor = STEWARD) -> Dataset:
    return stores.update_dataset(session, actor, dataset_id, {"open_data_access": "OPEN"})


def _published_ids(session: Session) -> set[int]:
    return set(session.scalars(select(Dataset.id).where(gate.published())))


def _actions(session: Session, dataset_id: int) -> list[str]:
    return list(
        session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity_type == "Dataset", AuditEvent.entity_id == dataset_id)
            .order_by(AuditEvent.id)
        )
    )


def test_a_clean_dataset_is_published_and_the_decision_audited(
    catalog: Catalog, pub: Publication
) -> None:
    with catalog.factory() as session:
        _open(session, pub.clean)
        session.commit()
        assert _published_ids(session) == {pub.clean}
        assert _actions(session, pub.clean)[-2:] == ["update_dataset", "publication_allowed"]


def test_a_nir_column_refuses_publication_naming_the_field(
    catalog: Catalog, pub: Publication
) -> None:
    with catalog.factory() as session:
        with pytest.raises(Refused) as refused:
            _open(session, pub.nir)
        session.rollback()
        # the field, the entity type and its review state; never the masked value
        assert "'nir' (FR_NIR, confirmed)" in refused.value.message
        assert "L312-1-2" in refused.value.message
        assert "85" not in refused.value.message
        assert refused.value.field == "openDataAccess"
        record_refusal(session, refused.value)  # what the API and the CLI do after rollback
        session.commit()
        assert session.get(Dataset, pub.nir).open_data_access is OpenDataAccess.NOT_PUBLISHED  # type: ignore[union-attr]
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "publication_refused")
        ).one()
        assert event.actor == STEWARD.name and event.entity_id == pub.nir
        assert event.after["decision"] == "REFUSED"
        assert event.after["blockers"][0]["field"] == "nir"
        assert _published_ids(session) == set()


def test_an_anonymisation_recorded_by_an_admin_allows_publication(
    catalog: Catalog, pub: Publication
) -> None:
    with catalog.factory() as session:
        with pytest.raises(PermissionDenied):
            gate.record_publication_ground(session, STEWARD, {"dataset_id": pub.nir, **ANONYMISED})
        with pytest.raises(InvalidInput, match="date"):
            gate.record_publication_ground(
                session, CLI_ACTOR, {"dataset_id": pub.nir, "ground": "ANONYMISED", "detail": "x"}
            )
        gate.record_publication_ground(session, CLI_ACTOR, {"dataset_id": pub.nir, **ANONYMISED})
        _open(session, pub.nir)
        session.commit()
        assert _published_ids(session) == {pub.nir}
        dataset = session.get(Dataset, pub.nir)
        assert dataset is not None and dataset.publication_ground_by == "cli"
        assert _actions(session, pub.nir)[-3:] == [
            "record_publication_ground",
            "update_dataset",
            "publication_allowed",
        ]


def test_a_rejected_finding_no_longer_blocks(catalog: Catalog, pub: Publication) -> None:
    with catalog.factory() as session:
        review_finding(session, STEWARD, {"finding_id": pub.nir_finding, "decision": "REJECTED"})
        _open(session, pub.nir)
        session.commit()
        assert pub.nir in _published_ids(session)


def test_a_suggestion_or_a_reidentification_risk_blocks(catalog: Catalog, pub: Publication) -> None:
    with catalog.factory() as session:
        run = scan_run(session, pub.store)
        counts = session.scalars(select(Dataset).where(Dataset.id == pub.clean)).one()
        field = add_field(session, counts.id, "capteur_adresse")
        add_finding(session, field, gate.REIDENTIFICATION_RISK, run_id=run.id)
        with pytest.raises(Refused, match="re-identification risk on 'capteur_adresse'"):
            _open(session, pub.clean)


def test_a_new_finding_on_a_published_dataset_withholds_it_and_raises_the_issue(
    catalog: Catalog, pub: Publication
) -> None:
    with catalog.factory() as session:
        gate.record_publication_ground(session, CLI_ACTOR, {"dataset_id": pub.nir, **ANONYMISED})
        _open(session, pub.nir)
        session.commit()
        assert not [i for i in evaluate(session) if i.rule == gate.RULE_ID]

        # a later scan finds a birth date column the anonymisation did not cover
        run = scan_run(session, pub.store)
        field = add_field(session, pub.nir, "date_naissance", "DATE")
        # the ground was recorded before: make the order certain even on a fast clock
        dataset = session.get(Dataset, pub.nir)
        assert dataset is not None and dataset.publication_ground_at is not None
        finding = add_finding(session, field, "DATE_OF_BIRTH", run_id=run.id)
        finding.created_at = dataset.publication_ground_at + dt.timedelta(seconds=1)
        fresh = gate.withhold_after_scan(session, CLI_ACTOR, pub.nir, run.id)
        session.commit()

        assert [b.field for b in fresh] == ["date_naissance"]
        assert pub.nir not in _published_ids(session)
        assert _actions(session, pub.nir)[-1] == "publication_withheld"
        (issue,) = [i for i in evaluate(session) if i.rule == gate.RULE_ID]
        assert issue.subject_id == pub.nir and issue.legal_basis.startswith("CRPA L312-1-2")
        assert issue.facts["fields"] == ["date_naissance"]
        assert "suggested" in issue.message and issue.severity == "MEDIUM"
        # confirmed by the steward: the issue keeps its full severity
        review_finding(session, STEWARD, {"finding_id": finding.id, "decision": "CONFIRMED"})
        session.commit()
        (issue,) = [i for i in evaluate(session) if i.rule == gate.RULE_ID]
        assert issue.severity == "HIGH"


def test_access_level_fields_say_one_consistent_thing(catalog: Catalog, pub: Publication) -> None:
    with catalog.factory() as session:
        with pytest.raises(InvalidInput, match="L311-5 or L311-6"):
            stores.update_dataset(
                session, STEWARD, pub.nir, {"open_data_access": "NOT_COMMUNICABLE"}
            )
        done = stores.update_dataset(
            session,
            STEWARD,
            pub.nir,
            {
                "open_data_access": "NOT_COMMUNICABLE",
                "communication_exception": "L311_6_1_PRIVATE_LIFE",
            },
        )
        assert done.communication_exception == "L311_6_1_PRIVATE_LIFE"
        with pytest.raises(InvalidInput, match="licenceUrl"):
            stores.update_dataset(session, STEWARD, pub.clean, {"licence": "OTHER"})
        with pytest.raises(InvalidInput, match="http"):
            stores.update_dataset(session, STEWARD, pub.clean, {"spatial": "Valbourg"})
        with pytest.raises(InvalidInput, match="themes"):
            stores.update_dataset(session, STEWARD, pub.clean, {"themes": ["TOURISM"]})
        with pytest.raises(InvalidInput, match="temporalEnd"):
            stores.update_dataset(
                session,
                STEWARD,
                pub.clean,
                {"temporal_start": dt.date(2025, 1, 1), "temporal_end": dt.date(2024, 1, 1)},
            )
