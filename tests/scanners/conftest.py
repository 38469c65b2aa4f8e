"""Fixtures of the scan-run tests: a migrated SQLite catalog per test, one classifier per
session (Presidio and spaCy load once), and helpers to register and scan a store.

Helpers are handed out as fixtures because ``--import-mode=importlib`` keeps test modules
from importing one another.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from registre.catalog import migrate
from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data.stores import register_data_store
from registre.catalog.db import make_engine, session_factory, transaction
from registre.catalog.models import Dataset, Field, Finding, ScanRun
from registre.scanners.runs.lifecycle import start_scan
from registre.scanners.runs.scan import (
    Classify,
    ScanOptions,
    default_classifier,
    execute_scan,
)

#: small samples keep the suite fast; the test tables are smaller than this anyway
SMALL = ScanOptions(sample_size=200)


@pytest.fixture(scope="session")
def classify() -> Classify:
    """The process-wide classifier (the one the CLI and the API use), loaded once."""
    return default_classifier().classify_table


@dataclass
class ScanCatalog:
    """A migrated catalog database and the calls the scan tests make on it."""

    engine: Engine
    factory: sessionmaker[Session]
    classify: Classify

    def register(self, name: str, url: str, **extra: Any) -> int:
        with transaction(self.factory) as session:
            return register_data_store(session, CLI_ACTOR, {"name": name, "url": url, **extra}).id

    def scan(self, store_id: int, options: ScanOptions = SMALL) -> ScanRun:
        """Queue and run one scan to its end (``execute_scan`` never raises for a store)."""
        with transaction(self.factory) as session:
            run_id = start_scan(session, CLI_ACTOR, store_id).id
        return execute_scan(self.factory, run_id, options=options, classify=self.classify, seed=7)

    def datasets(self, store_id: int) -> dict[str, Dataset]:
        """Every dataset of the store (removed ones too), fields and findings loaded."""
        with self.factory() as session:
            rows = session.scalars(
                select(Dataset)
                .where(Dataset.data_store_id == store_id)
                .options(selectinload(Dataset.fields).selectinload(Field.findings))
            )
            return {d.qualified_name: d for d in rows}

    def findings(self, store_id: int) -> dict[tuple[str, str, str], Finding]:
        """(dataset, column, entity type) -> finding, for every finding of the store."""
        return {
            (name, fld.name, f.entity_type): f
            for name, dataset in self.datasets(store_id).items()
            for fld in dataset.fields
            for f in fld.findings
        }


@pytest.fixture
def scan_catalog(tmp_path: Path, classify: Classify) -> Iterator[ScanCatalog]:
    engine = make_engine(f"sqlite:///{tmp_path / f'catalog-{uuid.uuid4().hex[:6]}.db'}")
    migrate.upgrade(engine)
    yield ScanCatalog(engine, session_factory(engine), classify)
    engine.dispose()


@pytest.fixture
def sqlite_url() -> Callable[[Path], str]:
    """``sqlite_url(path)``: the URL of an SQLite file (four slashes: absolute path)."""
    return lambda path: f"sqlite:///{Path(path).resolve()}"
