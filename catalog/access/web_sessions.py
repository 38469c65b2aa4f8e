"""Sessions of the web interface, kept in the catalog database.

    session_id = open_session(db, token)              # after the token was checked
    found = find_session(db, session_id, idle, now)   # None: unknown, or idle too long
    actor = actor_of(db, found)                        # None: its token was revoked
    close_session(db, session_id)

The browser holds a random id (32 bytes); the catalog stores only its SHA-256 and the
token's id, so reading the database lets nobody sign in. Being in the catalog, a session
survives a restart and is the same in every API process behind one address. A session
unused for ``idle`` is removed when next asked for, and every sign-in removes the expired
ones. The CSRF token of a session is derived from its id (:func:`csrf_of`): nothing more
to store, and it is only known to the browser holding the cookie.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from registre.catalog.access.roles import Actor
from registre.catalog.access.tokens import LAST_USED_RESOLUTION
from registre.catalog.models.access import ApiToken, WebSession
from registre.catalog.models.base import utcnow

__all__ = [
    "actor_of",
    "close_session",
    "csrf_of",
    "find_session",
    "open_session",
    "session_hash",
]

#: ``last_seen_at`` is written at most this often: a page view must not take the write
#: lock of an SQLite catalog every time (the idle timeout is this much less exact)
SEEN_RESOLUTION = dt.timedelta(minutes=1)


def session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def csrf_of(session_id: str) -> str:
    """The CSRF token of a session: an HMAC of its id (the server stores neither)."""
    return hmac.new(session_id.encode(), b"registre-csrf", hashlib.sha256).hexdigest()


def open_session(
    db: Session, token_id: int, idle: dt.timedelta, now: dt.datetime | None = None
) -> str:
    """A new session for the (already checked) token ``token_id``; returns its id."""
    now = now or utcnow()
    db.execute(delete(WebSession).where(WebSession.last_seen_at < now - idle))
    session_id = secrets.token_urlsafe(32)
    db.add(
        WebSession(
            id_hash=session_hash(session_id),
            api_token_id=token_id,
            created_at=now,
            last_seen_at=now,
        )
    )
    db.flush()
    return session_id


def find_session(
    db: Session, session_id: str | None, idle: dt.timedelta, now: dt.datetime | None = None
) -> WebSession | None:
    """The session ``session_id`` names if it was used within ``idle``; an expired one is
    removed. Using it starts the idle time again."""
    if not session_id or len(session_id) > 200:
        return None
    now = now or utcnow()
    found = db.get(WebSession, session_hash(session_id))
    if found is None:
        return None
    if now - found.last_seen_at > idle:
        db.delete(found)
        db.flush()
        return None
    if now - found.last_seen_at >= SEEN_RESOLUTION:
        found.last_seen_at = now
    return found


def actor_of(db: Session, found: WebSession) -> Actor | None:
    """Who the session acts for: its token's actor, or None once the token is revoked."""
    token = db.scalar(select(ApiToken).where(ApiToken.id == found.api_token_id))
    if token is None or token.revoked_at is not None:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
    return Actor(name=f"token:{token.name}", role=token.role, token_id=token.id)


def close_session(db: Session, session_id: str | None) -> None:
    if session_id:
        db.execute(delete(WebSession).where(WebSession.id_hash == session_hash(session_id)))
