"""Server-side sessions of the web interface, and their CSRF tokens.

The browser holds only a random session id (an HttpOnly, SameSite=Lax cookie, Secure
behind HTTPS). The session is kept in the catalog database (:mod:`catalog.access.
web_sessions`: the SHA-256 of its id and the token's or person's id, never the token), so
that a restart signs nobody out and every API process behind one address knows it. Its
token, or its person's account and grants, are read again from the catalog on every
request, so a revoked token, a revoked grant or a disabled account takes effect at once.
A session unused for ``web_session_idle_seconds`` (``config``) is gone.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from registre.catalog.access import web_sessions
from registre.catalog.access.roles import Actor
from registre.catalog.models.access import WebSession as SessionRecord
from registre.catalog.models.people import User

COOKIE = "registre_session"
DEFAULT_IDLE_SECONDS = 30 * 60


@dataclass(frozen=True)
class WebSession:
    id: str
    api_token_id: int | None
    user_id: int | None = None

    @property
    def csrf(self) -> str:
        return web_sessions.csrf_of(self.id)

    def csrf_ok(self, submitted: str | None) -> bool:
        return bool(submitted) and hmac.compare_digest(self.csrf, str(submitted))


class SessionStore:
    """Sessions by id, in the catalog; dropped after ``idle_seconds`` without a request.

    Each method opens its own short transaction (call them from a worker thread)."""

    def __init__(
        self, factory: sessionmaker[Session], idle_seconds: float = DEFAULT_IDLE_SECONDS
    ) -> None:
        self.factory = factory
        self.idle = dt.timedelta(seconds=idle_seconds)

    def open(self, actor: Actor, now: dt.datetime | None = None) -> WebSession:
        """A session for a token's actor (signed in with the token form)."""
        assert actor.token_id is not None
        with self.factory() as db:
            session_id = web_sessions.open_session(db, self.idle, now, token_id=actor.token_id)
            db.commit()
        return WebSession(session_id, actor.token_id)

    def open_person(
        self, db: Session, user_id: int, id_token: str, now: dt.datetime | None = None
    ) -> WebSession:
        """A session for a person signed in by their provider, in ``db``'s transaction (the
        caller commits it with the sign-in's changes)."""
        session_id = web_sessions.open_session(
            db, self.idle, now, user_id=user_id, id_token=id_token
        )
        return WebSession(session_id, None, user_id)

    def get(self, session_id: str | None, now: dt.datetime | None = None) -> WebSession | None:
        if not session_id:
            return None
        with self.factory() as db:
            found = web_sessions.find_session(db, session_id, self.idle, now)
            db.commit()
            if found is None:
                return None
            return WebSession(session_id, found.api_token_id, found.user_id)

    def actor(self, db: Session, session: WebSession) -> Actor | None:
        """The session's actor in ``db``'s transaction; None if it ended meanwhile or its
        token was revoked."""
        found = db.get(SessionRecord, web_sessions.session_hash(session.id))
        return None if found is None else web_sessions.actor_of(db, found)

    def waiting_person(self, db: Session, session: WebSession) -> User | None:
        """The session's person while they hold no role yet (see ``web_sessions``)."""
        found = db.get(SessionRecord, web_sessions.session_hash(session.id))
        return None if found is None else web_sessions.waiting_person(db, found)

    def close(self, session_id: str | None) -> str | None:
        """End the session; returns its ID token (a person's), for the provider's logout."""
        with self.factory() as db:
            id_token = web_sessions.close_session(db, session_id)
            db.commit()
        return id_token
