"""Signing in at a real OpenID Connect provider: the whole code flow, the first sign-in of a
person, their grant, what is refused, and the logout at the provider."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urljoin, urlsplit

from sqlalchemy import select

from registre.catalog.access.people import grant_role, revoke_role
from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.enums import Role, UserKind
from registre.catalog.models import AISystem
from registre.catalog.models.access import AuditEvent, WebSession
from registre.catalog.models.base import utcnow
from registre.catalog.models.people import User
from registre.web.pages.sso import PENDING_COOKIE as PENDING_COOKIE_NAME
from tests.support.api import Api
from tests.web.conftest import csrf_of, seeded, sign_in
from tests.web.oidc.conftest import LABEL, callback_path, sign_in_with_provider
from tests.web.oidc.provider import AFTER_LOGOUT_URI, Provider, ProviderBrowser

WAITING_FR = "Votre compte a été créé ; un administrateur doit vous attribuer un rôle."


def _user(api: Api, subject: str) -> User:
    with api.factory() as session:
        user = session.scalar(select(User).where(User.oidc_subject == subject))
        assert user is not None
        session.expunge(user)
        return user


def test_the_sign_in_page_offers_the_provider_and_keeps_the_token_form(sso_site: Api) -> None:
    page = sso_site.client.get("/connexion?next=/revue")
    assert page.status_code == 200
    assert LABEL in page.text
    assert 'href="/connexion/oidc?next=/revue"' in page.text
    assert 'name="token"' in page.text
    sign_in(sso_site, Role.ADMIN)  # token sign-in still works beside single sign-on
    dashboard = sso_site.client.get("/")
    assert dashboard.status_code == 200
    assert '<span class="who">jeton admin ' in dashboard.text


def test_first_sign_in_creates_a_person_with_no_role(
    sso_site: Api, provider: Provider, browser: ProviderBrowser
) -> None:
    back = sign_in_with_provider(sso_site, browser, "marie.curie", "/revue")
    assert back.status_code == 303, back.text
    assert back.headers["location"] == "/revue"
    user = _user(sso_site, "marie.curie")
    assert user.name == "Marie Curie"  # given_name + usual_name, as ProConnect gives them
    assert user.email == "marie.curie@exemple.gouv.fr"
    assert user.kind is UserKind.PERSON
    assert user.oidc_issuer == provider.issuer
    assert user.last_sign_in_at is not None
    with sso_site.factory() as session:
        assert session.get(User, user.id).grants == []  # type: ignore[union-attr]
    for path in ("/revue", "/", "/entrepots", f"/systemes-ia/{seeded(sso_site).ai['chatbot']}"):
        page = sso_site.client.get(path)
        assert page.status_code == 403, path
        assert WAITING_FR in page.text
        assert "Marie Curie" in page.text
        assert "Agent conversationnel" not in page.text  # nothing of the register
        assert 'href="/entrepots"' not in page.text  # not even the navigation


def test_after_an_admin_grant_the_person_works_and_the_trail_names_them(
    sso_site: Api, browser: ProviderBrowser
) -> None:
    assert sign_in_with_provider(sso_site, browser, "jean.moulin").status_code == 303
    user = _user(sso_site, "jean.moulin")
    with sso_site.factory() as session:
        grant_role(session, CLI_ACTOR, session.get(User, user.id), Role.STEWARD)  # type: ignore[arg-type]
        session.commit()
    dashboard = sso_site.client.get("/")
    assert dashboard.status_code == 200
    assert "Jean Moulin" in dashboard.text
    assert '<span class="who">Jean Moulin ' in dashboard.text  # the person, not a token

    chatbot = seeded(sso_site).ai["chatbot"]
    form = sso_site.client.get(f"/systemes-ia/{chatbot}/modifier")
    answer = sso_site.client.post(
        f"/systemes-ia/{chatbot}/modifier",
        data={"csrf": csrf_of(form.text), "name": "Agent conversationnel", "status": "RETIRED"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    with sso_site.factory() as session:
        event = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "AISystem", AuditEvent.entity_id == chatbot)
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event is not None
        assert event.actor == "Jean Moulin"
        assert event.user_id == user.id
        assert session.get(AISystem, chatbot).status.value == "RETIRED"  # type: ignore[union-attr]
    trail = sso_site.client.get("/journal")
    assert "Jean Moulin" in trail.text

    # revoking the grant takes effect at the next request: the waiting page again
    with sso_site.factory() as session:
        revoke_role(session, CLI_ACTOR, session.get(User, user.id), Role.STEWARD)  # type: ignore[arg-type]
        session.commit()
    assert sso_site.client.get("/").status_code == 403
    # disabling the account ends the session at the next request
    with sso_site.factory() as session:
        session.get(User, user.id).disabled_at = utcnow()  # type: ignore[union-attr]
        session.commit()
    gone = sso_site.client.get("/", follow_redirects=False)
    assert gone.status_code == 303
    assert gone.headers["location"].startswith("/connexion")
    with sso_site.factory() as session:
        assert session.scalar(select(WebSession).where(WebSession.user_id == user.id)) is None


def test_a_disabled_person_cannot_sign_in(sso_site: Api, browser: ProviderBrowser) -> None:
    assert sign_in_with_provider(sso_site, browser, "paul.valery").status_code == 303
    user = _user(sso_site, "paul.valery")
    with sso_site.factory() as session:
        session.get(User, user.id).disabled_at = utcnow()  # type: ignore[union-attr]
        session.commit()
    sso_site.client.cookies.clear()
    other = ProviderBrowser()
    try:
        again = sign_in_with_provider(sso_site, other, "paul.valery")
    finally:
        other.close()
    assert again.status_code == 403
    assert "Ce compte est désactivé" in again.text


def test_a_tampered_state_is_refused(sso_site: Api, browser: ProviderBrowser) -> None:
    start = sso_site.client.get("/connexion/oidc", follow_redirects=False)
    back = browser.until_app(start.headers["location"], "eve.martin")
    parts = urlsplit(back)
    query = parse_qs(parts.query)
    assert query["state"][0]
    forged = back.replace(f"state={query['state'][0]}", "state=forged-by-an-attacker")
    answer = sso_site.client.get(callback_path(forged), follow_redirects=False)
    assert answer.status_code == 403
    assert "La réponse du fournisseur d’identité n’a pas pu être vérifiée" in answer.text
    assert "registre_session" not in answer.cookies
    with sso_site.factory() as session:
        assert session.scalar(select(User).where(User.oidc_subject == "eve.martin")) is None


def test_a_callback_without_the_browser_s_pending_sign_in_is_refused(
    sso_site: Api, browser: ProviderBrowser
) -> None:
    """Login CSRF: an attacker's code and state, delivered to a victim's browser that never
    started a sign-in, sign nobody in."""
    start = sso_site.client.get("/connexion/oidc", follow_redirects=False)
    back = browser.until_app(start.headers["location"], "attaquant")
    sso_site.client.cookies.clear()  # the victim's browser: no pending sign-in
    answer = sso_site.client.get(callback_path(back), follow_redirects=False)
    assert answer.status_code == 400
    with sso_site.factory() as session:
        assert session.scalar(select(User).where(User.oidc_subject == "attaquant")) is None


def test_a_wrong_nonce_is_refused(sso_site: Api, browser: ProviderBrowser) -> None:
    """The browser's pending sign-in holds another nonce than the one the provider put in
    the ID token: refused, even though state, code and signature are right."""
    from registre.web.oidc import Pending

    start = sso_site.client.get("/connexion/oidc", follow_redirects=False)
    back = browser.until_app(start.headers["location"], "nonce.faux")
    pending = Pending.decode(sso_site.client.cookies.get(PENDING_COOKIE_NAME))
    assert pending is not None
    other = Pending(pending.state, "another-nonce", pending.verifier, pending.next)
    sso_site.client.cookies.delete(PENDING_COOKIE_NAME)
    sso_site.client.cookies.set(PENDING_COOKIE_NAME, other.encode(), path="/connexion/oidc")
    answer = sso_site.client.get(callback_path(back), follow_redirects=False)
    assert answer.status_code == 403
    with sso_site.factory() as session:
        assert session.scalar(select(User).where(User.oidc_subject == "nonce.faux")) is None


def test_logout_ends_the_session_then_goes_to_the_provider(
    sso_site: Api, provider: Provider, browser: ProviderBrowser
) -> None:
    assert sign_in_with_provider(sso_site, browser, "simone.veil").status_code == 303
    user = _user(sso_site, "simone.veil")
    with sso_site.factory() as session:
        id_token = session.scalar(select(WebSession.id_token).where(WebSession.user_id == user.id))
    assert id_token
    waiting = sso_site.client.get("/")
    out = sso_site.client.post(
        "/deconnexion", data={"csrf": csrf_of(waiting.text)}, follow_redirects=False
    )
    # a page of its own sends the browser on (a redirect would break the pages' CSP)
    assert out.status_code == 200
    refresh = out.headers["refresh"]
    assert refresh.startswith("0; url=")
    target = refresh.removeprefix("0; url=")
    assert f'href="{html.escape(target)}"' in out.text
    location = urlsplit(target)
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        provider.issuer + "/session/end"
    )
    params = parse_qs(location.query)
    assert params["id_token_hint"] == [id_token]
    assert params["post_logout_redirect_uri"] == [AFTER_LOGOUT_URI]
    assert len(params["state"][0]) >= 32  # ProConnect asks at least 32 characters
    # our session is over before the provider is even asked
    with sso_site.factory() as session:
        assert session.scalar(select(WebSession).where(WebSession.user_id == user.id)) is None
    assert sso_site.client.get("/", follow_redirects=False).status_code == 303
    # the provider accepts the hint and sends the browser back to Registre's sign-in page
    confirm = browser.http.get(target)
    assert confirm.status_code == 200, confirm.text[:300]
    done = browser.submit(confirm, {"logout": "yes"})
    assert done.status_code in (302, 303)
    assert done.headers["location"].startswith(AFTER_LOGOUT_URI)


def test_a_token_session_signs_out_without_the_provider(sso_site: Api) -> None:
    sign_in(sso_site, Role.ADMIN)
    page = sso_site.client.get("/")
    out = sso_site.client.post(
        "/deconnexion", data={"csrf": csrf_of(page.text)}, follow_redirects=False
    )
    assert out.headers["location"] == "/connexion"


def test_a_sign_in_cancelled_at_the_provider_says_so(
    sso_site: Api, browser: ProviderBrowser
) -> None:
    start = sso_site.client.get("/connexion/oidc", follow_redirects=False)
    login = browser.http.get(start.headers["location"], follow_redirects=True)
    abort = re.search(r'href="([^"]*/abort)"', login.text)
    assert abort is not None, login.text[:500]
    back = browser.until_app(urljoin(str(login.url), abort.group(1)))
    assert "error=access_denied" in back
    answer = sso_site.client.get(callback_path(back), follow_redirects=False)
    assert answer.status_code == 403
    assert "La connexion a été annulée auprès du fournisseur d’identité" in answer.text


def test_signing_in_ends_the_session_the_browser_held(
    sso_site: Api, browser: ProviderBrowser
) -> None:
    sign_in(sso_site, Role.AUDITOR)
    with sso_site.factory() as session:
        assert session.scalar(select(WebSession).where(WebSession.api_token_id.is_not(None)))
    assert sign_in_with_provider(sso_site, browser, "george.sand").status_code == 303
    with sso_site.factory() as session:
        owners = session.execute(select(WebSession.api_token_id, WebSession.user_id)).all()
    assert len(owners) == 1 and owners[0][0] is None


def test_the_authorization_request_carries_pkce_state_and_nonce(
    sso_site: Api, provider: Provider, browser: ProviderBrowser
) -> None:
    start = sso_site.client.get("/connexion/oidc", follow_redirects=False)
    url = urlsplit(start.headers["location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == provider.issuer + "/auth"
    params = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert params["response_type"] == "code"
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) == 43  # base64url of a SHA-256
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32
    assert params["redirect_uri"] == "http://testserver/connexion/oidc/retour"
    assert set(params["scope"].split()) == {
        "openid",
        "email",
        "given_name",
        "usual_name",
        "uid",
        "siret",
        "groups",
    }
    # the provider requires PKCE: the same request without it is refused there
    without = {k: v for k, v in params.items() if not k.startswith("code_challenge")}
    refused = browser.http.get(provider.issuer + "/auth", params=without)
    assert refused.status_code in (302, 303, 400)
    where = refused.headers.get("location", "") + refused.text
    assert "code_challenge" in where or "PKCE" in where
