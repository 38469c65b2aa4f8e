"""Exposure of personal data, for security teams: ``exposure`` and ``exposureChanges``
(whose types live in ``exposure_changes``), and the saved queries of ``queries/``.

The resolvers are thin: ``catalog.exposure`` selects and loads, ``catalog.exposure_summary``
counts; this module only shapes the answer and keeps evidence (masked examples) to the
roles with the read_evidence right, as ``Finding.maskedExample`` does.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from pathlib import Path
from typing import Any

import graphene

from graphql import GraphQLError
from registre.catalog import models
from registre.catalog.enums import FindingStatus, RiskClass
from registre.catalog.exposure import query as svc
from registre.catalog.exposure.changes import ChangeKind
from registre.catalog.exposure.summary import ExposureSummary as ExposureSummaryCounts
from registre.graphql import compliance as compliance_api
from registre.graphql import conversions as s
from registre.graphql.exposure_changes import (
    ChangeKindEnum,
    ChangesPage,
    ExposureChangeConnection,
    evidence,
)
from registre.graphql.ids import decode_id
from registre.graphql.pagination import Page, connection_type, page_args, paginate
from registre.graphql.types import data as t

Info = Any

#: the saved queries a security team keeps (``graphql/saved_queries/*.graphql``)
SAVED_QUERIES_DIR = Path(__file__).resolve().parent / "saved_queries"


def saved_queries() -> dict[str, str]:
    """The saved queries shipped with Registre, by file name without ``.graphql``."""
    return {
        path.stem: path.read_text(encoding="utf-8")
        for path in sorted(SAVED_QUERIES_DIR.glob("*.graphql"))
    }


class ExposureFindingStatus(graphene.Enum):
    """Review status of personal data: a rejected finding is not personal data."""

    SUGGESTED = "SUGGESTED"
    CONFIRMED = "CONFIRMED"


class ExposureFilter(graphene.InputObjectType):
    """Every criterion narrows the answer. A list means "any of"; one value is a list of one."""

    category = graphene.List(
        graphene.NonNull(graphene.String),
        description="Personal data of these categories only (e.g. SPECIAL_CATEGORY, CONTACT).",
    )
    entity_type = graphene.List(
        graphene.NonNull(graphene.String),
        description="Personal data of these entity types only (e.g. FR_NIR, HEALTH).",
    )
    status = graphene.Field(
        ExposureFindingStatus,
        description="Only suggested (still seen by scans) or only confirmed personal data.",
    )
    data_store_id = graphene.ID(description="Datasets of this data store.")
    hosting_outside_eu = graphene.Boolean(
        name="hostingOutsideEU",
        description="The data store, or an AI system using the dataset (its host or its "
        "provider), is in a country outside the EU/EEA. An unrecorded country is not outside.",
    )
    non_eu_control = graphene.Boolean(
        name="nonEuControl",
        description="The data store's host, or an AI system's host or provider, is under the "
        "control of a non-EU entity (extraterritorial laws may reach the data).",
    )
    ai_risk_class = graphene.Field(
        s.RiskClass, description="An AI system of this AI Act risk class uses the dataset."
    )
    used_by_ai_system = graphene.Boolean(description="Some AI system uses the dataset (or none).")


class ExposureHosting(graphene.ObjectType):
    """Who hosts the data store, and where."""

    organisation = graphene.Field(t.Organisation)
    country = graphene.String(description="ISO country of the store, else of its host.")
    qualifications = graphene.List(graphene.NonNull(graphene.String), required=True)
    secnumcloud = graphene.Boolean(
        name="secNumCloud", required=True, description="The host holds SecNumCloud."
    )
    non_eu_control = graphene.Boolean(
        required=True, description="The host is under the control of a non-EU entity."
    )
    outside_eu = graphene.Boolean(
        name="outsideEU", description="Hosted outside the EU/EEA; null when no country is known."
    )


class ExposureFinding(graphene.ObjectType):
    """Personal data in one field."""

    field = graphene.String(required=True, description="The field's name.")
    entity_type = graphene.String(required=True)
    category = graphene.String(required=True)
    status = graphene.Field(s.FindingStatus, required=True)
    masked_example = graphene.String(description="Null for roles without the read_evidence right.")
    finding = graphene.Field(t.Finding, required=True, description="All the evidence.")

    @staticmethod
    def resolve_field(root: svc.ExposedFinding, info: Info) -> str:
        return root.field.name

    @staticmethod
    def resolve_entity_type(root: svc.ExposedFinding, info: Info) -> str:
        return root.finding.entity_type

    @staticmethod
    def resolve_category(root: svc.ExposedFinding, info: Info) -> str:
        return root.finding.category

    @staticmethod
    def resolve_status(root: svc.ExposedFinding, info: Info) -> Any:
        return root.finding.status

    @staticmethod
    def resolve_masked_example(root: svc.ExposedFinding, info: Info) -> str | None:
        return evidence(info, root.finding)

    @staticmethod
    def resolve_finding(root: svc.ExposedFinding, info: Info) -> Any:
        return root.finding


class ExposureAIUse(graphene.ObjectType):
    """An AI system using the dataset, and how."""

    usage = graphene.Field(s.DatasetUsage, required=True)
    ai_system = graphene.Field(t.AISystem, required=True)
    hosting_country = graphene.String(description="Of the system, else of its host.")
    outside_eu = graphene.Boolean(
        name="outsideEU",
        description="Its host or its provider is outside the EU/EEA; null when neither "
        "country is known.",
    )

    @staticmethod
    def resolve_usage(root: svc.AIUse, info: Info) -> Any:
        return root.link.usage

    @staticmethod
    def resolve_ai_system(root: svc.AIUse, info: Info) -> Any:
        return root.ai_system


class ExposureIssue(graphene.ObjectType):
    """A compliance issue (used until the compliance API publishes its own type)."""

    rule = graphene.String(required=True)
    severity = graphene.String(required=True)
    legal_basis = graphene.String(required=True)
    title = graphene.String(required=True)
    message = graphene.String(required=True)
    subject_type = graphene.String(required=True)
    subject_name = graphene.String(required=True)
    unknown = graphene.Boolean(required=True)


IssueType: Any = getattr(compliance_api, "ComplianceIssue", None) or ExposureIssue


class DatasetExposure(graphene.ObjectType):
    """A dataset holding personal data: what, where, who uses it, under which rules."""

    dataset = graphene.Field(t.Dataset, required=True)
    data_store = graphene.Field(t.DataStore, required=True)
    hosting = graphene.Field(ExposureHosting, required=True)
    categories = graphene.List(graphene.NonNull(graphene.String), required=True)
    entity_types = graphene.List(graphene.NonNull(graphene.String), required=True)
    findings = graphene.List(graphene.NonNull(ExposureFinding), required=True)
    ai_systems = graphene.List(graphene.NonNull(ExposureAIUse), required=True)
    processing_activities = graphene.List(graphene.NonNull(t.ProcessingActivity), required=True)
    policies = graphene.List(
        graphene.NonNull(t.PolicyLink),
        required=True,
        description="Policies covering the AI systems that use the dataset, with their status.",
    )
    compliance_issues = graphene.List(
        graphene.NonNull(IssueType),
        description="Open compliance issues naming the dataset, or about the AI systems and "
        "processing activities using it; null when the compliance engine is unavailable.",
    )

    @staticmethod
    def resolve_data_store(root: svc.DatasetExposure, info: Info) -> Any:
        return root.hosting.store

    @staticmethod
    def resolve_ai_systems(root: svc.DatasetExposure, info: Info) -> Any:
        return root.ai_uses

    @staticmethod
    def resolve_policies(root: svc.DatasetExposure, info: Info) -> Any:
        return root.policy_links


class ExposureCount(graphene.ObjectType):
    key = graphene.String(description="Null: not recorded (no country, no risk class).")
    datasets = graphene.Int(required=True)
    fields = graphene.Int(required=True, description="Fields holding that personal data.")


class ExposureSummary(graphene.ObjectType):
    """Counts over everything the filter selects, not only the page."""

    datasets = graphene.Int(required=True)
    fields = graphene.Int(required=True)
    by_category = graphene.List(graphene.NonNull(ExposureCount), required=True)
    by_data_store = graphene.List(graphene.NonNull(ExposureCount), required=True)
    by_hosting_country = graphene.List(graphene.NonNull(ExposureCount), required=True)
    by_ai_risk_class = graphene.List(
        graphene.NonNull(ExposureCount),
        required=True,
        description="Datasets used by AI systems, by the systems' risk class.",
    )


class ExposurePage:
    """Root of an ``ExposureConnection``: a page of datasets and, lazily, the summary."""

    def __init__(self, info: Info, page: Page, flt: svc.ExposureFilter) -> None:
        session = info.context.session
        self._page = page
        self._session = session
        self._filter = flt
        self.items = svc.exposure_page(session, page.items, flt)
        self.has_next_page = page.has_next_page
        self.has_previous_page = page.has_previous_page

    @property
    def total_count(self) -> int:
        return self._page.total_count

    @cached_property
    def summary(self) -> ExposureSummaryCounts:
        return ExposureSummaryCounts(self._session, self._filter)


class ExposureConnection(connection_type(DatasetExposure)):  # type: ignore[misc]
    summary = graphene.Field(graphene.NonNull(ExposureSummary))


def _values(items: list[str] | None) -> frozenset[str]:
    return frozenset(v.strip() for v in items or [] if v.strip())


def exposure_filter(data: dict[str, Any] | None) -> svc.ExposureFilter:
    """The service filter from the GraphQL input."""
    data = data or {}
    store, status, risk = data.get("data_store_id"), data.get("status"), data.get("ai_risk_class")
    store_id = None if store is None else decode_id(store, "DataStore", "filter.dataStoreId")
    return svc.ExposureFilter(
        categories=_values(data.get("category")),
        entity_types=_values(data.get("entity_type")),
        status=None if status is None else FindingStatus(getattr(status, "value", status)),
        data_store_id=store_id,
        hosting_outside_eu=data.get("hosting_outside_eu"),
        non_eu_control=data.get("non_eu_control"),
        ai_risk_class=None if risk is None else RiskClass(getattr(risk, "value", risk)),
        used_by_ai_system=data.get("used_by_ai_system"),
    )


def _aware(value: dt.datetime | None, name: str) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        raise GraphQLError(
            f"{name}: give a time zone, e.g. 2025-01-06T00:00:00Z",
            extensions={"code": "INVALID_INPUT", "field": name},
        )
    return value


class ExposureQuery(graphene.ObjectType):
    exposure = graphene.Field(
        graphene.NonNull(ExposureConnection),
        filter=ExposureFilter(),
        **page_args(),
        description="Datasets holding personal data, with where they are hosted, the AI "
        "systems and policies that reach them and the open compliance issues.",
    )
    exposure_changes = graphene.Field(
        graphene.NonNull(ExposureChangeConnection),
        since=graphene.DateTime(required=True, description="With a time zone."),
        until=graphene.DateTime(description="Exclusive; default: now."),
        kinds=graphene.List(graphene.NonNull(ChangeKindEnum), description="Default: all."),
        **page_args(),
        description="Personal data found, confirmed, rejected or gone since a time, oldest first.",
    )

    @staticmethod
    def resolve_exposure(
        root: Any,
        info: Info,
        filter: dict[str, Any] | None = None,  # noqa: A002 - the API's argument name
        first: int = 20,
        after: str | None = None,
    ) -> ExposurePage:
        flt = exposure_filter(filter)
        page = paginate(info, svc.exposed_datasets(flt), models.Dataset, first, after)
        return ExposurePage(info, page, flt)

    @staticmethod
    def resolve_exposure_changes(
        root: Any,
        info: Info,
        since: dt.datetime,
        until: dt.datetime | None = None,
        kinds: list[Any] | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> ChangesPage:
        limit = info.context.settings.api_max_page_size
        if first < 0 or first > limit:
            raise GraphQLError(
                f"first: must be between 0 and {limit}",
                extensions={"code": "INVALID_INPUT", "field": "first"},
            )
        chosen = frozenset(ChangeKind(getattr(k, "value", k)) for k in kinds or ChangeKind)
        _aware(since, "since")
        return ChangesPage(info, since, _aware(until, "until"), chosen, first, after)
