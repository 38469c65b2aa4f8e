"""Server-side sessions of the web interface, and their CSRF tokens.

The browser holds only a random session id (an HttpOnly, SameSite=Lax cookie, Secure
behind HTTPS). The session is kept in the catalog database (:mod:`catalog.access.
web_sessions`: the SHA-256 of its id and the token's id, never the token), so that a
restart signs nobody out and every API process behind one address knows it. Its token is
checked again against the catalog on every request, so a revoked token ends its sessions
at once. A session unused for ``web_session_idle_seconds`` (``config``) is gone.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from registre.catalog.access import web_sessions
from registre.catalog.access.roles import Actor
from registre.catalog.models.access import WebSession as SessionRecord

COOKIE = "registre_session"
DEFAULT_IDLE_SECONDS = 30 * 60


@dataclass(frozen=True)
class WebSession:
    id: str
    api_token_id: int

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
        assert actor.token_id is not None
        with self.factory() as db:
            session_id = web_sessions.open_session(db, actor.token_id, self.idle, now)
            db.commit()
        return WebSession(session_id, actor.token_id)

    def get(self, session_id: str | None, now: dt.datetime | None = None) -> WebSession | None:
        if not session_id:
            return None
        with self.factory() as db:
            found = web_sessions.find_session(db, session_id, self.idle, now)
            db.commit()
            return None if found is None else WebSession(session_id, found.api_token_id)

    def actor(self, db: Session, session: WebSession) -> Actor | None:
        """The session's actor in ``db``'s transaction; None if it ended meanwhile or its
        token was revoked."""
        found = db.get(SessionRecord, web_sessions.session_hash(session.id))
        return None if found is None else web_sessions.actor_of(db, found)

    def close(self, session_id: str | None) -> None:
        with self.factory() as db:
            web_sessions.close_session(db, session_id)
            db.commit()
