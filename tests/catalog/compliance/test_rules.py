"""Compliance rules: each one fires when its fact breaks and stays quiet otherwise.

Every test starts from the compliant register of ``compliance_seed.build_baseline`` and
changes one fact (``mutations``). The engine and its configuration are tested in
``test_engine`` and ``test_config``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from registre.catalog.compliance.config import (
    Severity,
)
from registre.catalog.compliance.engine import RULES
from registre.catalog.enums import (
    AISystemStatus,
    AssessmentStatus,
    AutomationLevel,
    FindingStatus,
    OpenDataAccess,
    PublicationGround,
    RiskClass,
    Sensitivity,
)
from tests.catalog.compliance.compliance_seed import (
    CITY,
    CLOUD,
    Register,
)
from tests.catalog.compliance.mutations import (
    Mutation,
    add_dpia_on_system,
    assess_set,
    chain,
    drop,
    ds_set,
    findings_set,
    ii_901_compliant,
    org_set,
    pa_set,
    run,
    store_set,
    sys_set,
    unlink_activity,
)

FULLY = AutomationLevel.FULLY_AUTOMATED

# the same register, deployed by a ministry's central service (7120): SREN art. 31 names the State
STATE = org_set(CITY, legal_category="7120")

# (rule, mutation, severity, subject type, message fragment, unknown)
FIRES: list[tuple[str, Mutation, str, str, str, bool]] = [
    ("AIACT-5-PROHIBITED", sys_set(risk_class=RiskClass.PROHIBITED), "CRITICAL", "AISystem",
     "prohibited AI practice", False),
    ("AIACT-6.3-PROFILING", sys_set(art_6_3_claim=True, profiling=True), "HIGH", "AISystem",
     "always high-risk", False),
    ("AIACT-6-CLASSIFICATION", sys_set(risk_class=None), "LOW", "AISystem",
     "unknown: AI Act risk class not recorded", True),
    ("AIACT-27-FRIA", drop("fria"), "HIGH", "AISystem", "fundamental rights impact", False),
    ("AIACT-27-FRIA", assess_set("fria", date=dt.date(2026, 4, 1)), "HIGH", "AISystem",
     "after its first use", False),
    ("AIACT-27-FRIA", chain(drop("fria"), sys_set(annex_iii_point=None)), "MEDIUM", "AISystem",
     "unknown: Annex III point not recorded", True),
    ("AIACT-27-FRIA", chain(drop("fria"), unlink_activity("system")), "MEDIUM", "AISystem",
     "unknown: deployer", True),
    ("AIACT-49-REGISTRATION", sys_set(eu_database_registration=None), "HIGH", "AISystem",
     "EU database", False),
    ("AIACT-26.2-OVERSIGHT", sys_set(human_oversight_owner="  "), "HIGH", "AISystem",
     "human oversight", False),
    ("AIACT-26.6-LOGS", sys_set(log_retention_days=90), "MEDIUM", "AISystem", "90 days", False),
    # Art. 26(6) asks six months: 180 days fall short of them
    ("AIACT-26.6-LOGS", sys_set(log_retention_days=180), "MEDIUM", "AISystem", "180 days",
     False),
    ("AIACT-26.6-LOGS", sys_set(log_retention_days=None), "LOW", "AISystem",
     "unknown: log retention not recorded", True),
    ("AIACT-50-TRANSPARENCY", sys_set(transparency_notice=None), "MEDIUM", "AISystem",
     "INTERACTS_WITH_PERSONS", False),
    ("GOV-OWNER", sys_set(owner=None), "MEDIUM", "AISystem", "no accountable owner", False),
    ("GDPR-9-DPIA", drop("dpia"), "HIGH", "AISystem", "SPECIAL_CATEGORY data (pathologie)", False),
    ("GDPR-9-DPIA", chain(drop("dpia"), findings_set("pathologie", category="CRIMINAL_OFFENCE")),
     "HIGH", "AISystem", "CRIMINAL_OFFENCE", False),
    ("GDPR-35-WP248", drop("dpia"), "HIGH", "ProcessingActivity", "2 WP248 criteria", False),
    ("GDPR-30-RECORD", unlink_activity(), "HIGH", "Dataset", "Art. 30 record", False),
    ("GDPR-44-TRANSFER", sys_set(hosting_country="US"), "HIGH", "AISystem", "hosting in US",
     False),
    ("GDPR-44-TRANSFER", org_set(CLOUD, country="US"), "HIGH", "AISystem", "provider in US",
     False),
    ("GDPR-44-TRANSFER", store_set(hosting_country="MA"), "HIGH", "Dataset", "hosted in MA",
     False),
    ("GDPR-44-TRANSFER", sys_set(hosting_country=None, hosting_organisation_id=None), "MEDIUM",
     "AISystem", "unknown: hosting country not recorded", True),
    ("GDPR-28-PROCESSOR", sys_set(processor_contract_ref=None), "HIGH", "AISystem",
     "Cloud souverain", False),
    ("GDPR-22-AUTOMATED", sys_set(automation_level=FULLY, human_review_path=None), "HIGH",
     "AISystem", "human intervention", False),
    ("GDPR-22-AUTOMATED", sys_set(automation_level=None), "MEDIUM", "AISystem",
     "unknown: automation level", True),
    ("GDPR-22-AUTOMATED", chain(sys_set(automation_level=FULLY),
                                pa_set(special_category_condition="Art. 9(2)(h)")),
     "HIGH", "AISystem", "Art. 22(4)", False),
    ("GDPR-37-DPO", org_set(CITY, dpo_contact=None), "MEDIUM", "Organisation", "no DPO", False),
    ("SREN-31-HOSTING", chain(STATE, org_set(CLOUD, qualifications=["HDS"])), "HIGH", "Dataset",
     "without SecNumCloud", False),
    ("SREN-31-HOSTING", chain(STATE, store_set(hosting_country="DE")), "HIGH", "Dataset",
     "outside France", False),
    ("SREN-31-HOSTING", chain(STATE, org_set(CLOUD, non_eu_control=True)), "HIGH", "Dataset",
     "non-EU control", False),
    ("SREN-31-HOSTING", chain(STATE, sys_set(hosting_organisation_id=None)), "MEDIUM", "Dataset",
     "unknown: hosting organisation not recorded for AI system", True),
    # a French public body whose legal category is not recorded: State or not is open
    ("SREN-31-HOSTING", chain(org_set(CITY, legal_category=None),
                              org_set(CLOUD, qualifications=["HDS"])), "MEDIUM", "Dataset",
     "unknown: legal category (INSEE) of 'Ville de Valbourg'", True),
    ("II901-DR", ds_set(sensitivity=Sensitivity.RESTRICTED), "HIGH", "AISystem", "II 901", False),
    ("PSSIE-HOMOLOGATION", drop("homologation"), "HIGH", "AISystem", "security homologation",
     False),
    ("PSSIE-HOMOLOGATION", assess_set("homologation", status=AssessmentStatus.OUTDATED), "HIGH",
     "AISystem", "OUTDATED", False),
    ("CRPA-L312-INVENTORY", sys_set(public_inventory_url=None), "MEDIUM", "AISystem",
     "public algorithm inventory", False),
    ("CRPA-L312-1-2-PUBLICATION", ds_set(open_data_access=OpenDataAccess.OPEN), "HIGH", "Dataset",
     "'nom' (IDENTITY, confirmed)", False),
    ("CRPA-L312-INVENTORY", chain(sys_set(public_inventory_url=None),
                                  org_set(CITY, headcount=None)),
     "LOW", "AISystem", "unknown: headcount not recorded", True),
    ("CRPA-L311-NOTICE", sys_set(individual_decision_notice=False), "MEDIUM", "AISystem",
     "explicit mention", False),
    ("CRPA-L311-NOTICE", sys_set(individual_decision_notice=None), "LOW", "AISystem",
     "unknown: whether the individual decisions", True),
]  # fmt: skip

# (rule, mutation): the rule stays quiet although something nearby changed
QUIET: list[tuple[str, Mutation]] = [
    ("AIACT-5-PROHIBITED", sys_set(risk_class=RiskClass.PROHIBITED, status=AISystemStatus.RETIRED)),
    ("AIACT-6.3-PROFILING", sys_set(art_6_3_claim=True)),
    ("AIACT-6-CLASSIFICATION", sys_set(risk_class=None, status=AISystemStatus.RETIRED)),
    # a private company (5710 SAS) providing no public service, with a 5(a) system
    ("AIACT-27-FRIA", chain(drop("fria"), org_set(CITY, is_public_body=False,
                                                  legal_category="5710"))),
    ("AIACT-27-FRIA", chain(drop("fria"), sys_set(annex_iii_point="2"))),
    ("AIACT-27-FRIA", chain(drop("fria"), sys_set(status=AISystemStatus.PLANNED))),
    ("AIACT-49-REGISTRATION", sys_set(eu_database_registration=None, risk_class=RiskClass.LIMITED)),
    ("AIACT-26.2-OVERSIGHT", sys_set(human_oversight_owner=None, risk_class=RiskClass.MINIMAL)),
    ("AIACT-26.6-LOGS", sys_set(log_retention_days=183)),
    ("AIACT-50-TRANSPARENCY", sys_set(transparency_notice=None, art_50_triggers=[])),
    ("GOV-OWNER", sys_set(owner=None, status=AISystemStatus.RETIRED)),
    ("GDPR-9-DPIA", chain(drop("dpia"), findings_set("pathologie", status=FindingStatus.REJECTED))),
    ("GDPR-9-DPIA", chain(drop("dpia"),
                          findings_set("pathologie", status=FindingStatus.SUGGESTED, gone=True))),
    ("GDPR-9-DPIA", chain(drop("dpia"), add_dpia_on_system)),
    ("GDPR-35-WP248", chain(drop("dpia"), pa_set(wp248_criteria=["SENSITIVE_DATA"]))),
    ("GDPR-30-RECORD", unlink_activity("dataset")),
    ("GDPR-30-RECORD", chain(unlink_activity(), findings_set(status=FindingStatus.REJECTED))),
    ("GDPR-44-TRANSFER", chain(sys_set(hosting_country="US"),
                               pa_set(transfers=[{"country": "US", "mechanism": "SCC"}]))),
    ("GDPR-44-TRANSFER", sys_set(hosting_country="NO")),
    ("GDPR-28-PROCESSOR", sys_set(processor_contract_ref=None, provider_id=None,
                                  hosting_organisation_id=CITY)),
    ("GDPR-22-AUTOMATED", sys_set(automation_level=FULLY)),
    ("GDPR-22-AUTOMATED", sys_set(automation_level=FULLY, human_review_path=None,
                                  legal_effect=False)),
    ("GDPR-37-DPO", org_set(CITY, dpo_contact=None, is_public_body=False)),
    ("SREN-31-HOSTING", chain(STATE, org_set(CLOUD, qualifications=[]),
                              ds_set(sensitivity=Sensitivity.INTERNAL))),
    # SREN art. 31 names the State and its operators, not a commune (7210)
    ("SREN-31-HOSTING", org_set(CLOUD, qualifications=[])),
    ("SREN-31-HOSTING", chain(org_set(CLOUD, qualifications=[]),
                              store_set(hosting_organisation_id=CITY),
                              sys_set(hosting_organisation_id=CITY))),
    ("II901-DR", chain(ds_set(sensitivity=Sensitivity.RESTRICTED), ii_901_compliant)),
    ("PSSIE-HOMOLOGATION", chain(drop("homologation"), sys_set(status=AISystemStatus.PILOT))),
    ("CRPA-L312-INVENTORY", chain(sys_set(public_inventory_url=None),
                                  org_set(CITY, headcount=20))),
    ("CRPA-L312-INVENTORY", sys_set(public_inventory_url=None, individual_decisions=False)),
    ("CRPA-L312-INVENTORY", chain(sys_set(public_inventory_url=None), org_set(CITY, country="NL"))),
    ("CRPA-L311-NOTICE", sys_set(individual_decision_notice=None, individual_decisions=False)),
    ("CRPA-L311-NOTICE", chain(sys_set(individual_decision_notice=False),
                               org_set(CITY, country="NL"))),
    ("CRPA-L312-1-2-PUBLICATION", ds_set(open_data_access=OpenDataAccess.NOT_PUBLISHED)),
    ("CRPA-L312-1-2-PUBLICATION", lambda reg: ds_set(
        open_data_access=OpenDataAccess.OPEN, publication_ground=PublicationGround.ANONYMISED,
        publication_ground_at=dt.datetime.now(dt.UTC))(reg)),
]  # fmt: skip


def _case_id(case: tuple[Any, ...]) -> str:
    return f"{case[0]}:{case[4] if len(case) > 4 else ''}"[:60]


@pytest.mark.parametrize(
    "rule,mutation,severity,subject_type,fragment,unknown",
    FIRES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(FIRES)],
)
def test_rule_fires(
    reg: Register,
    rule: str,
    mutation: Mutation,
    severity: str,
    subject_type: str,
    fragment: str,
    unknown: bool,
) -> None:
    assert not run(reg, rule), "the baseline must keep the rule quiet"
    mutation(reg)
    issues = run(reg, rule)
    matching = [i for i in issues if fragment in i.message]
    assert matching, [i.message for i in issues]
    issue = matching[0]
    assert issue.rule == rule
    assert (issue.severity, issue.subject_type, issue.unknown) == (severity, subject_type, unknown)
    assert issue.message.startswith("unknown: ") is unknown
    assert issue.legal_basis and issue.title
    json.dumps(issue.facts)  # facts are plain JSON


@pytest.mark.parametrize("rule", [r.id for r in RULES])
def test_baseline_keeps_every_rule_quiet(reg: Register, rule: str) -> None:
    assert run(reg, rule) == []


@pytest.mark.parametrize("rule,mutation", QUIET, ids=[f"{c[0]}-{i}" for i, c in enumerate(QUIET)])
def test_rule_stays_quiet(reg: Register, rule: str, mutation: Mutation) -> None:
    mutation(reg)
    assert run(reg, rule) == []


def test_every_rule_is_tested_both_ways() -> None:
    ids = {r.id for r in RULES}
    assert ids == {c[0] for c in FIRES}
    assert ids == {c[0] for c in QUIET}


def test_rule_table_is_well_formed() -> None:
    assert len(RULES) >= 20  # (ids are unique: the registry refuses a duplicate at import)
    for rule in RULES:
        assert rule.title and rule.description, rule.id
        assert isinstance(rule.severity, Severity)
        assert any(ch.isdigit() for ch in rule.legal_basis), rule.legal_basis  # cites an article
