"""Scans through the two doors users have: the GraphQL API (``scanDataStore`` runs in the
background, ``scanRuns`` reports it) and the command line (``registre scan``)."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from registre.catalog.db import make_engine, session_factory
from registre.catalog.models import AuditEvent, DataStore, Finding, ScanRun
from registre.cli.main import app
from registre.config.settings import Settings
from registre.demo.city import build_city_database
from registre.scanners.runs.scan import Classify
from tests.support.api import Api, serve
from tests.support.catalogs import Catalog

# --- API ----------------------------------------------------------------------------------


@pytest.fixture
def api(new_catalog: Callable[..., Catalog], classify: Classify) -> Iterator[Api]:
    """The app with its own scan dispatcher (``classify`` loaded once by the session)."""
    catalog = new_catalog()
    settings = Settings(database_url=catalog.url, scan_sample_size=200)
    with serve(catalog, settings, record_scans=False) as made:
        yield made


REGISTER = """mutation ($url: String!) { registerDataStore(input: {name: "ville", url: $url}) {
    dataStore { id } } }"""
SCAN = "mutation ($id: ID!) { scanDataStore(id: $id) { scanRun { id status requestedBy } } }"
STATUS = "query ($id: ID!) { node(id: $id) { ... on ScanRun { status } } }"
RUNS = """query ($store: ID!) { scanRuns(dataStoreId: $store) { totalCount edges { node {
    id status trigger requestedBy createdAt startedAt finishedAt durationSeconds
    datasetsScanned datasetsFailed findingsNew findingsChanged findingsGone sampleSize
    scannerVersion drift errors { dataset message } dataStore { name }
    tables { name status sampleMethod sampleRows sampleMs scanMs findingsNew } } } } }"""


def _wait(api: Api, run_id: str, seconds: float = 90) -> str:
    deadline = time.monotonic() + seconds
    while True:
        status = api.gql(STATUS, {"id": run_id}, "admin")["data"]["node"]["status"]
        if status not in ("QUEUED", "RUNNING") or time.monotonic() > deadline:
            return str(status)
        time.sleep(0.2)


def test_scan_data_store_mutation_runs_in_the_background_and_scan_runs_reports_it(
    api: Api, tmp_path: Path
) -> None:
    city = tmp_path / "city.sqlite"
    build_city_database(city)
    body = api.gql(REGISTER, {"url": f"sqlite:///{city}"}, "admin")
    store_id = body["data"]["registerDataStore"]["dataStore"]["id"]

    # The auditor reads, never scans: FORBIDDEN, and no run is queued.
    denied = api.gql(SCAN, {"id": store_id}, "auditor")
    assert denied["data"] == {"scanDataStore": None}
    assert [e["extensions"]["code"] for e in denied["errors"]] == ["FORBIDDEN"]
    assert api.gql(RUNS, {"store": store_id}, "auditor")["data"]["scanRuns"]["totalCount"] == 0

    started = api.gql(SCAN, {"id": store_id}, "admin")
    assert "errors" not in started, started
    run = started["data"]["scanDataStore"]["scanRun"]
    assert run["status"] in ("QUEUED", "RUNNING") and run["requestedBy"] == "token:admin"
    assert _wait(api, run["id"]) == "SUCCEEDED"

    runs = api.gql(RUNS, {"store": store_id}, "auditor")["data"]["scanRuns"]
    assert runs["totalCount"] == 1
    node = runs["edges"][0]["node"]
    with api.factory() as session:
        findings = session.scalar(select(func.count()).select_from(Finding))
    assert node["id"] == run["id"]
    assert (node["status"], node["trigger"], node["dataStore"]) == (
        "SUCCEEDED",
        "MANUAL",
        {"name": "ville"},
    )
    assert (node["datasetsScanned"], node["datasetsFailed"], node["errors"]) == (7, 0, [])
    assert node["findingsNew"] == findings and findings >= 15
    assert (node["findingsChanged"], node["findingsGone"], node["sampleSize"]) == (0, 0, 200)
    assert node["createdAt"] <= node["startedAt"] <= node["finishedAt"]
    assert node["durationSeconds"] > 0
    assert node["scannerVersion"].startswith("registre-scanner/")
    assert '"tables_new"' in node["drift"] and "v_agents_contact" in node["drift"]
    # the run record says how each table was sampled and how long it took
    tables = {t["name"]: t for t in node["tables"]}
    assert len(tables) == 7 and {t["status"] for t in tables.values()} == {"DONE"}
    assert tables["v_agents_contact"]["sampleMethod"] in ("shuffled whole", "random positions")
    assert all(t["sampleMethod"] and t["sampleMs"] is not None for t in tables.values())
    assert all(t["scanMs"] >= t["sampleMs"] for t in tables.values())
    assert sum(t["findingsNew"] for t in tables.values()) == node["findingsNew"]


def test_the_api_scans_in_a_child_process(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The detectors never load into the API process: a scan run here would fail."""
    import registre.scanners.runs.dispatch as dispatch

    def in_the_api(*args: object, **kwargs: object) -> None:
        raise AssertionError("scanned in the API process")

    monkeypatch.setattr(dispatch, "execute_scan", in_the_api)  # the child imports its own
    store = tmp_path / "petit.sqlite"
    with sqlite3.connect(store) as conn:
        conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, courriel TEXT)")
        conn.executemany(
            "INSERT INTO contacts (courriel) VALUES (?)", [(f"a{i}@ville.fr",) for i in range(40)]
        )
    body = api.gql(REGISTER, {"url": f"sqlite:///{store}"}, "admin")
    store_id = body["data"]["registerDataStore"]["dataStore"]["id"]
    run = api.gql(SCAN, {"id": store_id}, "admin")["data"]["scanDataStore"]["scanRun"]
    assert _wait(api, run["id"]) == "SUCCEEDED"


