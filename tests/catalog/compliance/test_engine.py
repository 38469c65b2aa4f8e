"""The rules engine: findings by status, unknown rules, scope filters, ordering and a
constant number of statements over 1,500 systems."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from registre.catalog.compliance.config import (
    Severity,
)
from registre.catalog.compliance.engine import ComplianceIssue
from registre.catalog.enums import (
    AISystemStatus,
    FindingStatus,
    RiskClass,
)
from registre.catalog.errors import InvalidInput
from registre.catalog.models import (
    AISystem,
    AISystemDataset,
    Dataset,
    DataStore,
)
from tests.catalog.compliance.compliance_seed import (
    DATASET,
    SYSTEM,
    Register,
)
from tests.catalog.compliance.mutations import (
    chain,
    drop,
    findings_set,
    run,
    sys_set,
    unlink_activity,
)


# --- findings: confirmed, suggested, rejected, gone ----------------------------------
def test_suggested_finding_gives_a_lower_severity_and_says_so(reg: Register) -> None:
    chain(drop("dpia"), findings_set("pathologie", status=FindingStatus.SUGGESTED))(reg)
    (issue,) = run(reg, "GDPR-9-DPIA")
    assert issue.severity == "MEDIUM"
    assert "suggested by scanner, not yet reviewed" in issue.message
    assert issue.facts["finding_status"] == "SUGGESTED" and issue.facts["suggested"] is True


def test_confirmed_finding_no_longer_seen_still_counts(reg: Register) -> None:
    chain(drop("dpia"), findings_set("pathologie", gone=True))(reg)
    (issue,) = run(reg, "GDPR-9-DPIA")
    assert issue.severity == "HIGH" and issue.facts["finding_status"] == "CONFIRMED"


def test_facts_never_hold_a_scanned_value(reg: Register) -> None:
    chain(drop("dpia"), unlink_activity(), sys_set(hosting_country="US"))(reg)
    issues = run(reg)
    assert {"GDPR-9-DPIA", "GDPR-30-RECORD", "GDPR-44-TRANSFER"} <= {i.rule for i in issues}
    dumped = json.dumps([i.facts for i in issues]) + " ".join(i.message for i in issues)
    assert "D*****" not in dumped


def test_unknown_rule_is_refused(reg: Register) -> None:
    with pytest.raises(InvalidInput, match="unknown rule NOPE"):
        run(reg, "NOPE")


# --- scope -----------------------------------------------------------------------------
def test_filters_by_ai_system_and_dataset(reg: Register) -> None:
    reg.system("Chatbot mairie", status="IN_PRODUCTION", risk_class="LIMITED",
               art_50_triggers=["INTERACTS_WITH_PERSONS"])  # fmt: skip
    chain(unlink_activity(), sys_set(owner=None))(reg)
    everything = run(reg)
    chatbot = run(reg, ai_system_ids=[reg.systems["Chatbot mairie"]])
    assert {i.rule for i in chatbot} == {"GOV-OWNER", "AIACT-50-TRANSPARENCY", "PSSIE-HOMOLOGATION"}
    assert all(i.subject_id == reg.systems["Chatbot mairie"] for i in chatbot)
    by_dataset = run(reg, dataset_ids=[reg.datasets[DATASET]])
    # the DPIA sat on the unlinked processing activity: the Art. 9 data lost it too
    assert {i.rule for i in by_dataset} == {"GDPR-30-RECORD", "GDPR-9-DPIA"}
    assert set(map(repr, chatbot)) <= set(map(repr, everything))
    both = run(reg, ai_system_ids=[reg.systems[SYSTEM]], dataset_ids=[reg.datasets[DATASET]])
    assert sorted(i.rule for i in both) == ["GDPR-30-RECORD", "GDPR-9-DPIA"]


def test_issues_are_sorted_most_severe_first(reg: Register) -> None:
    chain(sys_set(risk_class=RiskClass.PROHIBITED, owner=None), drop("homologation"))(reg)
    ranks = [Severity(i.severity).rank for i in run(reg)]
    assert ranks == sorted(ranks) and ranks[0] == 0


# --- cost --------------------------------------------------------------------------------
def _bulk(session: Session, n: int, offset: int = 0) -> None:
    """n AI systems, each using the baseline dataset and one of its own."""
    store = session.scalar(select(DataStore.id))
    base_ds = session.scalar(select(Dataset.id).where(Dataset.name == DATASET))
    datasets = [Dataset(data_store_id=store, name=f"t{offset + i}") for i in range(n)]
    systems = [
        AISystem(name=f"S{offset + i}", status=AISystemStatus.IN_PRODUCTION,
                 risk_class=RiskClass.HIGH, annex_iii_point="4(a)",
                 art_50_triggers=["GENERATES_CONTENT"])
        for i in range(n)
    ]  # fmt: skip
    session.add_all(datasets + systems)
    session.flush()
    session.add_all(
        AISystemDataset(ai_system_id=s.id, dataset_id=d, usage="INPUT")
        for s, ds in zip(systems, datasets, strict=True)
        for d in (ds.id, base_ds)
    )
    session.flush()


def _count_statements(engine: Engine, fn: Callable[[], object]) -> int:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_constant_number_of_queries_over_1500_systems(reg: Register, engine: Engine) -> None:
    _bulk(reg.session, 10)
    reg.session.commit()
    small = _count_statements(engine, lambda: run(reg))
    _bulk(reg.session, 1490, offset=10)
    reg.session.commit()
    started = time.perf_counter()
    issues: list[ComplianceIssue] = []
    large = _count_statements(engine, lambda: issues.extend(run(reg)))
    elapsed = time.perf_counter() - started
    assert large == small <= 12
    # every bulk system misses oversight, FRIA...; the baseline system stays compliant
    assert len({i.subject_id for i in issues if i.subject_type == "AISystem"}) == 1500
    assert elapsed < 10, f"{elapsed:.1f}s for 1,500 systems"
