"""Loading the :class:`~registre.catalog.compliance.facts.Facts` in a constant number of
queries, for the whole register or only around the subjects a change touched
(:class:`Around`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from registre.catalog.compliance.config import ComplianceConfig
from registre.catalog.compliance.facts import SENSITIVE, Facts, Link, PersonalData
from registre.catalog.data.search import holds_personal_data, personal_finding
from registre.catalog.enums import (
    OPEN_DATA,
    FindingStatus,
)
from registre.catalog.models.ai import (
    AISystem,
    AISystemDataset,
    AISystemPolicy,
    Assessment,
    Policy,
    ProcessingActivity,
    processing_activity_ai_system,
    processing_activity_dataset,
)
from registre.catalog.models.data import Dataset, DataStore, Field, Finding, Organisation
from registre.catalog.publication.gate import blockers


@dataclass(frozen=True)
class Around:
    """AI systems and datasets whose facts must be what a whole-register load gives them.

    Loaded: every link of these systems and datasets, the systems and datasets at the
    other end, and, of the datasets, only those a whole-register load keeps (used by an
    AI system, sensitive, or holding personal data). A system of ``ai_system_ids`` then
    sees all its datasets and a dataset of ``dataset_ids`` all the systems using it, so
    the rules say about them exactly what they say over the whole register; what they say
    about the systems and datasets at the other end is partial and must be dropped.
    Organisations, processing activities and assessments are loaded whole (small tables).
    """

    ai_system_ids: frozenset[int]
    dataset_ids: frozenset[int]


def load_facts(
    session: Session,
    config: ComplianceConfig,
    today: dt.date,
    *,
    ai_system_ids: Collection[int] | None = None,
    dataset_ids: Collection[int] | None = None,
    around: Around | None = None,
) -> Facts:
    """Load what the rules need for the systems and datasets in scope (None = all).

    ``around``: complete facts for these AI systems and datasets (see :class:`Around`),
    instead of the ``ai_system_ids`` / ``dataset_ids`` scopes.
    """
    scoped = ai_system_ids is not None or dataset_ids is not None or around is not None
    if around is not None:
        links = _links_around(session, around)
        systems = _systems_around(session, around, links)
        datasets, stores = _datasets_around(session, around, links)
    else:
        links = _links(session, ai_system_ids, dataset_ids)
        systems = _systems(session, links, ai_system_ids, dataset_ids)
        datasets, stores = _datasets(session, links, ai_system_ids, dataset_ids)
    in_scope = {s.id for s in systems}
    uses, users = _uses(links, in_scope)
    by_system, by_dataset = _activity_links(session)
    assess_system, assess_activity = _assessments(session)
    return Facts(
        config=config,
        today=today,
        systems=systems,
        datasets=datasets,
        stores=stores,
        organisations={o.id: o for o in session.scalars(select(Organisation))},
        activities={pa.id: pa for pa in session.scalars(select(ProcessingActivity))},
        personal=_personal_data(session, datasets, scoped),
        uses=uses,
        users=users,
        activities_by_system=by_system,
        activities_by_dataset=by_dataset,
        assessments_by_system=assess_system,
        assessments_by_activity=assess_activity,
        policy_links=_policy_links(session, in_scope if scoped else None),
        publication_blockers=blockers(
            session, [d.id for d in datasets.values() if d.open_data_access in OPEN_DATA]
        ),
    )


def _links(
    session: Session, ai_system_ids: Collection[int] | None, dataset_ids: Collection[int] | None
) -> list[Link]:
    """The AI system -> dataset links in scope."""
    stmt = select(AISystemDataset.ai_system_id, AISystemDataset.dataset_id, AISystemDataset.usage)
    if ai_system_ids is not None:
        stmt = stmt.where(AISystemDataset.ai_system_id.in_(list(ai_system_ids)))
    elif dataset_ids is not None:
        stmt = stmt.where(AISystemDataset.dataset_id.in_(list(dataset_ids)))
    return [(sid, did, usage) for sid, did, usage in session.execute(stmt).all()]


def _systems(
    session: Session,
    links: list[Link],
    ai_system_ids: Collection[int] | None,
    dataset_ids: Collection[int] | None,
) -> list[AISystem]:
    stmt = select(AISystem).order_by(AISystem.id)
    if ai_system_ids is not None:
        stmt = stmt.where(AISystem.id.in_(list(ai_system_ids)))
    elif dataset_ids is not None:
        stmt = stmt.where(AISystem.id.in_({sid for sid, _, _ in links}))
    return list(session.scalars(stmt))


def _links_around(session: Session, around: Around) -> list[Link]:
    stmt = select(AISystemDataset.ai_system_id, AISystemDataset.dataset_id, AISystemDataset.usage)
    stmt = stmt.where(
        or_(
            AISystemDataset.ai_system_id.in_(sorted(around.ai_system_ids)),
            AISystemDataset.dataset_id.in_(sorted(around.dataset_ids)),
        )
    )
    return [(sid, did, usage) for sid, did, usage in session.execute(stmt).all()]


def _systems_around(session: Session, around: Around, links: list[Link]) -> list[AISystem]:
    wanted = set(around.ai_system_ids) | {sid for sid, _, _ in links}
    return list(
        session.scalars(
            select(AISystem).where(AISystem.id.in_(sorted(wanted))).order_by(AISystem.id)
        )
    )


def _datasets_around(
    session: Session, around: Around, links: list[Link]
) -> tuple[dict[int, Dataset], dict[int, DataStore]]:
    wanted = set(around.dataset_ids) | {did for _, did, _ in links}
    stmt = (
        select(Dataset, DataStore)
        .join(DataStore, DataStore.id == Dataset.data_store_id)
        .where(
            Dataset.removed_at.is_(None),
            Dataset.id.in_(sorted(wanted)),
            # the whole-register load's choice, so that a dataset no rule sees there is not
            # seen here either
            or_(
                Dataset.id.in_(select(AISystemDataset.dataset_id)),
                Dataset.sensitivity.in_(SENSITIVE),
                holds_personal_data(),
            ),
        )
    )
    return _by_id(session.execute(stmt).all())


def _by_id(rows: Iterable[Any]) -> tuple[dict[int, Dataset], dict[int, DataStore]]:
    datasets: dict[int, Dataset] = {}
    stores: dict[int, DataStore] = {}
    for dataset, store in rows:
        datasets[dataset.id] = dataset
        stores[store.id] = store
    return datasets, stores


def _datasets(
    session: Session,
    links: list[Link],
    ai_system_ids: Collection[int] | None,
    dataset_ids: Collection[int] | None,
) -> tuple[dict[int, Dataset], dict[int, DataStore]]:
    """The datasets the rules look at, with their stores.

    In scope: those the systems use (and those asked for); over the whole register: every
    dataset an AI system uses, that is sensitive, or that holds personal data.
    """
    stmt = (
        select(Dataset, DataStore)
        .join(DataStore, DataStore.id == Dataset.data_store_id)
        .where(Dataset.removed_at.is_(None))
    )
    if ai_system_ids is not None or dataset_ids is not None:
        wanted = {did for _, did, _ in links}
        if ai_system_ids is None and dataset_ids is not None:
            wanted |= set(dataset_ids)  # datasets no AI system uses have their own rules
        stmt = stmt.where(Dataset.id.in_(wanted))
    else:
        stmt = stmt.where(
            or_(
                Dataset.id.in_(select(AISystemDataset.dataset_id)),
                Dataset.sensitivity.in_(SENSITIVE),
                holds_personal_data(),
            )
        )
    return _by_id(session.execute(stmt).all())


def _personal_data(
    session: Session, datasets: dict[int, Dataset], scoped: bool
) -> dict[int, PersonalData]:
    """Which fields of each dataset hold personal data, by category, confirmed or not."""
    stmt = (
        select(Field.dataset_id, Field.name, Finding.category, Finding.status)
        .join(Field, Field.id == Finding.field_id)
        .where(personal_finding())
        .distinct()
    )
    if scoped:
        stmt = stmt.where(Field.dataset_id.in_(list(datasets)))
    personal_data: dict[int, PersonalData] = {}
    for dataset_id, field_name, category, status in session.execute(stmt).all():
        if dataset_id not in datasets:
            continue
        summary = personal_data.setdefault(dataset_id, PersonalData())
        target = summary.confirmed if status is FindingStatus.CONFIRMED else summary.suggested
        target[category].add(field_name)
    return personal_data


def _uses(
    links: list[Link], in_scope: set[int]
) -> tuple[dict[int, dict[int, list[str]]], dict[int, list[int]]]:
    """Usages per system and dataset, and the systems using each dataset, in a stable order."""
    uses: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    users: dict[int, list[int]] = defaultdict(list)
    for sid, did, usage in sorted(links, key=lambda r: (r[0], r[1], r[2].value)):
        if sid not in in_scope:
            continue
        uses[sid][did].append(usage.value)
        if sid not in users[did]:
            users[did].append(sid)
    return uses, users


def _grouped(session: Session, key: Any, value: Any) -> dict[int, list[int]]:
    """The ``value`` column of a link table's rows, grouped by its ``key`` column."""
    grouped: dict[int, list[int]] = defaultdict(list)
    for k, v in session.execute(select(key, value)).all():
        grouped[k].append(v)
    return grouped


