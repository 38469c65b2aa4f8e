"""Server-side sessions of the web interface, and their CSRF tokens.

The browser holds only a random session id (an HttpOnly, SameSite=Lax cookie, Secure
behind HTTPS); the API token it signed in with stays in this process's memory, and is
checked again against the catalog on every request, so a revoked token ends its sessions
at once. A session unused for ``idle_seconds`` is gone. Sessions live in the process that
created them: a restart signs everybody out (several API processes behind one address need
sticky sessions).
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

COOKIE = "registre_session"
DEFAULT_IDLE_SECONDS = 30 * 60


@dataclass
class WebSession:
    id: str
    token: str
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    last_seen: float = field(default_factory=lambda: time.monotonic())

    def csrf_ok(self, submitted: str | None) -> bool:
        return bool(submitted) and hmac.compare_digest(self.csrf, str(submitted))


class SessionStore:
    """Sessions by id, dropped after ``idle_seconds`` without a request."""

    def __init__(self, idle_seconds: float = DEFAULT_IDLE_SECONDS) -> None:
        self.idle_seconds = idle_seconds
        self._sessions: dict[str, WebSession] = {}
        self._lock = threading.Lock()

    def open(self, token: str) -> WebSession:
        session = WebSession(id=secrets.token_urlsafe(32), token=token)
        with self._lock:
            self._prune()
            self._sessions[session.id] = session
        return session

    def get(self, session_id: str | None) -> WebSession | None:
        if not session_id:
            return None
        now = time.monotonic()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if now - session.last_seen > self.idle_seconds:
                del self._sessions[session_id]
                return None
            session.last_seen = now
            return session

    def close(self, session_id: str | None) -> None:
        with self._lock:
            self._sessions.pop(session_id or "", None)

    def _prune(self) -> None:
        now = time.monotonic()
        for key in [k for k, s in self._sessions.items() if now - s.last_seen > self.idle_seconds]:
            del self._sessions[key]
