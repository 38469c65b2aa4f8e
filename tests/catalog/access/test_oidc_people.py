"""Who a person signed in by their identity provider is, and which roles they hold
(``catalog/access/oidc.py``): claims already verified, on a real catalog."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from registre.catalog.access.domains import create_domain
from registre.catalog.access.oidc import AccountDisabled, Identity, sign_in_person
from registre.catalog.access.people import actor_for_user, create_user
from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.enums import Role
from registre.catalog.models.access import AuditEvent
from registre.catalog.models.base import utcnow
from registre.config.oidc import OidcSettings, RoleMapping
from tests.support.catalogs import Catalog

ISSUER = "https://auth.agentconnect.gouv.fr/api/v2"


def settings(**changes: Any) -> OidcSettings:
    base: dict[str, Any] = {
        "issuer": ISSUER,
        "client_id": "registre",
        "name_claims": ["given_name", "usual_name"],
    }
    return OidcSettings(**(base | changes))


def identity(sub: str, email: str = "agnes.varda@culture.gouv.fr", **claims: Any) -> Identity:
    given = {"sub": sub, "email": email, "given_name": "Agnès", "usual_name": "Varda"}
    return Identity(ISSUER, sub, given | claims)


def test_the_first_sign_in_creates_a_person_the_next_ones_find_them(catalog: Catalog) -> None:
    with catalog.factory() as session:
        first = sign_in_person(session, settings(), identity("s-1"))
        session.commit()
        again = sign_in_person(session, settings(), identity("s-1", given_name="Agnès Marie"))
        assert again.id == first.id
        assert again.name == "Agnès Marie Varda"  # the provider's name follows
        assert actor_for_user(session, again) is None  # no role: signed in, sees nothing
        trail = session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "sso"))
        assert list(trail) == ["create_user"]


def test_by_sub_another_subject_is_another_person(catalog: Catalog) -> None:
    """With ``user_claim = "sub"`` an e-mail names nobody: a second subject claiming an
    e-mail already held gets an account of its own, without that e-mail."""
    with catalog.factory() as session:
        first = sign_in_person(session, settings(), identity("s-1"))
        other = sign_in_person(session, settings(), identity("s-2"))
        assert other.id != first.id
        assert other.email is None


def test_by_email_a_recorded_person_is_found_and_follows_a_new_subject(catalog: Catalog) -> None:
    with catalog.factory() as session:
        recorded = create_user(session, CLI_ACTOR, "A. Varda", "Agnes.Varda@culture.gouv.fr")
        session.flush()
        by_email = settings(user_claim="email")
        found = sign_in_person(session, by_email, identity("fi-1"))
        assert found.id == recorded.id
        assert (found.oidc_issuer, found.oidc_subject) == (ISSUER, "fi-1")
        # the agent signs in through another identity provider: ProConnect gives another sub
        moved = sign_in_person(session, by_email, identity("fi-2"))
        assert moved.id == recorded.id
        assert moved.oidc_subject == "fi-2"


def test_by_email_an_unverified_address_finds_nobody(catalog: Catalog) -> None:
    with catalog.factory() as session:
        recorded = create_user(session, CLI_ACTOR, "A. Varda", "agnes.varda@culture.gouv.fr")
        session.flush()
        stranger = identity("x-1", email_verified=False)
        created = sign_in_person(session, settings(user_claim="email"), stranger)
        assert created.id != recorded.id


def test_a_disabled_person_is_refused(catalog: Catalog) -> None:
    with catalog.factory() as session:
        user = sign_in_person(session, settings(), identity("s-1"))
        user.disabled_at = utcnow()
        with pytest.raises(AccountDisabled):
            sign_in_person(session, settings(), identity("s-1"))


def test_roles_follow_the_claim_at_each_sign_in(catalog: Catalog) -> None:
    with catalog.factory() as session:
        rh = create_domain(session, CLI_ACTOR, "RH")
        session.flush()
        keycloak = settings(
            roles_claim="realm_access.roles",
            role_mappings=[
                RoleMapping(value="registre-admin", role="admin"),
                RoleMapping(value="rh-referent", role="steward", domain="RH"),
                RoleMapping(value="rh-referent", role="admin", domain="RH"),  # refused: org-wide
            ],
        )
        claims = {"realm_access": {"roles": ["rh-referent", "offline_access"]}}
        user = sign_in_person(session, keycloak, identity("k-1", **claims))
        assert {(g.role, g.domain_id) for g in user.grants} == {(Role.STEWARD, rh.id)}
        actor = actor_for_user(session, user)
        assert actor is not None and actor.domains() == frozenset({rh.id})

        promoted = {"realm_access": {"roles": ["registre-admin"]}}
        user = sign_in_person(session, keycloak, identity("k-1", **promoted))
        assert {(g.role, g.domain_id) for g in user.grants} == {(Role.ADMIN, None)}
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.actor == "sso").order_by(AuditEvent.id)
        )
        assert list(actions) == ["create_user", "grant_role", "revoke_role", "grant_role"]
