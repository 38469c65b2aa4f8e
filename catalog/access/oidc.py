"""People signed in by their identity provider (OpenID Connect): which user they are, and
which roles they hold.

    user = sign_in_person(session, settings.oidc, identity)   # identity: verified claims

The protocol itself (discovery, PKCE, the ID token's signature...) is the web interface's
business (``web/oidc.py``); this module receives claims already verified and decides:

- **who**: ``user_claim = "sub"`` (the default) names a person by the provider's issuer and
  subject; ``user_claim = "email"`` names them by their e-mail (unless the provider says it
  is not verified), which finds a person an admin recorded beforehand, and follows an agent
  whose ``sub`` changes (ProConnect gives one per identity provider); the account is tied
  to the latest subject. Someone unknown is created at their first sign-in (a person, with
  no role).
- **which roles**: without ``roles_claim``, none are given here: the person sees a page
  saying an administrator must grant one (``actor_for_user`` is None), and does from the
  next request after the grant. With ``roles_claim`` (``groups``, Keycloak's
  ``realm_access.roles``), the claim decides at each sign-in through ``role_mappings``:
  grants are added and removed to match it, each change in the audit trail.
- a **disabled** user is refused (:class:`AccountDisabled`).

Every change is recorded by :data:`SSO_ACTOR`, the sign-in service itself.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registre.catalog.access.people import create_user, grant_role, revoke_role
from registre.catalog.access.roles import Actor
from registre.catalog.enums import Role, UserKind
from registre.catalog.errors import DomainError, PermissionDenied
from registre.catalog.i18n import Text
from registre.catalog.models.base import utcnow
from registre.catalog.models.people import Domain, User
from registre.config.oidc import OidcSettings

log = logging.getLogger("registre.sso")

#: who creates users and changes their roles at sign-in, as the audit trail names it
SSO_ACTOR = Actor(name="sso", role=Role.ADMIN)


class AccountDisabled(PermissionDenied):
    """The person's account is disabled in Registre."""


@dataclass(frozen=True)
class Identity:
    """A person as their provider vouches for them: the claims of a verified ID token (and
    userinfo), with the issuer and subject they were verified for."""

    issuer: str
    subject: str
    claims: Mapping[str, Any]


def claim(claims: Mapping[str, Any], path: str) -> Any:
    """The claim at ``path`` (``email``, ``realm_access.roles``); None if absent."""
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def person_name(settings: OidcSettings, identity: Identity) -> str:
    """``name_claims`` joined by a space, else the e-mail, else the subject."""
    parts = [_text(claim(identity.claims, path)) for path in settings.name_claims]
    name = " ".join(p for p in parts if p)
    return (name or email_of(settings, identity) or identity.subject)[:200]


def email_of(settings: OidcSettings, identity: Identity) -> str | None:
    email = _text(claim(identity.claims, settings.email_claim))
    return email if "@" in email and len(email) <= 320 else None


def sign_in_person(
    session: Session, settings: OidcSettings, identity: Identity, now: dt.datetime | None = None
) -> User:
    """The user ``identity`` is, created at their first sign-in; their roles follow
    ``roles_claim`` when it is set. Refused if the user is disabled."""
    user = _find(session, settings, identity)
    name = person_name(settings, identity)
    email = email_of(settings, identity)
    if user is None:
        free = email is not None and _email_owner(session, email) is None
        user = create_user(session, SSO_ACTOR, name, email if free else None)
        user.oidc_issuer, user.oidc_subject = identity.issuer, identity.subject
        session.flush()
        log.info("single sign-on: user %s created at first sign-in", user.id)
    if user.disabled_at is not None:
        raise AccountDisabled(Text("this account is disabled"))
    # found by e-mail: recorded beforehand, or signing in through another identity provider;
    # tie the account to this subject unless another account holds it
    tied = (user.oidc_issuer, user.oidc_subject) == (identity.issuer, identity.subject)
    if not tied and _by_subject(session, identity) is None:
        user.oidc_issuer, user.oidc_subject = identity.issuer, identity.subject
    if name != user.name:
        user.name = name
    if email is not None and email != user.email and _email_owner(session, email) is None:
        user.email = email
    user.last_sign_in_at = now or utcnow()
    if settings.roles_claim is not None:
        _follow_roles_claim(session, settings, user, identity)
    session.flush()
    return user


def _find(session: Session, settings: OidcSettings, identity: Identity) -> User | None:
    if settings.user_claim == "email":
        # The provider's e-mail names the person (ProConnect's advice: its ``sub`` differs
        # for each identity provider an agent signs in through). A provider saying the
        # address is not verified is not believed.
        email = email_of(settings, identity)
        if email is not None and identity.claims.get("email_verified") is not False:
            found = _email_owner(session, email)
            if found is not None and found.kind is UserKind.PERSON:
                return found
    return _by_subject(session, identity)


def _by_subject(session: Session, identity: Identity) -> User | None:
    return session.scalar(
        select(User).where(
            User.oidc_issuer == identity.issuer, User.oidc_subject == identity.subject
        )
    )


def _email_owner(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def roles_from_claims(
    session: Session, settings: OidcSettings, claims: Mapping[str, Any]
) -> set[tuple[Role, int | None]]:
    """The (role, domain id) pairs ``role_mappings`` gives for the values of
    ``roles_claim`` in ``claims`` (a mapping naming an unknown domain gives nothing)."""
    assert settings.roles_claim is not None
    raw = claim(claims, settings.roles_claim)
    values = {raw} if isinstance(raw, str) else {v for v in raw or () if isinstance(v, str)}
    wanted: set[tuple[Role, int | None]] = set()
    for mapping in settings.role_mappings:
        if mapping.value not in values:
            continue
        domain_id = None
        if mapping.domain is not None:
            domain_id = session.scalar(select(Domain.id).where(Domain.name == mapping.domain))
            if domain_id is None:
                log.warning("single sign-on: role mapping names no domain %r", mapping.domain)
                continue
        wanted.add((Role(mapping.role), domain_id))
    return wanted


def _follow_roles_claim(
    session: Session, settings: OidcSettings, user: User, identity: Identity
) -> None:
    wanted = roles_from_claims(session, settings, identity.claims)
    held = {(g.role, g.domain_id) for g in user.grants}
    for role, domain_id in sorted(held - wanted, key=_order):
        revoke_role(session, SSO_ACTOR, user, role, domain_id)
    for role, domain_id in sorted(wanted - held, key=_order):
        try:
            grant_role(session, SSO_ACTOR, user, role, domain_id)
        except DomainError as exc:  # e.g. an organisation-only role mapped to a domain
            log.warning("single sign-on: mapping to %s not granted (%s)", role.value, exc)


def _order(pair: tuple[Role, int | None]) -> tuple[str, int]:
    return pair[0].value, pair[1] or 0