def _activity_links(session: Session) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Processing activities by AI system and by dataset."""
    by_system = processing_activity_ai_system.c
    by_dataset = processing_activity_dataset.c
    return (
        _grouped(session, by_system.ai_system_id, by_system.processing_activity_id),
        _grouped(session, by_dataset.dataset_id, by_dataset.processing_activity_id),
    )


def _assessments(
    session: Session,
) -> tuple[dict[int, list[Assessment]], dict[int, list[Assessment]]]:
    """Assessments by AI system and by processing activity."""
    by_system: dict[int, list[Assessment]] = defaultdict(list)
    by_activity: dict[int, list[Assessment]] = defaultdict(list)
    for assessment in session.scalars(select(Assessment).order_by(Assessment.id)):
        if assessment.ai_system_id is not None:
            by_system[assessment.ai_system_id].append(assessment)
        if assessment.processing_activity_id is not None:
            by_activity[assessment.processing_activity_id].append(assessment)
    return by_system, by_activity


def _policy_links(
    session: Session, systems: set[int] | None
) -> dict[int, list[tuple[Policy, AISystemPolicy]]]:
    """The policies linked to each AI system (of ``systems``, or of all)."""
    stmt = select(Policy, AISystemPolicy).join(Policy, Policy.id == AISystemPolicy.policy_id)
    if systems is not None:
        stmt = stmt.where(AISystemPolicy.ai_system_id.in_(systems))
    policy_links: dict[int, list[tuple[Policy, AISystemPolicy]]] = defaultdict(list)
    for policy, link in session.execute(stmt).all():
        policy_links[link.ai_system_id].append((policy, link))
    return policy_links
