"""The CLI in French: with ``LANG=fr_FR.UTF-8`` (or ``LC_ALL``, ``LC_MESSAGES``,
``LANGUAGE``) its messages and the catalog's refusals are French; codes stay codes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

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


def _city(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE usagers (nom TEXT, prenom TEXT, date_naissance TEXT, ville TEXT)")
    people = [
        ("MARTIN", "Anne", "1980-03-04", "Lyon"),
        ("DUBOIS", "Jean", "1975-11-21", "Nantes"),
        ("LEROY", "Claire", "1990-07-30", "Lille"),
        ("MOREL", "Paul", "1968-01-12", "Rennes"),
        ("GIRARD", "Julie", "2001-05-09", "Brest"),
        ("ROUX", "Marc", "1984-09-17", "Dijon"),
    ]
    conn.executemany("INSERT INTO usagers VALUES (?, ?, ?, ?)", people)
    conn.commit()
    conn.close()
    return path


#: the English of the scan's tables and summary: none of it reads in French
ENGLISH = [
    "column", "entity type", "coverage", "masked example", "review", "suggested",
    "rows are about", "why", "persons", "rows are natural persons", "first-name columns",
    "SUCCEEDED", "datasets scanned", "findings", "sample method", "shuffled whole",
    "done", "last scan", "schedule", "kind", "PERSON ", "DATE_OF_BIRTH",
]  # fmt: skip


def test_the_scan_tables_speak_french(
    catalog_url: str,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # no header is wrapped
    assert run("db", "upgrade")[0] == 0
    db = _city(tmp_path / "ville.sqlite")
    assert run("datastore", "add", "ville", f"sqlite:///{db}")[0] == 0
    english_code, english = run("scan", "ville")
    assert english_code == 0, english
    # English stays what it was: codes, words and the summary line
    assert "entity type" in english and "PERSON" in english and "suggested" in english
    assert "scan 1: SUCCEEDED in " in english
    assert "rows are natural persons: first-name columns 'prenom'" in english

    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    code, out = run("scan", "ville")
    assert code == 0, out
    for header in ("colonne", "type de donnée", "couverture", "exemple masqué", "revue",
                   "jeu de données", "les lignes portent sur", "pourquoi",
                   "méthode d’échantillonnage", "échantillon (ms)"):  # fmt: skip
        assert header in out, header
    assert "analyse 2 : réussie en " in out and " jeux de données analysés, 0 en échec" in out
    assert "nom de personne" in out and "suggérée" in out and "personnes" in out
    assert "les lignes sont des personnes physiques : colonnes de prénom « prenom »" in out
    assert "méthodes d’échantillonnage : lecture complète mélangée 1" in out
    code, listed = run("datastore", "list")
    assert code == 0 and "dernière analyse" in listed and "planification" in listed
    for word in ENGLISH:
        assert word not in out + listed, word


def test_registre_help_reads_in_french_at_80_columns() -> None:
    """``LANG=fr_FR.UTF-8 registre --help``: the program's help, its options and every
    command's summary in French, within 80 columns."""
    env = {**os.environ, "LANG": "fr_FR.UTF-8", "COLUMNS": "80"}
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        env.pop(name, None)
    out = subprocess.run(
        [sys.executable, "-m", "registre", "--help"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Registre : le catalogue de gouvernance des données d’une administration." in out
    assert "Afficher la version." in out and "Installer la complétion" in out
    assert "Relever le schéma d’un entrepôt" in out
    assert "Enregistrer et lister les entrepôts de données." in out
    for english in ("the data governance catalog", "Print the version.", "Harvest a data",
                    "Register and list", "Import records", "Build a demo"):  # fmt: skip
        assert english not in out, english
    assert max(len(line) for line in out.splitlines()) <= 80


def test_import_refusals_speak_french(
    catalog_url: str,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert run("db", "upgrade")[0] == 0
    bad = tmp_path / "systemes.csv"
    bad.write_text("name,status\nA,IN_PRODUCTION\nA,PILOT\nB,EN_SERVICE\n", encoding="utf-8")
    code, out = run("import", "ai-systems", str(bad))
    assert code == 1
    assert "2 fiche(s) invalide(s), rien n’a été importé :" in out
    assert "ligne 3 : le nom « A » apparaît déjà (ligne 2)" in out
    assert "ligne 4 : status : " in out
    assert "bad record" not in out and "line " not in out
    unknown = tmp_path / "x.csv"
    unknown.write_text("name,fournisseur\nA,X\n", encoding="utf-8")
    code, out = run("import", "ai-systems", str(unknown))
    assert code == 1 and "colonne(s) inconnue(s) fournisseur ; colonnes connues : name," in out


def test_an_unknown_policy_pack_is_refused_in_french(
    catalog_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert run("db", "upgrade")[0] == 0
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    code, out = run("policies", "load", "nulle-part")
    assert code == 1
    assert "aucun référentiel nommé « nulle-part » ; référentiels disponibles : " in out
    assert "pssie" in out and "no policy pack" not in out


def test_a_scan_failure_reads_in_french(
    catalog_url: str,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The scanner's own words for a failure (the admin's detail) and the run's duration
    with a decimal comma."""
    monkeypatch.setenv("COLUMNS", "250")
    assert run("db", "upgrade")[0] == 0
    assert run("datastore", "add", "dossier", f"file://{tmp_path / 'nulle-part'}")[0] == 0
    code, english = run("scan", "dossier")
    assert "store: folder not found: " in english and " in 0.0 s;" in english
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    code, out = run("scan", "dossier")
    assert code == 1, out
    assert f"entrepôt : dossier introuvable : {tmp_path / 'nulle-part'}" in out
    assert "analyse 2 : échouée en 0,0 s ;" in out
    assert "folder not found" not in out


def test_the_scanner_details_keep_their_template() -> None:
    from registre.catalog.access.roles import CLI_ACTOR, Actor
    from registre.catalog.data.scan_errors import ScanErrorKind, error_record, visible_scan_errors
    from registre.catalog.enums import Role
    from registre.catalog.i18n import Text, translate

    entry = error_record(
        "usagers.csv",
        ScanErrorKind.INVALID_DATA,
        Text("empty CSV file: {file}", file="usagers.csv"),
    )
    assert entry["message"] == "empty CSV file: usagers.csv"  # what older readers read
    (admin,) = visible_scan_errors(CLI_ACTOR, [entry])
    assert translate(admin.message, "fr") == "fichier CSV vide : usagers.csv"
    (steward,) = visible_scan_errors(Actor("s", Role.STEWARD), [entry])
    assert translate(steward.message, "fr") == (
        "La table usagers.csv n’a pas pu être analysée : son contenu est illisible."
    )
    # an entry recorded before templates were kept reads as it was stored
    (old,) = visible_scan_errors(CLI_ACTOR, [{"dataset": None, "kind": "timeout", "message": "x"}])
    assert old.message == "x"
