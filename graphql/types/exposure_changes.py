"""GraphQL types of ``exposureChanges``: personal data found, confirmed, rejected or gone.

Evidence (masked examples) only for the roles with the read_evidence right.
"""

from __future__ import annotations

from typing import Any

import graphene

from registre.catalog.exposure.changes import ChangeKind
from registre.graphql import conversions as s
from registre.graphql.pagination import connection_type
from registre.graphql.types.common import Info
from registre.graphql.types.data import Dataset, Finding, evidence

ChangeKindEnum = graphene.Enum.from_enum(ChangeKind, description="What happened.")


class ExposureChange(graphene.ObjectType):
    """Personal data found, confirmed, rejected or gone."""

    kind = graphene.Field(ChangeKindEnum, required=True)
    at = graphene.DateTime(required=True)
    by = graphene.String(description="The reviewer, for a review.")
    dataset = graphene.Field(Dataset, required=True)
    field = graphene.String(required=True, description="The field's name.")
    entity_type = graphene.String(required=True)
    category = graphene.String(required=True)
    status = graphene.Field(s.FindingStatus, required=True, description="The status now.")
    masked_example = graphene.String(description="Null for roles without the read_evidence right.")
    finding = graphene.Field(Finding, required=True)
    open_data = graphene.Boolean(
        required=True,
        description="The dataset is marked open data: a FOUND change withholds it from the "
        "DCAT catalogue until the DPO acts (CRPA L312-1-2).",
    )

    @staticmethod
    def resolve_field(root: Any, info: Info) -> str:
        return str(root.field.name)

    @staticmethod
    def resolve_entity_type(root: Any, info: Info) -> str:
        return str(root.finding.entity_type)

    @staticmethod
    def resolve_category(root: Any, info: Info) -> str:
        return str(root.finding.category)

    @staticmethod
    def resolve_status(root: Any, info: Info) -> Any:
        return root.finding.status

    @staticmethod
    def resolve_masked_example(root: Any, info: Info) -> str | None:
        return evidence(info, root.finding)


class ChangeCount(graphene.ObjectType):
    kind = graphene.Field(ChangeKindEnum, required=True)
    count = graphene.Int(required=True)


class ExposureChangeConnection(connection_type(ExposureChange)):  # type: ignore[misc] # a generated base
    by_kind = graphene.List(graphene.NonNull(ChangeCount), required=True)

    @staticmethod
    def resolve_by_kind(root: Any, info: Info) -> list[ChangeCount]:
        return [ChangeCount(kind=k, count=n) for k, n in root.counts.items()]
