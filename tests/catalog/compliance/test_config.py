"""Dates, thresholds, disabled rules and severities come from the compliance configuration,
validated before use."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from registre.catalog.compliance.config import (
    Severity,
    default_compliance_config,
    load_compliance_config,
)
from registre.catalog.compliance.engine import select_rules
from registre.catalog.errors import InvalidInput
from registre.catalog.i18n import Text, translate
from tests.catalog.compliance.compliance_seed import (
    CITY,
    TODAY,
    Register,
)
from tests.catalog.compliance.mutations import (
    chain,
    drop,
    run,
    sys_set,
    unlink_activity,
)


# --- dates and thresholds from the configuration -------------------------------------
def test_obligation_not_yet_applicable_is_info(reg: Register) -> None:
    drop("fria")(reg)
    (issue,) = run(reg, "AIACT-27-FRIA", today=TODAY)
    assert issue.severity == "INFO" and issue.applies_from == dt.date(2027, 12, 2)
    assert "applies from 2027-12-02" in issue.message and "not yet applicable" in issue.message
    # in French, the date reads as a French date, after storage too
    french = "obligation applicable à partir du 2 décembre 2027 : pas encore applicable"
    assert french in translate(issue.message, "fr")
    assert french in Text.from_json(issue.message.as_json()).render("fr")
    sys_set(transparency_notice=None)(reg)
    (issue,) = run(reg, "AIACT-50-TRANSPARENCY", today=dt.date(2026, 7, 1))
    assert issue.severity == "INFO"
    assert run(reg, "AIACT-50-TRANSPARENCY")[0].severity == "MEDIUM"


def test_annex_i_product_obligations_apply_later(reg: Register) -> None:
    sys_set(annex_iii_point=None, human_oversight_owner=None)(reg)
    (issue,) = run(reg, "AIACT-26.2-OVERSIGHT", today=dt.date(2028, 8, 1))
    assert issue.severity == "INFO" and issue.facts["applies_from"] == "2028-08-02"
    (issue,) = run(reg, "AIACT-26.2-OVERSIGHT", today=dt.date(2028, 8, 2))
    assert issue.severity == "HIGH" and issue.applies_from == dt.date(2028, 8, 2)


def test_digital_omnibus_date_is_configuration(reg: Register) -> None:
    drop("fria")(reg)
    config = default_compliance_config()
    moved = config.model_copy(
        update={
            "application_dates": config.application_dates.model_copy(
                update={"ai_act_high_risk_annex_iii": dt.date(2029, 1, 1)}
            )
        }
    )
    (issue,) = run(reg, "AIACT-27-FRIA", config=moved)
    assert issue.severity == "INFO" and "2029-01-01" in issue.message


def test_thresholds_come_from_configuration(reg: Register) -> None:
    sys_set(log_retention_days=200)(reg)
    config = default_compliance_config()
    stricter = config.model_copy(
        update={"thresholds": config.thresholds.model_copy(update={"log_retention_days": 365})}
    )
    assert run(reg, "AIACT-26.6-LOGS") == []
    assert "at least 365 days" in run(reg, "AIACT-26.6-LOGS", config=stricter)[0].message


def test_default_deployer_from_configuration(reg: Register) -> None:
    chain(drop("fria"), unlink_activity("system"))(reg)
    assert run(reg, "AIACT-27-FRIA")[0].unknown
    config = default_compliance_config().model_copy(update={"default_deployer": CITY})
    (issue,) = run(reg, "AIACT-27-FRIA", config=config)
    assert not issue.unknown and issue.facts["deployer_source"].startswith("default_deployer")


def test_disabled_rules_and_severity_overrides(reg: Register) -> None:
    sys_set(owner=None)(reg)
    config = default_compliance_config().model_copy(
        update={"severity_overrides": {"GOV-OWNER": Severity.HIGH}}
    )
    assert run(reg, "GOV-OWNER", config=config)[0].severity == "HIGH"
    config = default_compliance_config().model_copy(update={"disabled_rules": ["GOV-OWNER"]})
    assert run(reg, config=config) == []


def test_shipped_config_loads() -> None:
    config = load_compliance_config()
    assert config.thresholds.log_retention_days == 183  # six months: 180 days are not enough
    assert config.thresholds.crpa_headcount == 50
    # Digital Omnibus on AI, Reg. (EU) 2026/1744, amending Art. 113 of Reg. (EU) 2024/1689
    assert config.application_dates.ai_act_high_risk_annex_iii == dt.date(2027, 12, 2)
    assert config.application_dates.ai_act_high_risk_annex_i == dt.date(2028, 8, 2)
    assert config.is_eu_eea("fr") and not config.is_eu_eea("US")


def test_config_refuses_unknown_keys(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parents[3] / "config" / "compliance.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("thresholds:", "treshold_typo: 1\nthresholds:"))
    with pytest.raises(InvalidInput, match="treshold_typo"):
        load_compliance_config(bad)


def test_config_refuses_unknown_rule_ids() -> None:
    config = default_compliance_config().model_copy(update={"disabled_rules": ["NOPE-1"]})
    with pytest.raises(InvalidInput, match="NOPE-1"):
        select_rules(None, config)
