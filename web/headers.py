"""Security headers of the web pages, as a pure ASGI middleware.

Stricter than the API's (``graphql/headers.py``, whose GraphiQL needs inline styles): no
inline script nor style at all, every asset from this server, forms posted only here, and
no page framed anywhere (clickjacking a steward into confirming a finding).
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

STATIC_PREFIX = "/static/"


class SecurityHeaders:
    """Sets ``headers`` on every HTTP answer (the web pages' policy unless told otherwise),
    with ``Cache-Control``: never stored, but for the vendored assets under
    ``cacheable_prefix`` (revalidated). The API uses the same middleware with its own policy
    (``graphql/headers.py``)."""

    def __init__(
        self,
        app: ASGIApp,
        headers: Mapping[str, str] = SECURITY_HEADERS,
        cacheable_prefix: str = STATIC_PREFIX,
    ) -> None:
        self.app = app
        self.headers = dict(headers)
        self.cacheable_prefix = cacheable_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = str(scope.get("path", "")).startswith(self.cacheable_prefix)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers[name] = value
                # pages and answers hold findings and names of people: never kept in a cache
                headers["Cache-Control"] = "no-cache" if cacheable else "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)
