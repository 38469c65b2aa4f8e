"""One pagination model for every list of the API.

Every list is a ``XConnection { edges { cursor node } pageInfo totalCount }`` built by
:func:`connection_type` and resolved from a :class:`Page`. A page knows its edges (each
with its cursor), whether more items follow or precede, and counts the whole list only
when ``totalCount`` is asked for. Cursors are opaque: one :class:`CursorCodec` encodes
them all and answers a cursor it did not issue with the same error, naming ``after``.
``first`` is bounded in one place (:func:`check_first`).

The types have the field names and nullability of graphene's ``relay.PageInfo`` and
``relay.Connection(strict_types=True)``; they are declared here rather than taken from
``graphene.relay`` because graphene attaches descriptions to those (and to every edge
type, through a ``Meta`` a subclass cannot override) that the published schema does not
carry.

Pages over SQL are keyset pages on the primary key (:class:`KeysetPage`): one SELECT of
``first + 1`` rows (to know ``hasNextPage``), plus one COUNT only when asked.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import graphene
from sqlalchemy import Select, func, select

from graphql import GraphQLError
from registre.graphql.ids import MAX_KEY

K = TypeVar("K")

#: the page size of a list asked without ``first`` (or with ``first: null``)
DEFAULT_PAGE_SIZE = 20


@dataclass(frozen=True)
class CursorCodec(Generic[K]):
    """Opaque cursors (base64 text) for the keys of one list."""

    #: what an invalid cursor is said not to come from ("this API", "complianceIssues")
    source: str
    dump: Callable[[K], str]
    #: raises ValueError, TypeError or KeyError when the text is not one of its cursors
    load: Callable[[str], K]

    def encode(self, key: K) -> str:
        return base64.b64encode(self.dump(key).encode()).decode()

    def decode(self, cursor: str) -> K:
        """The key behind ``cursor``; a GraphQL error naming ``after`` otherwise."""
        try:
            return self.load(base64.b64decode(cursor.encode(), validate=True).decode())
        except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
            raise GraphQLError(
                f"after: '{cursor}' is not a cursor returned by {self.source}",
                extensions={"code": "INVALID_INPUT", "field": "after"},
            ) from None


def position_codec(kind: str, source: str = "this API") -> CursorCodec[int]:
    """Cursors ``<kind>:<n>`` for a row id or a position in a list (n >= 0)."""

    def load(text: str) -> int:
        prefix = f"{kind}:"
        if not text.startswith(prefix):
            raise ValueError(text)
        digits = text[len(prefix) :]
        # ASCII digits within the keys' range: a larger number would overflow the database
        if not (digits.isascii() and digits.isdigit() and len(digits) <= 12):
            raise ValueError(text)
        position = int(digits)
        if position > MAX_KEY:
            raise ValueError(text)
        return position

    return CursorCodec(source, lambda position: f"{kind}:{position}", load)


def json_codec(
    tag: str, source: str, dump: Callable[[K], list[Any]], load: Callable[[list[Any]], K]
) -> CursorCodec[K]:
    """Cursors for composite keys: a JSON list starting with ``tag``."""

    def load_text(text: str) -> K:
        parts = json.loads(text)
        if not isinstance(parts, list) or not parts or parts[0] != tag:
            raise ValueError(text)
        return load(parts[1:])

    return CursorCodec(source, lambda key: json.dumps([tag, *dump(key)]), load_text)


#: cursors of the lists paged over SQL by primary key
ROW_CURSOR = position_codec("cursor")


def check_first(info: Any, first: int | None) -> int:
    """``first``, between 0 and the configured maximum page size; ``first: null`` (what
    clients send for an unset variable) is the default page, as when it is left out."""
    if first is None:
        return DEFAULT_PAGE_SIZE
    limit = info.context.settings.api_max_page_size
    if first < 0 or first > limit:
        raise GraphQLError(
            f"first: must be between 0 and {limit}",
            extensions={"code": "INVALID_INPUT", "field": "first"},
        )
    return first


def page_args() -> dict[str, Any]:
    """The arguments of every list: ``first`` and ``after``."""
    return {
        "first": graphene.Int(
            default_value=DEFAULT_PAGE_SIZE,
            description="Page size (at most the configured maximum).",
        ),
        "after": graphene.String(description="The endCursor of the previous page."),
    }


@dataclass(frozen=True)
class Edge:
    cursor: str
    node: Any


@dataclass(frozen=True)
class PageState:
    """What ``pageInfo`` answers."""

    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


class Page:
    """What a connection resolves from; subclasses set ``edges`` and the two flags."""

    edges: list[Edge]
    has_next_page: bool
    has_previous_page: bool

    @property
    def page_info(self) -> PageState:
        return PageState(
            has_next_page=self.has_next_page,
            has_previous_page=self.has_previous_page,
            start_cursor=self.edges[0].cursor if self.edges else None,
            end_cursor=self.edges[-1].cursor if self.edges else None,
        )

    @property
    def total_count(self) -> int:
        raise NotImplementedError


class KeysetPage(Page):
    """A page of rows by primary key; ``total_count`` runs its COUNT only if asked."""

    def __init__(
        self, stmt: Select[Any], model: Any, first: int, after: str | None, session: Any
    ) -> None:
        self._count_stmt = select(func.count()).select_from(stmt.order_by(None).subquery())
        self._session = session
        if after:
            stmt = stmt.where(model.id > ROW_CURSOR.decode(after))
        rows = list(session.scalars(stmt.order_by(model.id).limit(first + 1)))
        self.has_next_page = len(rows) > first
        self.items: list[Any] = rows[:first]
        self.has_previous_page = after is not None
        self.edges = [Edge(ROW_CURSOR.encode(row.id), row) for row in self.items]

    @property
    def total_count(self) -> int:
        return int(self._session.scalar(self._count_stmt) or 0)


class ListPage(Page):
    """A page of a list computed in memory; cursors are opaque offsets."""

    def __init__(
        self, items: Sequence[Any], first: int, after: str | None, codec: CursorCodec[int]
    ) -> None:
        start = codec.decode(after) + 1 if after else 0
        self._total = len(items)
        self.edges = [
            Edge(codec.encode(i), items[i]) for i in range(start, min(start + first, len(items)))
        ]
        self.has_next_page = start + first < len(items)
        self.has_previous_page = start > 0

    @property
    def total_count(self) -> int:
        return self._total


def paginate(
    info: Any, stmt: Select[Any], model: Any, first: int | None, after: str | None
) -> KeysetPage:
    """A keyset page of ``stmt`` over ``model``, ``first`` bounded."""
    first = check_first(info, first)
    return KeysetPage(stmt, model, first, after, info.context.session)


class PageInfo(graphene.ObjectType):
    has_next_page = graphene.Boolean(required=True)
    has_previous_page = graphene.Boolean(required=True)
    start_cursor = graphene.String()
    end_cursor = graphene.String()


class Connection(graphene.ObjectType):
    """Base of every connection type (see :func:`connection_type`)."""

    class Meta:
        abstract = True


def connection_type(node: Any) -> type[Connection]:
    """``XConnection { edges { cursor node } pageInfo totalCount }`` for a node type, resolved
    from a :class:`Page`; subclass it to add fields (a summary, counts)."""
    name = node._meta.name
    edge = type(
        f"{name}Edge",
        (graphene.ObjectType,),
        {"cursor": graphene.String(required=True), "node": graphene.Field(graphene.NonNull(node))},
    )
    return type(
        f"{name}Connection",
        (Connection,),
        {
            "edges": graphene.NonNull(graphene.List(graphene.NonNull(edge))),
            "page_info": graphene.Field(graphene.NonNull(PageInfo)),
            "total_count": graphene.Int(required=True),
        },
    )
