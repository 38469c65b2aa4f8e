"""What a GDPR hit says of a dataset's personal data: its facts, and whether it rests only
on scanner suggestions (the engine then lowers the hit one step)."""

from __future__ import annotations

from registre.catalog.compliance.facts import PersonalData
from registre.catalog.enums import FindingStatus
from registre.catalog.models.data import Dataset


def personal_facts(
    dataset: Dataset,
    personal: PersonalData,
    categories: list[str] | None = None,
) -> dict[str, object]:
    status = personal.status(categories)
    return {
        "dataset_id": dataset.id,
        "dataset": dataset.qualified_name,
        "categories": personal.categories(categories),
        "fields": personal.fields(categories),
        "finding_status": status.value if status else None,
    }


def suggested(personal: PersonalData, categories: list[str] | None = None) -> bool:
    return personal.status(categories) is FindingStatus.SUGGESTED
