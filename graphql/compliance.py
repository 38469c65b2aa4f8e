"""Compliance issues and the guided AI Act classification.

Thin resolvers over :mod:`catalog.compliance` (the rules) and :mod:`catalog.classification`:
the API holds no rule of its own. Issues are computed, not stored, so their connection
pages over the computed list with an opaque offset cursor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import graphene
from graphene.utils.dataloader import DataLoader
from sqlalchemy.orm import Session

from graphql import GraphQLError
from registre.catalog.access.roles import Permission
from registre.catalog.compliance import engine
from registre.catalog.compliance.config import Severity as CatalogSeverity
from registre.catalog.errors import InvalidInput
from registre.catalog.governance.classification import ClassificationAnswers, classify
from registre.catalog.governance.register import update_ai_system
from registre.catalog.models import AISystem as AISystemModel
from registre.catalog.service import get, validate
from registre.graphql import conversions as s
from registre.graphql.ids import decode_id, to_global_id
from registre.graphql.pagination import PageInfo, decode_cursor, encode_cursor
from registre.graphql.types import data as t

Info = Any

Severity = s.gql_enum(CatalogSeverity)

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
        types = (t.AISystem, t.Dataset, t.ProcessingActivity, t.Organisation)


class ComplianceIssue(graphene.ObjectType):
    """A broken (or unverifiable) obligation, citing its legal basis and the facts behind it."""

    rule = graphene.String(required=True, description="Rule id, e.g. AIACT-27-FRIA.")
    severity = graphene.Field(Severity, required=True)
    legal_basis = graphene.String(required=True, description="Article(s), e.g. 'AI Act Art. 27'.")
    title = graphene.String(required=True)
    message = graphene.String(required=True)
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

    @staticmethod
    def resolve_subject(root: engine.ComplianceIssue, info: Info) -> Any:
        loader = getattr(info.context.loaders, _SUBJECT_LOADERS[root.subject_type])
        return loader.load(root.subject_id)

    @staticmethod
    def resolve_subject_id(root: engine.ComplianceIssue, info: Info) -> str:
        return str(to_global_id(root.subject_type, str(root.subject_id)))


class ComplianceIssueEdge(graphene.ObjectType):
    cursor = graphene.String(required=True)
    node = graphene.Field(graphene.NonNull(ComplianceIssue))


class IssuePage:
    """One page of the computed issue list; cursors are opaque offsets."""

    def __init__(self, issues: list[engine.ComplianceIssue], first: int, after: str | None) -> None:
        start = decode_cursor(after, "issue", source="complianceIssues") + 1 if after else 0
        self.total_count = len(issues)
        self.edges = [
            ComplianceIssueEdge(cursor=encode_cursor(i, "issue"), node=issues[i])
            for i in range(start, min(start + first, len(issues)))
        ]
        self.has_next_page = start + first < len(issues)
        self.has_previous_page = start > 0


class ComplianceIssueConnection(graphene.ObjectType):
    edges = graphene.NonNull(graphene.List(graphene.NonNull(ComplianceIssueEdge)))
    page_info = graphene.Field(graphene.NonNull(PageInfo))
    total_count = graphene.Int(required=True)

    @staticmethod
    def resolve_page_info(root: IssuePage, info: Info) -> dict[str, Any]:
        return {
            "has_next_page": root.has_next_page,
            "has_previous_page": root.has_previous_page,
            "start_cursor": root.edges[0].cursor if root.edges else None,
            "end_cursor": root.edges[-1].cursor if root.edges else None,
        }


class ComplianceIssueFilter(graphene.InputObjectType):
    ai_system_id = graphene.ID(description="Issues about this AI system or naming it.")
    dataset_id = graphene.ID(description="Issues about this dataset or naming it.")
    severity = graphene.Field(Severity, description="Exactly this severity.")
    min_severity = graphene.Field(Severity, description="This severity or a more severe one.")
    rule = graphene.String(description="One rule id, e.g. GDPR-30-RECORD.")


def _issues(info: Info, flt: dict[str, Any]) -> list[engine.ComplianceIssue]:
    ctx = info.context
    ctx.actor.require(Permission.READ)
    ai_ids = ds_ids = rules = None
    if flt.get("ai_system_id") is not None:
        ai_ids = [decode_id(flt["ai_system_id"], "AISystem", "filter.aiSystemId")]
    if flt.get("dataset_id") is not None:
        ds_ids = [decode_id(flt["dataset_id"], "Dataset", "filter.datasetId")]
    if flt.get("rule"):
        rules = [flt["rule"].strip()]
    try:
        issues = engine.evaluate(ctx.session, ai_system_ids=ai_ids, dataset_ids=ds_ids, rules=rules)
    except InvalidInput as exc:
        if exc.field != "rules":
            raise
        raise GraphQLError(
            f"filter.rule: {exc.message}",
            extensions={"code": "INVALID_INPUT", "field": "filter.rule"},
        ) from None
    if flt.get("severity") is not None:
        wanted = CatalogSeverity(_enum_value(flt["severity"]))
        issues = [i for i in issues if i.severity == wanted.value]
    if flt.get("min_severity") is not None:
        floor = CatalogSeverity(_enum_value(flt["min_severity"])).rank
        issues = [i for i in issues if i.severity_rank <= floor]
    return issues


def _enum_value(value: Any) -> str:
    return str(getattr(value, "value", value))


class _IssuesByAISystem(DataLoader):  # type: ignore[misc]
    """``AISystem.complianceIssues`` for every system of a page, in one evaluation."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    async def batch_load_fn(self, keys: Sequence[int]) -> list[list[engine.ComplianceIssue]]:
        grouped: dict[int, list[engine.ComplianceIssue]] = {key: [] for key in keys}
        for issue in engine.evaluate(self.session, ai_system_ids=keys):
            for system_id in issue.mentions("AISystem") & grouped.keys():
                grouped[system_id].append(issue)
        return [grouped[key] for key in keys]


