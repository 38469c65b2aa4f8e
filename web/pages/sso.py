"""Single sign-on: ``/connexion/oidc`` sends the browser to the identity provider,
``/connexion/oidc/retour`` receives it back, checks everything (``web/oidc.py``), finds or
creates the person (``catalog/access/oidc.py``) and opens their session.

A person who holds no role yet is signed in all the same: every page then says that their
account exists and an administrator must grant them a role (``web/core.py``).
"""

from __future__ import annotations

import logging

from anyio import to_thread
from sqlalchemy.exc import IntegrityError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from registre.catalog.access.oidc import AccountDisabled, Identity, sign_in_person
from registre.catalog.errors import InvalidInput
from registre.web.core import Web, error_page, safe_next
from registre.web.i18n import Translator
from registre.web.oidc import Pending, ProviderUnreachable, SignInRefused
from registre.web.pages.auth import Endpoint, secure, sign_in_form
from registre.web.session import COOKIE, WebSession

log = logging.getLogger("registre.sso")

#: the sign-in under way (state, nonce, PKCE verifier), see ``web.oidc.Pending``
PENDING_COOKIE = "registre_oidc"
PENDING_PATH = "/connexion/oidc"
PENDING_MAX_AGE = 600  # seconds a person has to sign in at the provider
MAX_NEXT = 1000  # longest page address kept to go back to after signing in


def start(web: Web) -> Endpoint:
    """Off to the provider, with a new state, nonce and PKCE challenge."""

    async def endpoint(request: Request) -> Response:
        t = web.translator(request)
        if web.oidc is None:
            return error_page(web, request, t, 404, t.gettext("This page does not exist."))
        next_url = safe_next(request.query_params.get("next"))
        if len(next_url) > MAX_NEXT:  # it travels in a cookie
            next_url = "/"
        try:
            url, pending = await to_thread.run_sync(web.oidc.start, next_url)
        except ProviderUnreachable as exc:
            log.warning("single sign-on: the provider is unreachable (%s)", exc)
            return sign_in_form(web, request, t, next_url, _unreachable(t), 502)
        except InvalidInput:  # the client secret's reference: refused or unresolvable
            return sign_in_form(web, request, t, next_url, _misconfigured(t), 500)
        response = RedirectResponse(url, status_code=303)
        response.set_cookie(
            PENDING_COOKIE,
            pending.encode(),
            max_age=PENDING_MAX_AGE,
            httponly=True,
            # Lax, not Strict: the provider sends the browser back with a top-level GET
            samesite="lax",
            secure=secure(request),
            path=PENDING_PATH,
        )
        return response

    return endpoint


def callback(web: Web) -> Endpoint:
    """Back from the provider: the person is who the provider says, or nobody."""

    async def endpoint(request: Request) -> Response:
        t = web.translator(request)
        if web.oidc is None:
            return error_page(web, request, t, 404, t.gettext("This page does not exist."))
        pending = Pending.decode(request.cookies.get(PENDING_COOKIE))
        if pending is None:
            message = t.gettext("This sign-in has expired or was started elsewhere; sign in again.")
            return _refused(web, request, t, "/", message, 400)
        params = dict(request.query_params)
        if params.get("error") == "access_denied" and params.get("state") == pending.state:
            message = t.gettext("The sign-in was cancelled at the identity provider.")
            return _refused(web, request, t, pending.next, message, 403)
        try:
            identity, id_token = await to_thread.run_sync(web.oidc.finish, pending, params)
        except SignInRefused as exc:
            log.warning("single sign-on refused: %s", exc)
            message = t.gettext(
                "The identity provider's answer could not be verified; sign in again."
            )
            return _refused(web, request, t, pending.next, message, 403)
        except ProviderUnreachable as exc:
            log.warning("single sign-on: the provider is unreachable (%s)", exc)
            return _refused(web, request, t, pending.next, _unreachable(t), 502)
        except InvalidInput:  # the client secret's reference: refused or unresolvable
            return _refused(web, request, t, pending.next, _misconfigured(t), 500)
        try:
            session = await to_thread.run_sync(_open, web, identity, id_token)
        except AccountDisabled:
            message = t.gettext("This account is disabled; ask an administrator.")
            return _refused(web, request, t, pending.next, message, 403)
        # a session this browser held before (another person's, a token's) ends here
        await to_thread.run_sync(web.sessions.close, request.cookies.get(COOKIE))
        response = RedirectResponse(safe_next(pending.next), status_code=303)
        response.set_cookie(
            COOKIE, session.id, httponly=True, samesite="lax", secure=secure(request), path="/"
        )
        response.delete_cookie(PENDING_COOKIE, path=PENDING_PATH)
        return response

    return endpoint


def _open(web: Web, identity: Identity, id_token: str) -> WebSession:
    """Find or create the person, and open their session, in one transaction; once more if
    a concurrent first sign-in of the same person created them meanwhile."""
    assert web.settings.oidc is not None
    for attempt in (1, 2):
        with web.factory() as db:
            try:
                user = sign_in_person(db, web.settings.oidc, identity)
                session = web.sessions.open_person(db, user.id, id_token)
                db.commit()
                return session
            except IntegrityError:
                db.rollback()
                if attempt == 2:
                    raise
    raise AssertionError("unreachable")


def _refused(
    web: Web, request: Request, t: Translator, next_url: str, message: str, status: int
) -> Response:
    response = sign_in_form(web, request, t, safe_next(next_url), message, status)
    response.delete_cookie(PENDING_COOKIE, path=PENDING_PATH)
    return response


def _unreachable(t: Translator) -> str:
    return str(
        t.gettext(
            "The identity provider cannot be reached; try again in a moment, or sign in with "
            "an API token."
        )
    )


def _misconfigured(t: Translator) -> str:
    return t.gettext("Single sign-on is misconfigured on this server; tell its administrator.")
