"""Stored compliance issues are what a fresh evaluation finds, after every change.

A sequence of changes, each committed through the catalog's sessions as a service would
(some opening issues, some closing them, one touching an organisation, one a bulk unlink
recorded in the audit trail), on SQLite and on PostgreSQL; after each, the open stored
issues must equal a whole-register :func:`evaluate`, field by field.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.compliance.engine import ComplianceIssue, evaluate
from registre.catalog.compliance.store import refresh, refresh_due
from registre.catalog.enums import AISystemStatus, FindingStatus, Sensitivity
from registre.catalog.governance.register import unlink_ai_system_dataset
from registre.catalog.models import AISystemDataset, Organisation, StoredIssue
from tests.catalog.compliance import mutations as m
from tests.catalog.compliance.compliance_seed import (
    CITY,
    CLOUD,
    DATASET,
    SYSTEM,
    Register,
    seed_baseline,
)
from tests.support.catalogs import Catalog

Row = tuple[Any, ...]


def evaluated(session: Session) -> list[Row]:
    return sorted(_row(i) for i in evaluate(session))


def _row(issue: ComplianceIssue) -> Row:
    return (
        issue.rule,
        issue.severity,
        issue.subject_type,
        issue.subject_id,
        issue.subject_name,
        issue.message,
        json.dumps(issue.facts, sort_keys=True),
        issue.unknown,
        issue.applies_from,
    )


def stored(session: Session) -> list[Row]:
    records = session.scalars(select(StoredIssue).where(StoredIssue.closed_at.is_(None)))
    return sorted(
        (
            r.rule,
            r.severity,
            r.subject_type,
            r.subject_id,
            r.subject_name,
            r.message,
            json.dumps(r.facts, sort_keys=True),
            r.unknown,
            r.applies_from,
        )
        for r in records
    )


def closed(session: Session) -> int:
    return int(session.scalar(select(func.count()).where(StoredIssue.closed_at.is_not(None))) or 0)


def unlink(reg: Register) -> None:
    link = reg.session.scalars(
        select(AISystemDataset).where(AISystemDataset.ai_system_id == reg.systems[SYSTEM])
    ).first()
    assert link is not None
    unlink_ai_system_dataset(
        reg.session,
        CLI_ACTOR,
        {"ai_system_id": link.ai_system_id, "dataset_id": link.dataset_id, "usage": link.usage},
    )


def rename_host(reg: Register) -> None:
    reg.session.get(Organisation, reg.orgs[CLOUD]).name = "Nuage souverain"  # type: ignore[union-attr]


def relink(reg: Register) -> None:
    reg.use(SYSTEM, DATASET)


#: (what it does, the change); each is committed on its own. The baseline is quiet: the
#: first steps open issues, later ones close them.
STEPS: list[tuple[str, Callable[[Register], None]]] = [
    ("store hosted in the US", m.store_set(hosting_country="US")),
    ("the DPIA dropped", m.drop("dpia")),
    ("organisation without DPO contact", m.org_set(CITY, dpo_contact=None)),
    ("the host under non-EU control", m.org_set(CLOUD, non_eu_control=True)),
    ("the host renamed", rename_host),
    ("system renamed: its issues keep their records", m.sys_set(name="Aide sociale IA v2")),
    ("dataset made restricted", m.ds_set(sensitivity=Sensitivity.RESTRICTED)),
    ("system retired: its issues close", m.sys_set(status=AISystemStatus.RETIRED)),
    ("system back in production: they reopen", m.sys_set(status=AISystemStatus.IN_PRODUCTION)),
    ("findings rejected: personal data gone", m.findings_set(status=FindingStatus.REJECTED)),
    ("findings confirmed", m.findings_set(status=FindingStatus.CONFIRMED)),
    ("activity unlinked from dataset and system", m.unlink_activity()),
    ("a DPIA on the system", m.add_dpia_on_system),
    ("II 901 compliance recorded", m.ii_901_compliant),
    ("the system's datasets unlinked (bulk delete)", unlink),
    ("relinked", relink),
]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_stored_issues_equal_a_fresh_evaluation_after_each_change(
    new_catalog: Callable[..., Catalog], backend: str
) -> None:
    catalog = new_catalog(backend, seed=seed_baseline)
    with catalog.factory() as session:
        assert stored(session) == evaluated(session)
    start = None
    for what, step in STEPS:
        if what.startswith("system renamed"):
            start = dt.datetime.now(dt.UTC)
        with catalog.factory() as session:
            reg = Register(session, **{k: dict(v) for k, v in catalog.payload.items()})
            step(reg)
            session.commit()
        with catalog.factory() as session:
            assert stored(session) == evaluated(session), what
    with catalog.factory() as session:
        # the retirement closed issues, recorded as closed; reappearing ones opened anew
        assert closed(session) > 0
        renamed = session.scalars(
            select(StoredIssue).where(
                StoredIssue.subject_type == "AISystem",
                StoredIssue.subject_name == "Aide sociale IA v2",
                StoredIssue.first_seen_at < (start or dt.datetime.now(dt.UTC)),
            )
        ).all()
        # opened before the rename, still the same record after it
        assert renamed and start is not None


def test_a_full_refresh_after_the_changes_changes_nothing(
    new_catalog: Callable[..., Catalog],
) -> None:
    catalog = new_catalog("sqlite", seed=seed_baseline)
    for _, step in STEPS[:6]:
        with catalog.factory() as session:
            step(Register(session, **{k: dict(v) for k, v in catalog.payload.items()}))
            session.commit()
    with catalog.factory() as session, session.begin():
        outcome = refresh(session)
    assert (outcome.opened, outcome.closed) == (0, 0)
    assert outcome.kept > 0


def test_a_rolled_back_change_leaves_the_issues_alone(
    new_catalog: Callable[..., Catalog],
) -> None:
    catalog = new_catalog("sqlite", seed=seed_baseline)
    with catalog.factory() as session:
        before = stored(session)
        reg = Register(session, **{k: dict(v) for k, v in catalog.payload.items()})
        m.sys_set(status=AISystemStatus.RETIRED)(reg)
        session.flush()
        session.rollback()
    with catalog.factory() as session:
        assert stored(session) == before == evaluated(session)


def test_an_issue_closed_is_a_query_of_its_dates(new_catalog: Callable[..., Catalog]) -> None:
    catalog = new_catalog("sqlite", seed=seed_baseline)
    start = dt.datetime.now(dt.UTC)
    with catalog.factory() as session:
        reg = Register(session, **{k: dict(v) for k, v in catalog.payload.items()})
        m.store_set(hosting_country="US")(reg)
        session.commit()
    with catalog.factory() as session:
        open_before = {r.id for r in session.scalars(select(StoredIssue))}
        assert open_before
        reg = Register(session, **{k: dict(v) for k, v in catalog.payload.items()})
        m.store_set(hosting_country="FR")(reg)
        session.commit()
    with catalog.factory() as session:
        fixed = session.scalars(select(StoredIssue).where(StoredIssue.closed_at >= start)).all()
        # "what was fixed since": every issue the move opened, closed by the move back
        assert {r.id for r in fixed} == open_before
        assert not session.scalars(select(StoredIssue).where(StoredIssue.closed_at.is_(None))).all()


def test_an_obligation_stored_as_coming_is_re_evaluated_when_its_date_comes(
    new_catalog: Callable[..., Catalog],
) -> None:
    catalog = new_catalog("sqlite", seed=seed_baseline)
    with catalog.factory() as session, session.begin():
        reg = Register(session, **{k: dict(v) for k, v in catalog.payload.items()})
        m.drop("fria")(reg)
        session.flush()
        refresh(session, today=dt.date(2027, 1, 1))  # before Annex III obligations apply
    with catalog.factory() as session, session.begin():
        (fria,) = session.scalars(select(StoredIssue).where(StoredIssue.rule == "AIACT-27-FRIA"))
        assert fria.severity == "INFO" and fria.not_yet_applicable
        fria_id = fria.id
        assert refresh_due(session, today=dt.date(2027, 6, 1)) is None  # not yet
        outcome = refresh_due(session, today=dt.date(2028, 1, 1))
        assert outcome is not None and outcome.kept >= 1
    with catalog.factory() as session:
        (after,) = session.scalars(select(StoredIssue).where(StoredIssue.rule == "AIACT-27-FRIA"))
        assert after.id == fria_id and after.severity == "HIGH" and not after.not_yet_applicable
