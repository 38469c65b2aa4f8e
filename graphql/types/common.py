"""What every object type shares: the node base, the model decorator and link resolvers.

Type modules import this one, never each other in a circle: a type of another domain is
named lazily (a lambda or a dotted import string), and the schema roots import them all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import graphene

Info = Any


def loaders_of(info: Info) -> Any:
    """The request's loaders (:class:`registre.graphql.loaders.Loaders`)."""
    return info.context.loaders


def via(loader: str, key: str = "id") -> Any:
    """A resolver loading ``root.<key>`` through the request's ``loader`` (None stays None)."""

    def resolve(root: Any, info: Info) -> Any:
        value = getattr(root, key)
        return None if value is None else getattr(loaders_of(info), loader).load(value)

    return staticmethod(resolve)


class EntityNode(graphene.ObjectType):
    """Base of every entity: a Relay node fetched from its model by id."""

    class Meta:
        abstract = True

    _model: Any = None

    @classmethod
    def get_node(cls, info: Info, id: str) -> Any:  # noqa: A002 - graphene's signature
        return info.context.session.get(cls._model, int(id))

    @classmethod
    def is_type_of(cls, root: Any, info: Info) -> bool:
        # How the Node interface (``node(id)``) tells which type a model instance is.
        return isinstance(root, cls._model)


def entity(model: Any) -> Callable[[type[EntityNode]], type[EntityNode]]:
    """Class decorator wiring a node type to its SQLAlchemy model."""

    def wrap(cls: type[EntityNode]) -> type[EntityNode]:
        cls._model = model
        return cls

    return wrap
