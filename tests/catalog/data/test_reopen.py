"""A rejected finding returns only when evidence moved materially since the rejection,
however small the steps of each scan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from registre.catalog import migrate
from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data import stores
from registre.catalog.data.findings import record_findings, review_finding
from registre.catalog.data.harvested import ColumnFinding
from registre.catalog.db import make_engine, transaction
from registre.catalog.enums import FindingStatus, ScanStatus
from registre.catalog.models import AuditEvent, Field, Finding, ScanRun
from tests.support.catalogs import Catalog


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


def test_gradual_drift_reopens_a_rejection_once_it_adds_up(
    new_catalog: Callable[..., Catalog],
) -> None:
    factory = new_catalog().factory
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
            run = ScanRun(data_store_id=store_id, status=ScanStatus.SUCCEEDED)
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


def test_migration_0004_records_the_evidence_of_earlier_reviews(tmp_path: Path) -> None:
    from sqlalchemy import text

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate.upgrade(engine, "0003")
    now = "2026-01-01 00:00:00"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO data_store (id, name, kind, url, created_at) "
                "VALUES (1, 's', 'POSTGRESQL', 'postgresql://u@h/d', :now)"
            ),
            {"now": now},
        )
        conn.execute(
            text(
                "INSERT INTO dataset (id, data_store_id, schema_name, name, kind, "
                "open_data_access, tags, created_at) "
                "VALUES (1, 1, '', 't', 'TABLE', 'NOT_PUBLISHED', '[]', :now)"
            ),
            {"now": now},
        )
        conn.execute(
            text(
                "INSERT INTO field (id, dataset_id, name, position, nullable, created_at) "
                "VALUES (1, 1, 'c', 1, 1, :now)"
            ),
            {"now": now},
        )
        for fid, reviewed in ((1, now), (2, None)):
            conn.execute(
                text(
                    "INSERT INTO finding (id, field_id, entity_type, category, score, coverage, "
                    "distinct_sampled, may_be_personal, reasons, status, reviewed_at, "
                    "created_at, updated_at) VALUES (:id, 1, :e, 'CONTACT', 0.7, 0.3, 10, 0, "
                    "'[]', 'REJECTED', :reviewed, :now, :now)"
                ),
                {"id": fid, "e": f"E{fid}", "reviewed": reviewed, "now": now},
            )
    migrate.upgrade(engine)
    with engine.connect() as conn:
        rows = dict(
            conn.execute(text("SELECT id, reviewed_coverage FROM finding ORDER BY id")).all()
        )
    assert rows == {1: 0.3, 2: None}
