"""Fixtures of the scan-run tests: a migrated SQLite catalog per test (from the shared
harness), one classifier per session (Presidio and spaCy load once), and helpers to
register and scan a store.

Helpers are handed out as fixtures because ``--import-mode=importlib`` keeps test modules
from importing one another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data.stores import register_data_store
from registre.catalog.db import transaction
from registre.catalog.enums import Role
from registre.catalog.models import Dataset, Field, Finding, ScanRun
from registre.scanners.runs.lifecycle import start_scan
from registre.scanners.runs.scan import (
    Classify,
    ScanOptions,
    default_classifier,
    execute_scan,
)
from tests.support.api import seed_tokens, serve
from tests.support.catalogs import Catalog

#: small samples keep the suite fast; the test tables are smaller than this anyway
SMALL = ScanOptions(sample_size=200)


@pytest.fixture(scope="session")
def classify() -> Classify:
    """The process-wide classifier (the one the CLI and the API use), loaded once."""
    return default_classifier().classify_table


@dataclass
class ScanCatalog:
    """A migrated catalog database and the calls the scan tests make on it."""

    catalog: Catalog
    classify: Classify
    tokens: dict[Role, str] | None = None

    @property
    def engine(self) -> Engine:
        return self.catalog.engine

    @property
    def factory(self) -> sessionmaker[Session]:
        return self.catalog.factory

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

    def graphql(
        self, query: str, variables: dict[str, Any] | None = None, language: str | None = None
    ) -> Any:
        """The ``data`` of a query an admin sends to the API over this catalog (with
        ``Accept-Language: language`` when given)."""
        if self.tokens is None:
            with transaction(self.factory) as session:
                self.tokens = seed_tokens(session)
        with serve(self.catalog, tokens=self.tokens) as api:
            if language is None:
                return api.data(query, variables)
            headers = {"Accept-Language": language}
            body = api.post(query, variables, headers=headers).json()
            assert "errors" not in body, body
            return body["data"]

    def findings(self, store_id: int) -> dict[tuple[str, str, str], Finding]:
        """(dataset, column, entity type) -> finding, for every finding of the store."""
        return {
            (name, fld.name, f.entity_type): f
            for name, dataset in self.datasets(store_id).items()
            for fld in dataset.fields
            for f in fld.findings
        }


@pytest.fixture
def scan_catalog(new_catalog: Callable[..., Catalog], classify: Classify) -> ScanCatalog:
    return ScanCatalog(new_catalog(), classify)


@pytest.fixture
def sqlite_url() -> Callable[[Path], str]:
    """``sqlite_url(path)``: the URL of an SQLite file (four slashes: absolute path)."""
    return lambda path: f"sqlite:///{Path(path).resolve()}"
