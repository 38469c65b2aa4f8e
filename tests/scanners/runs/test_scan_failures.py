"""One failing table never fails the others; an unreachable store fails its run with a
clear message (SQLite, MariaDB)."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from registre.catalog.enums import ScanStatus
from registre.scanners.runs.scan import ScanOptions
from tests.scanners.runs.store_values import agent_emails, identifiers, insert_rows

# --- 3. one failing table never fails the others ----------------------------------------


#: case -> (DDL added to the good tables, the relation that fails, tables scanned fine)
FAILURES = {
    # A view over a table dropped since: SQLite cannot even describe its columns.
    "view over a dropped table": (
        "CREATE TABLE brouillon (id INTEGER, x TEXT);"
        "CREATE VIEW v_cassee AS SELECT * FROM brouillon;"
        "DROP TABLE brouillon;",
        "v_cassee",
        2,
    ),
    # Described fine, fails while the rows are read (malformed JSON at run time).
    "error while reading rows": (
        "CREATE TABLE brut (id INTEGER PRIMARY KEY, j TEXT);"
        "INSERT INTO brut VALUES (1, '{pas du json');"
        "CREATE VIEW v_json AS SELECT json_extract(j, '$.a') AS a FROM brut;",
        "v_json",
        3,  # brut itself scans fine
    ),
    # Never ends: cut by the statement timeout.
    "statement timeout": (
        "CREATE VIEW v_lente AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)"
        " SELECT x FROM c WHERE x < 0;",
        "v_lente",
        2,
    ),
}


def _write_good_tables(path: Path) -> None:
    ids = identifiers(4)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE agents (id INTEGER PRIMARY KEY, nir TEXT, courriel TEXT)")
        emails = agent_emails(40)
        insert_rows(conn, "agents", [(i + 1, ids.nir(), emails[i]) for i in range(40)])
        conn.execute("CREATE TABLE zz_contacts (id INTEGER PRIMARY KEY, telephone TEXT)")
        insert_rows(conn, "zz_contacts", [(i + 1, ids.phone()) for i in range(40)])


@pytest.mark.parametrize("case", list(FAILURES))
def test_one_failing_sqlite_table_does_not_fail_the_others(
    case: str, scan_catalog: Any, sqlite_url: Callable[[Path], str], tmp_path: Path
) -> None:
    ddl, failing, scanned = FAILURES[case]
    path = tmp_path / "store.sqlite"
    _write_good_tables(path)
    with sqlite3.connect(path) as conn:
        conn.executescript(ddl)
    store_id = scan_catalog.register("store", sqlite_url(path))
    run = scan_catalog.scan(store_id, ScanOptions(sample_size=200, timeout_s=0.5))
    assert run.status is ScanStatus.PARTIAL, run.errors
    assert (run.datasets_failed, run.datasets_scanned) == (1, scanned)
    [error] = run.errors
    assert error["dataset"] == failing and failing in error["message"], error
    found = scan_catalog.findings(store_id)
    assert {k for k in found} >= {
        ("agents", "nir", "FR_NIR"),
        ("agents", "courriel", "EMAIL_ADDRESS"),
        ("zz_contacts", "telephone", "PHONE_NUMBER"),
    }
    assert failing in scan_catalog.datasets(store_id)  # harvested all the same


def test_unreachable_sqlite_store_fails_the_run_with_a_clear_message(
    scan_catalog: Any, sqlite_url: Callable[[Path], str], tmp_path: Path
) -> None:
    missing = tmp_path / "absent.sqlite"
    store_id = scan_catalog.register("absent", sqlite_url(missing))
    run = scan_catalog.scan(store_id)
    assert run.status is ScanStatus.FAILED
    assert run.errors == [
        {
            "dataset": None,
            "kind": "not found",
            "message": f"SQLite file not found: {missing}",
            # the template too, so that it reads in the reader's language
            "text": {"template": "SQLite file not found: {file}", "params": {"file": str(missing)}},
        }
    ]
    assert (run.datasets_scanned, run.datasets_failed, run.finished_at is not None) == (0, 0, True)

    not_sqlite = tmp_path / "texte.sqlite"
    not_sqlite.write_text("ceci n'est pas une base SQLite\n" * 100)
    run = scan_catalog.scan(scan_catalog.register("texte", sqlite_url(not_sqlite)))
    assert run.status is ScanStatus.FAILED
    assert run.errors[0]["message"].startswith(f"cannot open SQLite file {not_sqlite}")


# --- MariaDB ------------------------------------------------------------------------------


@pytest.mark.mysql
def test_mysql_view_over_a_dropped_table_fails_alone(
    scan_catalog: Any, mysql_server_url: str
) -> None:
    """MariaDB lists a broken view without columns: it must fail, not pass as empty."""
    from urllib.parse import urlparse

    pymysql = pytest.importorskip("pymysql")
    parsed = urlparse(mysql_server_url)
    name = f"registre_scan_{uuid.uuid4().hex[:10]}"
    admin = pymysql.connect(
        host=parsed.hostname, port=parsed.port or 3306, user=parsed.username or "root",
        password=parsed.password or "", autocommit=True,
    )  # fmt: skip
    ids = identifiers(7)
    try:
        with admin.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
            cur.execute(f"USE `{name}`")
            cur.execute("CREATE TABLE agents (id int PRIMARY KEY, nir varchar(15), courriel text)")
            cur.executemany(
                "INSERT INTO agents VALUES (%s, %s, %s)",
                [(i + 1, ids.nir(), e) for i, e in enumerate(agent_emails(40))],
            )
            cur.execute("CREATE TABLE brouillon (id int)")
            cur.execute("CREATE VIEW v_cassee AS SELECT * FROM brouillon")
            cur.execute("DROP TABLE brouillon")
        store_id = scan_catalog.register("maria", f"{mysql_server_url.rpartition('/')[0]}/{name}")
        run = scan_catalog.scan(store_id)
        assert run.status is ScanStatus.PARTIAL, run.errors
        assert (run.datasets_scanned, run.datasets_failed) == (1, 1)
        [error] = run.errors
        assert error["dataset"] == f"{name}.v_cassee" and "v_cassee" in error["message"]
        assert (f"{name}.agents", "nir", "FR_NIR") in scan_catalog.findings(store_id)
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        admin.close()
