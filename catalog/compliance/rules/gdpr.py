"""GDPR rules: DPIA, Art. 30 record, processors, automated decisions, DPO (transfers:
:mod:`.gdpr_transfers`).

Personal data comes from findings that count (:func:`catalog.data.findings.counts_as_personal`:
confirmed, or suggested and still seen by scans). A hit resting only on suggestions is
marked ``suggested``: the engine lowers it one step and says it awaits review.
"""

from __future__ import annotations

from collections.abc import Iterator

from registre.catalog.compliance.config import Severity
from registre.catalog.compliance.facts import Facts
from registre.catalog.compliance.rule import Hit, Rule, active, blank, code, subject_of
from registre.catalog.compliance.rules.gdpr_transfers import transfer_without_mechanism
from registre.catalog.compliance.rules.personal import personal_facts, suggested
from registre.catalog.enums import AssessmentKind, AutomationLevel
from registre.catalog.i18n import N_, Text
from registre.catalog.models.ai import ProcessingActivity


def special_data_without_dpia(facts: Facts) -> Iterator[Hit]:
    """An AI system uses a dataset holding Art. 9 / Art. 10 data and no DPIA is completed."""
    special = list(facts.config.special_categories)
    for s in facts.systems:
        if not active(s):
            continue
        for ds, personal in facts.personal_datasets_of(s):
            if personal.status(special) is None:
                continue
            activities = facts.activities_of(system_ids=[s.id], dataset_ids=[ds.id])
            if facts.completed(
                AssessmentKind.DPIA, system_ids=[s.id], activity_ids=[pa.id for pa in activities]
            ):
                continue
            yield Hit(
                subject_of(s),
                Text(
                    "'{name}' uses '{dataset}', which holds {categories} data ({fields}), "
                    "and no DPIA is completed",
                    name=s.name,
                    dataset=ds.qualified_name,
                    categories=[code(c) for c in personal.categories(special)],
                    fields=personal.fields(special),
                ),
                {
                    "ai_system_id": s.id,
                    **personal_facts(ds, personal, special),
                    "processing_activity_ids": [pa.id for pa in activities],
                },
                suggested=suggested(personal, special),
            )


def _dpia_criteria(activity: ProcessingActivity) -> list[str]:
    return sorted(set(activity.wp248_criteria))


def wp248_without_dpia(facts: Facts) -> Iterator[Hit]:
    """A processing activity meets two or more WP248 criteria and has no completed DPIA."""
    needed = facts.config.thresholds.wp248_criteria
    for pa in facts.activities.values():
        criteria = _dpia_criteria(pa)
        if len(criteria) < needed:
            continue
        systems = facts.systems_by_activity.get(pa.id, [])
        if facts.completed(AssessmentKind.DPIA, activity_ids=[pa.id], system_ids=systems):
            continue
        yield Hit(
            subject_of(pa),
            Text(
                "processing '{name}' meets {count} WP248 criteria ({criteria}) and has no "
                "completed DPIA",
                name=pa.name,
                count=len(criteria),
                criteria=[code(c) for c in criteria],
            ),
            {
                "processing_activity_id": pa.id,
                "wp248_criteria": criteria,
                "ai_system_ids": systems,
                "dataset_ids": facts.datasets_by_activity.get(pa.id, []),
            },
        )


def no_record(facts: Facts) -> Iterator[Hit]:
    """A dataset with personal data is used by an AI system and no Art. 30 record covers it."""
    for s in facts.systems:
        if not active(s):
            continue
        for ds, personal in facts.personal_datasets_of(s):
            if facts.activities_of(system_ids=[s.id], dataset_ids=[ds.id]):
                continue
            yield Hit(
                subject_of(ds),
                Text(
                    "'{dataset}' holds personal data and is used by '{name}', but no "
                    "processing activity of the Art. 30 record links the dataset or the system",
                    dataset=ds.qualified_name,
                    name=s.name,
                ),
                {"ai_system_id": s.id, "ai_system": s.name, **personal_facts(ds, personal)},
                suggested=suggested(personal),
            )


def processor_without_contract(facts: Facts) -> Iterator[Hit]:
    """An external host, or a provider that processes the data, handles an AI system's
    personal data with no Art. 28 contract recorded."""
    for s in facts.systems:
        personal = facts.personal_datasets_of(s)
        if not active(s) or not personal or not blank(s.processor_contract_ref):
            continue
        own = {o.id for o in facts.deployers(s)[0]}
        host = facts.org(s.hosting_organisation_id)
        provider = facts.org(s.provider_id)
        if provider is not None and (provider.id in own or s.provider_processes_data is False):
            provider = None  # in-house, or a vendor that never sees the data: no processor
        external = [("host", host)] if host is not None and host.id not in own else []
        if provider is not None and s.provider_processes_data:
            external.append(("provider", provider))
        if not external and provider is not None:
            yield Hit(
                subject_of(s),
                Text(
                    "unknown: whether provider '{provider}' hosts or processes the personal "
                    "data of '{name}' is not recorded (providerProcessesData); if it does, an "
                    "Art. 28 processor contract is required",
                    provider=provider.name,
                    name=s.name,
                ),
                {
                    "ai_system_id": s.id,
                    "processors": [provider.name],
                    "roles": ["provider"],
                    "dataset_ids": [ds.id for ds, _ in personal],
                },
                unknown=True,
                suggested=all(suggested(p) for _, p in personal),
            )
            continue
        if not external:
            continue
        names = sorted({org.name for _, org in external})
        yield Hit(
            subject_of(s),
            Text(
                "'{name}' lets {processors} handle personal data with no Art. 28 "
                "processor contract recorded",
                name=s.name,
                processors=names,
            ),
            {
                "ai_system_id": s.id,
                "processors": names,
                "roles": sorted({role for role, _ in external}),
                "dataset_ids": [ds.id for ds, _ in personal],
            },
            suggested=all(suggested(p) for _, p in personal),
        )


