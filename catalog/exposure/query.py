"""Exposure of personal data, as a security team (RSSI) asks about it: which datasets.

:class:`ExposureFilter` says which exposure to show; :func:`exposed_datasets` selects the
datasets holding the personal data it asks about (as
:func:`~registre.catalog.data.search.holds_personal_data` defines it, read from the
exposure kept per dataset by :mod:`.kept`, so that no read scans ``field`` or ``finding``).
What is shown about a page of them is in :mod:`.details`, counts over the whole selection
in :mod:`.summary`, changes in :mod:`.changes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, true
from sqlalchemy.orm import aliased

from registre.catalog.data.search import personal_finding
from registre.catalog.enums import FindingStatus, RiskClass
from registre.catalog.errors import InvalidInput
from registre.catalog.geography import EU_EEA
from registre.catalog.i18n import Text
from registre.catalog.models.ai import AISystem, AISystemDataset
from registre.catalog.models.data import Dataset, DataStore, Finding, Organisation
from registre.catalog.models.exposure import ExposureDatasetRow, ExposureFindingRow


@dataclass(frozen=True)
class ExposureFilter:
    """Which exposure to show.

    The finding criteria (``categories``, ``entity_types``, ``status``; each list means
    "any of") choose *which personal data* is shown and counted. The other criteria choose
    datasets and leave their findings whole.
    """

    categories: frozenset[str] = frozenset()
    entity_types: frozenset[str] = frozenset()
    status: FindingStatus | None = None
    data_store_id: int | None = None
    #: the data store, or an AI system using the dataset (its host or its provider), is
    #: in a country outside the EU/EEA; an unrecorded country does not count as outside
    hosting_outside_eu: bool | None = None
    #: the data store's host, or an AI system's host or provider, is under the control of a
    #: non-EU entity (extraterritorial laws reach it wherever the servers are)
    non_eu_control: bool | None = None
    #: an AI system of this risk class uses the dataset
    ai_risk_class: RiskClass | None = None
    used_by_ai_system: bool | None = None

    def __post_init__(self) -> None:
        if self.status is FindingStatus.REJECTED:
            raise InvalidInput(
                Text("a rejected finding is not personal data; ask SUGGESTED or CONFIRMED"),
                field="status",
            )


# --- SQL conditions --------------------------------------------------------------------


def _outside_eu_sql(country: Any) -> ColumnElement[bool]:
    return and_(country.is_not(None), func.upper(country).not_in(sorted(EU_EEA)))


def finding_condition(flt: ExposureFilter) -> ColumnElement[bool]:
    """``Finding`` (joined to its ``Field``) is personal data that ``flt`` asks about."""
    conds: list[ColumnElement[bool]] = []
    if flt.categories:
        conds.append(Finding.category.in_(sorted(flt.categories)))
    if flt.entity_types:
        conds.append(Finding.entity_type.in_(sorted(flt.entity_types)))
    if flt.status is not None:
        conds.append(Finding.status == flt.status)
    return personal_finding(*conds)


def _store_outside_eu() -> ColumnElement[bool]:
    host = aliased(Organisation)
    country = func.coalesce(DataStore.hosting_country, host.country)
    return exists(
        select(DataStore.id)
        .outerjoin(host, DataStore.hosting_organisation_id == host.id)
        .where(DataStore.id == Dataset.data_store_id, _outside_eu_sql(country))
    )


def _ai_outside_eu() -> ColumnElement[bool]:
    host, provider = aliased(Organisation), aliased(Organisation)
    country = func.coalesce(AISystem.hosting_country, host.country)
    return exists(
        select(AISystemDataset.id)
        .join(AISystem, AISystem.id == AISystemDataset.ai_system_id)
        .outerjoin(host, AISystem.hosting_organisation_id == host.id)
        .outerjoin(provider, AISystem.provider_id == provider.id)
        .where(
            AISystemDataset.dataset_id == Dataset.id,
            or_(_outside_eu_sql(country), _outside_eu_sql(provider.country)),
        )
    )


def _store_non_eu_control() -> ColumnElement[bool]:
    return exists(
        select(DataStore.id)
        .join(Organisation, Organisation.id == DataStore.hosting_organisation_id)
        .where(DataStore.id == Dataset.data_store_id, Organisation.non_eu_control.is_(True))
    )


def _ai_non_eu_control() -> ColumnElement[bool]:
    return exists(
        select(AISystemDataset.id)
        .join(AISystem, AISystem.id == AISystemDataset.ai_system_id)
        .join(
            Organisation,
            or_(
                Organisation.id == AISystem.hosting_organisation_id,
                Organisation.id == AISystem.provider_id,
            ),
        )
        .where(AISystemDataset.dataset_id == Dataset.id, Organisation.non_eu_control.is_(True))
    )


def hosting_conditions() -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """On ``Dataset``: (outside the EU/EEA, under non-EU control), its store or an AI
    system using it; what :mod:`.kept` records per dataset."""
    return (
        or_(_store_outside_eu(), _ai_outside_eu()),
        or_(_store_non_eu_control(), _ai_non_eu_control()),
    )


def kept_finding_condition(flt: ExposureFilter) -> ColumnElement[bool]:
    """``ExposureFindingRow`` (personal data by construction) is what ``flt`` asks about."""
    row = ExposureFindingRow
    conds: list[ColumnElement[bool]] = []
    if flt.categories:
        conds.append(row.category.in_(sorted(flt.categories)))
    if flt.entity_types:
        conds.append(row.entity_type.in_(sorted(flt.entity_types)))
    if flt.status is not None:
        conds.append(row.status == flt.status.value)
    return and_(true(), *conds)


def kept_dataset_conditions(flt: ExposureFilter, dataset_id: Any) -> list[ColumnElement[bool]]:
    """Conditions on a dataset id column (``Dataset.id``, ``ExposureFindingRow.dataset_id``,
    ``ExposureDatasetRow.dataset_id``) from the dataset criteria of ``flt`` (the finding
    criteria apply to the findings), read from the kept exposure (:mod:`.kept`) and the AI
    system links."""
    conds: list[ColumnElement[bool]] = []
    kept = ExposureDatasetRow
    on_kept = dataset_id is kept.dataset_id  # the flags are on the row itself
    for flag, wanted in (
        (kept.outside_eu, flt.hosting_outside_eu),
        (kept.non_eu_control, flt.non_eu_control),
    ):
        if wanted is None:
            continue
        if on_kept:
            conds.append(flag == wanted)
        else:
            conds.append(
                exists(select(kept.dataset_id).where(kept.dataset_id == dataset_id, flag == wanted))
            )
    if flt.ai_risk_class is not None:
        conds.append(
            exists(
                select(AISystemDataset.id)
                .join(AISystem, AISystem.id == AISystemDataset.ai_system_id)
                .where(
                    AISystemDataset.dataset_id == dataset_id,
                    AISystem.risk_class == flt.ai_risk_class,
                )
            )
        )
    if flt.used_by_ai_system is not None:
        used = exists(select(AISystemDataset.id).where(AISystemDataset.dataset_id == dataset_id))
        conds.append(used if flt.used_by_ai_system else ~used)
    return conds


def dataset_conditions(flt: ExposureFilter) -> list[ColumnElement[bool]]:
    """Conditions on ``Dataset``: not removed, matching ``flt`` and holding personal data
    that ``flt`` asks about (read from the kept exposure, :mod:`.kept`)."""
    row = ExposureFindingRow
    conds: list[ColumnElement[bool]] = [
        Dataset.removed_at.is_(None),
        exists(
            select(row.finding_id).where(row.dataset_id == Dataset.id, kept_finding_condition(flt))
        ),
    ]
    if flt.data_store_id is not None:
        conds.append(Dataset.data_store_id == flt.data_store_id)
    return conds + kept_dataset_conditions(flt, Dataset.id)


def exposed_datasets(flt: ExposureFilter) -> Select[Any]:
    """The datasets holding personal data that ``flt`` asks about (unordered, for paging)."""
    return select(Dataset).where(*dataset_conditions(flt))
