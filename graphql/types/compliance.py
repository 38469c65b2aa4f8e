"""GraphQL types of compliance issues: what an issue says and what it is about."""

from __future__ import annotations

from typing import Any

import graphene

from registre.catalog.compliance import engine
from registre.catalog.compliance.config import Severity as CatalogSeverity
from registre.catalog.compliance.issues import IssueStatus as CatalogIssueStatus
from registre.catalog.i18n import translate
from registre.graphql import conversions as s
from registre.graphql.ids import to_global_id
from registre.graphql.pagination import connection_type
from registre.graphql.types.ai import AISystem, ProcessingActivity
from registre.graphql.types.common import Info
from registre.graphql.types.data import Dataset, Organisation

Severity = s.gql_enum(CatalogSeverity)
IssueStatus = s.gql_enum(CatalogIssueStatus)

#: how each subject type is fetched (per-request loaders: one query per type and level)
_SUBJECT_LOADERS = {
    "AISystem": "ai_system",
    "Dataset": "dataset",
    "ProcessingActivity": "processing_activity",
    "Organisation": "organisation",
}


class ComplianceSubject(graphene.Union):
    """What a compliance issue is about."""

    class Meta:
        types = (AISystem, Dataset, ProcessingActivity, Organisation)


class ComplianceIssue(graphene.ObjectType):
    """A broken (or unverifiable) obligation, citing its legal basis and the facts behind it."""

    @staticmethod
    def resolve_message(root: engine.ComplianceIssue, info: Info) -> str:
        return translate(root.message)

    @staticmethod
    def resolve_title(root: engine.ComplianceIssue, info: Info) -> str:
        return translate(root.title)

    @staticmethod
    def resolve_legal_basis(root: engine.ComplianceIssue, info: Info) -> str:
        return translate(root.legal_basis)

    rule = graphene.String(required=True, description="Rule id, e.g. AIACT-27-FRIA.")
    severity = graphene.Field(Severity, required=True)
    legal_basis = graphene.String(
        required=True,
        description="Article(s), e.g. 'AI Act Art. 27', in the request's language "
        "(Accept-Language; official French wording in French).",
    )
    title = graphene.String(required=True, description="In the request's language.")
    message = graphene.String(
        required=True,
        description="What is missing, in the request's language (Accept-Language; English "
        "without one). Match on rule and facts, not on this text.",
    )
    subject = graphene.Field(ComplianceSubject)
    subject_type = graphene.String(required=True)
    subject_id = graphene.ID(required=True, description="Global id, usable with node(id).")
    subject_name = graphene.String(required=True)
    facts = graphene.JSONString(
        required=True, description="Ids, names, statuses that triggered it; never a scanned value."
    )
    unknown = graphene.Boolean(
        required=True, description="A fact the rule needs is not recorded (message 'unknown: ...')."
    )
    applies_from = graphene.Date(
        description="When the obligation applies (AI Act dates, config/compliance.yaml); "
        "before that day the issue is INFO: coming, not yet due. Null: applies already."
    )

    first_seen_at = graphene.DateTime(
        description="When the issue was first found (null on an issue not stored)."
    )
    last_seen_at = graphene.DateTime(description="When an evaluation last found it.")
    closed_at = graphene.DateTime(
        description="When it stopped being found (fixed, or no longer applicable); null while "
        "open. A closed issue that comes back is a new record."
    )

    @staticmethod
    def resolve_subject(root: engine.ComplianceIssue, info: Info) -> Any:
        loader = getattr(info.context.loaders, _SUBJECT_LOADERS[root.subject_type])
        return loader.load(root.subject_id)

    @staticmethod
    def resolve_subject_id(root: engine.ComplianceIssue, info: Info) -> str:
        return str(to_global_id(root.subject_type, str(root.subject_id)))


ComplianceIssueConnection = connection_type(ComplianceIssue)


class ComplianceIssueFilter(graphene.InputObjectType):
    ai_system_id = graphene.ID(description="Issues about this AI system or naming it.")
    dataset_id = graphene.ID(description="Issues about this dataset or naming it.")
    severity = graphene.Field(Severity, description="Exactly this severity.")
    min_severity = graphene.Field(Severity, description="This severity or a more severe one.")
    rule = graphene.String(description="One rule id, e.g. GDPR-30-RECORD.")
    subject_type = graphene.String(
        description="What the issues are about: AISystem, Dataset, ProcessingActivity or "
        "Organisation."
    )
    status = graphene.Field(IssueStatus, description="OPEN (default), CLOSED or ALL.")
    first_seen_from = graphene.DateTime(description="First found at or after this instant.")
    first_seen_before = graphene.DateTime(description="First found before this instant.")
    closed_from = graphene.DateTime(
        description="Closed at or after this instant (with status CLOSED or ALL)."
    )
    closed_before = graphene.DateTime(description="Closed before this instant.")
