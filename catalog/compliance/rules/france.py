"""French public-sector rules: hosting of sensitive State data (Loi SREN, PSSIE), Diffusion
Restreinte (II 901), security homologation (PSSIE, RGS), public algorithm inventory (CRPA)."""

from __future__ import annotations

from collections.abc import Iterator

from registre.catalog.compliance.config import Severity
from registre.catalog.compliance.facts import SENSITIVE, Facts
from registre.catalog.compliance.rule import Hit, Rule, active, blank, code, in_use, subject_of
from registre.catalog.enums import (
    AISystemStatus,
    AssessmentKind,
    FindingStatus,
    PolicyFramework,
    PolicyLinkStatus,
    Sensitivity,
)
from registre.catalog.i18n import N_, Country, Joined, Text
from registre.catalog.models.data import Dataset, Organisation
from registre.catalog.publication.gate import RULE_ID as PUBLICATION_RULE_ID


def _host_problems(facts: Facts, org: Organisation | None, country: str | None) -> list[Text]:
    """Why a host is not acceptable for sensitive State data (empty list: it is)."""
    problems: list[Text] = []
    if country is not None and country != "FR":
        problems.append(Text("hosted in {country}, outside France", country=Country(country)))
    if org is not None:
        qualified = facts.config.secnumcloud_qualification in {
            q.upper() for q in org.qualifications
        }
        if not org.is_public_body and not qualified:
            problems.append(
                Text(
                    "'{name}' is a cloud provider without SecNumCloud qualification",
                    name=org.name,
                )
            )
        if org.non_eu_control:
            problems.append(Text("'{name}' is under non-EU control", name=org.name))
    return problems


def _hosts(
    facts: Facts, dataset: Dataset
) -> Iterator[tuple[str, dict[str, object], Organisation | None, str | None]]:
    """Every place a dataset is kept or processed: its data store, the AI systems using it."""
    store = facts.stores[dataset.data_store_id]
    org = facts.org(store.hosting_organisation_id)
    country = store.hosting_country or (org.country if org else None)
    yield Text("data store '{name}'", name=store.name), {"data_store": store.name}, org, country
    for system in facts.systems_using(dataset):
        if not active(system):
            continue
        org = facts.org(system.hosting_organisation_id)
        country = system.hosting_country or (org.country if org else None)
        yield (
            Text("AI system '{name}'", name=system.name),
            {"ai_system_id": system.id, "ai_system": system.name},
            org,
            country,
        )


def sensitive_data_hosting(facts: Facts) -> Iterator[Hit]:
    """Confidential or Diffusion Restreinte data on a non-SecNumCloud cloud or outside France."""
    for ds in facts.datasets.values():
        if ds.sensitivity not in SENSITIVE:
            continue
        base: dict[str, object] = {
            "dataset_id": ds.id,
            "dataset": ds.qualified_name,
            "sensitivity": ds.sensitivity.value if ds.sensitivity else None,
        }
        for where, where_facts, org, country in _hosts(facts, ds):
            if org is None:
                missing = (
                    Text("hosting organisation")
                    if country
                    else Text("hosting organisation and country")
                )
                yield Hit(
                    subject_of(ds),
                    Text(
                        "unknown: {missing} not recorded for {where}, which "
                        "holds {sensitivity} data '{dataset}'",
                        missing=missing,
                        where=where,
                        sensitivity=code(ds.sensitivity),
                        dataset=ds.qualified_name,
                    ),
                    {**base, **where_facts},
                    unknown=True,
                )
                continue
            problems = _host_problems(facts, org, country.upper() if country else None)
            if problems:
                yield Hit(
                    subject_of(ds),
                    Text(
                        "{sensitivity} data '{dataset}' on {where}: {problems}",
                        sensitivity=code(ds.sensitivity),
                        dataset=ds.qualified_name,
                        where=where,
                        problems=Joined(problems),
                    ),
                    {
                        **base,
                        **where_facts,
                        "host": org.name,
                        "country": country,
                        "qualifications": list(org.qualifications),
                        "non_eu_control": org.non_eu_control,
                    },
                )


