"""The GraphQL schema of Registre, assembled from its parts."""

from __future__ import annotations

import graphene

from .mutations import Mutation
from .queries import Query
from .types import NODE_TYPES

schema = graphene.Schema(query=Query, mutation=Mutation, types=list(NODE_TYPES))
