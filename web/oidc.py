"""OpenID Connect, the relying party's side: Registre signs people in at their identity
provider (ProConnect, a Keycloak...) with the authorization code flow.

    client = OidcClient(settings.oidc, base_url, secret_policy)
    url, pending = client.start("/revue")        # send the browser to ``url``, keep ``pending``
    identity, id_token = client.finish(pending, request.query_params)   # back from the provider
    client.logout_url(id_token, state)           # RP-initiated logout

What is checked, and where: the discovery document is read from the issuer when someone
signs in (never at import or start-up, so that a provider down does not stop Registre; it
is kept five minutes), and must name the configured issuer. The authorization request
carries PKCE (S256), a ``state`` and a ``nonce``, all random and kept by the browser in
``pending`` (an HttpOnly cookie: see :class:`Pending`). Coming back, ``state`` must match;
the code is exchanged (Authlib's client, with the PKCE verifier and the client secret);
the ID token is verified with joserfc against the provider's JWKS (signature with an
asymmetric algorithm, ``iss``, ``aud``/``azp``, ``exp``, ``iat``, ``nonce``); the userinfo
claims, when the provider has a userinfo endpoint (ProConnect serves them there, signed),
must be about the same ``sub``, and a signed userinfo is verified like the ID token.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from registre.catalog.access.oidc import Identity
from registre.catalog.access.secrets import SecretPolicy
from registre.config.oidc import OidcSettings

CALLBACK_PATH = "/connexion/oidc/retour"
AFTER_LOGOUT_PATH = "/connexion"
#: signatures accepted on ID tokens and signed userinfo: asymmetric only (a symmetric one
#: would be checked with the client secret, which this server should not have to trust)
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
METADATA_TTL_S = 300.0
LEEWAY_S = 60  # clock skew tolerated between the provider and this server


class ProviderUnreachable(Exception):
    """The identity provider cannot be reached, or answered something unusable."""


class SignInRefused(Exception):
    """The provider's answer does not prove who signs in (bad state, token, nonce...).

    The message is for the server's log; the person sees a general refusal."""


@dataclass(frozen=True)
class Pending:
    """A sign-in under way, kept by the browser in a cookie between leaving for the provider
    and coming back: ``state``, ``nonce``, the PKCE verifier and the page to go back to.

    The cookie is HttpOnly, restricted to ``/connexion/oidc`` and short-lived. It is not
    signed, on purpose: each value only binds the flow to the browser that started it, so
    whoever edits their own cookie only breaks their own sign-in; another site cannot set
    it in a victim's browser, which is what ``state`` (login CSRF) and the verifier (a
    stolen code) defend against. ``next`` is checked again when it is used."""

    state: str
    nonce: str
    verifier: str
    next: str

    @classmethod
    def new(cls, next_url: str) -> Pending:
        return cls(
            secrets.token_urlsafe(32),
            secrets.token_urlsafe(32),
            secrets.token_urlsafe(48),  # 64 characters: RFC 7636 asks 43 to 128
            next_url,
        )

    def encode(self) -> str:
        return base64.urlsafe_b64encode(json.dumps(asdict(self)).encode()).decode()

    @classmethod
    def decode(cls, value: str | None) -> Pending | None:
        if not value or len(value) > 4000:
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(value.encode()))
            return cls(**{k: str(data[k]) for k in ("state", "nonce", "verifier", "next")})
        except (ValueError, TypeError, KeyError):
            return None