def restricted_without_ii901(facts: Facts) -> Iterator[Hit]:
    """An AI system processes Diffusion Restreinte data without being compliant with II 901."""
    for s in facts.systems:
        if not active(s):
            continue
        restricted = [
            ds for ds, _ in facts.datasets_of(s) if ds.sensitivity is Sensitivity.RESTRICTED
        ]
        if not restricted:
            continue
        links = [
            (p, link)
            for p, link in facts.policy_links.get(s.id, [])
            if p.framework is PolicyFramework.II_901
        ]
        if any(link.status is PolicyLinkStatus.COMPLIANT for _, link in links):
            continue
        yield Hit(
            subject_of(s),
            Text(
                "'{name}' uses Diffusion Restreinte data ({datasets}) and is not recorded as "
                "compliant with II 901",
                name=s.name,
                datasets=[ds.qualified_name for ds in restricted],
            ),
            {
                "ai_system_id": s.id,
                "dataset_ids": [ds.id for ds in restricted],
                "ii_901_links": [
                    {"policy_id": p.id, "control_ref": p.control_ref, "status": link.status.value}
                    for p, link in links
                ],
            },
        )


def no_homologation(facts: Facts) -> Iterator[Hit]:
    """A system is in production without a completed security homologation."""
    for s in facts.systems:
        if s.status is not AISystemStatus.IN_PRODUCTION:
            continue
        if facts.completed(AssessmentKind.SECURITY_HOMOLOGATION, system_ids=[s.id]):
            continue
        others = facts.assessments(AssessmentKind.SECURITY_HOMOLOGATION, system_ids=[s.id])
        state = (
            Text(
                " (homologation {statuses})",
                statuses=[code(v) for v in sorted({a.status.value for a in others})],
            )
            if others
            else ""
        )
        yield Hit(
            subject_of(s),
            Text(
                "'{name}' is in production without a completed security homologation{state}",
                name=s.name,
                state=state,
            ),
            {
                "ai_system_id": s.id,
                "status": s.status.value,
                "homologation_statuses": [a.status.value for a in others],
            },
        )


def not_in_public_inventory(facts: Facts) -> Iterator[Hit]:
    """An administration of 50 agents or more uses an algorithm for individual decisions that
    is missing from its published inventory of algorithmic processing."""
    threshold = facts.config.thresholds.crpa_headcount
    for s in facts.systems:
        if not (in_use(s) and s.individual_decisions) or not blank(s.public_inventory_url):
            continue
        base: dict[str, object] = {"ai_system_id": s.id, "individual_decisions": True}
        orgs, _ = facts.deployers(s)
        over = [o for o in orgs if o.headcount is not None and o.headcount >= threshold]
        if over or not orgs:
            # no deployer: the engine reports the scope as open ("unknown: the deployer...")
            yield Hit(
                subject_of(s),
                Text(
                    "'{name}' grounds individual decisions{of} and is not in the public "
                    "algorithm inventory",
                    name=s.name,
                    of=Text(
                        " of {deployers} ({threshold} agents or more)",
                        deployers=[o.name for o in over],
                        threshold=threshold,
                    )
                    if over
                    else "",
                ),
                {**base, "headcount": [o.headcount for o in over], "threshold": threshold},
            )  # fmt: skip
        elif any(o.headcount is None for o in orgs):
            names = [o.name for o in orgs if o.headcount is None]
            yield Hit(
                subject_of(s),
                Text(
                    "unknown: headcount not recorded for {names}; "
                    "CRPA L312-1-3 applies from {threshold} agents",
                    names=names,
                    threshold=threshold,
                ),
                {**base, "threshold": threshold},
                unknown=True,
            )


