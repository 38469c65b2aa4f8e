"""Domains, users and their role grants as the API shows them."""

from __future__ import annotations

import graphene
from graphene import relay

from registre.catalog import models
from registre.graphql import conversions as s
from registre.graphql.types.common import EntityNode, Info, entity, via
from registre.graphql.types.data import Organisation


@entity(models.Domain)
class Domain(EntityNode):
    """A perimeter of the register (a directorate, a service, a commune of a shared
    service): data stores, AI systems and processing activities belong to one."""

    class Meta:
        interfaces = (relay.Node,)

    name = graphene.String(required=True)
    organisation = graphene.Field(Organisation)
    created_at = graphene.DateTime(required=True)

    resolve_organisation = via("organisation", "organisation_id")


class RoleGrant(graphene.ObjectType):
    """A role held on one domain, or on the whole organisation (``domain`` null)."""

    role = graphene.Field(s.Role, required=True)
    domain = graphene.Field(Domain, description="Null: the whole organisation.")

    resolve_domain = via("domain", "domain_id")


class User(graphene.ObjectType):
    """A person or a service account, with the roles it holds (admins only)."""

    class Meta:
        interfaces = (relay.Node,)

    name = graphene.String(required=True)
    email = graphene.String()
    kind = graphene.String(required=True, description="person or service")
    organisation = graphene.Field(Organisation)
    grants = graphene.List(graphene.NonNull(RoleGrant), required=True)
    created_at = graphene.DateTime(required=True)
    last_sign_in_at = graphene.DateTime()
    disabled = graphene.Boolean(required=True)

    resolve_organisation = via("organisation", "organisation_id")

    @staticmethod
    def resolve_kind(root: models.User, info: Info) -> str:
        return root.kind.value

    @staticmethod
    def resolve_grants(root: models.User, info: Info) -> list[models.RoleGrant]:
        return sorted(root.grants, key=lambda g: (g.domain_id or 0, g.role.value))

    @staticmethod
    def resolve_disabled(root: models.User, info: Info) -> bool:
        return root.disabled_at is not None

    @classmethod
    def is_type_of(cls, root: object, info: Info) -> bool:
        return isinstance(root, models.User)
