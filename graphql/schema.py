"""The GraphQL schema of Registre, assembled from its parts.

Each domain contributes a query mixin (and mutations): the catalog itself (``queries``,
``mutations``), compliance (``compliance``), exposure (``exposure``) and exports
(``exports``).
"""

from __future__ import annotations

import graphene

from registre.graphql.compliance import ComplianceMutation, ComplianceQuery
from registre.graphql.exports import ExportQuery
from registre.graphql.exposure import ExposureQuery
from registre.graphql.mutations import Mutation as CatalogMutation
from registre.graphql.queries import Query as CatalogQuery
from registre.graphql.types.data import NODE_TYPES


class Query(ComplianceQuery, ExposureQuery, ExportQuery, CatalogQuery):
    pass


class Mutation(ComplianceMutation, CatalogMutation):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation, types=list(NODE_TYPES))
