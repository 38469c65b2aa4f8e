"""Names read from a scanned store reach the operator's terminal as text: rich markup in a
table name is printed, not interpreted, and escape sequences never reach the terminal."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data import stores
from registre.catalog.db import make_engine, session_factory, transaction
from registre.cli.common import shown
from registre.cli.main import app

HOSTILE_TABLES = ["[/fail]", "t\x1b]0;pwned\x07", "[bold red]alerte"]


@pytest.fixture
def catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REGISTRE_DATABASE_URL", f"sqlite:///{tmp_path / 'catalog.db'}")
    monkeypatch.setenv("REGISTRE_SCAN_SAMPLE_SIZE", "50")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    return tmp_path


def test_a_store_name_a_steward_chose_is_listed_verbatim(catalog: Path) -> None:
    """A steward may register ``rh-[/]-[bold]x[link=...]y`` through the API."""
    name = "rh-[/]-[bold]x[link=https://evil.example]y"
    engine = make_engine(os.environ["REGISTRE_DATABASE_URL"])
    with transaction(session_factory(engine)) as session:
        stores.register_data_store(
            session, CLI_ACTOR, {"name": name, "url": "postgresql://lecteur@db/rh"}
        )
    engine.dispose()
    result = CliRunner().invoke(app, ["datastore", "list"], terminal_width=400)
    assert result.exit_code == 0, result.output
    assert name in result.output


def test_a_scan_of_hostile_names_prints_them_as_text(catalog: Path) -> None:
    store = catalog / "hostile.sqlite"
    with sqlite3.connect(store) as conn:
        for table in HOSTILE_TABLES:
            quoted = table.replace('"', '""')
            conn.execute(f'CREATE TABLE "{quoted}" ("[i]courriel\x1b[2J" TEXT)')
            conn.executemany(
                f'INSERT INTO "{quoted}" VALUES (?)',
                [(f"agent{i}@valbourg.fr",) for i in range(30)],
            )
    runner = CliRunner()
    added = runner.invoke(app, ["datastore", "add", "hostile[/x]", f"sqlite:///{store}"])
    assert added.exit_code == 0, added.output
    assert "data store 'hostile[/x]' registered" in added.output

    result = runner.invoke(app, ["scan", "hostile[/x]"])
    assert result.exit_code == 0, result.output
    assert "3 datasets scanned, 0 failed" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "[/fail].[i]courriel" in result.output  # markup shown, not interpreted
    assert "[bold red]alerte" in result.output
    assert "t\N{REPLACEMENT CHARACTER}]0;pwned\N{REPLACEMENT CHARACTER}" in result.output


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("[/fail]", "\\[/fail]"),
        ("a\x1b[31mb", "a\N{REPLACEMENT CHARACTER}[31mb"),
        ("nul\x00\x9b", "nul\N{REPLACEMENT CHARACTER}\N{REPLACEMENT CHARACTER}"),
        ("Données RH", "Données RH"),
    ],
)
def test_shown_escapes_markup_and_replaces_control_characters(raw: str, expected: str) -> None:
    assert shown(raw) == expected
