"""What Registre makes of the provider's answers: roles from a claim, an ID token signed by
another key, a provider down."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import select

from registre.catalog.access.secrets import SecretPolicy
from registre.catalog.enums import Role
from registre.catalog.models.access import WebSession
from registre.catalog.models.people import User
from registre.config.oidc import RoleMapping
from registre.web.oidc import OidcClient, SignInRefused
from tests.web.oidc.conftest import SiteFactory, oidc_settings, sign_in_with_provider
from tests.web.oidc.provider import APP_BASE, CLIENT_ID, Provider, ProviderBrowser, free_port


def test_roles_come_from_the_configured_claim(
    make_site: SiteFactory, provider: Provider, browser: ProviderBrowser
) -> None:
    """``groups`` mapped to roles: a member of ``registre-admins`` is an admin at once;
    someone of no mapped group waits for a grant."""
    mappings = [
        RoleMapping(value="registre-admins", role="admin"),
        RoleMapping(value="agents", role="auditor", domain="no such domain"),
    ]
    with make_site(provider.issuer, roles_claim="groups", role_mappings=mappings) as api:
        assert sign_in_with_provider(api, browser, "admin.claire.bretecher").status_code == 303
        dashboard = api.client.get("/")
        assert dashboard.status_code == 200
        assert "Claire Bretecher" in dashboard.text
        with api.factory() as session:
            user = session.scalar(select(User).where(User.oidc_subject == "admin.claire.bretecher"))
            assert user is not None
            assert [(g.role, g.domain_id) for g in user.grants] == [(Role.ADMIN, None)]

        api.client.cookies.clear()
        other = ProviderBrowser()
        try:
            assert sign_in_with_provider(api, other, "louise.michel").status_code == 303
        finally:
            other.close()
        assert api.client.get("/").status_code == 403  # a mapping to an unknown domain: none


def test_an_id_token_signed_by_another_key_is_refused(provider: Provider) -> None:
    """A token with every claim right (issuer, audience, nonce, times, even the provider's
    key id) but signed by a key that is not the provider's."""
    client = OidcClient(oidc_settings(provider.issuer), APP_BASE, SecretPolicy())
    kid = httpx.get(provider.issuer + "/jwks").json()["keys"][0]["kid"]
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": provider.issuer,
        "sub": "mallory",
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "nonce": "n-0123456789",
    }
    forged = jwt.encode(
        {"alg": "RS256", "kid": kid}, claims, RSAKey.generate_key(2048), algorithms=["RS256"]
    )
    with pytest.raises(SignInRefused, match="signature"):
        client.verify_id_token(forged, "n-0123456789")
    # a key id the provider does not publish: its keys are read again (a rotation), in vain
    unknown = jwt.encode(
        {"alg": "RS256", "kid": "not-" + kid},
        claims,
        RSAKey.generate_key(2048),
        algorithms=["RS256"],
    )
    with pytest.raises(SignInRefused, match="signature"):
        client.verify_id_token(unknown, "n-0123456789")

    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    unsigned = f"{part({'alg': 'none'})}.{part(claims)}."
    with pytest.raises(SignInRefused):
        client.verify_id_token(unsigned, "n-0123456789")


def test_a_real_id_token_is_refused_with_another_nonce(
    make_site: SiteFactory, provider: Provider, browser: ProviderBrowser
) -> None:
    """The positive control of the test above: the provider's own ID token passes with its
    nonce, and is refused with any other."""
    with make_site(provider.issuer) as api:
        assert sign_in_with_provider(api, browser, "rosa.bonheur").status_code == 303
        with api.factory() as session:
            raw = session.scalar(select(WebSession.id_token).where(WebSession.user_id.is_not(None)))
    assert raw
    payload = raw.split(".")[1]
    nonce = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["nonce"]
    client = OidcClient(oidc_settings(provider.issuer), APP_BASE, SecretPolicy())
    assert client.verify_id_token(raw, nonce)["sub"] == "rosa.bonheur"
    with pytest.raises(SignInRefused, match="nonce"):
        client.verify_id_token(raw, "not-the-nonce")


def test_a_provider_down_gives_a_french_page_and_the_token_form(make_site: SiteFactory) -> None:
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with make_site(closed) as api:
        page = api.client.get("/connexion/oidc?next=/revue", follow_redirects=False)
        assert page.status_code == 502
        assert "Le fournisseur d’identité est injoignable" in page.text
        assert 'name="token"' in page.text


@pytest.mark.parametrize("ref", ["env:REGISTRE_SECRET_OIDC_NOT_SET", "env:HOME"])
def test_a_client_secret_the_server_cannot_read_is_a_clear_refusal(
    make_site: SiteFactory, provider: Provider, ref: str
) -> None:
    """Unset, or outside ``secret_env_prefix``: the page says single sign-on is
    misconfigured (the server's log says why), and the token form stays."""
    with make_site(provider.issuer, client_secret_ref=ref) as api:
        page = api.client.get("/connexion/oidc", follow_redirects=False)
        assert page.status_code == 500
        assert "mal configurée" in page.text
        assert 'name="token"' in page.text
