"""Data stores for scan tests: SQLite files of many small tables, so that a scan lasts long
enough to be stopped or shared between workers."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def many_tables_store(path: Path, tables: int, rows: int = 200) -> Path:
    """A SQLite store of ``tables`` tables ``t0000``... of e-mails and names (``rows`` each)."""
    with sqlite3.connect(path) as conn:
        for t in range(tables):
            conn.execute(f"CREATE TABLE t{t:04d} (id INTEGER PRIMARY KEY, courriel TEXT, nom TEXT)")
            conn.executemany(
                f"INSERT INTO t{t:04d} (courriel, nom) VALUES (?, ?)",
                [(f"agent{i}@ville-exemple.fr", f"Nom{i}") for i in range(rows)],
            )
    return path
