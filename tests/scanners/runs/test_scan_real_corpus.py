"""Scanning the real-data corpus (``bench/real/``) as a file store leaves no raw value
in the catalog: 0 values of 6 characters or more, nor the digits of a long number."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, String, Text, select

from registre.catalog.models.base import Base

real_corpus = pytest.importorskip(
    "registre.bench.real_corpus", reason="bench/ is in the source tree only (editable install)"
)

MIN_LENGTH = 6  # shorter values ("M.", "LR", "2026") would hit by chance


def _values(folder: Path) -> set[str]:
    """Every cell of at least MIN_LENGTH characters, and digits-only forms of long numbers."""
    found: set[str] = set()
    for path in folder.rglob("*.csv"):
        text = path.read_text(encoding="utf-8")
        delimiter = (
            ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
        )
        rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
        for row in rows[1:]:
            for cell in row:
                if len(cell) >= MIN_LENGTH:
                    found.add(cell)
                digits = re.sub(r"\D", "", cell)
                if len(digits) >= 9 and digits != cell:
                    found.add(digits)
    return found


def _catalog_text(factory: Any) -> str:
    parts: list[str] = []
    with factory() as session:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
            for row in session.execute(select(*columns)) if columns else ():
                parts += [
                    v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                    for v in row
                    if v is not None
                ]
    return "\n".join(parts)


def test_scanning_the_real_corpus_leaves_no_raw_value_in_the_catalog(scan_catalog: Any) -> None:
    folder = real_corpus.REAL_DIR
    store = scan_catalog.register("donnees-reelles", f"file://{folder}")
    run = scan_catalog.scan(store)
    assert run.datasets_scanned == len(real_corpus.FILES) + len(real_corpus.HELD_OUT), run.errors
    found = scan_catalog.findings(store)
    assert ("deputes_datan.csv", "naissance", "DATE_OF_BIRTH") in found  # it did its work
    assert ("deputes_datan.csv", "mail", "EMAIL_ADDRESS") in found
    text = _catalog_text(scan_catalog.factory)
    values = _values(folder)
    assert len(values) > 300 and "alain.david@assemblee-nationale.fr" in values  # control
    assert "a***.d****@assemblee-nationale.fr" not in values
    specs = (*real_corpus.FILES, *real_corpus.HELD_OUT)
    column_names = {c for spec in specs for c in _header(folder / spec.file)}
    leaked = sorted(v for v in values - column_names if v in text)
    assert leaked == []


def _header(path: Path) -> list[str]:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    return first.split(";") if first.count(";") > first.count(",") else first.split(",")
