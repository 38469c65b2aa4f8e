"""Signing in with an API token, signing out (at the identity provider too, for a person
signed in by it), and the language switch. Single sign-on itself: ``web/pages/sso.py``."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from registre.catalog.access.roles import Actor
from registre.catalog.access.tokens import authenticate
from registre.web.core import Web, error_page, safe_next
from registre.web.i18n import LANG_COOKIE, LANGUAGES, Translator
from registre.web.session import COOKIE

LOGIN_COOKIE = "registre_login"
Endpoint = Callable[[Request], Awaitable[Response]]


def secure(request: Request) -> bool:
    return request.url.scheme == "https"


def sign_in(web: Web) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        t = web.translator(request)
        next_url = safe_next(request.query_params.get("next"))
        if request.method == "GET":
            return sign_in_form(web, request, t, next_url, None)
        form = await request.form(max_files=0, max_fields=10)
        submitted = form.get("csrf")
        expected = request.cookies.get(LOGIN_COOKIE, "")
        if not (
            isinstance(submitted, str)
            and expected
            and hmac.compare_digest(submitted.encode(), expected.encode())
        ):
            return sign_in_form(
                web, request, t, next_url, t.gettext("This form has expired; try again."), 403
            )
        token = form.get("token")
        posted_next = form.get("next")
        next_url = safe_next(posted_next if isinstance(posted_next, str) else None)
        actor = None
        if isinstance(token, str) and token.strip() and len(token) < 500:
            actor = await to_thread.run_sync(_check, web, token.strip())
        if actor is None:
            return sign_in_form(
                web, request, t, next_url, t.gettext("This token is unknown or revoked."), 401
            )
        session = await to_thread.run_sync(web.sessions.open, actor)
        response = RedirectResponse(next_url, status_code=303)
        response.set_cookie(
            COOKIE,
            session.id,
            httponly=True,
            samesite="lax",
            secure=secure(request),
            path="/",
        )
        response.delete_cookie(LOGIN_COOKIE, path="/connexion")
        return response

    return endpoint


def sign_in_form(
    web: Web, request: Request, t: Translator, next_url: str, error: str | None, status: int = 200
) -> Response:
    """The sign-in page: the identity provider's button when single sign-on is configured,
    and the token form, with a CSRF token of its own (double submit: a cookie and a field),
    so that another site cannot sign a colleague in under someone else's token."""
    login_csrf = secrets.token_urlsafe(32)
    sso_label = None
    if web.oidc is not None:
        sso_label = web.oidc.settings.button_label or t.gettext(
            "Sign in with your identity provider"
        )
    values = {"next": next_url, "error": error, "login_csrf": login_csrf, "sso_label": sso_label}
    response = web.render(request, t, "signin.html", values, status=status)
    response.set_cookie(
        LOGIN_COOKIE,
        login_csrf,
        httponly=True,
        samesite="strict",
        secure=secure(request),
        path="/connexion",
    )
    return response


def _check(web: Web, token: str) -> Actor | None:
    with web.factory() as db:
        actor = authenticate(db, token)
        db.commit()
        return actor


def sign_out(web: Web) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        t = web.translator(request)
        session = await to_thread.run_sync(web.sessions.get, request.cookies.get(COOKIE))
        if session is not None:
            form = await request.form(max_files=0, max_fields=10)
            csrf = form.get("csrf")
            if not session.csrf_ok(csrf if isinstance(csrf, str) else None):
                return error_page(web, request, t, 403, t.gettext("This form has expired."))
        logout = None
        if session is not None:
            id_token = await to_thread.run_sync(web.sessions.close, session.id)
            if session.user_id is not None and web.oidc is not None:
                logout = await to_thread.run_sync(web.oidc.logout_url, id_token)
        response: Response
        if logout is None:
            response = RedirectResponse("/connexion", status_code=303)
        else:
            # RP-initiated logout: our session is over; now the provider's. Not a redirect:
            # the pages' CSP (form-action 'self') rightly stops a form's redirect chain at
            # another origin, so the browser goes there from a page of its own (Refresh).
            response = web.render(request, t, "signed_out.html", {"logout_url": logout})
            response.headers["Refresh"] = f"0; url={logout}"
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")
        return response

    return endpoint


async def switch_language(request: Request) -> Response:
    """``/langue/en`` or ``/langue/fr``: remember the choice, go back to the page."""
    language = request.path_params["language"]
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    if language in LANGUAGES:
        response.set_cookie(
            LANG_COOKIE, language, max_age=365 * 86400, samesite="lax", secure=secure(request)
        )
    return response
