"""The command line, run for real against a SQLite catalog in a temporary directory."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from registre.catalog import migrate
from registre.catalog.access.tokens import hash_token
from registre.catalog.db import make_engine, session_factory
from registre.catalog.enums import AISystemStatus, Role
from registre.catalog.models import AISystem, ApiToken, AuditEvent, Organisation
from registre.cli.main import app
from tests.support.api import Api, serve
from tests.support.catalogs import Catalog

ROOT = Path(__file__).resolve().parents[2]
DUTCH = ROOT.parent / "shared" / "data" / "nl-algoritmeregister-2026-08-08.json"


@pytest.fixture
def catalog_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    monkeypatch.setenv("REGISTRE_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    return url


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def count(url: str, model: type) -> int:
    engine = make_engine(url)
    with session_factory(engine)() as session:
        n = session.scalar(select(func.count()).select_from(model))
    engine.dispose()
    return int(n or 0)


def test_help_explains_every_command() -> None:
    for args in ([], ["db"], ["token"], ["import"], ["demo"], ["serve"], ["import", "ai-systems"]):
        code, out = run(*args, "--help")
        assert code == 0, out
        assert "Usage" in out and len(out.splitlines()) > 5


def test_db_upgrade_current_downgrade(catalog_url: str) -> None:
    code, out = run("db", "current")
    assert code == 0 and "base" in out
    assert run("db", "upgrade")[0] == 0
    code, out = run("db", "current")
    assert f"{migrate.head()} (latest)" in out
    code, out = run("db", "downgrade", "base")
    assert code == 0 and "base" in out
    assert migrate.current(make_engine(catalog_url)) is None


def test_commands_refuse_an_unmigrated_catalog(catalog_url: str) -> None:
    code, out = run("token", "create", "--name", "x", "--role", "admin")
    assert code == 1
    assert "registre db upgrade" in out


def test_token_create_prints_it_once_and_stores_a_hash(catalog_url: str) -> None:
    run("db", "upgrade")
    code, out = run("token", "create", "--name", "rssi", "--role", "security")
    assert code == 0, out
    token = out.strip().splitlines()[-1]
    assert token.startswith("rgt_") and len(token) > 30
    engine = make_engine(catalog_url)
    with session_factory(engine)() as session:
        row = session.scalar(select(ApiToken).where(ApiToken.name == "rssi"))
        assert row is not None and row.token_hash == hash_token(token)
        assert token not in json.dumps([e.after for e in session.scalars(select(AuditEvent))])
    with serve(Catalog.at(catalog_url), tokens={Role.SECURITY: token}, role=Role.SECURITY) as api:
        assert api.gql("{ me { role } }") == {"data": {"me": {"role": "SECURITY"}}}
        _refuse_revoked_token(api)
    code, out = run("token", "list")
    assert "rssi" in out and token not in out


def _refuse_revoked_token(api: Api) -> None:
    code, out = run("token", "create", "--name", "rssi", "--role", "admin")
    assert code == 1 and "already exists" in out
    code, out = run("token", "create", "--name", "x", "--role", "boss")
    assert code != 0
    assert run("token", "revoke", "rssi")[0] == 0
    assert api.post("{ me { role } }").status_code == 401


@pytest.mark.skipif(not DUTCH.exists(), reason=f"{DUTCH} not present (shared reference data)")
def test_import_dutch_register_all_records_then_idempotent(catalog_url: str) -> None:
    run("db", "upgrade")
    code, out = run("import", "ai-systems", str(DUTCH))
    assert code == 0, out
    assert "1530 AI systems: 1530 created" in out
    assert count(catalog_url, AISystem) == 1530
    code, out = run("import", "ai-systems", str(DUTCH))
    assert code == 0 and "0 created, 0 updated, 1530 unchanged" in out
    assert count(catalog_url, AISystem) == 1530


@pytest.mark.skipif(not DUTCH.exists(), reason=f"{DUTCH} not present (shared reference data)")
def test_import_with_one_bad_record_imports_nothing(catalog_url: str, tmp_path: Path) -> None:
    run("db", "upgrade")
    data = json.loads(DUTCH.read_text(encoding="utf-8"))
    data["algoritmes"][700]["title"] = ""  # a record without a name
    bad_id = data["algoritmes"][700]["id"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    code, out = run("import", "ai-systems", str(broken))
    assert code == 1
    assert f"id {bad_id}" in out and "nothing imported" in out
    assert count(catalog_url, AISystem) == 0


def _write_csv(path: Path, rows: list[dict[str, str]], delimiter: str = ";") -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        fields = list(dict.fromkeys(key for row in rows for key in row))
        writer = csv.DictWriter(fh, fieldnames=fields, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)


def test_import_csv_layout(catalog_url: str, tmp_path: Path) -> None:
    run("db", "upgrade")
    path = tmp_path / "systemes.csv"
    _write_csv(
        path,
        [
            {
                "name": "Tri du courrier",
                "status": "IN_PRODUCTION",
                "risk_class": "MINIMAL",
                "provider": "Éditeur SAS",
                "hosting_country": "fr",
                "individual_decisions": "non",
                "external_ref": "csv:1",
            },
            {
                "name": "Aide à l'instruction RSA",
                "status": "PILOT",
                "risk_class": "HIGH",
                "annex_iii_point": "5(a)",
                "provider": "Éditeur SAS",
                "hosting_country": "FR",
                "individual_decisions": "oui",
                "external_ref": "csv:2",
            },
        ],
    )
    code, out = run("import", "ai-systems", str(path))
    assert code == 0, out
    assert "2 created" in out and "1 organisations created" in out
    assert count(catalog_url, AISystem) == 2 and count(catalog_url, Organisation) == 1


def test_import_csv_bad_line_is_named_and_nothing_written(catalog_url: str, tmp_path: Path) -> None:
    run("db", "upgrade")
    path = tmp_path / "systemes.csv"
    _write_csv(
        path,
        [
            {"name": "A", "status": "IN_PRODUCTION", "hosting_country": "FR"},
            {"name": "B", "status": "EN_SERVICE", "hosting_country": "FR"},
            {"name": "C", "status": "PILOT", "hosting_country": "France"},
        ],
        delimiter=",",
    )
    code, out = run("import", "ai-systems", str(path))
    assert code == 1
    assert "line 3: status" in out and "line 4: hosting_country" in out
    assert count(catalog_url, AISystem) == 0


def test_import_refuses_unknown_columns(catalog_url: str, tmp_path: Path) -> None:
    run("db", "upgrade")
    path = tmp_path / "x.csv"
    _write_csv(path, [{"name": "A", "fournisseur": "X"}])
    code, out = run("import", "ai-systems", str(path))
    assert code == 1 and "unknown column(s) fournisseur" in out


def test_demo_builds_registers_and_prints_token(catalog_url: str, tmp_path: Path) -> None:
    code, out = run("demo", "--no-serve", "--dir", str(tmp_path / "demo"))
    assert code == 0, out
    assert (tmp_path / "demo" / "valbourg.sqlite").exists()
    # the web interface's address comes first, before the API's and the token
    web = out.index("Web interface: http://")
    assert web < out.index("GraphQL API and GraphiQL: http://") < out.index("Bearer token")
    token = next(
        line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("Bearer token")
    )
    with serve(Catalog.at(catalog_url), tokens={Role.ADMIN: token}) as api:
        _demo_answers_the_readme_questions(api)
    # the demo scanned its store: personal data is found, and shown masked only
    assert "FR_NIR" in out and "IBAN_CODE" in out
    # two open datasets: the traffic counts are published, the grants withheld by the scan
    assert "capteurs_trafic: published" in out
    assert (
        "subventions: withheld: 'beneficiaire' (PERSON, suggested, not reviewed); "
        "'siret' (FR_SIRET, suggested, not reviewed)" in out
    )
    assert "/dcat/catalog.ttl" in out
    with sqlite3.connect(tmp_path / "demo" / "valbourg.sqlite") as city:
        raw = [v for (v,) in city.execute("SELECT nir FROM agents UNION SELECT iban FROM agents")]
    assert raw and not [v for v in raw if v in out or v.replace(" ", "") in out]
    # a second run reuses the catalog and the city database, and prints a new token
    code, out2 = run("demo", "--no-serve", "--dir", str(tmp_path / "demo"))
    assert code == 0
    assert count(catalog_url, AISystem) == 3


def _demo_answers_the_readme_questions(api: Api) -> None:
    body = api.data("{ aiSystems { totalCount } dataStores { edges { node { name kind } } } }")
    assert body["aiSystems"]["totalCount"] == 3
    assert body["dataStores"]["edges"][0]["node"]["kind"] == "SQLITE"
    query = "{ complianceIssues(first: 100) { edges { node { rule subjectName } } } }"
    gaps = api.data(query)["complianceIssues"]["edges"]
    issues = {(e["node"]["rule"], e["node"]["subjectName"]) for e in gaps}
    # real gaps, as the README says...
    assert ("AIACT-27-FRIA", "Aide à la décision mobilité") in issues
    assert ("GDPR-44-TRANSFER", "Agent conversationnel citoyen") in issues
    # Loi SREN art. 31 names the State and its operators: the demo city is a commune
    assert not [subject for rule, subject in issues if rule == "SREN-31-HOSTING"]
    assert ("PSSIE-HOMOLOGATION", "Agent conversationnel citoyen") in issues
    # ...next to a system in order: homologated, owned, overseen
    assert not {i for i in issues if i[1] == "Préparation des dossiers de marchés"}
    query = (
        "{ exposure(filter: {hostingOutsideEU: true}) "
        "{ edges { node { dataset { qualifiedName } } } } }"
    )
    exposed = api.data(query)["exposure"]["edges"]
    assert {e["node"]["dataset"]["qualifiedName"] for e in exposed} == {
        "agents",
        "journaux_connexion",
    }
    # the publication gate, as the README shows it
    assert ("CRPA-L312-1-2-PUBLICATION", "subventions") in issues
    catalogue = api.client.get("/dcat/catalog.ttl")
    assert catalogue.status_code == 200
    assert "Comptages routiers de Valbourg" in catalogue.text
    assert "Subventions" not in catalogue.text


def test_reimport_keeps_what_stewards_recorded_since(catalog_url: str, tmp_path: Path) -> None:
    run("db", "upgrade")
    path = tmp_path / "systemes.csv"
    _write_csv(path, [{"name": "Tri du courrier", "external_ref": "csv:1", "owner": "DSI"}])
    assert run("import", "ai-systems", str(path))[0] == 0
    engine = make_engine(catalog_url)
    with session_factory(engine)() as session, session.begin():
        system = session.scalar(select(AISystem))
        assert system is not None and system.status.value == "PLANNED"
        system.status = AISystemStatus.IN_PRODUCTION  # a steward's later update
    code, out = run("import", "ai-systems", str(path))
    assert code == 0 and "1 unchanged" in out
    with session_factory(engine)() as session:
        system = session.scalar(select(AISystem))
        assert system is not None and system.status is AISystemStatus.IN_PRODUCTION
