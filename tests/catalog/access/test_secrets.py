"""Secret references: which ones a server resolves, and what its messages never say."""

from __future__ import annotations

from pathlib import Path

import pytest

from registre.catalog.access.secrets import SecretPolicy, SecretUnavailable
from registre.catalog.errors import InvalidInput


def test_environment_secrets_need_the_configured_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRE_SECRET_PAIE", "pw-paie")
    monkeypatch.setenv("REGISTRE_DATABASE_URL", "postgresql://registre:catalog-pw@db/registre")
    policy = SecretPolicy()
    assert policy.resolve("env:REGISTRE_SECRET_PAIE") == "pw-paie"
    with pytest.raises(InvalidInput, match="must start with 'REGISTRE_SECRET_'"):
        policy.resolve("env:REGISTRE_DATABASE_URL")


def test_file_secrets_are_off_unless_a_folder_is_configured(tmp_path: Path) -> None:
    secret = tmp_path / "secrets" / "paie"
    secret.parent.mkdir()
    secret.write_text("pw-file\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="file secrets are off"):
        SecretPolicy().resolve(f"file:{secret}")
    policy = SecretPolicy(secrets_dir=secret.parent)
    assert policy.resolve(f"file:{secret}") == "pw-file"
    outside = tmp_path / "registre.db"
    outside.write_text("catalog", encoding="utf-8")
    for ref in (f"file:{outside}", f"file:{secret.parent}/../registre.db", "file:/etc/passwd"):
        with pytest.raises(InvalidInput, match="inside the server's secrets_dir"):
            policy.resolve(ref)


def test_unresolvable_secrets_say_so_without_naming_where(tmp_path: Path) -> None:
    policy = SecretPolicy(secrets_dir=tmp_path)
    with pytest.raises(SecretUnavailable) as missing_env:
        policy.resolve("env:REGISTRE_SECRET_NOT_SET_ANYWHERE")
    assert "NOT_SET_ANYWHERE" not in str(missing_env.value)
    binary = tmp_path / "key.bin"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(SecretUnavailable) as unreadable:
        policy.resolve(f"file:{binary}")
    assert "key.bin" not in str(unreadable.value)
