"""The compliance engine: evaluate the rules over the register and explain every issue.

    issues = evaluate(session)                               # the whole register
    issues = evaluate(session, ai_system_ids=[12])           # what concerns one AI system
    issues = evaluate(session, rules=["AIACT-27-FRIA"], today=date(2026, 9, 1))

Each :class:`ComplianceIssue` cites its rule, legal basis and the facts that triggered
it (ids, names, statuses, dates: never a scanned value). Facts are loaded in a constant
number of queries (:mod:`catalog.rules_facts`), so evaluating 1,500 AI systems costs the
same dozen SELECTs as evaluating one.

How severities are set, in order:

1. the rule's severity (``severity_overrides`` in ``config/compliance.yaml`` may change it);
2. one step lower when the hit rests only on scanner suggestions ("suggested by scanner,
   not yet reviewed") or when a fact is missing (``unknown``), including a fact that
   decides whether the rule applies to the subject's deployer (see :mod:`.scope`);
3. INFO when the obligation is not yet applicable on ``today`` (AI Act dates in the config).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from registre.catalog.compliance.config import (
    ComplianceConfig,
    Severity,
    default_compliance_config,
)
from registre.catalog.compliance.facts import Facts
from registre.catalog.compliance.loading import Around, load_facts
from registre.catalog.compliance.rule import Hit, Rule
from registre.catalog.compliance.rules import RULES, RULES_BY_ID
from registre.catalog.compliance.scope import everyone, judge
from registre.catalog.errors import InvalidInput
from registre.catalog.i18n import Text
from registre.catalog.models.ai import AISystem
from registre.catalog.models.data import Organisation

__all__ = [
    "RULES",
    "ComplianceIssue",
    "Rule",
    "Severity",
    "Subjects",
    "evaluate",
    "evaluate_subjects",
    "select_rules",
]


@dataclass(frozen=True)
class ComplianceIssue:
    """One broken (or unverifiable) obligation, about one subject of the register."""

    rule: str
    severity: str
    legal_basis: str
    title: str
    message: str
    subject_type: str  # "AISystem" | "Dataset" | "ProcessingActivity" | "Organisation"
    subject_id: int
    subject_name: str
    facts: dict[str, object]  # what triggered it: ids, names, statuses; never a scanned value
    unknown: bool = False  # the rule lacks a fact; the message starts with "unknown: "
    #: when the obligation applies (AI Act dates); before it, the issue is INFO ("coming")
    applies_from: dt.date | None = None
    #: as stored (:mod:`.store`): when first found, last found, closed (None: open);
    #: None on an issue just evaluated
    first_seen_at: dt.datetime | None = None
    last_seen_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None

    @property
    def severity_rank(self) -> int:
        return Severity(self.severity).rank

    def mentions(self, subject_type: str) -> set[int]:
        """Ids of the ``subject_type`` ("AISystem" or "Dataset") the issue is about or names."""
        ids = {self.subject_id} if self.subject_type == subject_type else set()
        key = _FACT_KEYS.get(subject_type)
        if key is not None:
            one = self.facts.get(f"{key}_id")
            if isinstance(one, int):
                ids.add(one)
            many = self.facts.get(f"{key}_ids")
            if isinstance(many, list):
                ids.update(i for i in many if isinstance(i, int))
        return ids


_FACT_KEYS = {"AISystem": "ai_system", "Dataset": "dataset"}


def select_rules(ids: Collection[str] | None, config: ComplianceConfig | None = None) -> list[Rule]:
    """The rules to run: ``ids`` (all if None), minus those the config disables."""
    config = config or default_compliance_config()
    check_config(config)
    if ids is None:
        chosen = list(RULES)
    else:
        unknown = sorted(set(ids) - set(RULES_BY_ID))
        if unknown:
            raise InvalidInput(
                Text(
                    "unknown rule {unknown}; known rules: {known}",
                    unknown=unknown,
                    known=list(RULES_BY_ID),
                ),
                field="rules",
            )
        chosen = [rule for rule in RULES if rule.id in set(ids)]
    return [rule for rule in chosen if rule.id not in config.disabled_rules]


def check_config(config: ComplianceConfig) -> None:
    """Refuse a config naming rules that do not exist (a typo would silently do nothing)."""
    named = set(config.disabled_rules) | set(config.severity_overrides) | set(config.rules)
    unknown = sorted(named - set(RULES_BY_ID))
    if unknown:
        raise InvalidInput(Text("compliance config names unknown rules: {rules}", rules=unknown))
    unscoped = sorted(set(RULES_BY_ID) - set(config.rules))
    if unscoped:
        raise InvalidInput(
            Text(
                "compliance config states no scope for rules: {rules} "
                "(list them under 'rules', e.g. [any])",
                rules=unscoped,
            )
        )


def _subject_orgs(hit: Hit, facts: Facts) -> tuple[list[Organisation], str, AISystem | None]:
    """The organisations the law addresses about the hit's subject, and how we know them."""
    kind, key = hit.subject.type, hit.subject.id
    if kind == "AISystem":
        system = facts.systems_by_id[key]
        return (*facts.deployers(system), system)
    if kind == "Dataset":
        return (*facts.holders(facts.datasets[key]), None)
    if kind == "ProcessingActivity":
        controller = facts.org(facts.activities[key].controller_id)
        return ([controller] if controller else []), "controller", None
    org = facts.organisations[key]
    return [org], "the organisation itself", None


