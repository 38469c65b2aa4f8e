"""EU/EEA membership: one list, shared by the exposure query and the compliance rules."""

from __future__ import annotations

from registre.catalog.compliance.config import load_compliance_config
from registre.catalog.geography import (
    EEA_EFTA_STATES,
    EU_EEA,
    EU_MEMBER_STATES,
    in_eu_eea,
)


def test_eu_eea_membership() -> None:
    assert len(EU_MEMBER_STATES) == 27 and {"IS", "LI", "NO"} == EEA_EFTA_STATES
    assert in_eu_eea("fr") is True and in_eu_eea("NO") is True
    assert in_eu_eea("US") is False and in_eu_eea("CH") is False and in_eu_eea("GB") is False
    assert in_eu_eea(None) is None and in_eu_eea("") is None


def test_compliance_rules_use_the_same_eu_eea_list() -> None:
    listed = set(load_compliance_config().eu_eea_countries)
    assert listed == EU_EEA  # both also accept EL, the EU's code for Greece
