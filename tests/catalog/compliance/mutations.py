"""What a rule test changes in the baseline register: one fact per mutation, and ``run``,
which evaluates the rules as a new request would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from registre.catalog.compliance.engine import ComplianceIssue, evaluate
from registre.catalog.models import (
    AISystem,
    Assessment,
    Dataset,
    DataStore,
    Finding,
    Organisation,
    ProcessingActivity,
)
from tests.catalog.compliance.compliance_seed import (
    ACTIVITY,
    DATASET,
    SYSTEM,
    TODAY,
    Register,
)

Mutation = Callable[[Register], None]


def run(reg: Register, rule: str | None = None, **kwargs: Any) -> list[ComplianceIssue]:
    reg.session.flush()
    reg.session.expire_all()  # read back what the database holds, as a new request would
    kwargs.setdefault("today", TODAY)
    return evaluate(reg.session, rules=[rule] if rule else None, **kwargs)


# --- mutations ------------------------------------------------------------------------
def sys_set(**values: Any) -> Mutation:
    def apply(reg: Register) -> None:
        system = reg.session.get(AISystem, reg.systems[SYSTEM])
        for key, value in values.items():
            setattr(
                system, key, reg.orgs[value] if key.endswith("organisation_id") and value else value
            )

    return apply


def org_set(name: str, **values: Any) -> Mutation:
    def apply(reg: Register) -> None:
        org = reg.session.get(Organisation, reg.orgs[name])
        for key, value in values.items():
            setattr(org, key, value)

    return apply


def ds_set(**values: Any) -> Mutation:
    def apply(reg: Register) -> None:
        for key, value in values.items():
            setattr(reg.session.get(Dataset, reg.datasets[DATASET]), key, value)

    return apply


def store_set(**values: Any) -> Mutation:
    def apply(reg: Register) -> None:
        store = reg.session.get(DataStore, reg.stores["aides"])
        for key, value in values.items():
            setattr(store, key, reg.orgs[value] if key.endswith("organisation_id") else value)

    return apply


def pa_set(**values: Any) -> Mutation:
    def apply(reg: Register) -> None:
        for key, value in values.items():
            setattr(reg.session.get(ProcessingActivity, reg.activities[ACTIVITY]), key, value)

    return apply


def assess_set(key: str, **values: Any) -> Mutation:
    def apply(reg: Register) -> None:
        for name, value in values.items():
            setattr(reg.session.get(Assessment, reg.assessments[key]), name, value)

    return apply


def drop(key: str) -> Mutation:
    return lambda reg: reg.session.delete(reg.session.get(Assessment, reg.assessments[key]))


def findings_set(column: str | None = None, **values: Any) -> Mutation:
    """Change the baseline findings (of one column, or all)."""

    def apply(reg: Register) -> None:
        for finding in reg.session.scalars(select(Finding)):
            if column is None or finding.field_id == reg.fields[f"{DATASET}.{column}"]:
                for key, value in values.items():
                    if key == "gone":
                        finding.gone_since_run_id = reg.scan_run(DATASET) if value else None
                    else:
                        setattr(finding, key, value)

    return apply


def unlink_activity(what: str = "both") -> Mutation:
    def apply(reg: Register) -> None:
        pa = reg.session.get(ProcessingActivity, reg.activities[ACTIVITY])
        if what in ("both", "dataset"):
            pa.datasets.clear()
        if what in ("both", "system"):
            pa.ai_systems.clear()

    return apply


def chain(*mutations: Mutation) -> Mutation:
    def apply(reg: Register) -> None:
        for mutation in mutations:
            mutation(reg)
            reg.session.flush()

    return apply


def add_dpia_on_system(reg: Register) -> None:
    reg.assessment("dpia-system", "DPIA", system=SYSTEM)


def ii_901_compliant(reg: Register) -> None:
    reg.policy_link(SYSTEM, "II_901", "II901-ART-1", "COMPLIANT")
