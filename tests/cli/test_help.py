"""``--help`` and usage errors in French: every command's help and every option's, and
click's own words ("Usage:", "Options:", "Missing option"), under ``LANG=fr_FR.UTF-8``."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import typer

from registre.catalog.i18n import gettext_in
from registre.cli.help import help_texts, usage_error
from registre.cli.main import app, command


def registre(*args: str, lang: str = "fr_FR.UTF-8") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LANG": lang, "COLUMNS": "80"}
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "registre", *args], env=env, capture_output=True, text=True
    )


def test_every_help_text_has_its_french() -> None:
    """Each paragraph of each command's help and each option's help is in the catalog: a
    docstring or an option changed without its translation fails here."""
    texts = set(help_texts(typer.main.get_command(app)))
    assert len(texts) > 60
    missing = sorted(text for text in texts if gettext_in("fr", text) == text)
    assert missing == [], missing


def test_the_french_tree_and_the_english_one() -> None:
    french = command("fr")
    token = french.commands["token"].commands["create"]
    assert token.help.startswith("Créer un jeton.")
    assert [p.help for p in token.params][:2] == ["Un nom qui dit qui ou quoi s’en sert.",
                                                  "Ce que le jeton permet."]  # fmt: skip
    assert "Un domaine auquel il est limité" in token.params[2].help
    # English is left as typer builds it
    english = command("en")
    assert english.commands["token"].commands["create"].help.startswith("Create a token.")


def test_scan_help_reads_in_french_at_80_columns() -> None:
    done = registre("scan", "--help")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("Utilisation : registre scan [OPTIONS] {name}")
    assert "Relever le schéma d’un entrepôt et signaler les données personnelles" in out
    assert "Une analyse dont le processus a été tué (SIGKILL)" in out
    assert "Arguments :" in out and "Options :" in out and "[obligatoire]" in out
    assert "Lignes échantillonnées par table" in out
    assert "Afficher ce message et quitter." in out
    for english in ("Usage:", "Options:", "Show this message", "required", "Rows sampled",
                    "Draws a progress bar", "Harvest a data"):  # fmt: skip
        assert english not in out, english
    assert max(len(line) for line in out.splitlines()) <= 80


def test_token_create_help_reads_in_french_at_80_columns() -> None:
    out = registre("token", "create", "--help").stdout
    assert out.startswith("Utilisation : registre token create [OPTIONS]")
    assert "Créer un jeton. Il est affiché une seule fois" in out
    assert "Un nom qui dit qui ou quoi s’en sert." in out and "Ce que le jeton permet." in out
    assert "Usage:" not in out and "What the token" not in out
    assert max(len(line) for line in out.splitlines()) <= 80
    commands = registre("--help").stdout
    assert "Commandes :" in commands and "COMMANDE [ARGUMENTS]..." in commands


def test_usage_errors_read_in_french() -> None:
    done = registre("token", "create")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "Utilisation : registre token create [OPTIONS]",
        "Essayez « registre token create --help » pour l’aide.",
        "",
        "Erreur : Option manquante : '--name'.",
    ]
    wrong = registre("token", "create", "--name", "x", "--role", "chef").stderr
    assert "Erreur : Valeur invalide pour '--role' : 'chef' n’est pas l’une des valeurs" in wrong
    assert "Erreur : Commande inconnue : 'nulle'." in registre("nulle").stderr
    assert "Erreur : Option inconnue : --bogus" in registre("scan", "x", "--bogus").stderr
    assert "Argument(s) en trop inattendu(s) (b)" in registre("db", "upgrade", "a", "b").stderr


def test_usage_errors_stay_english_in_english() -> None:
    done = registre("token", "create", lang="C.UTF-8")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "Usage: registre token create [OPTIONS]",
        "Try 'registre token create --help' for help.",
        "",
        "Error: Missing option '--name'.",
    ]
    out = registre("token", "create", "--help", lang="C.UTF-8").stdout
    assert "Show this message and exit." in out and "[required]" in out


@pytest.mark.parametrize(
    ("english", "french"),
    [
        ("Missing argument 'revision'.", "Argument manquant : 'revision'."),
        ("No such option: --x (Possible options: --name, --role)",
         "Option inconnue : --x (options possibles : --name, --role)"),
        ("Option '--name' requires an argument.", "L’option '--name' attend une valeur."),
        ("Invalid value for '--port': Input should be a valid integer, unable to parse string "
         "as an integer", "Valeur invalide pour '--port' : un nombre entier est attendu"),
        ("something click says that we do not know", "something click says that we do not know"),
    ],
)  # fmt: skip
def test_each_usage_error_reads_in_french(english: str, french: str) -> None:
    assert usage_error(english, "fr") == french
    assert usage_error(english, "en") == english
