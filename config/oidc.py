"""The ``[oidc]`` settings: single sign-on of the web interface through OpenID Connect.

Documented field by field in ``docs/sso.md`` (a test checks that every field is there). In
the TOML settings file they form an ``[oidc]`` table; each scalar field can also be given as
``REGISTRE_OIDC_<FIELD>`` (``REGISTRE_OIDC_ISSUER``...). The client secret is never written
here: ``client_secret_ref`` names it the way a data store's password is named
(``env:REGISTRE_SECRET_...`` or ``file:/...``, under ``secret_env_prefix`` and
``secrets_dir``), and it is read when a person signs in, never at start-up.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


def _issuer(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme == "https" and parts.hostname:
        return value.rstrip("/")
    if parts.scheme == "http" and parts.hostname in LOOPBACK:
        return value.rstrip("/")  # a provider on this machine (tests, a local Keycloak)
    raise ValueError("must be an https:// URL (http:// only for 127.0.0.1 or localhost)")


def _base_url(value: str) -> str:
    if not value.startswith(("http://", "https://")) or " " in value:
        raise ValueError("must be an http:// or https:// URL, e.g. https://registre.ville.fr")
    return value.rstrip("/")


def _claim_path(value: str) -> str:
    if not value or any(not part for part in value.split(".")):
        raise ValueError("a claim name, or a dotted path into a claim (realm_access.roles)")
    return value


ClaimPath = Annotated[str, AfterValidator(_claim_path)]


class RoleMapping(BaseModel):
    """One value of the roles claim, and the role (in a domain, or organisation-wide) it
    gives."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: str = Field(min_length=1, description="A value of the roles claim.")
    # the values of catalog.enums.Role (config imports no other layer; a test checks they agree)
    role: Literal["admin", "steward", "dpo", "security", "scanner", "auditor"]
    domain: str | None = Field(
        None, description="The domain's name; none: the role holds for the whole organisation."
    )


class OidcSettings(BaseModel):
    """Where the identity provider is, who Registre is to it, and how its claims map to
    people and roles."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    issuer: Annotated[str, AfterValidator(_issuer)] = Field(
        description="The provider's issuer URL; its discovery document is read from "
        "`{issuer}/.well-known/openid-configuration` when someone signs in."
    )
    client_id: str = Field(min_length=1, description="Registre's client id at the provider.")
    client_secret_ref: str | None = Field(
        None,
        pattern=r"^(env|file):.+",
        description="Where the client secret is: `env:REGISTRE_SECRET_...` or `file:/...` "
        "(as a data store's secret). None: a public client (PKCE only).",
    )
    scopes: str = Field(
        "openid email profile",
        description="Scopes asked for, separated by spaces (`openid` is always included).",
    )
    acr_values: str | None = Field(
        None,
        description="`acr_values` sent with the authorization request (e.g. `eidas1`, where "
        "the provider accepts the parameter), or none.",
    )
    user_claim: str = Field(
        "sub",
        pattern=r"^(sub|email)$",
        description="The claim that names a person in Registre: `sub` (with the issuer) or "
        "`email` (a verified address: finds people recorded beforehand, and follows a person "
        "whose `sub` changes, as ProConnect advises).",
    )
    name_claims: list[ClaimPath] = Field(
        default_factory=lambda: ["name"],
        min_length=1,
        description="Claims joined by a space to make the person's name "
        "(ProConnect: `given_name`, `usual_name`); the e-mail, then `sub`, if all are empty.",
    )
    email_claim: ClaimPath = Field("email", description="The claim holding the e-mail address.")
    roles_claim: ClaimPath | None = Field(
        None,
        description="A claim listing the person's groups or roles (`groups`, Keycloak "
        "`realm_access.roles`); set, it gives the roles at each sign-in through "
        "`role_mappings`. None: roles are granted in Registre by an admin.",
    )
    role_mappings: list[RoleMapping] = Field(
        default_factory=list,
        description="Values of `roles_claim` and the role (and domain) each one gives.",
    )
    button_label: str | None = Field(
        None,
        description="Label of the sign-in button (e.g. `Se connecter avec ProConnect`); "
        'none: "Sign in with your identity provider", translated.',
    )
    redirect_base_url: Annotated[str | None, AfterValidator(lambda v: v and _base_url(v))] = Field(
        None,
        description="Address the provider sends people back to "
        "(`{redirect_base_url}/connexion/oidc/retour`, and `/connexion` after logout); "
        "none: `public_base_url`.",
    )
    timeout_s: float = Field(
        10.0, gt=0, le=120, description="Seconds Registre waits for each answer of the provider."
    )


#: the fields that can be set through ``REGISTRE_OIDC_<FIELD>`` (lists and tables only in the
#: file; ``name_claims`` from the environment is a comma-separated list)
ENV_FIELDS = tuple(name for name in OidcSettings.model_fields if name != "role_mappings")


def oidc_from_env(env: dict[str, str], prefix: str) -> dict[str, object]:
    """The ``[oidc]`` values given as environment variables (``{prefix}OIDC_<FIELD>``)."""
    values: dict[str, object] = {}
    for name in ENV_FIELDS:
        key = f"{prefix}OIDC_{name.upper()}"
        if key in env:
            raw = env[key]
            values[name] = [p.strip() for p in raw.split(",")] if name == "name_claims" else raw
    return values
