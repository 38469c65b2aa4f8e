"""No sampled value reaches a log record, at any level.

At DEBUG, Presidio's own logger writes words of the text it analyses (its context enhancer
logs "Context list is: <words around the match>"). The analyzer keeps Presidio's loggers at
WARNING with a filter (see ``silence_presidio_text``); this test scans a small SQLite store
with every logger at DEBUG and searches every record for every sampled value. A negative
control first scans with that protection removed and must find values, so the search is
known to work and the store known to reach Presidio.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest

from registre.scanners.detection import analyzer
from registre.scanners.runs.scan import ScanOptions

ROWS = [
    (
        f"{first} {last}",
        f"{first.lower()}.{last.lower()}@exemple-{i}.fr",
        f"écrire à {first} {last} {first.lower()}.{last.lower()}@courriel-{i}.fr merci",
        f"{10 + i} rue des {street} {city}",
    )
    for i, (first, last, street, city) in enumerate(
        [
            ("Gaspard", "Lemoine", "Capucines", "Angoulême"),
            ("Ondine", "Ferrandou", "Glycines", "Carcassonne"),
            ("Baptistin", "Quéméner", "Tilleuls", "Quimperlé"),
            ("Philomène", "Azéma", "Mimosas", "Perpignan"),
            ("Anatole", "Vasseur", "Lavandes", "Roubaix"),
            ("Clémence", "Barjavel", "Jonquilles", "Nyons"),
        ]
        * 3
    )
]


def _needles() -> set[str]:
    """Every sampled value, and every word of it long enough to be telling."""
    needles = set()
    for row in ROWS:
        for value in row:
            needles.add(value.lower())
            needles.update(w.lower() for w in re.split(r"\s+", value) if len(w) >= 6)
    return needles


def _found(records: list[logging.LogRecord]) -> set[str]:
    needles = _needles()
    found = set()
    for record in records:
        texts = [str(record.msg), record.getMessage(), repr(record.args)]
        if record.exc_text:
            texts.append(record.exc_text)
        haystack = " ".join(texts).lower()
        found.update(n for n in needles if n in haystack)
    return found


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "contacts.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE contacts (personne TEXT, courriel TEXT, note TEXT, adresse TEXT)")
        db.executemany("INSERT INTO contacts VALUES (?, ?, ?, ?)", ROWS)
    return path


def _scan_at_debug(catalog: Any, store: Path, caplog: pytest.LogCaptureFixture) -> set[str]:
    caplog.clear()
    store_id = catalog.register(f"contacts-{uuid.uuid4().hex[:8]}", f"sqlite:///{store}")
    # Every logger at DEBUG (the root as REGISTRE_LOG_LEVEL=DEBUG sets it, and the
    # third-party loggers that set their own level), Presidio's aside: the test sets those.
    others = [
        logging.getLogger(name)
        for name in list(logging.root.manager.loggerDict)
        if name not in analyzer.PRESIDIO_LOGGERS
    ]
    levels = [logger.level for logger in others]
    try:
        with caplog.at_level(logging.DEBUG):
            for logger in others:
                logger.setLevel(logging.DEBUG)
            run = catalog.scan(store_id, ScanOptions(sample_size=100, timeout_s=30))
    finally:
        for logger, level in zip(others, levels, strict=True):
            logger.setLevel(level)
    assert run.status.value == "SUCCEEDED", run.errors
    assert caplog.records, "nothing was logged at all"
    return _found(caplog.records)


def test_no_sampled_value_in_any_log_record(
    hardening_catalog: Any, store: Path, caplog: pytest.LogCaptureFixture
) -> None:
    analyzer.get_analyzer()  # built (and Presidio silenced) before the scans below
    presidio = [logging.getLogger(name) for name in analyzer.PRESIDIO_LOGGERS]

    # Negative control: without the protection, Presidio logs words of the values.
    saved = [(logger.level, list(logger.filters)) for logger in presidio]
    try:
        for logger in presidio:
            logger.setLevel(logging.DEBUG)
            for flt in list(logger.filters):
                logger.removeFilter(flt)
        leaked = _scan_at_debug(hardening_catalog, store, caplog)
    finally:
        for logger, (level, filters) in zip(presidio, saved, strict=True):
            logger.setLevel(level)
            for flt in filters:
                logger.addFilter(flt)
    assert leaked, "the negative control found nothing: the search or the store is wrong"

    # A later logging configuration that turns Presidio's loggers up cannot undo it.
    for logger in presidio:
        logger.setLevel(logging.DEBUG)
    try:
        assert _scan_at_debug(hardening_catalog, store, caplog) == set()
    finally:
        analyzer.silence_presidio_text()