def _special_condition(activities: list[ProcessingActivity]) -> bool:
    return any(
        pa.special_category_condition
        and (
            "9(2)(a)" in pa.special_category_condition or "9(2)(g)" in pa.special_category_condition
        )
        for pa in activities
    )


def automated_decision(facts: Facts) -> Iterator[Hit]:
    """A solely automated decision with legal effect offers no way to reach a human, or rests
    on Art. 9 data without a 9(2)(a) or (g) condition."""
    special = list(facts.config.special_categories)
    for s in facts.systems:
        if not active(s) or not (s.individual_decisions and s.legal_effect):
            continue
        base: dict[str, object] = {
            "ai_system_id": s.id,
            "individual_decisions": True,
            "legal_effect": True,
        }
        if s.automation_level is None:
            yield Hit(
                subject_of(s),
                Text(
                    "unknown: automation level not recorded for '{name}', "
                    "which takes individual decisions with legal effect",
                    name=s.name,
                ),
                base,
                unknown=True,
            )
            continue
        if s.automation_level is not AutomationLevel.FULLY_AUTOMATED:
            continue
        base["automation_level"] = s.automation_level.value
        if blank(s.human_review_path):
            yield Hit(
                subject_of(s),
                Text(
                    "'{name}' takes fully automated decisions with legal "
                    "effect and records no way to obtain human intervention (Art. 22(3))",
                    name=s.name,
                ),
                base,
            )
        sensitive = [(ds, p) for ds, p in facts.personal_datasets_of(s) if p.status(special)]
        activities = facts.activities_of(system_ids=[s.id])
        if sensitive and not _special_condition(activities):
            yield Hit(
                subject_of(s),
                Text(
                    "'{name}' takes fully automated decisions with legal effect based on "
                    "special category data and no processing activity records an Art. 9(2)(a) "
                    "or (g) condition (Art. 22(4))",
                    name=s.name,
                ),
                {**base, "dataset_ids": [ds.id for ds, _ in sensitive]},
                suggested=all(suggested(p, special) for _, p in sensitive),
            )


def public_body_without_dpo(facts: Facts) -> Iterator[Hit]:
    """A public body of the register has no data protection officer contact."""
    for org in facts.organisations.values():
        if org.is_public_body and blank(org.dpo_contact):
            yield Hit(
                subject_of(org),
                Text("public body '{name}' records no DPO contact", name=org.name),
                {"organisation_id": org.id},
            )


RULES: tuple[Rule, ...] = (
    Rule(
        "GDPR-9-DPIA",
        N_("AI using Art. 9/10 data without DPIA"),
        Severity.HIGH,
        N_("GDPR Art. 9, 10, 35(3)(b)"),
        special_data_without_dpia,
    ),
    Rule(
        "GDPR-35-WP248",
        N_("Two or more WP248 criteria without DPIA"),
        Severity.HIGH,
        N_("GDPR Art. 35(1); EDPB WP248 rev.01; CNIL"),
        wp248_without_dpia,
    ),
    Rule(
        "GDPR-30-RECORD",
        N_("Personal data used by AI without Art. 30 record"),
        Severity.HIGH,
        N_("GDPR Art. 30(1)"),
        no_record,
    ),
    Rule(
        "GDPR-44-TRANSFER",
        N_("Personal data outside the EU/EEA without transfer mechanism"),
        Severity.HIGH,
        N_("GDPR Art. 44-46"),
        transfer_without_mechanism,
    ),
    Rule(
        "GDPR-28-PROCESSOR",
        N_("External processor without Art. 28 contract"),
        Severity.HIGH,
        N_("GDPR Art. 28"),
        processor_without_contract,
    ),
    Rule(
        "GDPR-22-AUTOMATED",
        N_("Automated decision with legal effect without human path"),
        Severity.HIGH,
        N_("GDPR Art. 22"),
        automated_decision,
    ),
    Rule(
        "GDPR-37-DPO",
        N_("Public body without DPO"),
        Severity.MEDIUM,
        N_("GDPR Art. 37(1)(a)"),
        public_body_without_dpo,
    ),
)