def issues_of_ai_system(info: Info, system_id: int) -> Any:
    """The issues concerning one AI system, batched with the other systems of the request."""
    ctx = info.context
    # One loader per request, kept on the request's context: never shared across requests.
    loader = getattr(ctx, "_compliance_issues_loader", None)
    if loader is None:
        loader = _IssuesByAISystem(ctx.session)
        ctx._compliance_issues_loader = loader
    return loader.load(system_id)


class ComplianceQuery(graphene.ObjectType):
    compliance_issues = graphene.Field(
        graphene.NonNull(ComplianceIssueConnection),
        filter=ComplianceIssueFilter(),
        first=graphene.Int(
            default_value=20, description="Page size (at most the configured maximum)."
        ),
        after=graphene.String(description="The endCursor of the previous page."),
        description="Compliance issues of the register, most severe first, each citing its "
        "legal basis.",
    )

    @staticmethod
    def resolve_compliance_issues(
        root: Any, info: Info, filter: dict[str, Any] | None = None,  # noqa: A002
        first: int = 20, after: str | None = None,
    ) -> IssuePage:  # fmt: skip
        limit = info.context.settings.api_max_page_size
        if first < 0 or first > limit:
            raise GraphQLError(
                f"first: must be between 0 and {limit}",
                extensions={"code": "INVALID_INPUT", "field": "first"},
            )
        return IssuePage(_issues(info, dict(filter or {})), first, after)


# --- guided classification --------------------------------------------------------------
ClassifyAISystemInput = s.input_type(
    ClassificationAnswers,
    "ClassifyAISystemInput",
    extra={
        "ai_system_id": graphene.InputField(
            graphene.ID,
            description="Store the proposal on this AI system (needs the register right; "
            "otherwise the result is only proposed).",
        )
    },
)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return getattr(value, "value", value)


class ClassifyAISystemPayload(graphene.Mutation):
    """Propose an AI Act risk class from yes/no answers; with aiSystemId and the register
    right, also store the risk class and Annex III point on the system (audited)."""

    class Arguments:
        input = ClassifyAISystemInput(required=True)  # noqa: A003

    risk_class = graphene.Field(s.RiskClass, required=True)
    annex_iii_point = graphene.String(name="annexIIIPoint")
    reasons = graphene.List(graphene.NonNull(graphene.String), required=True)
    obligations = graphene.List(graphene.NonNull(graphene.String), required=True)
    art_6_3_exemption = graphene.Boolean(required=True)
    stored = graphene.Boolean(required=True, description="Whether the AI system was updated.")
    ai_system = graphene.Field(t.AISystem)

    @staticmethod
    def mutate(root: Any, info: Info, input: dict[str, Any]) -> ClassifyAISystemPayload:  # noqa: A002
        ctx = info.context
        ctx.actor.require(Permission.READ)
        data = _plain(dict(input))
        raw_id = data.pop("ai_system_id", None)
        result = classify(validate(ClassificationAnswers, data))
        system, stored = None, False
        if raw_id is not None:
            system_id = decode_id(raw_id, "AISystem", "input.aiSystemId")
            system = get(ctx.session, AISystemModel, system_id, field="aiSystemId")
            if ctx.actor.can(Permission.REGISTER):
                changes = {
                    "risk_class": result.risk_class,
                    "annex_iii_point": result.annex_iii_point,
                    "art_6_3_claim": result.art_6_3_exemption,
                }
                try:
                    system = update_ai_system(ctx.session, ctx.actor, system_id, changes)
                    ctx.session.commit()
                except BaseException:
                    ctx.session.rollback()
                    raise
                stored = True
        return ClassifyAISystemPayload(
            risk_class=result.risk_class,
            annex_iii_point=result.annex_iii_point,
            reasons=result.reasons,
            obligations=result.obligations,
            art_6_3_exemption=result.art_6_3_exemption,
            stored=stored,
            ai_system=system,
        )


class ComplianceMutation(graphene.ObjectType):
    classify_ai_system = ClassifyAISystemPayload.Field(name="classifyAISystem")
