"""``registre export``: every export to standard output or to a file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tests.catalog.exports.exports_seed import GOLDEN, Seeded, open_seeded
from tests.support.catalogs import Databases


@pytest.fixture(scope="module")
def seeded(databases: Databases) -> Iterator[Seeded]:
    with open_seeded(databases) as made:
        yield made


def _cli() -> typer.Typer:
    from registre.cli.governance import export

    app = typer.Typer()
    app.command("export")(export)

    @app.callback()
    def _root() -> None:  # a group, as in the real CLI: `registre export ...`
        pass

    return app


def test_cli_export_to_stdout_and_file(seeded: Seeded, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"REGISTRE_DATABASE_URL": seeded.url}
    out = runner.invoke(_cli(), ["export", "inventory", "--format", "json"], env=env)
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["inventaire"][1]["nom"] == "Tri des demandes d'aide"
    target = tmp_path / "registre.csv"
    written = runner.invoke(
        _cli(), ["export", "art30", "--format", "csv-excel", "--output", str(target)], env=env
    )
    assert written.exit_code == 0, written.output
    assert target.read_bytes() == (GOLDEN / "art30-excel.csv").read_bytes()  # BOM and CRLF kept
    annex = runner.invoke(
        _cli(), ["export", "annex-viii", "--ai-system", "Tri des demandes d'aide"], env=env
    )
    assert annex.exit_code == 0 and json.loads(annex.stdout)["missing"] == []
    pia = runner.invoke(
        _cli(), ["export", "pia", "--processing-activity", "Aides sociales facultatives"], env=env
    )
    assert pia.exit_code == 0 and json.loads(pia.stdout)["pia"]["name"]
    unknown = runner.invoke(_cli(), ["export", "annex-viii", "--ai-system", "Nope"], env=env)
    assert unknown.exit_code == 1


def test_cli_export_refusals_in_french(seeded: Seeded) -> None:
    env = {"REGISTRE_DATABASE_URL": seeded.url, "LANG": "fr_FR.UTF-8"}
    from registre.cli.main import app

    out = CliRunner().invoke(app, ["export", "annex-viii", "--ai-system", "nulle"], env=env)
    assert out.exit_code == 1
    assert "aucun système d’IA nommé « nulle »" in out.output, out.output
    out = CliRunner().invoke(app, ["export", "pia", "--processing-activity", "x"], env=env)
    assert "aucune activité de traitement nommée « x »" in out.output, out.output