def in_scope(rule: Rule, hit: Hit, facts: Facts) -> Hit | None:
    """``hit`` if the rule applies to whom it is about (config ``rules`` and ``scopes``),
    None if the law does not name them, an ``unknown`` hit if a missing fact leaves it open."""
    config = facts.config
    if everyone(config, rule.id):
        return hit
    orgs, source, system = _subject_orgs(hit, facts)
    verdict = judge(config, rule.id, orgs, system)
    if verdict.applies is False:
        return None
    scope_facts: dict[str, object] = {
        **hit.facts,
        "deployers": [o.name for o in orgs],
        "deployer_source": source,
    }
    if verdict.applies:
        return replace(hit, facts={**scope_facts, "scopes": verdict.scopes})
    return replace(
        hit,
        message=Text(
            "unknown: {missing} not recorded, so whether {rule} applies ({scopes}) is open; "
            "{message}",
            missing=list(verdict.missing),
            rule=rule.id,
            scopes=list(config.rules[rule.id]),
            message=_known_part(hit.message),
        ),
        facts={**scope_facts, "missing": verdict.missing},
        unknown=True,
    )


def _known_part(message: str) -> str:
    """An unknown hit's message without its "unknown: " (a :class:`Text` stays one)."""
    if isinstance(message, Text) and message.template.startswith(UNKNOWN):
        return Text(message.template.removeprefix(UNKNOWN), **message.params)
    return message.removeprefix(UNKNOWN)


UNKNOWN = "unknown: "


def _issue(rule: Rule, hit: Hit, config: ComplianceConfig, today: dt.date) -> ComplianceIssue:
    severity = config.severity_overrides.get(rule.id, rule.severity)
    message = hit.message
    facts = dict(hit.facts)
    if hit.suggested:
        severity = severity.lower()
        message = Text("{message} (suggested by scanner, not yet reviewed)", message=message)
        facts["suggested"] = True
    if hit.unknown:
        severity = severity.lower()
    date_key = hit.applies_from or rule.applies_from
    applies = None if date_key is None else config.applies_from(date_key)
    if applies is not None and today < applies:
        severity = Severity.INFO  # coming: shown so that it is prepared, not yet due
        message = Text(
            "{message} (obligation applies from {date}: not yet applicable)",
            message=message,
            date=applies,
        )
        facts["applies_from"] = applies.isoformat()
    return ComplianceIssue(
        rule=rule.id,
        severity=severity.value,
        legal_basis=rule.legal_basis,
        title=rule.title,
        message=message,
        subject_type=hit.subject.type,
        subject_id=hit.subject.id,
        subject_name=hit.subject.name,
        facts=facts,
        applies_from=applies,
        unknown=hit.unknown,
    )


def evaluate(
    session: Session,
    *,
    ai_system_ids: Collection[int] | None = None,
    dataset_ids: Collection[int] | None = None,
    rules: Collection[str] | None = None,
    today: dt.date | None = None,
    config: ComplianceConfig | None = None,
) -> list[ComplianceIssue]:
    """Evaluate ``rules`` (all by default) over the register, most severe issues first.

    ``ai_system_ids`` / ``dataset_ids`` keep the issues that concern those systems /
    datasets (as subject or among their facts); both given: issues concerning both.
    ``today`` decides which AI Act obligations already apply (default: the current date).
    """
    config = config or default_compliance_config()
    today = today or dt.date.today()
    selected = select_rules(rules, config)
    ai_ids = None if ai_system_ids is None else {int(i) for i in ai_system_ids}
    ds_ids = None if dataset_ids is None else {int(i) for i in dataset_ids}
    facts = load_facts(session, config, today, ai_system_ids=ai_ids, dataset_ids=ds_ids)
    issues: list[ComplianceIssue] = []
    for issue in _run(selected, facts, config, today):
        if ai_ids is not None and not issue.mentions("AISystem") & ai_ids:
            continue
        if ds_ids is not None and not issue.mentions("Dataset") & ds_ids:
            continue
        issues.append(issue)
    return _ordered(issues)


@dataclass(frozen=True)
class Subjects:
    """Subjects of issues, by type ("AISystem", "Dataset", "ProcessingActivity",
    "Organisation"); ``everything`` stands for the whole register."""

    ids: dict[str, frozenset[int]]
    everything: bool = False

    def __contains__(self, key: tuple[str, int]) -> bool:
        return self.everything or key[1] in self.ids.get(key[0], frozenset())


def evaluate_subjects(
    session: Session,
    subjects: Subjects,
    *,
    today: dt.date | None = None,
    config: ComplianceConfig | None = None,
) -> list[ComplianceIssue]:
    """Every issue *about* these subjects, as a whole-register :func:`evaluate` finds them,
    loading only the facts around them (:class:`~.loading.Around`)."""
    if subjects.everything:
        return evaluate(session, today=today, config=config)
    config = config or default_compliance_config()
    today = today or dt.date.today()
    around = Around(
        ai_system_ids=subjects.ids.get("AISystem", frozenset()),
        dataset_ids=subjects.ids.get("Dataset", frozenset()),
    )
    facts = load_facts(session, config, today, around=around)
    found = _run(select_rules(None, config), facts, config, today)
    return _ordered([i for i in found if (i.subject_type, i.subject_id) in subjects])


def _run(
    rules: list[Rule], facts: Facts, config: ComplianceConfig, today: dt.date
) -> Iterator[ComplianceIssue]:
    for rule in rules:
        for found in rule.check(facts):
            hit = in_scope(rule, found, facts)
            if hit is not None:
                yield _issue(rule, hit, config, today)


def _ordered(issues: list[ComplianceIssue]) -> list[ComplianceIssue]:
    issues.sort(key=lambda i: (i.severity_rank, i.rule, i.subject_type, i.subject_id, i.message))
    return issues
