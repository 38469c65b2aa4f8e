"""The GraphQL schema of Registre: the roots, assembled from the domains.

Each domain contributes its root fields as a query mixin (and mutations): the catalog
itself (``queries``, ``mutations``), compliance (``compliance``), exposure (``exposure``)
and exports (``exports``). Object types live in ``types/``, one module per domain; they
never import a root.
"""

from __future__ import annotations

import graphene

from registre.graphql.compliance import ComplianceMutation, ComplianceQuery
from registre.graphql.exports import ExportQuery
from registre.graphql.exposure import ExposureQuery
from registre.graphql.mutations import Mutation as CatalogMutation
from registre.graphql.people import PeopleMutation, PeopleQuery
from registre.graphql.queries import Query as CatalogQuery
from registre.graphql.types.ai import AISystem, Assessment, Policy, ProcessingActivity
from registre.graphql.types.common import EntityNode
from registre.graphql.types.data import (
    AuditEvent,
    Dataset,
    DataStore,
    Field,
    Finding,
    Organisation,
)
from registre.graphql.types.people import Domain, User
from registre.graphql.types.scans import ScanRun

#: every entity type ``node(id)`` answers with
NODE_TYPES: tuple[type[EntityNode], ...] = (
    Organisation,
    DataStore,
    Dataset,
    Field,
    Finding,
    AISystem,
    Policy,
    Assessment,
    ProcessingActivity,
    ScanRun,
    AuditEvent,
    Domain,
)


class Query(PeopleQuery, ComplianceQuery, ExposureQuery, ExportQuery, CatalogQuery):
    pass


class Mutation(PeopleMutation, ComplianceMutation, CatalogMutation):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation, types=[*NODE_TYPES, User])
