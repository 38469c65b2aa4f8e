"""Bearer API tokens: shown once, stored as a SHA-256 hash, revocable.

A token carries a role and, optionally, domains: it acts with its role on those domains
only; with none, on the whole organisation (what tokens made before domains keep). It may
belong to a user (a person or a service account): the audit trail then names the user, and
the token stops working when the user is disabled."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from registre.catalog.access.audit import record
from registre.catalog.access.people import parse_role
from registre.catalog.access.roles import ORGANISATION_ONLY_ROLES, Actor, Grant, Permission
from registre.catalog.enums import Role
from registre.catalog.errors import Conflict, InvalidInput, NotFound
from registre.catalog.i18n import Text
from registre.catalog.models.access import ApiToken
from registre.catalog.models.base import utcnow
from registre.catalog.models.people import Domain, User, api_token_domain

#: how precisely ``last_used_at`` is kept
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)

TOKEN_PREFIX = "rgt_"  # noqa: S105 - a public prefix, not a secret


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    session: Session,
    actor: Actor,
    name: str,
    role: Role | str,
    domains: Sequence[Domain] = (),
    user: User | None = None,
) -> tuple[ApiToken, str]:
    """Create a token; returns the row and the clear token, which is never stored. With
    ``domains`` it acts on those only; without, on the whole organisation."""
    actor.require_wide(Permission.ADMIN)
    name = name.strip()
    if not name:
        raise InvalidInput(Text("must not be blank"), field="name")
    role = parse_role(role)
    if domains and role in ORGANISATION_ONLY_ROLES:
        raise InvalidInput(
            Text("the role '{role}' is granted on the whole organisation only", role=role.value),
            field="domain",
        )
    if session.scalar(select(ApiToken.id).where(ApiToken.name == name)) is not None:
        raise Conflict(Text("a token named '{name}' already exists", name=name), field="name")
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        role=role,
        token_hash=hash_token(clear),
        user_id=None if user is None else user.id,
    )
    session.add(token)
    session.flush()
    ids = sorted({d.id for d in domains})
    if ids:
        session.execute(
            api_token_domain.insert(), [{"api_token_id": token.id, "domain_id": i} for i in ids]
        )
    after = {"name": token.name, "role": role.value, "domains": ids, "user_id": token.user_id}
    record(session, actor, "create_token", token, after=after)
    return token, clear


def revoke_token(session: Session, actor: Actor, name: str) -> ApiToken:
    actor.require_wide(Permission.ADMIN)
    token = session.scalar(select(ApiToken).where(ApiToken.name == name))
    if token is None:
        raise NotFound(Text("no token named '{name}'", name=name), field="name")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(session, actor, "revoke_token", token)
    return token


def token_domains(session: Session, token_id: int) -> list[int]:
    return list(
        session.scalars(
            select(api_token_domain.c.domain_id)
            .where(api_token_domain.c.api_token_id == token_id)
            .order_by(api_token_domain.c.domain_id)
        )
    )


def actor_for_token(session: Session, token: ApiToken) -> Actor | None:
    """Who acts with ``token``: its role on its domains (none: the whole organisation),
    named after its user when it has one; None once revoked or its user disabled."""
    if token.revoked_at is not None:
        return None
    name = f"token:{token.name}"
    if token.user_id is not None:
        user = session.get(User, token.user_id)
        if user is None or user.disabled_at is not None:
            return None
        name = user.name
    grants = tuple(Grant(token.role, d) for d in token_domains(session, token.id))
    return Actor(
        name=name, role=token.role, token_id=token.id, user_id=token.user_id, grants=grants
    )


def authenticate(session: Session, clear: str) -> Actor | None:
    """The actor behind a bearer token, or None if it is unknown or revoked."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(clear)))
    if token is None:
        return None
    actor = actor_for_token(session, token)
    if actor is None:
        return None
    now = utcnow()
    last = token.last_used_at
    # Written at most once a minute: a read-only request must not take the write lock of
    # an SQLite catalog on every call (concurrent readers would queue behind it).
    if last is None or now - last >= LAST_USED_RESOLUTION:
        token.last_used_at = now
    return actor
