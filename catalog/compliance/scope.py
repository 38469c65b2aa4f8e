"""Who a rule applies to: the scopes of ``config/compliance.yaml`` judged on the register.

A scope is a set of conditions on the deployer (country, INSEE legal category, public
body or public service) or on the AI system (Annex III point). Each condition answers
yes, no, or "unknown" when the register lacks the fact it reads; the answers combine in
three-valued logic:

* a scope holds for one organisation when all its conditions do (one "no" is enough to
  exclude it, else one "unknown" leaves it open);
* a scope holds for a subject when it holds for one of its deployers (several deployers:
  the rule applies if one of them is named by the law);
* a rule applies when one of its scopes holds.

So a Dutch municipality (country NL) is out of every French scope whatever else is
missing, while a French body whose legal category is not recorded leaves a State-only
rule open: the engine then reports ``unknown: ...`` rather than guessing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from registre.catalog.compliance.config import EU_EEA, ComplianceConfig, Scope
from registre.catalog.i18n import Text
from registre.catalog.models.ai import AISystem
from registre.catalog.models.data import Organisation

#: legal categories of legal persons governed by public law (administrative: 7xxx;
#: under commercial law: 41xx), INSEE nomenclature level I/II
PUBLIC_LAW_CATEGORIES = ("7", "41")

Answer = bool | None  # None: the register lacks the fact


@dataclass
class Verdict:
    """Whether a rule applies to a subject, and what is missing to tell."""

    applies: Answer
    scopes: list[str] = field(default_factory=list)  # the scopes that hold
    missing: list[str] = field(default_factory=list)  # facts that would decide


def _all(answers: Iterable[Answer]) -> Answer:
    values = list(answers)
    if False in values:
        return False
    return None if None in values else True


def _any(answers: Iterable[Answer]) -> Answer:
    values = list(answers)
    if True in values:
        return True
    return None if None in values else False


def public_law_body(org: Organisation) -> bool:
    """Governed by public law: recorded as a public body, or of a public-law legal category."""
    category = org.legal_category or ""
    return bool(org.is_public_body) or category.startswith(PUBLIC_LAW_CATEGORIES)


def _org_answers(
    scope: Scope, org: Organisation, config: ComplianceConfig, missing: list[str]
) -> Answer:
    answers: list[Answer] = []
    if scope.countries is not None:
        if org.country is None:
            answers.append(None)
            missing.append(Text("country of '{name}'", name=org.name))
        else:
            country = org.country.upper()
            answers.append(
                country in scope.countries
                or (EU_EEA in scope.countries and config.is_eu_eea(country))
            )
    if scope.legal_categories is not None:
        if org.legal_category:
            answers.append(org.legal_category.startswith(tuple(scope.legal_categories)))
        elif org.is_public_body or org.provides_public_service:
            answers.append(None)  # which public body? the legal category tells
            missing.append(Text("legal category (INSEE) of '{name}'", name=org.name))
        else:
            answers.append(False)  # recorded as neither public body nor public service
    if scope.public_law_or_service:
        answers.append(public_law_body(org) or bool(org.provides_public_service))
    if scope.public_authority:
        answers.append(public_law_body(org))
    if False in answers:
        del missing[:]  # one "no" decides: nothing else is worth asking
    return _all(answers)


def _deployer_conditions(scope: Scope) -> bool:
    return any(
        value is not None and value is not False
        for value in (
            scope.countries,
            scope.legal_categories,
            scope.public_law_or_service,
            scope.public_authority,
        )
    )


def _scope_answer(
    scope: Scope,
    orgs: list[Organisation],
    system: AISystem | None,
    config: ComplianceConfig,
    missing: list[str],
) -> Answer:
    answers: list[Answer] = []
    if scope.annex_iii_points is not None:
        if system is None:
            answers.append(False)
        elif not system.annex_iii_point:
            answers.append(None)
            missing.append(Text("Annex III point of '{name}'", name=system.name))
        else:
            answers.append(system.annex_iii_point in scope.annex_iii_points)
    if _deployer_conditions(scope):
        if not orgs:
            answers.append(None)
            missing.append(
                Text("deployer (deployerId, or the controller of a processing activity)")
            )
        else:
            per_org = []
            for org in orgs:
                org_missing: list[str] = []
                per_org.append(_org_answers(scope, org, config, org_missing))
                missing.extend(org_missing)
            answers.append(_any(per_org))
    return _all(answers)


def judge(
    config: ComplianceConfig,
    rule_id: str,
    orgs: list[Organisation],
    system: AISystem | None = None,
) -> Verdict:
    """Whether ``rule_id`` applies given the deployers ``orgs`` (and the AI ``system``)."""
    holds: list[str] = []
    missing: list[str] = []
    answers: list[Answer] = []
    for name, scope in config.scopes_of(rule_id):
        scope_missing: list[str] = []
        answer = _scope_answer(scope, orgs, system, config, scope_missing)
        answers.append(answer)
        if answer is True:
            holds.append(name)
        elif answer is None:
            missing.extend(m for m in scope_missing if m not in missing)
    result = _any(answers)
    return Verdict(result, holds, missing if result is None else [])


def everyone(config: ComplianceConfig, rule_id: str) -> bool:
    """Whether one of the rule's scopes covers everyone (no condition): nothing to judge."""
    return any(
        not _deployer_conditions(scope) and scope.annex_iii_points is None
        for _, scope in config.scopes_of(rule_id)
    )
