"""Sessions of the web interface, kept in the catalog database.

    session_id = open_session(db, idle, token_id=token.id)      # after the token was checked
    session_id = open_session(db, idle, user_id=user.id, id_token=raw)   # single sign-on
    found = find_session(db, session_id, idle, now)   # None: unknown, or idle too long
    actor = actor_of(db, found)           # None: token revoked, user disabled or roleless
    waiting = waiting_person(db, found)   # the signed-in person who holds no role yet
    close_session(db, session_id)         # returns the ID token, for the provider's logout

A session belongs to an API token or to a person (a user signed in by their identity
provider). Who it acts for is read again at every request: revoking a token, a user's
grants, or disabling the user, takes effect at the next one.

The browser holds a random id (32 bytes); the catalog stores only its SHA-256 and the
token's or user's id, so reading the database lets nobody sign in. Being in the catalog, a session
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

from sqlalchemy import delete
from sqlalchemy.orm import Session

from registre.catalog.access.people import actor_for_user
from registre.catalog.access.roles import Actor
from registre.catalog.access.tokens import LAST_USED_RESOLUTION, actor_for_token
from registre.catalog.models.access import ApiToken, WebSession
from registre.catalog.models.base import utcnow
from registre.catalog.models.people import User

__all__ = [
    "actor_of",
    "close_session",
    "csrf_of",
    "find_session",
    "open_session",
    "session_hash",
    "waiting_person",
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
    db: Session,
    idle: dt.timedelta,
    now: dt.datetime | None = None,
    *,
    token_id: int | None = None,
    user_id: int | None = None,
    id_token: str | None = None,
) -> str:
    """A new session for the (already checked) token ``token_id``, or for the person
    ``user_id`` signed in by their provider (``id_token`` kept for the logout there);
    returns its id."""
    if (token_id is None) == (user_id is None):
        raise ValueError("a session belongs to a token or to a user")
    now = now or utcnow()
    db.execute(delete(WebSession).where(WebSession.last_seen_at < now - idle))
    session_id = secrets.token_urlsafe(32)
    db.add(
        WebSession(
            id_hash=session_hash(session_id),
            api_token_id=token_id,
            user_id=user_id,
            id_token=id_token,
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
    """Who the session acts for: its token's actor (with its domains; None once the token
    is revoked or its user disabled), or its person's (None while they hold no role, or
    once they are disabled)."""
    if found.user_id is not None:
        user = db.get(User, found.user_id)
        return None if user is None else actor_for_user(db, user)
    token = db.get(ApiToken, found.api_token_id)
    actor = None if token is None else actor_for_token(db, token)
    if token is None or actor is None:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
    return actor


def waiting_person(db: Session, found: WebSession) -> User | None:
    """The person of the session if they are signed in but hold no role yet (an admin must
    grant one); None for a token's session, a disabled user, or one who holds a role."""
    if found.user_id is None:
        return None
    user = db.get(User, found.user_id)
    if user is None or user.disabled_at is not None or user.grants:
        return None
    return user


def close_session(db: Session, session_id: str | None) -> str | None:
    """End the session; returns its ID token (for the logout at the provider), if any."""
    if not session_id:
        return None
    found = db.get(WebSession, session_hash(session_id))
    if found is None:
        return None
    id_token = found.id_token
    db.delete(found)
    db.flush()
    return id_token
