"""Compliance issues and the guided AI Act classification: ``complianceIssues`` and
``classifyAISystem``.

Thin resolvers over :mod:`catalog.compliance` (the stored issues, :mod:`.issues`) and
:mod:`catalog.governance.classification`: the API holds no rule of its own. Issues are
stored and kept current by every change (:mod:`catalog.compliance.tracking`), so the
connection is a keyset page over an index, in the engine's order.
"""

from __future__ import annotations

from typing import Any

import graphene
from sqlalchemy import func, select

from graphql import GraphQLError
from registre.catalog.access.roles import Permission
from registre.catalog.compliance import issues as stored
from registre.catalog.compliance.config import Severity as CatalogSeverity
from registre.catalog.compliance.store import refresh_due
from registre.catalog.errors import InvalidInput
from registre.catalog.governance.classification import (
    ClassificationAnswers,
    classify,
    stored_facts,
)
from registre.catalog.governance.register import update_ai_system
from registre.catalog.i18n import translate
from registre.catalog.models import AISystem as AISystemModel
from registre.catalog.service import get, validate
from registre.graphql import conversions as s
from registre.graphql.ids import decode_id
from registre.graphql.pagination import Edge, Page, check_first, json_codec, page_args
from registre.graphql.types.ai import AISystem
from registre.graphql.types.common import Info
from registre.graphql.types.compliance import ComplianceIssueConnection, ComplianceIssueFilter


def _load_key(parts: list[Any]) -> stored.SortKey:
    rank, rule, kind, subject_id, message, row_id = parts
    if not (
        isinstance(rank, int)
        and isinstance(subject_id, int)
        and isinstance(row_id, int)
        and all(isinstance(t, str) for t in (rule, kind, message))
    ):
        raise ValueError(parts)
    return (rank, rule, kind, subject_id, message, row_id)


ISSUE_CURSOR = json_codec("issue", "complianceIssues", list, _load_key)


def _enum_value(value: Any) -> str:
    return str(getattr(value, "value", value))


def _filter(flt: dict[str, Any]) -> stored.IssueFilter:
    def severity(name: str) -> CatalogSeverity | None:
        value = flt.get(name)
        return None if value is None else CatalogSeverity(_enum_value(value))

    status = flt.get("status")
    return stored.IssueFilter(
        ai_system_id=None
        if flt.get("ai_system_id") is None
        else decode_id(flt["ai_system_id"], "AISystem", "filter.aiSystemId"),
        dataset_id=None
        if flt.get("dataset_id") is None
        else decode_id(flt["dataset_id"], "Dataset", "filter.datasetId"),
        severity=severity("severity"),
        min_severity=severity("min_severity"),
        rule=flt["rule"].strip() if flt.get("rule") else None,
        subject_type=flt.get("subject_type"),
        status=stored.IssueStatus.OPEN
        if status is None
        else stored.IssueStatus(_enum_value(status)),
        first_seen_from=flt.get("first_seen_from"),
        first_seen_before=flt.get("first_seen_before"),
        closed_from=flt.get("closed_from"),
        closed_before=flt.get("closed_before"),
    )


class IssuePage(Page):
    """A keyset page of stored issues in the engine's order; COUNT only if asked."""

    def __init__(self, info: Info, flt: stored.IssueFilter, first: int, after: str | None) -> None:
        session = info.context.session
        try:
            stmt = stored.issues_query(flt)
        except InvalidInput as exc:
            if exc.field != "rules":
                raise
            raise GraphQLError(
                f"filter.rule: {exc.message}",
                extensions={"code": "INVALID_INPUT", "field": "filter.rule"},
            ) from None
        self._count_stmt = select(func.count()).select_from(stmt.order_by(None).subquery())
        self._session = session
        if after:
            stmt = stmt.where(stored.after_key(ISSUE_CURSOR.decode(after)))
        rows = list(session.scalars(stmt.limit(first + 1)))
        self.has_next_page = len(rows) > first
        self.has_previous_page = after is not None
        self.edges = [
            Edge(ISSUE_CURSOR.encode(stored.sort_key(row)), stored.as_issue(row))
            for row in rows[:first]
        ]

    @property
    def total_count(self) -> int:
        return int(self._session.scalar(self._count_stmt) or 0)


def _catch_up(info: Info) -> None:
    """Obligations whose AI Act date came since they were stored change severity today."""
    session = info.context.session
    if refresh_due(session) is not None:
        session.commit()


class ComplianceQuery(graphene.ObjectType):
    compliance_issues = graphene.Field(
        graphene.NonNull(ComplianceIssueConnection),
        filter=ComplianceIssueFilter(),
        **page_args(),
        description="Compliance issues of the register, most severe first, each citing its "
        "legal basis. Stored and kept current as the register changes; open ones by default, "
        "closed ones (fixed) with filter.status.",
    )

    @staticmethod
    def resolve_compliance_issues(
        root: Any, info: Info, filter: dict[str, Any] | None = None,  # noqa: A002
        first: int | None = 20, after: str | None = None,
    ) -> IssuePage:  # fmt: skip
        info.context.actor.require(Permission.READ)
        first = check_first(info, first)
        flt = _filter(dict(filter or {}))
        _catch_up(info)
        return IssuePage(info, flt, first, after)


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
            reasons=[translate(r) for r in result.reasons],
            obligations=[translate(o) for o in result.obligations],
            art_6_3_exemption=result.art_6_3_exemption,
            stored=stored,
            ai_system=system,
        )


class ComplianceMutation(graphene.ObjectType):
    classify_ai_system = ClassifyAISystemPayload.Field(name="classifyAISystem")