# --- CLI ----------------------------------------------------------------------------------


@pytest.fixture
def cli_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, classify: Classify) -> str:
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    monkeypatch.setenv("REGISTRE_DATABASE_URL", url)
    monkeypatch.setenv("REGISTRE_SCAN_SAMPLE_SIZE", "200")
    monkeypatch.setenv("COLUMNS", "200")  # rich tables would cut masked examples at 80
    monkeypatch.chdir(tmp_path)
    code, out = run("db", "upgrade")
    assert code == 0, out
    return url


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def _values(path: Path) -> set[str]:
    """Distinct values of 6 characters and more in every column of the store."""
    found: set[str] = set()
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")]
        for table in tables:
            for (column,) in conn.execute("SELECT name FROM pragma_table_info(?)", (table,)):
                for (value,) in conn.execute(f'SELECT DISTINCT "{column}" FROM "{table}"'):
                    if value is not None and len(str(value)) >= 6:
                        found.add(str(value))
    return found


def test_cli_datastore_add_then_scan_prints_masked_examples_only(
    cli_catalog: str, tmp_path: Path
) -> None:
    city = tmp_path / "city.sqlite"
    build_city_database(city)
    code, out = run("datastore", "add", "ville", f"sqlite:///{city}")
    assert code == 0, out
    assert "data store 'ville' registered (SQLITE)" in out

    code, out = run("scan", "ville")
    assert code == 0, out
    assert re.search(r"scan 1: SUCCEEDED in [\d.]+ s; 7 datasets scanned, 0 failed", out), out
    # what each table's rows are about, and why, in the summary
    assert re.search(r"usagers_action_sociale\s.*persons\s.*rows are natural persons", out), out
    # each table with its sample method and time, then the methods summed up
    assert re.search(r"v_agents_contact +│ done +│ (shuffled whole|random positions) +│", out), out
    summary = re.search(r"sample methods: (.+)", out)
    assert summary is not None, out
    assert sum(int(part.rsplit(" ", 1)[1]) for part in summary.group(1).split(", ")) == 7
    engine = make_engine(cli_catalog)
    with session_factory(engine)() as session:
        masked = set(session.scalars(select(Finding.masked_example)).all()) - {None}
        run_row = session.scalar(select(ScanRun))
    engine.dispose()
    assert run_row is not None and run_row.sample_size == 200
    assert len(masked) >= 10
    for example in masked:
        assert example in out
    leaked = sorted(v for v in _values(city) if v in out)
    assert leaked == []


def test_cli_scan_of_a_store_whose_file_is_gone_exits_1(cli_catalog: str, tmp_path: Path) -> None:
    path = tmp_path / "parti.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x TEXT)")
    assert run("datastore", "add", "parti", f"sqlite:///{path}")[0] == 0
    path.unlink()
    code, out = run("scan", "parti")
    assert code == 1, out
    assert "FAILED" in out and f"SQLite file not found: {path}" in out
    code, out = run("scan", "inconnu")
    assert code == 1 and "no data store named 'inconnu'" in out


def test_cli_refuses_a_password_in_the_url(cli_catalog: str) -> None:
    code, out = run("datastore", "add", "x", "postgresql://u:pw@h/db")
    assert code == 1
    assert "contains a password" in out and "secretRef" in out
    engine = make_engine(cli_catalog)
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(DataStore)) == 0
        trail = [str(e.after) for e in session.scalars(select(AuditEvent))]
    engine.dispose()
    assert not any("pw@" in entry for entry in trail)
