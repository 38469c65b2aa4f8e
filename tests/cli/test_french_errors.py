"""Under ``LANG=fr_FR.UTF-8`` the CLI's rarer errors read in French too: typer's path
checks, a mistyped command's suggestion, and the settings' errors (a missing file, a value
of the wrong type, read by pydantic's error type)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from registre.cli.help import usage_error


def _registre(*args: str, lang: str = "fr_FR.UTF-8", **env: str) -> str:
    environ = {**os.environ, "LANG": lang, "COLUMNS": "200", **env}
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        environ.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "registre", *args], env=environ, capture_output=True, text=True
    )
    assert done.returncode != 0
    return done.stderr


def test_path_errors_read_in_french(tmp_path: Path) -> None:
    missing = tmp_path / "absent.json"
    assert f"Valeur invalide pour 'file' : le fichier '{missing}' n’existe pas." in _registre(
        "import", "ai-systems", str(missing)
    )
    assert f"le fichier '{tmp_path}' est un dossier." in _registre(
        "import", "ai-systems", str(tmp_path)
    )
    english = _registre("import", "ai-systems", str(missing), lang="C.UTF-8")
    assert f"Invalid value for 'file': file '{missing}' does not exist." in english


def test_a_mistyped_command_is_suggested_in_french() -> None:
    assert "Vouliez-vous dire 'datastore' ?" in _registre("datastor")


def test_settings_errors_read_in_french(tmp_path: Path) -> None:
    absent = tmp_path / "registre.toml"
    out = _registre("datastore", "list", REGISTRE_CONFIG=str(absent))
    assert f"REGISTRE_CONFIG={absent} : fichier introuvable" in out
    out = _registre("datastore", "list", REGISTRE_SCAN_SAMPLE_SIZE="beaucoup")
    assert "réglages invalides : scan_sample_size : Un nombre entier est attendu" in out


@pytest.mark.parametrize(
    ("english", "french"),
    [
        ("Invalid value for 'out': dir '/x' is a file.",
         "Valeur invalide pour 'out' : le dossier '/x' est un fichier."),
        ("Invalid value for 'p': path '/x' is not readable.",
         "Valeur invalide pour 'p' : le chemin '/x' n’est pas lisible."),
        ("Could not open file '/x': Permission denied",
         "Impossible d’ouvrir le fichier '/x' : Accès refusé"),
        ("Invalid value for 'f': '/x': No such file or directory",
         "Valeur invalide pour 'f' : '/x' : Aucun fichier ou dossier de ce nom"),
        ("Invalid value for '--at': Value 'x' is not a valid UUID.",
         "Valeur invalide pour '--at' : La valeur 'x' n’est pas un UUID valide."),
        ("Invalid value for '--on': 'x' does not match the formats '%Y-%m-%d'.",
         "Valeur invalide pour '--on' : 'x' ne suit aucun des formats '%Y-%m-%d'."),
        ("Option '--pair' requires 2 arguments.", "L’option '--pair' attend 2 valeurs."),
        ("Invalid value for '--kind': 'x' is not one of 'a', 'b'.",
         "Valeur invalide pour '--kind' : 'x' n’est pas l’une des valeurs 'a', 'b'."),
    ],
)  # fmt: skip
def test_click_rarer_messages_read_in_french(english: str, french: str) -> None:
    assert usage_error(english, "fr") == french
    assert usage_error(english, "en") == english
