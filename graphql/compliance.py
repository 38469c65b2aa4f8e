"""Compliance issues and the guided AI Act classification: ``complianceIssues`` and
``classifyAISystem``.

Thin resolvers over :mod:`catalog.compliance` (the rules) and
:mod:`catalog.governance.classification`: the API holds no rule of its own. Issues are
computed, not stored, so their connection pages over the computed list with an opaque
offset cursor.
"""

from __future__ import annotations

from typing import Any

import graphene

from graphql import GraphQLError
from registre.catalog.access.roles import Permission
from registre.catalog.compliance import engine
from registre.catalog.compliance.config import Severity as CatalogSeverity
from registre.catalog.errors import InvalidInput
from registre.catalog.governance.classification import (
    ClassificationAnswers,
    classify,
    stored_facts,
)
from registre.catalog.governance.register import update_ai_system
from registre.catalog.models import AISystem as AISystemModel
from registre.catalog.service import get, validate
from registre.graphql import conversions as s
from registre.graphql.ids import decode_id
from registre.graphql.pagination import ListPage, check_first, page_args, position_codec
from registre.graphql.types.ai import AISystem
from registre.graphql.types.common import Info
from registre.graphql.types.compliance import ComplianceIssueConnection, ComplianceIssueFilter

ISSUE_CURSOR = position_codec("issue", "complianceIssues")


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


class ComplianceQuery(graphene.ObjectType):
    compliance_issues = graphene.Field(
        graphene.NonNull(ComplianceIssueConnection),
        filter=ComplianceIssueFilter(),
        **page_args(),
        description="Compliance issues of the register, most severe first, each citing its "
        "legal basis.",
    )

    @staticmethod
    def resolve_compliance_issues(
        root: Any, info: Info, filter: dict[str, Any] | None = None,  # noqa: A002
        first: int | None = 20, after: str | None = None,
    ) -> ListPage:  # fmt: skip
        first = check_first(info, first)
        return ListPage(_issues(info, dict(filter or {})), first, after, ISSUE_CURSOR)


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
        input = ClassifyAISystemInput(required=True)

    risk_class = graphene.Field(s.RiskClass, required=True)
    annex_iii_point = graphene.String(name="annexIIIPoint")
    reasons = graphene.List(graphene.NonNull(graphene.String), required=True)
    obligations = graphene.List(graphene.NonNull(graphene.String), required=True)
    art_6_3_exemption = graphene.Boolean(required=True)
    stored = graphene.Boolean(required=True, description="Whether the AI system was updated.")
    ai_system = graphene.Field(AISystem)

    @staticmethod
    def mutate(root: Any, info: Info, input: dict[str, Any]) -> ClassifyAISystemPayload:  # noqa: A002
        ctx = info.context
        ctx.actor.require(Permission.READ)
        data = _plain(dict(input))
        raw_id = data.pop("ai_system_id", None)
        answers = validate(ClassificationAnswers, data)
        result = classify(answers)
        system, stored = None, False
        if raw_id is not None:
            system_id = decode_id(raw_id, "AISystem", "input.aiSystemId")
            system = get(ctx.session, AISystemModel, system_id, field="aiSystemId")
            if ctx.actor.can(Permission.REGISTER):
                changes = stored_facts(answers, result)
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
