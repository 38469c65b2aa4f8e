"""GraphQL types of the exposure of personal data (``exposure``): what a security team
sees about each dataset holding personal data, and the counts over the selection.

Evidence (masked examples) is kept to the roles with the read_evidence right, as
``Finding.maskedExample`` does.
"""

from __future__ import annotations

from typing import Any

import graphene

from registre.catalog.exposure import details as svc
from registre.graphql import conversions as s
from registre.graphql.pagination import connection_type
from registre.graphql.types.ai import AISystem, PolicyLink, ProcessingActivity
from registre.graphql.types.common import Info
from registre.graphql.types.compliance import ComplianceIssue
from registre.graphql.types.data import Dataset, DataStore, Finding, Organisation, evidence


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

    organisation = graphene.Field(Organisation)
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
    finding = graphene.Field(Finding, required=True, description="All the evidence.")

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
    ai_system = graphene.Field(AISystem, required=True)
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


class DatasetExposure(graphene.ObjectType):
    """A dataset holding personal data: what, where, who uses it, under which rules."""

    dataset = graphene.Field(Dataset, required=True)
    data_store = graphene.Field(DataStore, required=True)
    hosting = graphene.Field(ExposureHosting, required=True)
    categories = graphene.List(graphene.NonNull(graphene.String), required=True)
    entity_types = graphene.List(graphene.NonNull(graphene.String), required=True)
    findings = graphene.List(graphene.NonNull(ExposureFinding), required=True)
    ai_systems = graphene.List(graphene.NonNull(ExposureAIUse), required=True)
    processing_activities = graphene.List(graphene.NonNull(ProcessingActivity), required=True)
    policies = graphene.List(
        graphene.NonNull(PolicyLink),
        required=True,
        description="Policies covering the AI systems that use the dataset, with their status.",
    )
    compliance_issues = graphene.List(
        graphene.NonNull(ComplianceIssue),
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


class ExposureConnection(connection_type(DatasetExposure)):  # type: ignore[misc] # a generated base
    summary = graphene.Field(graphene.NonNull(ExposureSummary))
