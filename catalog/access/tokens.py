"""Bearer API tokens: shown once, stored as a SHA-256 hash, revocable."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from registre.catalog.access.audit import record
from registre.catalog.access.roles import Actor, Permission
from registre.catalog.enums import Role
from registre.catalog.errors import Conflict, InvalidInput, NotFound
from registre.catalog.i18n import Text
from registre.catalog.models.access import ApiToken
from registre.catalog.models.base import utcnow

#: how precisely ``last_used_at`` is kept
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)

TOKEN_PREFIX = "rgt_"  # noqa: S105 - a public prefix, not a secret


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    session: Session, actor: Actor, name: str, role: Role | str
) -> tuple[ApiToken, str]:
    """Create a token; returns the row and the clear token, which is never stored."""
    actor.require(Permission.ADMIN)
    name = name.strip()
    if not name:
        raise InvalidInput(Text("must not be blank"), field="name")
    try:
        role = Role(role)
    except ValueError:
        raise InvalidInput(
            Text(
                "unknown role '{role}'; one of {items}",
                role=role,
                items=", ".join(r.value for r in Role),
            ),
            field="role",
        ) from None
    if session.scalar(select(ApiToken.id).where(ApiToken.name == name)) is not None:
        raise Conflict(Text("a token named '{name}' already exists", name=name), field="name")
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, role=role, token_hash=hash_token(clear))
    session.add(token)
    record(session, actor, "create_token", token)
    return token, clear


def revoke_token(session: Session, actor: Actor, name: str) -> ApiToken:
    actor.require(Permission.ADMIN)
    token = session.scalar(select(ApiToken).where(ApiToken.name == name))
    if token is None:
        raise NotFound(Text("no token named '{name}'", name=name), field="name")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(session, actor, "revoke_token", token)
    return token


def authenticate(session: Session, clear: str) -> Actor | None:
    """The actor behind a bearer token, or None if it is unknown or revoked."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(clear)))
    if token is None or token.revoked_at is not None:
        return None
    now = utcnow()
    last = token.last_used_at
    # Written at most once a minute: a read-only request must not take the write lock of
    # an SQLite catalog on every call (concurrent readers would queue behind it).
    if last is None or now - last >= LAST_USED_RESOLUTION:
        token.last_used_at = now
    return Actor(name=f"token:{token.name}", role=token.role, token_id=token.id)