def decision_without_notice(facts: Facts) -> Iterator[Hit]:
    """An individual decision taken on the basis of an algorithm does not carry the explicit
    mention that tells the person so and how to obtain its rules (CRPA L311-3-1)."""
    for s in facts.systems:
        if not (in_use(s) and s.individual_decisions) or s.individual_decision_notice:
            continue
        base: dict[str, object] = {
            "ai_system_id": s.id,
            "individual_decisions": True,
            "individual_decision_notice": s.individual_decision_notice,
        }
        if s.individual_decision_notice is None:
            yield Hit(
                subject_of(s),
                Text(
                    "unknown: whether the individual decisions grounded on '{name}' carry the "
                    "explicit mention of the algorithm is not recorded "
                    "(individualDecisionNotice)",
                    name=s.name,
                ),
                base,
                unknown=True,
            )
        else:
            yield Hit(
                subject_of(s),
                Text(
                    "the individual decisions grounded on '{name}' do not carry the explicit "
                    "mention that an algorithm was used and that its rules may be obtained",
                    name=s.name,
                ),
                base,
            )


def open_data_with_personal_data(facts: Facts) -> Iterator[Hit]:
    """Open data holding personal data (or a re-identification risk) that no recorded
    ground covers: anonymisation, or the legal exception relied upon (CRPA L312-1-2)."""
    for dataset_id, found in sorted(facts.publication_blockers.items()):
        ds = facts.datasets.get(dataset_id)
        if ds is None:
            continue
        suggested = all(b.status is FindingStatus.SUGGESTED for b in found)
        since = Text(" since its publication ground was recorded") if ds.publication_ground else ""
        what = Joined(b.describe() for b in found)
        yield Hit(
            subject_of(ds),
            Text(
                "dataset '{dataset}' is marked open data ({access}) and holds personal "
                "data{since}: {what}; it is withheld from the DCAT catalogue until the "
                "findings are reviewed or a ground is recorded",
                dataset=ds.qualified_name,
                access=code(ds.open_data_access),
                since=since,
                what=what,
            ),
            {
                "dataset_id": ds.id,
                "dataset": ds.qualified_name,
                "open_data_access": ds.open_data_access.value,
                "publication_ground": ds.publication_ground.value
                if ds.publication_ground
                else None,
                "fields": sorted({b.field for b in found}),
                "findings": [b.as_fact() for b in found],
            },
            suggested=suggested,
        )


RULES: tuple[Rule, ...] = (
    Rule(
        "SREN-31-HOSTING",
        N_("Sensitive State data on a non-SecNumCloud cloud or outside France"),
        Severity.HIGH,
        N_("Loi SREN art. 31; PSSIE INT-REX-HB"),
        sensitive_data_hosting,
    ),
    Rule(
        "II901-DR",
        N_("Diffusion Restreinte data on a system not compliant with II 901"),
        Severity.HIGH,
        N_("II 901/SGDSN/ANSSI"),
        restricted_without_ii901,
    ),
    Rule(
        "PSSIE-HOMOLOGATION",
        N_("System in production without security homologation"),
        Severity.HIGH,
        N_("PSSIE INT-HOMOLOG-SSI; RGS art. 5"),
        no_homologation,
    ),
    Rule(
        "CRPA-L312-INVENTORY",
        N_("Individual decisions missing from the public algorithm inventory"),
        Severity.MEDIUM,
        N_("CRPA L312-1-3"),
        not_in_public_inventory,
    ),
    Rule(
        "CRPA-L311-NOTICE",
        N_("Individual decision without the explicit mention of the algorithm"),
        Severity.MEDIUM,
        N_("CRPA L311-3-1, R311-3-1-1"),
        decision_without_notice,
    ),
    Rule(
        PUBLICATION_RULE_ID,
        N_("Open data holding personal data without a ground that allows publishing it"),
        Severity.HIGH,
        N_("CRPA L312-1-2; GDPR Art. 5(1)(b), 6(4)"),
        open_data_with_personal_data,
    ),
)
