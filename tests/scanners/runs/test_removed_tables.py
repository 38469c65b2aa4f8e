"""A table that disappears takes its personal data with it: its findings are marked gone."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from registre.catalog.data.findings import counts_as_personal
from registre.catalog.enums import ScanStatus


def test_findings_of_a_dropped_table_are_gone(
    scan_catalog: Any, sqlite_url: Callable[[Path], str], tmp_path: Path
) -> None:
    path = tmp_path / "store.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, courriel TEXT)")
        conn.execute("CREATE TABLE gardee (id INTEGER PRIMARY KEY, email TEXT)")
        rows = [(f"personne{i}@exemple.fr",) for i in range(40)]
        conn.executemany("INSERT INTO contacts (courriel) VALUES (?)", rows)
        conn.executemany("INSERT INTO gardee (email) VALUES (?)", rows)
    store_id = scan_catalog.register("store", sqlite_url(path))
    first = scan_catalog.scan(store_id)
    assert first.status is ScanStatus.SUCCEEDED
    assert counts_as_personal(
        scan_catalog.findings(store_id)[("contacts", "courriel", "EMAIL_ADDRESS")]
    )

    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE contacts")
    second = scan_catalog.scan(store_id)
    assert second.drift["tables_removed"] == ["contacts"]
    assert second.findings_gone == 1
    found = scan_catalog.findings(store_id)
    dropped = found[("contacts", "courriel", "EMAIL_ADDRESS")]
    assert dropped.gone_since_run_id == second.id and not counts_as_personal(dropped)
    kept = found[("gardee", "email", "EMAIL_ADDRESS")]
    assert kept.gone_since_run_id is None and counts_as_personal(kept)
