"""Signing in with a token, the server-side session, CSRF, signing out."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from starlette.testclient import TestClient

from registre.catalog.access.roles import CLI_ACTOR, Actor
from registre.catalog.access.tokens import authenticate, revoke_token
from registre.catalog.db import transaction
from registre.catalog.enums import Role
from registre.catalog.models.access import WebSession as SessionRecord
from registre.config.settings import Settings
from registre.graphql.app import create_app
from registre.web import session as sessions
from registre.web.core import safe_next
from registre.web.session import SessionStore
from tests.support.api import Api
from tests.web.conftest import csrf_of, sign_in


def test_a_page_without_a_session_sends_to_sign_in_keeping_the_address(site: Api) -> None:
    answer = site.client.get("/jeux-de-donnees?q=agents", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/connexion?next=%2Fjeux-de-donnees%3Fq%3Dagents"


def test_signing_in_goes_back_to_the_shared_link(site: Api) -> None:
    form = site.client.get("/connexion?next=/jeux-de-donnees%3Fq%3Dagents")
    answer = site.client.post(
        "/connexion",
        data={
            "token": site.tokens[Role.STEWARD],
            "csrf": csrf_of(form.text),
            "next": "/jeux-de-donnees?q=agents",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/jeux-de-donnees?q=agents"
    cookie = answer.headers["set-cookie"]
    assert "registre_session=" in cookie
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain HTTP here; behind HTTPS it is set (below)
    page = site.client.get("/jeux-de-donnees?q=agents")
    assert page.status_code == 200 and "agents" in page.text
    # a reload keeps the session
    assert site.client.get("/jeux-de-donnees?q=agents").status_code == 200


def test_the_cookie_is_secure_behind_https(site: Api) -> None:
    form = site.client.get("https://testserver/connexion")
    answer = site.client.post(
        "https://testserver/connexion",
        data={"token": site.tokens[Role.ADMIN], "csrf": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert "Secure" in answer.headers["set-cookie"]


def test_a_wrong_token_is_refused_and_opens_no_session(site: Api) -> None:
    form = site.client.get("/connexion")
    answer = site.client.post(
        "/connexion",
        data={"token": "rgt_wrong", "csrf": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 401
    assert "Ce jeton est inconnu ou révoqué." in answer.text
    assert "registre_session" not in answer.headers.get("set-cookie", "")


def test_the_sign_in_form_needs_its_csrf_token(site: Api) -> None:
    site.client.get("/connexion")
    answer = site.client.post(
        "/connexion",
        data={"token": site.tokens[Role.ADMIN], "csrf": "forged"},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert "registre_session" not in answer.headers.get("set-cookie", "")


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil", ""])
def test_next_never_leaves_the_site(target: str) -> None:
    assert safe_next(target) == "/"


def test_a_post_without_the_csrf_token_changes_nothing(site: Api) -> None:
    sign_in(site, Role.STEWARD)
    answer = site.client.post("/systemes-ia/nouveau", data={"name": "Sans jeton"})
    assert answer.status_code == 403
    page = site.client.get("/systemes-ia?q=Sans")
    assert "Sans jeton" not in page.text


def test_signing_out_ends_the_session(site: Api) -> None:
    sign_in(site)
    page = site.client.get("/")
    cookie = site.client.cookies.get(sessions.COOKIE)
    answer = site.client.post(
        "/deconnexion", data={"csrf": csrf_of(page.text)}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/connexion"
    # the old cookie, replayed, is worth nothing
    site.client.cookies.set(sessions.COOKIE, cookie or "")
    assert site.client.get("/", follow_redirects=False).status_code == 303


def test_a_revoked_token_ends_its_sessions(site: Api) -> None:
    sign_in(site, Role.STEWARD)
    assert site.client.get("/").status_code == 200
    with transaction(site.factory) as session:
        revoke_token(session, CLI_ACTOR, "steward")
    answer = site.client.get("/", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/connexion")


def _actor(site: Api, role: Role = Role.STEWARD) -> Actor:
    with site.factory() as db:
        actor = authenticate(db, site.tokens[role])
        db.commit()
    assert actor is not None
    return actor


def test_an_idle_session_expires(site: Api) -> None:
    store = SessionStore(site.factory, idle_seconds=600)
    start = dt.datetime(2026, 11, 29, 9, 0, tzinfo=dt.UTC)
    opened = store.open(_actor(site), now=start)
    at = start + dt.timedelta(seconds=599)
    assert store.get(opened.id, now=at) == opened  # used: the idle time starts again
    at += dt.timedelta(seconds=599)
    assert store.get(opened.id, now=at) == opened
    at += dt.timedelta(seconds=601)
    assert store.get(opened.id, now=at) is None
    assert store.get(opened.id, now=start) is None  # removed, not only refused
    with site.factory() as db:
        assert db.query(SessionRecord).count() == 0


def test_csrf_tokens_are_compared_whole(site: Api) -> None:
    opened = SessionStore(site.factory).open(_actor(site))
    assert opened.csrf_ok(opened.csrf)
    assert not opened.csrf_ok(opened.csrf[:-1])
    assert not opened.csrf_ok("")
    assert not opened.csrf_ok(None)
    other = SessionStore(site.factory).open(_actor(site))
    assert other.csrf != opened.csrf


def test_sessions_are_stored_hashed_and_survive_a_restart(site: Api) -> None:
    """The catalog holds the session (by the SHA-256 of its id): another app over the same
    database (a restart, or a second API process) knows it, and its pages work."""
    sign_in(site, Role.STEWARD)
    cookie = site.client.cookies.get(sessions.COOKIE)
    assert cookie
    with site.factory() as db:
        (record,) = db.query(SessionRecord).all()
        assert record.id_hash == hashlib.sha256(cookie.encode()).hexdigest()
        assert cookie not in str([getattr(record, c.key) for c in SessionRecord.__table__.c])
        assert site.tokens[Role.STEWARD] not in str(
            [getattr(record, c.key) for c in SessionRecord.__table__.c]
        )
    restarted = create_app(site.settings, engine=site.engine)
    with TestClient(restarted) as other:
        other.cookies.set(sessions.COOKIE, cookie)
        page = other.get("/revue", follow_redirects=False)
        assert page.status_code == 200 and "csrf" in page.text
        # the CSRF token of the session is the same in every process
        assert csrf_of(page.text) == csrf_of(site.client.get("/revue").text)
        answer = other.post(
            "/deconnexion", data={"csrf": csrf_of(page.text)}, follow_redirects=False
        )
        assert answer.status_code == 303
    # signed out in one process: signed out everywhere
    assert site.client.get("/", follow_redirects=False).status_code == 303


def test_the_idle_timeout_is_a_setting() -> None:
    assert Settings().web_session_idle_seconds == 1800
    assert Settings(web_session_idle_seconds=60).web_session_idle_seconds == 60
