"""The CLI in French: with ``LANG=fr_FR.UTF-8`` (or ``LC_ALL``, ``LC_MESSAGES``,
``LANGUAGE``) its messages and the catalog's refusals are French; codes stay codes."""

from __future__ import annotations

import pytest

from registre.catalog.i18n import language
from tests.cli.test_cli import catalog_url, run  # noqa: F401  (fixture)


def test_the_cli_speaks_french(catalog_url: str, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    code, out = run("token", "create", "--name", "x", "--role", "admin")
    assert code == 1
    assert "erreur :" in out and "registre db upgrade" in out
    assert "n’est pas au dernier schéma" in out
    code, out = run("db", "upgrade")
    assert code == 0 and "catalogue à la révision" in out
    code, out = run("token", "create", "--name", "rssi", "--role", "security")
    assert code == 0
    assert "jeton « rssi » créé avec le rôle security" in out
    code, out = run("scan", "nulle-part")
    assert code == 1 and "aucun entrepôt nommé « nulle-part »" in out
    # the language is the command's: it does not stay set after it
    assert language.get() == "en"


def test_lc_messages_chooses_too(catalog_url: str, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("LC_MESSAGES", "fr_FR.UTF-8")
    assert "catalogue à la révision" in run("db", "upgrade")[1]
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")  # LC_ALL overrides LC_MESSAGES
    assert "catalog at revision" in run("db", "upgrade")[1]
