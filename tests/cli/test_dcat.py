"""``registre import dcat`` and ``registre export dcat``, run for real on a SQLite catalog:
a data.gouv.fr-like catalogue in, the same datasets out as DCAT-AP with their Table Schemas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import DCAT, RDF
from typer.testing import CliRunner

from registre.catalog.models import AuditEvent, Dataset
from registre.cli.main import app
from tests.cli.test_cli import count

DATAGOUV = Path(__file__).resolve().parents[1] / "catalog/publication/data/valbourg-datagouv.rdf"


@pytest.fixture
def catalog_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    monkeypatch.setenv("REGISTRE_DATABASE_URL", url)
    monkeypatch.setenv("REGISTRE_PUBLIC_BASE_URL", "https://data.valbourg.fr")
    monkeypatch.chdir(tmp_path)
    return url


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_import_then_export_dcat(catalog_url: str, tmp_path: Path) -> None:
    assert run("db", "upgrade")[0] == 0
    code, out = run("import", "dcat", str(DATAGOUV))
    assert code == 0, out
    assert "3 datasets into 'Ville de Valbourg': 3 created, 0 updated, 0 unchanged" in out
    code, out = run("import", "dcat", str(DATAGOUV))
    assert code == 0 and "0 created, 0 updated, 3 unchanged" in out, out
    assert count(catalog_url, Dataset) == 3

    code, out = run("export", "dcat", "--format", "jsonld")
    assert code == 0, out
    graph = Graph().parse(data=out, format="json-ld")
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 3

    target = tmp_path / "opendata"
    code, out = run("export", "dcat", "--output", str(target))
    assert code == 0, out
    turtle = Graph().parse(target / "catalog.ttl", format="turtle")
    uris = {str(s) for s in turtle.subjects(RDF.type, DCAT.Dataset)}
    assert uris == {f"https://data.valbourg.fr/dcat/datasets/{n}" for n in (1, 2, 3)}
    schemas = sorted(p.relative_to(target).as_posix() for p in target.rglob("schema.json"))
    assert schemas == [f"datasets/{n}/schema.json" for n in (1, 2, 3)]
    assert json.loads((target / "datasets/1/schema.json").read_text())["fields"] == []

    assert run("export", "dcat", "--format", "csv")[0] != 0
    assert run("export", "art30", "--format", "ttl")[0] != 0


def test_import_dcat_refuses_a_bad_file_and_writes_nothing(
    catalog_url: str, tmp_path: Path
) -> None:
    assert run("db", "upgrade")[0] == 0
    bad = tmp_path / "bad.rdf"
    bad.write_text(DATAGOUV.read_text().replace("<dct:title>Comptages vélo</dct:title>", ""))
    code, out = run("import", "dcat", str(bad))
    assert code == 1 and "64f0c2a1b5e7d3a9c1e2f302 has no dct:title" in out, out
    assert count(catalog_url, Dataset) == 0
    assert count(catalog_url, AuditEvent) == 0


def test_import_dcat_refuses_in_french(
    catalog_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("db", "upgrade")[0] == 0
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    bad = tmp_path / "bad.rdf"
    bad.write_text(DATAGOUV.read_text().replace("<dct:title>Comptages vélo</dct:title>", ""))
    code, out = run("import", "dcat", str(bad))
    assert code == 1
    assert "le jeu de données 64f0c2a1b5e7d3a9c1e2f302 n’a pas de dct:title" in out, out
    garbage = tmp_path / "garbage.ttl"
    garbage.write_text("ceci n'est pas du RDF <<<", encoding="utf-8")
    code, out = run("import", "dcat", str(garbage))
    assert (
        code == 1
        and "garbage.ttl n’est ni du Turtle ni du RDF/XML (turtle: BadSyntax ; xml: " in out
    ), out
    assert "neither" not in out and "has no" not in out
