"""What is shown about a page of exposed datasets: the personal data per field (with its
review status), where each is hosted and by whom, which AI systems use it and how, under
which processing activities and policies, and which compliance issues are open.

Everything about a page is loaded with a fixed number of statements, each part on first
use, whatever the page size. Exposure depends on compliance (its issues), never the reverse.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from registre.catalog.compliance.engine import ComplianceIssue
from registre.catalog.compliance.issues import issues_mentioning
from registre.catalog.exposure.query import ExposureFilter, finding_condition
from registre.catalog.geography import in_eu_eea
from registre.catalog.models.ai import (
    AISystem,
    AISystemDataset,
    AISystemPolicy,
    Policy,
    ProcessingActivity,
    processing_activity_dataset,
)
from registre.catalog.models.data import Dataset, DataStore, Field, Finding, Organisation

#: the qualification ANSSI grants to trusted clouds (PSSIE, Loi SREN art. 31)
SECNUMCLOUD = "SECNUMCLOUD"


@dataclass(frozen=True)
class Hosting:
    """Who hosts a data store, and where."""

    store: DataStore
    organisation: Organisation | None

    @property
    def country(self) -> str | None:
        """The store's own hosting country, else its hosting organisation's."""
        if self.store.hosting_country:
            return self.store.hosting_country
        return self.organisation.country if self.organisation else None

    @property
    def qualifications(self) -> list[str]:
        return list(self.organisation.qualifications) if self.organisation else []

    @property
    def secnumcloud(self) -> bool:
        return any(q.strip().upper() == SECNUMCLOUD for q in self.qualifications)

    @property
    def non_eu_control(self) -> bool:
        return bool(self.organisation and self.organisation.non_eu_control)

    @property
    def outside_eu(self) -> bool | None:
        """None when no country is recorded."""
        inside = in_eu_eea(self.country)
        return None if inside is None else not inside


@dataclass(frozen=True)
class ExposedFinding:
    field: Field
    finding: Finding


@dataclass(frozen=True)
class AIUse:
    """An AI system using a dataset, with who provides and hosts it."""

    link: AISystemDataset
    ai_system: AISystem
    provider: Organisation | None
    hosting_organisation: Organisation | None

    @property
    def hosting_country(self) -> str | None:
        if self.ai_system.hosting_country:
            return self.ai_system.hosting_country
        return self.hosting_organisation.country if self.hosting_organisation else None

    @property
    def outside_eu(self) -> bool | None:
        """True when its host or its provider is outside the EU/EEA; None when neither
        country is recorded."""
        places = [in_eu_eea(self.hosting_country)]
        places.append(in_eu_eea(self.provider.country) if self.provider else None)
        if False in places:
            return True
        return None if all(p is None for p in places) else False


def _subject_kind(subject_type: str) -> str:
    return re.sub(r"[^a-z]", "", subject_type.lower())


class ExposureDetails:
    """Everything shown about a page of exposed datasets.

    Each part is loaded on first use, in one statement for the whole page.
    """

    def __init__(self, session: Session, datasets: Sequence[Dataset], flt: ExposureFilter):
        self.session = session
        self.datasets = list(datasets)
        self.ids = [d.id for d in self.datasets]
        self.flt = flt

    @cached_property
    def findings(self) -> dict[int, list[ExposedFinding]]:
        rows = self.session.execute(
            select(Field, Finding)
            .join(Finding, Finding.field_id == Field.id)
            .where(Field.dataset_id.in_(self.ids), finding_condition(self.flt))
            .order_by(Field.dataset_id, Field.position, Field.id, Finding.entity_type)
        ).all()
        grouped: dict[int, list[ExposedFinding]] = defaultdict(list)
        for fld, finding in rows:
            grouped[fld.dataset_id].append(ExposedFinding(fld, finding))
        return grouped

    @cached_property
    def hosting(self) -> dict[int, Hosting]:
        store_ids = {d.data_store_id for d in self.datasets}
        rows = self.session.execute(
            select(DataStore, Organisation)
            .outerjoin(Organisation, Organisation.id == DataStore.hosting_organisation_id)
            .where(DataStore.id.in_(store_ids))
        ).all()
        by_store = {store.id: Hosting(store, org) for store, org in rows}
        return {d.id: by_store[d.data_store_id] for d in self.datasets}

    @cached_property
    def ai_uses(self) -> dict[int, list[AIUse]]:
        provider, host = aliased(Organisation), aliased(Organisation)
        rows = self.session.execute(
            select(AISystemDataset, AISystem, provider, host)
            .join(AISystem, AISystem.id == AISystemDataset.ai_system_id)
            .outerjoin(provider, provider.id == AISystem.provider_id)
            .outerjoin(host, host.id == AISystem.hosting_organisation_id)
            .where(AISystemDataset.dataset_id.in_(self.ids))
            .order_by(AISystemDataset.dataset_id, AISystem.name, AISystemDataset.usage)
        ).all()
        grouped: dict[int, list[AIUse]] = defaultdict(list)
        for link, system, prov, hosting_org in rows:
            grouped[link.dataset_id].append(AIUse(link, system, prov, hosting_org))
        return grouped

    @cached_property
    def ai_system_ids(self) -> list[int]:
        return sorted({use.ai_system.id for uses in self.ai_uses.values() for use in uses})

    @cached_property
    def processing_activities(self) -> dict[int, list[ProcessingActivity]]:
        link = processing_activity_dataset
        rows = self.session.execute(
            select(link.c.dataset_id, ProcessingActivity)
            .join(ProcessingActivity, ProcessingActivity.id == link.c.processing_activity_id)
            .where(link.c.dataset_id.in_(self.ids))
            .order_by(ProcessingActivity.name)
        ).all()
        grouped: dict[int, list[ProcessingActivity]] = defaultdict(list)
        for dataset_id, activity in rows:
            grouped[dataset_id].append(activity)
        return grouped

    @cached_property
    def policy_links(self) -> dict[int, list[AISystemPolicy]]:
        """The policies covering the AI systems that use each dataset, with their status."""
        by_system: dict[int, list[AISystemPolicy]] = defaultdict(list)
        if self.ai_system_ids:
            rows = self.session.execute(
                select(AISystemPolicy, Policy)
                .join(Policy, Policy.id == AISystemPolicy.policy_id)
                .where(AISystemPolicy.ai_system_id.in_(self.ai_system_ids))
                .order_by(AISystemPolicy.ai_system_id, Policy.framework, Policy.control_ref)
            ).all()
            for link, _policy in rows:
                by_system[link.ai_system_id].append(link)
        grouped: dict[int, list[AISystemPolicy]] = {}
        for dataset_id in self.ids:
            systems = dict.fromkeys(u.ai_system.id for u in self.ai_uses.get(dataset_id, []))
            grouped[dataset_id] = [link for s in systems for link in by_system[s]]
        return grouped

    @property
    def compliance_issues(self) -> dict[int, list[ComplianceIssue]]:
        """Open issues about each dataset, the AI systems using it and its processing
        activities."""
        outcome = self._compliance
        if isinstance(outcome, Exception):
            # evaluated once per page: every dataset asking reports the same failure
            raise outcome
        return outcome

    @cached_property
    def _compliance(self) -> dict[int, list[ComplianceIssue]] | Exception:
        try:
            # the stored issues (kept current by every change) about or naming the page's
            # datasets or the AI systems using them: one statement, no rule evaluated
            found = issues_mentioning(
                self.session, dataset_ids=self.ids, ai_system_ids=self.ai_system_ids
            )
        except Exception as exc:  # noqa: BLE001 - not swallowed: raised for each dataset
            return exc
        issues = {_issue_key(i): i for group in found.values() for i in group}
        grouped: dict[int, list[ComplianceIssue]] = {d: [] for d in self.ids}
        for key in sorted(issues):
            issue = issues[key]
            for dataset_id in self._datasets_concerned(issue):
                grouped[dataset_id].append(issue)
        return grouped

    def _datasets_concerned(self, issue: ComplianceIssue) -> list[int]:
        """The page's datasets an issue is about: those it names; else, for an issue on an
        AI system or a processing activity, the datasets that system or activity uses."""
        named = issue.mentions("Dataset")
        if named:
            return [d for d in self.ids if d in named]
        systems = issue.mentions("AISystem")
        kind = _subject_kind(issue.subject_type)
        return [
            d
            for d in self.ids
            if systems & {u.ai_system.id for u in self.ai_uses.get(d, [])}
            or (
                kind == "processingactivity"
                and issue.subject_id in {pa.id for pa in self.processing_activities.get(d, [])}
            )
        ]


def _issue_key(issue: ComplianceIssue) -> tuple[Any, ...]:
    # most severe first, as the engine orders them
    return (issue.severity_rank, issue.rule, issue.subject_type, issue.subject_id, issue.message)


class DatasetExposure:
    """One exposed dataset, reading its parts from the page's :class:`ExposureDetails`."""

    def __init__(self, dataset: Dataset, details: ExposureDetails) -> None:
        self.dataset = dataset
        self.id = dataset.id
        self._details = details

    @property
    def hosting(self) -> Hosting:
        return self._details.hosting[self.id]

    @property
    def findings(self) -> list[ExposedFinding]:
        return self._details.findings.get(self.id, [])

    @property
    def categories(self) -> list[str]:
        return sorted({f.finding.category for f in self.findings})

    @property
    def entity_types(self) -> list[str]:
        return sorted({f.finding.entity_type for f in self.findings})

    @property
    def ai_uses(self) -> list[AIUse]:
        return self._details.ai_uses.get(self.id, [])

    @property
    def processing_activities(self) -> list[ProcessingActivity]:
        return self._details.processing_activities.get(self.id, [])

    @property
    def policy_links(self) -> list[AISystemPolicy]:
        return self._details.policy_links[self.id]

    @property
    def compliance_issues(self) -> list[ComplianceIssue]:
        return self._details.compliance_issues[self.id]


def exposure_page(
    session: Session, datasets: Sequence[Dataset], flt: ExposureFilter
) -> list[DatasetExposure]:
    """The exposure of ``datasets`` (typically one page of :func:`exposed_datasets`)."""
    details = ExposureDetails(session, datasets, flt)
    return [DatasetExposure(d, details) for d in datasets]
