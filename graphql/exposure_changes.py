"""``exposureChanges``: personal data found, confirmed, rejected or gone since a time.

Keyset pages over (time, finding, kind); evidence (masked examples) only for the roles
with the read_evidence right.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from functools import cached_property
from typing import Any

import graphene

from graphql import GraphQLError
from registre.catalog.access.roles import Permission
from registre.catalog.exposure.changes import (
    ChangeKey,
    ChangeKind,
    count_changes,
    exposure_changes,
)
from registre.graphql import conversions as s
from registre.graphql.pagination import PageInfo
from registre.graphql.types import data as t

Info = Any


def evidence(info: Info, finding: Any) -> str | None:
    """A finding's masked example, for the roles with the read_evidence right only."""
    return finding.masked_example if info.context.actor.can(Permission.READ_EVIDENCE) else None


ChangeKindEnum = graphene.Enum.from_enum(ChangeKind, description="What happened.")


class ExposureChange(graphene.ObjectType):
    """Personal data found, confirmed, rejected or gone."""

    kind = graphene.Field(ChangeKindEnum, required=True)
    at = graphene.DateTime(required=True)
    by = graphene.String(description="The reviewer, for a review.")
    dataset = graphene.Field(t.Dataset, required=True)
    field = graphene.String(required=True, description="The field's name.")
    entity_type = graphene.String(required=True)
    category = graphene.String(required=True)
    status = graphene.Field(s.FindingStatus, required=True, description="The status now.")
    masked_example = graphene.String(description="Null for roles without the read_evidence right.")
    finding = graphene.Field(t.Finding, required=True)

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


def _change_cursor(key: ChangeKey) -> str:
    at, finding_id, kind = key
    raw = json.dumps(["change", at.isoformat(), finding_id, kind.value])
    return base64.b64encode(raw.encode()).decode()


def _decode_change_cursor(cursor: str) -> ChangeKey:
    try:
        tag, at, finding_id, kind = json.loads(base64.b64decode(cursor, validate=True))
        if tag != "change" or not isinstance(finding_id, int):
            raise ValueError
        return dt.datetime.fromisoformat(at), finding_id, ChangeKind(kind)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise GraphQLError(
            f"after: '{cursor}' is not a cursor returned by exposureChanges",
            extensions={"code": "INVALID_INPUT", "field": "after"},
        ) from None


class ExposureChangeEdge(graphene.ObjectType):
    cursor = graphene.String(required=True)
    node = graphene.Field(graphene.NonNull(ExposureChange))

    @staticmethod
    def resolve_cursor(root: Any, info: Info) -> str:
        return _change_cursor(root.key)

    @staticmethod
    def resolve_node(root: Any, info: Info) -> Any:
        return root


class ChangeCount(graphene.ObjectType):
    kind = graphene.Field(ChangeKindEnum, required=True)
    count = graphene.Int(required=True)


class ExposureChangeConnection(graphene.ObjectType):
    edges = graphene.NonNull(graphene.List(graphene.NonNull(ExposureChangeEdge)))
    page_info = graphene.Field(graphene.NonNull(PageInfo))
    total_count = graphene.Int(required=True)
    by_kind = graphene.List(graphene.NonNull(ChangeCount), required=True)

    @staticmethod
    def resolve_edges(root: ChangesPage, info: Info) -> Any:
        return root.items

    @staticmethod
    def resolve_page_info(root: ChangesPage, info: Info) -> dict[str, Any]:
        return {
            "has_next_page": root.has_next_page,
            "has_previous_page": root.has_previous_page,
            "start_cursor": _change_cursor(root.items[0].key) if root.items else None,
            "end_cursor": _change_cursor(root.items[-1].key) if root.items else None,
        }

    @staticmethod
    def resolve_total_count(root: ChangesPage, info: Info) -> int:
        return sum(root.counts.values())

    @staticmethod
    def resolve_by_kind(root: ChangesPage, info: Info) -> list[ChangeCount]:
        return [ChangeCount(kind=k, count=n) for k, n in root.counts.items()]


class ChangesPage:
    def __init__(
        self,
        info: Info,
        since: dt.datetime,
        until: dt.datetime | None,
        kinds: frozenset[ChangeKind],
        first: int,
        after: str | None,
    ) -> None:
        self._session = info.context.session
        self._args = (since, until, kinds)
        key = None if after is None else _decode_change_cursor(after)
        rows = exposure_changes(
            self._session, since, until=until, kinds=kinds, after=key, limit=first + 1
        )
        self.items = rows[:first]
        self.has_next_page = len(rows) > first
        self.has_previous_page = after is not None

    @cached_property
    def counts(self) -> dict[ChangeKind, int]:
        since, until, kinds = self._args
        return count_changes(self._session, since, until=until, kinds=kinds)
