"""GDPR Chapter V: personal data sent outside the EU (an AI system's provider or host, a
data store's host) needs an adequacy decision (Art. 45) or safeguards (Art. 46)."""

from __future__ import annotations

from collections.abc import Iterator

from registre.catalog.compliance.config import AdequacyCondition
from registre.catalog.compliance.facts import Facts
from registre.catalog.compliance.rule import Hit, active, blank, code, subject_of
from registre.catalog.compliance.rules.personal import personal_facts, suggested
from registre.catalog.i18n import Country, Text
from registre.catalog.models.ai import ProcessingActivity
from registre.catalog.models.data import Organisation


def _country(explicit: str | None, org: Organisation | None) -> str | None:
    if explicit:
        return explicit.upper()
    return org.country.upper() if org is not None and org.country else None


def _has_mechanism(activities: list[ProcessingActivity], country: str) -> bool:
    return any(
        str(t.get("country", "")).upper() == country and not blank(t.get("mechanism"))
        for pa in activities
        for t in pa.transfers
    )


def _adequate(facts: Facts, country: str, recipient: Organisation | None) -> str | None:
    """The Art. 45 adequacy decision covering a transfer to ``recipient`` in ``country``."""
    adequacy = facts.config.adequacy(country)
    if adequacy is None:
        return None
    if adequacy.condition is AdequacyCondition.DPF_CERTIFIED:
        # the EU-US Data Privacy Framework covers certified organisations only
        return adequacy.decision if recipient is not None and recipient.dpf_certified else None
    if adequacy.condition is AdequacyCondition.COMMERCIAL:
        # Canada's decision covers organisations subject to PIPEDA (commercial activities)
        return adequacy.decision if recipient is not None and not recipient.is_public_body else None
    return adequacy.decision


def _transfer_gap(
    facts: Facts,
    country: str,
    recipient: Organisation | None,
    activities: list[ProcessingActivity],
) -> bool:
    """A transfer outside the EU/EEA with neither an adequacy decision nor a recorded
    mechanism (Art. 46 safeguard, Art. 49 derogation)."""
    return (
        not facts.config.is_eu_eea(country)
        and _adequate(facts, country, recipient) is None
        and not _has_mechanism(activities, country)
    )


def transfer_without_mechanism(facts: Facts) -> Iterator[Hit]:
    """Personal data hosted or processed outside the EU/EEA, in a country without an Art. 45
    adequacy decision covering the recipient, with no transfer mechanism recorded."""
    yield from _transfers_by_ai_systems(facts)
    yield from _transfers_by_hosting(facts)


def _transfers_by_ai_systems(facts: Facts) -> Iterator[Hit]:
    """AI systems using personal data with their hosting or provider outside the EU/EEA."""
    for s in facts.systems:
        personal = facts.personal_datasets_of(s)
        if not active(s) or not personal:
            continue
        hosting_org = facts.org(s.hosting_organisation_id)
        provider = facts.org(s.provider_id)
        places = [
            (
                "hosting",
                _country(s.hosting_country, hosting_org),
                Text("hosting country"),
                hosting_org,
            )
        ]
        # a provider that neither hosts nor processes the data receives none of it
        if provider is not None and s.provider_processes_data is not False:
            label = Text("country of provider '{provider}'", provider=provider.name)
            places.append(("provider", _country(None, provider), label, provider))
        dataset_ids = [ds.id for ds, _ in personal]
        activities = facts.activities_of(system_ids=[s.id], dataset_ids=dataset_ids)
        only_suggested = all(suggested(p) for _, p in personal)
        base = {
            "ai_system_id": s.id,
            "dataset_ids": dataset_ids,
            "datasets": [ds.qualified_name for ds, _ in personal],
        }
        for role, country, label, recipient in places:
            if country is None:
                yield Hit(
                    subject_of(s),
                    Text(
                        "unknown: {what} not recorded for '{name}', which uses personal data",
                        what=label,
                        name=s.name,
                    ),
                    base,
                    unknown=True,
                )
            elif _transfer_gap(facts, country, recipient, activities):
                yield Hit(
                    subject_of(s),
                    Text(
                        "'{name}' processes personal data with its {role} in {country}, "
                        "outside the EU/EEA, without an adequacy decision covering it, and no "
                        "processing activity records a transfer mechanism for {country}",
                        name=s.name,
                        role=code(role),
                        country=Country(country),
                    ),
                    {
                        **base,
                        "role": role,
                        "country": country,
                        "processing_activity_ids": [pa.id for pa in activities],
                    },
                    suggested=only_suggested,
                )


def _transfers_by_hosting(facts: Facts) -> Iterator[Hit]:
    """Datasets holding personal data on a store hosted outside the EU/EEA."""
    for ds in facts.datasets.values():
        personal_data = facts.personal.get(ds.id)
        if personal_data is None:
            continue
        store = facts.stores[ds.data_store_id]
        host = facts.org(store.hosting_organisation_id)
        country = _country(store.hosting_country, host)
        users = facts.systems_using(ds)
        base = {
            **personal_facts(ds, personal_data),
            "data_store": store.name,
            "ai_system_ids": [u.id for u in users],
        }
        if country is None:
            # Only datasets an AI system uses: the exposure queries cover the rest.
            if users:
                yield Hit(
                    subject_of(ds),
                    Text(
                        "unknown: hosting country not recorded for data store '{store}' of "
                        "'{dataset}', which holds personal data",
                        store=store.name,
                        dataset=ds.qualified_name,
                    ),
                    base,
                    unknown=True,
                )
            continue
        activities = facts.activities_of(system_ids=[u.id for u in users], dataset_ids=[ds.id])
        if _transfer_gap(facts, country, host, activities):
            yield Hit(
                subject_of(ds),
                Text(
                    "'{dataset}' holds personal data hosted in {country} (data store "
                    "'{store}'), outside the EU/EEA, without an adequacy decision covering "
                    "it, with no transfer mechanism recorded",
                    dataset=ds.qualified_name,
                    country=Country(country),
                    store=store.name,
                ),
                {**base, "country": country},
                suggested=suggested(personal_data),
            )
