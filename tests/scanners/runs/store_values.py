"""Values the scan-run tests write into their stores: French identifiers, e-mails, codes
that match no recognizer."""

from __future__ import annotations

import random
import sqlite3
from typing import Any

from registre.demo.identifiers import FrenchIdentifiers

SURNAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
    "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David",
    "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "Andre", "Lefevre",
    "Mercier", "Dupont", "Lambert", "Bonnet", "Francois", "Martinez",
]  # fmt: skip


def identifiers(seed: int = 1) -> FrenchIdentifiers:
    return FrenchIdentifiers(random.Random(seed))


def agent_emails(n: int, prefix: str = "agent") -> list[str]:
    return [f"{prefix}.{SURNAMES[i % len(SURNAMES)].lower()}{i}@valbourg.fr" for i in range(n)]


def codes(n: int) -> list[str]:
    """Values that match no recognizer (digits in them: never name-shaped either)."""
    return [f"ZK-{i:03d}-QX" for i in range(n)]


def insert_rows(conn: sqlite3.Connection, table: str, rows: list[tuple[Any, ...]]) -> None:
    marks = ", ".join("?" * len(rows[0]))
    conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
