"""Domains, users and role grants: ``domains`` (every caller: its own), ``users`` and the
admin's mutations ``createDomain``, ``createUser``, ``grantRole``, ``revokeRole``. Thin
wrappers over :mod:`registre.catalog.access.domains` and :mod:`~.people`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import graphene

from registre.catalog.access import domains, people
from registre.catalog.access.roles import Permission
from registre.catalog.models import User as UserModel
from registre.graphql import conversions as s
from registre.graphql.ids import decode_id
from registre.graphql.mutations import committed
from registre.graphql.types.common import Info
from registre.graphql.types.people import Domain, User


class PeopleQuery(graphene.ObjectType):
    domains = graphene.List(
        graphene.NonNull(Domain),
        required=True,
        description="The domains the caller works in (every one for an organisation-wide "
        "caller), by name.",
    )
    users = graphene.List(
        graphene.NonNull(User), required=True, description="Users and their roles (admins)."
    )

    @staticmethod
    def resolve_domains(root: Any, info: Info) -> list[Any]:
        return domains.list_domains(info.context.session, info.context.actor)

    @staticmethod
    def resolve_users(root: Any, info: Info) -> list[Any]:
        return people.list_users(info.context.session, info.context.actor)


def _user(info: Info, user_id: str) -> UserModel:
    ctx = info.context
    ctx.actor.require_wide(Permission.ADMIN)  # before the id is decoded, as ever
    key = decode_id(user_id, "User", "input.userId")
    return people.get_user(ctx.session, ctx.actor, key, field="userId")


def _domain_id(value: str | None) -> int | None:
    return None if value is None else decode_id(value, "Domain", "input.domainId")


class CreateDomainInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    organisation_id = graphene.ID()


class CreateDomainPayload(graphene.Mutation):
    """Create a domain (admins)."""

    class Arguments:
        input = CreateDomainInput(required=True)

    domain = graphene.Field(Domain)

    @staticmethod
    def mutate(root: Any, info: Info, input: dict[str, Any]) -> CreateDomainPayload:  # noqa: A002
        org = input.get("organisation_id")
        org_id = None if org is None else decode_id(org, "Organisation", "input.organisationId")
        ctx = info.context
        domain = committed(
            info, lambda: domains.create_domain(ctx.session, ctx.actor, input["name"], org_id)
        )
        return CreateDomainPayload(domain=domain)


class CreateUserInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    email = graphene.String()
    kind = graphene.String(description="person (default) or service")
    organisation_id = graphene.ID()


class CreateUserPayload(graphene.Mutation):
    """Create a user, with no role until one is granted (admins)."""

    class Arguments:
        input = CreateUserInput(required=True)

    user = graphene.Field(User)

    @staticmethod
    def mutate(root: Any, info: Info, input: dict[str, Any]) -> CreateUserPayload:  # noqa: A002
        org = input.get("organisation_id")
        org_id = None if org is None else decode_id(org, "Organisation", "input.organisationId")
        ctx = info.context
        user = committed(
            info,
            lambda: people.create_user(
                ctx.session,
                ctx.actor,
                input["name"],
                input.get("email"),
                kind=input.get("kind") or "person",
                organisation_id=org_id,
            ),
        )
        return CreateUserPayload(user=user)


class RoleGrantInput(graphene.InputObjectType):
    user_id = graphene.ID(required=True)
    role = graphene.Field(s.Role, required=True)
    domain_id = graphene.ID(description="Omitted: the whole organisation.")


def _change_role(info: Info, input: dict[str, Any], change: Callable[..., Any]) -> UserModel:  # noqa: A002
    """Grant or revoke (``change``) the input's role on its domain, committed; the user."""
    ctx = info.context
    user = _user(info, input["user_id"])
    domain_id = _domain_id(input.get("domain_id"))
    committed(info, lambda: change(ctx.session, ctx.actor, user, input["role"], domain_id))
    return user


class GrantRolePayload(graphene.Mutation):
    """Grant a role to a user on a domain, or on the whole organisation (admins)."""

    class Arguments:
        input = RoleGrantInput(required=True)

    user = graphene.Field(User)

    @staticmethod
    def mutate(root: Any, info: Info, input: dict[str, Any]) -> GrantRolePayload:  # noqa: A002
        return GrantRolePayload(user=_change_role(info, input, people.grant_role))


class RevokeRolePayload(graphene.Mutation):
    """Take a role back (admins)."""

    class Arguments:
        input = RoleGrantInput(required=True)

    user = graphene.Field(User)

    @staticmethod
    def mutate(root: Any, info: Info, input: dict[str, Any]) -> RevokeRolePayload:  # noqa: A002
        return RevokeRolePayload(user=_change_role(info, input, people.revoke_role))


class PeopleMutation(graphene.ObjectType):
    create_domain = CreateDomainPayload.Field()
    create_user = CreateUserPayload.Field()
    grant_role = GrantRolePayload.Field()
    revoke_role = RevokeRolePayload.Field()