@dataclass(frozen=True)
class Metadata:
    """What Registre reads of the provider's discovery document."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None
    end_session_endpoint: str | None
    token_auth_methods: tuple[str, ...]


class OidcClient:
    """Registre as a client of one provider. Thread-safe: the pages call it from workers."""

    def __init__(self, settings: OidcSettings, base_url: str, secret_policy: SecretPolicy):
        self.settings = settings
        self.base_url = (settings.redirect_base_url or base_url).rstrip("/")
        self.secret_policy = secret_policy
        self._lock = threading.Lock()
        self._metadata: tuple[float, Metadata] | None = None
        self._keys: KeySet | None = None

    @property
    def redirect_uri(self) -> str:
        return self.base_url + CALLBACK_PATH

    @property
    def after_logout_uri(self) -> str:
        return self.base_url + AFTER_LOGOUT_PATH

    def start(self, next_url: str) -> tuple[str, Pending]:
        """The provider's authorization URL for a new sign-in, and what to keep of it."""
        metadata = self.metadata()
        pending = Pending.new(next_url)
        extra = {"acr_values": self.settings.acr_values} if self.settings.acr_values else {}
        with self._oauth(metadata) as oauth:
            url, _ = oauth.create_authorization_url(
                metadata.authorization_endpoint,
                state=pending.state,
                code_verifier=pending.verifier,
                nonce=pending.nonce,
                **extra,
            )
        return url, pending

    def finish(self, pending: Pending, params: Mapping[str, str]) -> tuple[Identity, str]:
        """The person the provider vouches for, and their ID token (kept for logout)."""
        state = params.get("state", "")
        if not secrets.compare_digest(state.encode(), pending.state.encode()):
            raise SignInRefused("the state sent back is not this browser's")
        if "error" in params:
            raise SignInRefused(f"the provider refused: {params['error']}")
        code = params.get("code")
        if not code:
            raise SignInRefused("no authorization code")
        metadata = self.metadata()
        if "iss" in params and params["iss"] != metadata.issuer:  # RFC 9207
            raise SignInRefused("the answer comes from another issuer")
        with self._oauth(metadata) as oauth:
            try:
                token = oauth.fetch_token(
                    metadata.token_endpoint, code=code, code_verifier=pending.verifier
                )
            except AuthlibBaseError as exc:
                raise SignInRefused(f"the code was refused: {exc}") from None
            except httpx.HTTPError as exc:
                raise ProviderUnreachable(f"token endpoint: {exc}") from None
        raw_id_token = token.get("id_token")
        if not isinstance(raw_id_token, str):
            raise SignInRefused("the provider sent no ID token")
        claims = self.verify_id_token(raw_id_token, pending.nonce)
        access_token = token.get("access_token")
        if metadata.userinfo_endpoint and isinstance(access_token, str):
            userinfo = self._userinfo(metadata, access_token)
            if userinfo.get("sub") != claims["sub"]:
                raise SignInRefused("the userinfo is about another subject")
            claims = userinfo | claims
        return Identity(metadata.issuer, str(claims["sub"]), claims), raw_id_token

    def verify_id_token(self, raw: str, nonce: str) -> dict[str, Any]:
        """The claims of an ID token, once its signature (the provider's keys), issuer,
        audience, expiry and nonce are right; SignInRefused otherwise."""
        claims = self._verified(raw)
        client_id = self.settings.client_id
        registry = jwt.JWTClaimsRegistry(
            leeway=LEEWAY_S,
            iss={"essential": True, "value": self.metadata().issuer},
            sub={"essential": True},
            aud={"essential": True, "value": client_id},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            registry.validate(claims)
        except JoseError as exc:
            raise SignInRefused(f"ID token: {exc}") from None
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != client_id:
            raise SignInRefused("ID token: azp is not this client")
        return claims

    def logout_url(self, id_token: str | None) -> str | None:
        """The provider's end-session URL (RP-initiated logout), or None without one."""
        try:
            endpoint = self.metadata().end_session_endpoint
        except ProviderUnreachable:
            return None
        if not endpoint:
            return None
        # ProConnect requires id_token_hint, state and post_logout_redirect_uri (and lists
        # nothing else); client_id is only sent when there is no hint to name the client
        params = {
            "post_logout_redirect_uri": self.after_logout_uri,
            "state": secrets.token_urlsafe(32),
        }
        if id_token:
            params["id_token_hint"] = id_token
        else:
            params["client_id"] = self.settings.client_id
        return endpoint + ("&" if "?" in endpoint else "?") + urlencode(params)

    # --- the provider's documents -----------------------------------------------------

    def metadata(self) -> Metadata:
        """The discovery document, read at most every five minutes."""
        with self._lock:
            if self._metadata is not None and time.monotonic() - self._metadata[0] < (
                METADATA_TTL_S
            ):
                return self._metadata[1]
        document = self._get_json(self.settings.issuer + "/.well-known/openid-configuration")
        try:
            metadata = Metadata(
                issuer=str(document["issuer"]),
                authorization_endpoint=str(document["authorization_endpoint"]),
                token_endpoint=str(document["token_endpoint"]),
                jwks_uri=str(document["jwks_uri"]),
                userinfo_endpoint=document.get("userinfo_endpoint"),
                end_session_endpoint=document.get("end_session_endpoint"),
                token_auth_methods=tuple(
                    document.get("token_endpoint_auth_methods_supported")
                    or ("client_secret_basic",)
                ),
            )
        except (KeyError, TypeError):
            raise ProviderUnreachable("the discovery document lacks an endpoint") from None
        if metadata.issuer.rstrip("/") != self.settings.issuer:
            raise ProviderUnreachable(f"the discovery document names issuer {metadata.issuer}")
        with self._lock:
            if self._metadata is None or self._metadata[1] != metadata:
                self._keys = None
            self._metadata = (time.monotonic(), metadata)
        return metadata

    def _key_set(self, refresh: bool = False) -> KeySet:
        with self._lock:
            if self._keys is not None and not refresh:
                return self._keys
        document = self._get_json(self.metadata().jwks_uri)
        try:
            keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
        except (JoseError, ValueError, TypeError, KeyError):
            raise ProviderUnreachable("the provider's key set is not a JWKS") from None
        with self._lock:
            self._keys = keys
        return keys

    def _verified(self, raw: str) -> dict[str, Any]:
        """The claims of a JWT signed by one of the provider's keys (the key set is read
        again once when the token names an unknown key: the provider rotated its keys)."""
        try:
            return self._decode(raw, self._key_set())
        except InvalidKeyIdError:
            pass
        try:
            return self._decode(raw, self._key_set(refresh=True))
        except InvalidKeyIdError as exc:
            raise SignInRefused(f"signature: {exc}") from None

    @staticmethod
    def _decode(raw: str, keys: KeySet) -> dict[str, Any]:
        try:
            return dict(jwt.decode(raw, keys, algorithms=ALGORITHMS).claims)
        except InvalidKeyIdError:
            raise
        except (ValueError, JoseError) as exc:
            raise SignInRefused(f"signature: {exc}") from None

    def _userinfo(self, metadata: Metadata, access_token: str) -> dict[str, Any]:
        assert metadata.userinfo_endpoint is not None
        try:
            with httpx.Client(timeout=self.settings.timeout_s) as http:
                answer = http.get(
                    metadata.userinfo_endpoint,
                    headers={"Authorization": f"Bearer {access_token}"},
                )
        except httpx.HTTPError as exc:
            raise ProviderUnreachable(f"userinfo: {exc}") from None
        if answer.status_code != 200:
            raise SignInRefused(f"userinfo answered {answer.status_code}")
        if answer.headers.get("content-type", "").startswith("application/jwt"):
            claims = self._verified(answer.text.strip())
            if claims.get("iss", metadata.issuer) != metadata.issuer:
                raise SignInRefused("signed userinfo from another issuer")
            audience = claims.get("aud", self.settings.client_id)
            if self.settings.client_id not in (
                audience if isinstance(audience, list) else [audience]
            ):
                raise SignInRefused("signed userinfo for another client")
            return claims
        try:
            claims = answer.json()
        except ValueError:
            raise SignInRefused("userinfo is not JSON") from None
        if not isinstance(claims, dict):
            raise SignInRefused("userinfo is not a JSON object")
        return claims

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            with httpx.Client(timeout=self.settings.timeout_s) as http:
                answer = http.get(url, headers={"Accept": "application/json"})
            answer.raise_for_status()
            document = answer.json()
        except httpx.HTTPError as exc:
            raise ProviderUnreachable(f"{url}: {exc}") from None
        except ValueError:
            raise ProviderUnreachable(f"{url}: not JSON") from None
        if not isinstance(document, dict):
            raise ProviderUnreachable(f"{url}: not a JSON object")
        return document

    def _oauth(self, metadata: Metadata) -> OAuth2Client:
        secret = (
            self.secret_policy.resolve(self.settings.client_secret_ref)
            if self.settings.client_secret_ref
            else None
        )
        if secret is None:
            method = "none"
        elif "client_secret_basic" in metadata.token_auth_methods:
            method = "client_secret_basic"
        else:
            method = "client_secret_post"
        scopes = self.settings.scopes.split()
        if "openid" not in scopes:
            scopes.insert(0, "openid")
        return OAuth2Client(
            client_id=self.settings.client_id,
            client_secret=secret,
            token_endpoint_auth_method=method,
            scope=" ".join(scopes),
            redirect_uri=self.redirect_uri,
            code_challenge_method="S256",
            timeout=self.settings.timeout_s,
        )
