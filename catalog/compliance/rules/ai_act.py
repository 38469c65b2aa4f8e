"""AI Act (Reg. 2024/1689) rules for deployers, and the AI governance owner rule."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from registre.catalog.compliance.config import Severity
from registre.catalog.compliance.facts import Facts
from registre.catalog.compliance.rule import (
    Hit,
    Rule,
    active,
    blank,
    code,
    in_use,
    iso,
    subject_of,
)
from registre.catalog.enums import AssessmentKind, RiskClass
from registre.catalog.i18n import N_, Text
from registre.catalog.models.ai import AISystem

HIGH_RISK_ANNEX_III = "ai_act_high_risk_annex_iii"
HIGH_RISK_ANNEX_I = "ai_act_high_risk_annex_i"


def high_risk_date(system: AISystem) -> str:
    """Annex III systems (Art. 6(2)) and Annex I products (Art. 6(1)) apply at different dates."""
    return HIGH_RISK_ANNEX_III if system.annex_iii_point else HIGH_RISK_ANNEX_I


def _base(system: AISystem, **extra: Any) -> dict[str, object]:
    return {
        "ai_system_id": system.id,
        "status": system.status.value,
        "risk_class": system.risk_class.value if system.risk_class else None,
        "annex_iii_point": system.annex_iii_point,
        **extra,
    }


def _high_in_use(facts: Facts) -> Iterator[AISystem]:
    return (s for s in facts.systems if s.risk_class is RiskClass.HIGH and in_use(s))


def _annex_iii_scope(system: AISystem, article: str) -> tuple[Hit | None, bool]:
    """Art. 27 and 49(3) apply to deployers of Annex III systems, except point 2 (critical
    infrastructure). Who the deployer must be is the rule's scope (``config/compliance.yaml``).

    Returns ``(unknown_hit, False)`` when the point is missing, ``(None, applies)`` otherwise.
    """
    point = system.annex_iii_point
    if not point:
        return Hit(
            subject_of(system),
            Text(
                "unknown: Annex III point not recorded for high-risk '{name}'; "
                "{article} applies to Annex III systems (except point 2)",
                name=system.name,
                article=code(article),
            ),
            _base(system),
            unknown=True,
            applies_from=HIGH_RISK_ANNEX_III,
        ), False
    return None, point.split("(")[0] != "2"


def prohibited_in_use(facts: Facts) -> Iterator[Hit]:
    """A system classified as a prohibited practice is piloted or in production."""
    for s in facts.systems:
        if s.risk_class is RiskClass.PROHIBITED and in_use(s):
            yield Hit(
                subject_of(s),
                Text(
                    "'{name}' is classified as a prohibited AI practice and registered as "
                    "{status}: it must not be used",
                    name=s.name,
                    status=code(s.status),
                ),
                _base(s),
            )


def exemption_with_profiling(facts: Facts) -> Iterator[Hit]:
    """An Art. 6(3) 'not high-risk' claim on a system that profiles natural persons."""
    for s in facts.systems:
        if active(s) and s.art_6_3_claim and s.profiling:
            yield Hit(
                subject_of(s),
                Text(
                    "'{name}' claims the Art. 6(3) exemption but profiles natural persons: an "
                    "Annex III system that profiles is always high-risk",
                    name=s.name,
                ),
                _base(s, art_6_3_claim=True, profiling=True),
                applies_from=HIGH_RISK_ANNEX_III,
            )


def unclassified(facts: Facts) -> Iterator[Hit]:
    """An active system has no AI Act risk class, so the high-risk rules cannot judge it."""
    for s in facts.systems:
        if active(s) and s.risk_class is None:
            yield Hit(
                subject_of(s),
                Text(
                    "unknown: AI Act risk class not recorded for '{name}'; classify it "
                    "(classifyAISystem) so the high-risk and transparency rules can apply",
                    name=s.name,
                ),
                _base(s),
                unknown=True,
            )


def fria_missing(facts: Facts) -> Iterator[Hit]:
    """A deployer named by Art. 27(1) (body governed by public law, private body providing
    public services, or any deployer of an Annex III 5(b)/5(c) system) uses a high-risk
    Annex III system (not point 2) without a completed FRIA before first use."""
    for s in _high_in_use(facts):
        frias = facts.completed(AssessmentKind.FRIA, system_ids=[s.id])
        if frias:
            first = min((a.date for a in frias if a.date), default=None)
            if first and s.go_live_date and first > s.go_live_date:
                yield Hit(
                    subject_of(s),
                    Text(
                        "the FRIA of '{name}' was completed on {completed} after its first use "
                        "on {go_live}; Art. 27(1) requires it before deployment",
                        name=s.name,
                        completed=first,
                        go_live=s.go_live_date,
                    ),
                    _base(
                        s,
                        fria_ids=[a.id for a in frias],
                        fria_date=iso(first),
                        go_live_date=iso(s.go_live_date),
                    ),
                    applies_from=HIGH_RISK_ANNEX_III,
                )
            continue
        unknown, applies = _annex_iii_scope(s, "Art. 27")
        if unknown:
            yield unknown
        elif applies:
            others = facts.assessments(AssessmentKind.FRIA, system_ids=[s.id])
            yield Hit(
                subject_of(s),
                Text(
                    "high-risk '{name}' is {status} without a completed fundamental "
                    "rights impact assessment (FRIA)",
                    name=s.name,
                    status=code(s.status),
                ),
                _base(s, fria_statuses=[a.status.value for a in others]),
                applies_from=HIGH_RISK_ANNEX_III,
            )


def eu_registration_missing(facts: Facts) -> Iterator[Hit]:
    """A public authority uses a high-risk Annex III system (not point 2) whose use it has not
    registered in the EU database."""
    for s in _high_in_use(facts):
        if not blank(s.eu_database_registration):
            continue
        unknown, applies = _annex_iii_scope(s, "Art. 49(3)")
        if unknown:
            yield unknown
        elif applies:
            yield Hit(
                subject_of(s),
                Text(
                    "high-risk '{name}' is {status} but its use is not registered in "
                    "the EU database by its deployer (no registration reference)",
                    name=s.name,
                    status=code(s.status),
                ),
                _base(s),
                applies_from=HIGH_RISK_ANNEX_III,
            )


def oversight_missing(facts: Facts) -> Iterator[Hit]:
    """A high-risk system in use has no named person in charge of human oversight."""
    for s in _high_in_use(facts):
        if blank(s.human_oversight_owner):
            yield Hit(
                subject_of(s),
                Text(
                    "high-risk '{name}' is {status} with no named person in charge of "
                    "human oversight",
                    name=s.name,
                    status=code(s.status),
                ),
                _base(s),
                applies_from=high_risk_date(s),
            )


def logs_too_short(facts: Facts) -> Iterator[Hit]:
    """A high-risk system in use keeps logs under six months, or nobody recorded how long."""
    minimum = facts.config.thresholds.log_retention_days
    for s in _high_in_use(facts):
        if s.log_retention_days is None:
            yield Hit(
                subject_of(s),
                Text(
                    "unknown: log retention not recorded for high-risk '{name}' "
                    "(at least {minimum} days required)",
                    name=s.name,
                    minimum=minimum,
                ),
                _base(s, minimum_days=minimum),
                unknown=True,
                applies_from=high_risk_date(s),
            )
        elif s.log_retention_days < minimum:
            yield Hit(
                subject_of(s),
                Text(
                    "high-risk '{name}' keeps its logs {days} days; at least "
                    "{minimum} days (six months) are required",
                    name=s.name,
                    days=s.log_retention_days,
                    minimum=minimum,
                ),
                _base(s, log_retention_days=s.log_retention_days, minimum_days=minimum),
                applies_from=high_risk_date(s),
            )


def disclosure_missing(facts: Facts) -> Iterator[Hit]:
    """A chatbot, generator, emotion recogniser or deep fake in use tells nobody it is an AI."""
    for s in facts.systems:
        if in_use(s) and s.art_50_triggers and blank(s.transparency_notice):
            yield Hit(
                subject_of(s),
                Text(
                    "'{name}' ({triggers}) has no transparency notice "
                    "telling people they deal with an AI system or AI-generated content",
                    name=s.name,
                    triggers=[code(t) for t in s.art_50_triggers],
                ),
                _base(s, art_50_triggers=list(s.art_50_triggers)),
            )


def owner_missing(facts: Facts) -> Iterator[Hit]:
    """An active AI system has no accountable owner in the inventory."""
    for s in facts.systems:
        if active(s) and blank(s.owner):
            yield Hit(
                subject_of(s), Text("'{name}' has no accountable owner", name=s.name), _base(s)
            )


RULES: tuple[Rule, ...] = (
    Rule(
        "AIACT-5-PROHIBITED",
        N_("Prohibited AI practice in use"),
        Severity.CRITICAL,
        N_("AI Act Art. 5"),
        prohibited_in_use,
        applies_from="ai_act_prohibitions",
    ),
    Rule(
        "AIACT-6.3-PROFILING",
        N_("Art. 6(3) exemption claimed for a profiling system"),
        Severity.HIGH,
        N_("AI Act Art. 6(3), 49(2)"),
        exemption_with_profiling,
    ),
    Rule(
        "AIACT-6-CLASSIFICATION",
        N_("AI system without a risk class"),
        Severity.MEDIUM,
        N_("AI Act Art. 6, Annex III"),
        unclassified,
    ),
    Rule(
        "AIACT-27-FRIA",
        N_("High-risk AI without FRIA before use"),
        Severity.HIGH,
        N_("AI Act Art. 27"),
        fria_missing,
    ),
    Rule(
        "AIACT-49-REGISTRATION",
        N_("High-risk AI of a public body not registered in the EU database"),
        Severity.HIGH,
        N_("AI Act Art. 49(3), 26(8)"),
        eu_registration_missing,
    ),
    Rule(
        "AIACT-26.2-OVERSIGHT",
        N_("High-risk AI without named human oversight"),
        Severity.HIGH,
        N_("AI Act Art. 26(2), 14(4)"),
        oversight_missing,
    ),
    Rule(
        "AIACT-26.6-LOGS",
        N_("High-risk AI logs kept under six months"),
        Severity.MEDIUM,
        N_("AI Act Art. 26(6)"),
        logs_too_short,
    ),
    Rule(
        "AIACT-50-TRANSPARENCY",
        N_("Chatbot or generated content without disclosure"),
        Severity.MEDIUM,
        N_("AI Act Art. 50"),
        disclosure_missing,
        applies_from="ai_act_transparency",
    ),
    Rule(
        "GOV-OWNER",
        N_("AI system without owner"),
        Severity.MEDIUM,
        N_("ISO/IEC 42001 A.3.2; NIST AI RMF GOVERN 1.6"),
        owner_missing,
    ),
)
