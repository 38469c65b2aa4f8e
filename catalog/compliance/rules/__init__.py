"""Every compliance rule of Registre, in one explicit registry.

A rule lives in the module of its law (``ai_act``, ``gdpr``, ``france``);
this tuple is the only place the engine finds them, so adding a rule is adding it there.
"""

from __future__ import annotations

from registre.catalog.compliance.rule import Rule
from registre.catalog.compliance.rules.ai_act import RULES as AI_ACT_RULES
from registre.catalog.compliance.rules.france import RULES as FRENCH_RULES
from registre.catalog.compliance.rules.gdpr import RULES as GDPR_RULES

RULES: tuple[Rule, ...] = (*AI_ACT_RULES, *GDPR_RULES, *FRENCH_RULES)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}

if len(RULES_BY_ID) != len(RULES):  # pragma: no cover - a programming error, caught in tests
    raise RuntimeError("two compliance rules share an id")
