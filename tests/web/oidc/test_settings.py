"""The ``[oidc]`` settings: from the TOML file or the environment, checked, documented."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest

from registre.catalog.enums import Role
from registre.config.oidc import OidcSettings, RoleMapping
from registre.config.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[3]


def test_oidc_is_off_unless_configured() -> None:
    assert load_settings({}).oidc is None


def test_oidc_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "registre.toml"
    path.write_text(
        """
[oidc]
issuer = "https://auth.exemple.gouv.fr/realms/ministere/"
client_id = "registre"
client_secret_ref = "env:REGISTRE_SECRET_OIDC"
roles_claim = "realm_access.roles"

[[oidc.role_mappings]]
value = "registre-dpo"
role = "dpo"

[[oidc.role_mappings]]
value = "rh-referents"
role = "steward"
domain = "RH"
""",
        encoding="utf-8",
    )
    oidc = load_settings({"REGISTRE_CONFIG": str(path)}).oidc
    assert oidc is not None
    assert oidc.issuer == "https://auth.exemple.gouv.fr/realms/ministere"  # no trailing slash
    assert oidc.role_mappings == [
        RoleMapping(value="registre-dpo", role="dpo"),
        RoleMapping(value="rh-referents", role="steward", domain="RH"),
    ]


def test_oidc_from_the_environment_over_the_file(tmp_path: Path) -> None:
    path = tmp_path / "registre.toml"
    path.write_text('[oidc]\nissuer = "https://a.example"\nclient_id = "x"\n', encoding="utf-8")
    oidc = load_settings(
        {
            "REGISTRE_CONFIG": str(path),
            "REGISTRE_OIDC_CLIENT_ID": "registre",
            "REGISTRE_OIDC_NAME_CLAIMS": "given_name, usual_name",
            "REGISTRE_OIDC_ACR_VALUES": "eidas1",
        }
    ).oidc
    assert oidc is not None
    assert (oidc.issuer, oidc.client_id, oidc.acr_values) == (
        "https://a.example",
        "registre",
        "eidas1",
    )
    assert oidc.name_claims == ["given_name", "usual_name"]


@pytest.mark.parametrize(
    ("values", "complaint"),
    [
        ({"issuer": "http://idp.example.org", "client_id": "r"}, "https"),
        (
            {"issuer": "https://idp.example.org", "client_id": "r", "user_claim": "uid"},
            "user_claim",
        ),
        ({"issuer": "https://idp.example.org", "client_id": "r", "colour": "blue"}, "colour"),
        (
            {"issuer": "https://idp.example.org", "client_id": "r", "client_secret_ref": "s3cr3t"},
            "client_secret_ref",
        ),
        (
            {"issuer": "https://idp.example.org", "client_id": "r", "roles_claim": "a..b"},
            "roles_claim",
        ),
    ],
)
def test_bad_oidc_settings_are_refused_naming_the_key(
    values: dict[str, str], complaint: str
) -> None:
    env = {f"REGISTRE_OIDC_{k.upper()}": v for k, v in values.items() if k != "colour"}
    if "colour" in values:
        with pytest.raises(ValueError, match=complaint):
            OidcSettings(**values)  # type: ignore[arg-type]
        return
    with pytest.raises(SettingsError, match=complaint):
        load_settings(env)


def test_the_mapped_roles_are_the_catalog_s_roles() -> None:
    """``config`` imports no other layer, so it names the roles again: they must agree."""
    literal = typing.get_type_hints(RoleMapping)["role"]
    assert set(typing.get_args(literal)) == {r.value for r in Role}


def test_every_oidc_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "sso.md").read_text(encoding="utf-8")
    for name in OidcSettings.model_fields:
        assert re.search(rf"\| `{name}` \|", doc), f"docs/sso.md lacks the setting {name}"
        env = f"REGISTRE_OIDC_{name.upper()}"
        assert (env in doc) == (name != "role_mappings"), env
    assert "docs/sso.md" in (ROOT / "README.md").read_text(encoding="utf-8")
