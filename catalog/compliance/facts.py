"""The facts compliance rules read: plain dictionaries, no session, no lazy loading.

They are loaded by :mod:`registre.catalog.compliance.loading` in a constant number of
queries: whatever the number of AI systems, ``load_facts`` runs the same ten or so SELECTs
(systems, their dataset links, datasets with their stores, personal-data findings,
organisations, processing activities and their two link tables, assessments, policy
links). Rules then only read these dictionaries: no rule touches the session, and no
ORM relationship is lazy-loaded.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from registre.catalog.compliance.config import ComplianceConfig
from registre.catalog.enums import (
    AISystemStatus,
    AssessmentKind,
    AssessmentStatus,
    FindingStatus,
    Sensitivity,
)
from registre.catalog.models.ai import (
    AISystem,
    AISystemPolicy,
    Assessment,
    Policy,
    ProcessingActivity,
)
from registre.catalog.models.data import Dataset, DataStore, Organisation
from registre.catalog.publication.gate import Blocker

SENSITIVE = (Sensitivity.CONFIDENTIAL, Sensitivity.RESTRICTED)


@dataclass
class PersonalData:
    """The personal data a dataset holds, from findings that count (confirmed or still seen).

    Field names only: a finding's masked example or a scanned value never gets here.
    """

    confirmed: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    suggested: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def status(self, categories: Collection[str] | None = None) -> FindingStatus | None:
        """CONFIRMED if a confirmed finding (of ``categories``) exists, else SUGGESTED or None."""
        for status, by_category in (
            (FindingStatus.CONFIRMED, self.confirmed),
            (FindingStatus.SUGGESTED, self.suggested),
        ):
            if any(categories is None or c in categories for c in by_category):
                return status
        return None

    def fields(self, categories: Collection[str] | None = None) -> list[str]:
        """Names of the fields behind the strongest status (sorted)."""
        status = self.status(categories)
        source = self.confirmed if status is FindingStatus.CONFIRMED else self.suggested
        names = {n for c, ns in source.items() if categories is None or c in categories for n in ns}
        return sorted(names)

    def categories(self, categories: Collection[str] | None = None) -> list[str]:
        found = set(self.confirmed) | set(self.suggested)
        return sorted(c for c in found if categories is None or c in categories)


def _reverse(mapping: dict[int, list[int]]) -> dict[int, list[int]]:
    reverse: dict[int, list[int]] = defaultdict(list)
    for key, values in mapping.items():
        for value in values:
            reverse[value].append(key)
    return {k: sorted(v) for k, v in reverse.items()}


@dataclass
class Facts:
    """The register as the rules see it, for one evaluation."""

    config: ComplianceConfig
    today: dt.date
    systems: list[AISystem]
    datasets: dict[int, Dataset]
    stores: dict[int, DataStore]
    organisations: dict[int, Organisation]
    activities: dict[int, ProcessingActivity]
    personal: dict[int, PersonalData]
    uses: dict[int, dict[int, list[str]]]  # system id -> dataset id -> usages
    users: dict[int, list[int]]  # dataset id -> system ids (in scope)
    activities_by_system: dict[int, list[int]]
    activities_by_dataset: dict[int, list[int]]
    assessments_by_system: dict[int, list[Assessment]]
    assessments_by_activity: dict[int, list[Assessment]]
    policy_links: dict[int, list[tuple[Policy, AISystemPolicy]]]
    #: open datasets -> the findings the publication gate stops them on
    publication_blockers: dict[int, list[Blocker]] = field(default_factory=dict)
    systems_by_id: dict[int, AISystem] = field(init=False)
    systems_by_activity: dict[int, list[int]] = field(init=False)
    datasets_by_activity: dict[int, list[int]] = field(init=False)

    def __post_init__(self) -> None:
        self.systems_by_id = {s.id: s for s in self.systems}
        self.systems_by_activity = _reverse(self.activities_by_system)
        self.datasets_by_activity = _reverse(self.activities_by_dataset)

    # --- navigation -------------------------------------------------------------------
    def datasets_of(self, system: AISystem) -> list[tuple[Dataset, list[str]]]:
        """The (non-removed) datasets a system uses, with how it uses them."""
        links = self.uses.get(system.id, {})
        return [(self.datasets[d], links[d]) for d in sorted(links) if d in self.datasets]

    def personal_datasets_of(self, system: AISystem) -> list[tuple[Dataset, PersonalData]]:
        return [
            (ds, self.personal[ds.id])
            for ds, _ in self.datasets_of(system)
            if ds.id in self.personal
        ]

    def systems_using(self, dataset: Dataset) -> list[AISystem]:
        return [self.systems_by_id[s] for s in self.users.get(dataset.id, [])]

    def org(self, org_id: int | None) -> Organisation | None:
        return None if org_id is None else self.organisations.get(org_id)

    def activities_of(
        self, *, system_ids: Iterable[int] = (), dataset_ids: Iterable[int] = ()
    ) -> list[ProcessingActivity]:
        """Processing activities linking any of these systems or datasets, by id."""
        ids: set[int] = set()
        for sid in system_ids:
            ids.update(self.activities_by_system.get(sid, []))
        for did in dataset_ids:
            ids.update(self.activities_by_dataset.get(did, []))
        return [self.activities[i] for i in sorted(ids)]

    def assessments(
        self,
        kind: AssessmentKind,
        *,
        system_ids: Iterable[int] = (),
        activity_ids: Iterable[int] = (),
    ) -> list[Assessment]:
        found: dict[int, Assessment] = {}
        for sid in system_ids:
            found.update(
                (a.id, a) for a in self.assessments_by_system.get(sid, []) if a.kind is kind
            )
        for pid in activity_ids:
            found.update(
                (a.id, a) for a in self.assessments_by_activity.get(pid, []) if a.kind is kind
            )
        return [found[i] for i in sorted(found)]

    def completed(
        self,
        kind: AssessmentKind,
        *,
        system_ids: Iterable[int] = (),
        activity_ids: Iterable[int] = (),
    ) -> list[Assessment]:
        return [
            a
            for a in self.assessments(kind, system_ids=system_ids, activity_ids=activity_ids)
            if a.status is AssessmentStatus.COMPLETED
        ]

    def deployers(self, system: AISystem) -> tuple[list[Organisation], str]:
        """Who deploys ``system`` and how we know: its recorded deployer, else the controllers
        of its processing activities, else the configured ``default_deployer``; ``([], "")``
        if unknown."""
        deployer = self.org(system.deployer_id)
        if deployer is not None:
            return [deployer], "deployer of the AI system"
        controllers = {
            pa.controller_id
            for pa in self.activities_of(system_ids=[system.id])
            if pa.controller_id is not None
        }
        orgs = [self.organisations[c] for c in sorted(controllers) if c in self.organisations]
        if orgs:
            return orgs, "controller of its processing activities"
        return self._default_deployer()

    def _default_deployer(self) -> tuple[list[Organisation], str]:
        name = self.config.default_deployer
        if name:
            match = [o for o in self.organisations.values() if o.name == name]
            if match:
                return match, "default_deployer of config/compliance.yaml"
        return [], ""

    def holders(self, dataset: Dataset) -> tuple[list[Organisation], str]:
        """Whose data ``dataset`` is: the controllers of the processing activities listing it,
        else the deployers of the active AI systems using it, else ``default_deployer``."""
        controllers = {
            pa.controller_id
            for pa in self.activities_of(dataset_ids=[dataset.id])
            if pa.controller_id is not None
        }
        orgs = [self.organisations[c] for c in sorted(controllers) if c in self.organisations]
        if orgs:
            return orgs, "controller of its processing activities"
        found: dict[int, Organisation] = {}
        for system in self.systems_using(dataset):
            if system.status is AISystemStatus.RETIRED:
                continue
            for org in self.deployers(system)[0]:
                found[org.id] = org
        if found:
            return [found[i] for i in sorted(found)], "deployer of the AI systems using it"
        return self._default_deployer()


Link = tuple[int, int, Any]  # (ai_system_id, dataset_id, usage)
