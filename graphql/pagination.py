"""Cursor connections over SQL: keyset pagination on the primary key.

A page costs one SELECT of ``first + 1`` rows (to know ``hasNextPage``), plus one COUNT
only when ``totalCount`` is asked for.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import graphene
from sqlalchemy import Select, func, select

from graphql import GraphQLError


def encode_cursor(position: int, kind: str = "cursor") -> str:
    """An opaque cursor for a row id (or, with another ``kind``, a position in a list)."""
    return base64.b64encode(f"{kind}:{position}".encode()).decode()


def decode_cursor(cursor: str, kind: str = "cursor", *, source: str = "this API") -> int:
    """The position behind a cursor of ``kind``; a GraphQL error naming ``after`` otherwise."""
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        prefix = f"{kind}:"
        if not text.startswith(prefix):
            raise ValueError
        position = int(text[len(prefix) :])
        if position < 0:
            raise ValueError
        return position
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise GraphQLError(
            f"after: '{cursor}' is not a cursor returned by {source}",
            extensions={"code": "INVALID_INPUT", "field": "after"},
        ) from None


class Page:
    """One page of a connection; ``total_count`` runs its COUNT only if asked."""

    def __init__(
        self, stmt: Select[Any], model: Any, first: int, after: str | None, session: Any
    ) -> None:
        self._count_stmt = select(func.count()).select_from(stmt.order_by(None).subquery())
        self._session = session
        if after:
            stmt = stmt.where(model.id > decode_cursor(after))
        rows = list(session.scalars(stmt.order_by(model.id).limit(first + 1)))
        self.has_next_page = len(rows) > first
        self.items = rows[:first]
        self.has_previous_page = after is not None

    @property
    def total_count(self) -> int:
        return int(self._session.scalar(self._count_stmt) or 0)


class PageInfo(graphene.ObjectType):
    has_next_page = graphene.Boolean(required=True)
    has_previous_page = graphene.Boolean(required=True)
    start_cursor = graphene.String()
    end_cursor = graphene.String()


def connection_type(node: type[graphene.ObjectType]) -> type[graphene.ObjectType]:
    """``XConnection { edges { cursor node } pageInfo totalCount }`` for a node type."""
    name = node._meta.name

    edge = type(
        f"{name}Edge",
        (graphene.ObjectType,),
        {
            "cursor": graphene.String(required=True),
            "node": graphene.Field(graphene.NonNull(node)),
            "resolve_cursor": staticmethod(lambda root, info: encode_cursor(root.id)),
            "resolve_node": staticmethod(lambda root, info: root),
        },
    )

    def resolve_page_info(root: Page, info: Any) -> dict[str, Any]:
        return {
            "has_next_page": root.has_next_page,
            "has_previous_page": root.has_previous_page,
            "start_cursor": encode_cursor(root.items[0].id) if root.items else None,
            "end_cursor": encode_cursor(root.items[-1].id) if root.items else None,
        }

    return type(
        f"{name}Connection",
        (graphene.ObjectType,),
        {
            "edges": graphene.NonNull(graphene.List(graphene.NonNull(edge))),
            "page_info": graphene.Field(graphene.NonNull(PageInfo)),
            "total_count": graphene.Int(required=True),
            "resolve_edges": staticmethod(lambda root, info: root.items),
            "resolve_page_info": staticmethod(resolve_page_info),
            "resolve_total_count": staticmethod(lambda root, info: root.total_count),
        },
    )


def page_args() -> dict[str, Any]:
    return {
        "first": graphene.Int(
            default_value=20, description="Page size (at most the configured maximum)."
        ),
        "after": graphene.String(description="The endCursor of the previous page."),
    }


def paginate(info: Any, stmt: Select[Any], model: Any, first: int, after: str | None) -> Page:
    ctx = info.context
    limit = ctx.settings.api_max_page_size
    if first < 0 or first > limit:
        raise GraphQLError(
            f"first: must be between 0 and {limit}",
            extensions={"code": "INVALID_INPUT", "field": "first"},
        )
    return Page(stmt, model, first, after, ctx.session)
