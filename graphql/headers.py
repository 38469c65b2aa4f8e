"""The API's security headers (the web pages' middleware, with the API's policy).

The policy allows only this server's own files: GraphiQL's page has no inline script
(``static/graphiql-page.js``); ``'unsafe-inline'`` styles remain because GraphiQL's editor
(CodeMirror) positions its elements with ``style`` attributes. No page of Registre may be
framed (clickjacking a steward into a mutation), sniffed into another media type, or
cached: API answers hold personal-data findings.
"""

from __future__ import annotations

from starlette.types import ASGIApp

from registre.web.headers import SecurityHeaders

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

#: vendored assets change only with a release: they may be cached (and revalidated)
CACHEABLE_PREFIX = "/graphql/static/"


def api_security_headers(app: ASGIApp) -> SecurityHeaders:
    """The API's policy, through the same middleware as the web pages'."""
    return SecurityHeaders(app, SECURITY_HEADERS, CACHEABLE_PREFIX)
