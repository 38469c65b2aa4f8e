"""The GraphQL schema of Registre, assembled from its parts.

Each domain contributes a query mixin (and mutations): the catalog itself (``queries``,
``mutations``), compliance (``compliance``), exposure (``exposure``) and exports
(``exports``).
"""

from __future__ import annotations

import graphene

from .compliance import ComplianceMutation, ComplianceQuery
from .exports import ExportQuery
from .exposure import ExposureQuery
from .mutations import Mutation as CatalogMutation
from .queries import Query as CatalogQuery
from .types import NODE_TYPES


class Query(ComplianceQuery, ExposureQuery, ExportQuery, CatalogQuery):
    pass


class Mutation(ComplianceMutation, CatalogMutation):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation, types=list(NODE_TYPES))
