"""A rejected finding returns only when evidence moved materially since the rejection,
however small the steps of each scan."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from registre.catalog import migrate, stores
from registre.catalog.access import CLI_ACTOR
from registre.catalog.db import make_engine, session_factory, transaction
from registre.catalog.enums import FindingStatus
from registre.catalog.findings import record_findings, review_finding
from registre.catalog.models import AuditEvent, Field, Finding, ScanRun
from registre.scanners.types import ColumnFinding


def _evidence(coverage: float) -> ColumnFinding:
    return ColumnFinding(
        entity_type="EMAIL_ADDRESS",
        category="CONTACT",
        score=0.9,
        coverage=coverage,
        distinct_sampled=100,
        recognizer="EmailRecognizer",
        name_signal=None,
        masked_example="j***@e******.fr",
    )


def test_gradual_drift_reopens_a_rejection_once_it_adds_up(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'catalog.db'}")
    migrate.upgrade(engine)
    factory = session_factory(engine)
    with transaction(factory) as session:
        store = stores.register_data_store(
            session, CLI_ACTOR, {"name": "s", "url": "postgresql://u@h/db"}
        )
        dataset = stores.register_dataset(
            session, CLI_ACTOR, {"data_store_id": store.id, "name": "t"}
        )
        dataset.fields.append(Field(name="notes", position=1, data_type="text"))
        store_id = store.id

    def scan(coverage: float) -> FindingStatus:
        with transaction(factory) as session:
            run = ScanRun(data_store_id=store_id)
            session.add(run)
            session.flush()
            fields = {f.name: f for f in session.scalars(select(Field))}
            record_findings(session, fields, {"notes": [_evidence(coverage)]}, run.id, "test")
        with factory() as session:
            finding = session.scalars(select(Finding)).one()
            return finding.status

    assert scan(0.10) is FindingStatus.SUGGESTED
    with transaction(factory) as session:
        finding_id = session.scalars(select(Finding.id)).one()
        review_finding(
            session, CLI_ACTOR, {"finding_id": finding_id, "decision": "REJECTED", "comment": "non"}
        )
    # each step is smaller than the 0.25 threshold: the rejection holds...
    assert scan(0.20) is FindingStatus.REJECTED
    assert scan(0.30) is FindingStatus.REJECTED
    # ...until the evidence is 0.25 away from what the steward rejected
    assert scan(0.40) is FindingStatus.SUGGESTED
    with factory() as session:
        finding = session.get(Finding, finding_id)
        assert finding is not None and finding.reviewer is None and finding.reviewed_at is None
        reopened = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "reopen_finding")
        ).all()
        assert [e.entity_id for e in reopened] == [finding_id]
        assert reopened[0].actor == "scanner"
        assert "j***" not in str(reopened[0].after)  # evidence stays out of the trail
