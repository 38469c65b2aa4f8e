"""Every compliance rule of Registre, in one explicit registry.

A rule lives in the module of its law (``rules_ai_act``, ``rules_gdpr``, ``rules_france``);
this tuple is the only place the engine finds them, so adding a rule is adding it there.
"""

from __future__ import annotations

from .rules_ai_act import RULES as AI_ACT_RULES
from .rules_base import Rule
from .rules_france import RULES as FRENCH_RULES
from .rules_gdpr import RULES as GDPR_RULES

RULES: tuple[Rule, ...] = (*AI_ACT_RULES, *GDPR_RULES, *FRENCH_RULES)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}

if len(RULES_BY_ID) != len(RULES):  # pragma: no cover - a programming error, caught in tests
    raise RuntimeError("two compliance rules share an id")
