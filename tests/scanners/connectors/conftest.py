"""Fixtures of the connector hardening tests: a migrated SQLite catalog per test, and calls
to register a store as a given actor, scan it, and read its runs through GraphQL.

Self-contained on purpose (only ``tmp_path`` and the server URL fixtures come from outside).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from registre.catalog import migrate
from registre.catalog.access.roles import CLI_ACTOR, Actor
from registre.catalog.data.stores import register_data_store
from registre.catalog.db import make_engine, session_factory, transaction
from registre.catalog.enums import Role
from registre.catalog.models import ScanRun
from registre.config.settings import Settings
from registre.scanners.runs.lifecycle import start_scan
from registre.scanners.runs.scan import ScanOptions, default_classifier, execute_scan

STEWARD = Actor(name="steward", role=Role.STEWARD)
AUDITOR = Actor(name="auditor", role=Role.AUDITOR)
ADMIN = CLI_ACTOR

RUN_ERRORS = """
query ($store: ID) {
  scanRuns(dataStoreId: $store, first: 5) {
    edges { node { status errors { dataset kind message } } }
  }
}
"""


@dataclass
class HardeningCatalog:
    """A migrated catalog and the calls these tests make on it."""

    factory: sessionmaker[Session]

    def register(self, name: str, url: str, actor: Actor = ADMIN, **extra: Any) -> int:
        with transaction(self.factory) as session:
            return register_data_store(session, actor, {"name": name, "url": url, **extra}).id

    def scan(self, store_id: int, options: ScanOptions | None = None) -> ScanRun:
        with transaction(self.factory) as session:
            run_id = start_scan(session, ADMIN, store_id).id
        return execute_scan(
            self.factory,
            run_id,
            options=options or ScanOptions(sample_size=50, timeout_s=5),
            classify=default_classifier().classify_table,
            seed=7,
        )

    def run_errors(self, store_id: int, actor: Actor) -> list[dict[str, Any]]:
        """``errors`` of the store's last run, read through GraphQL as ``actor``."""
        from registre.graphql.context import RequestContext
        from registre.graphql.schema import schema

        with self.factory() as session:
            context = RequestContext(session, actor, Settings(database_url="sqlite://"))
            result = asyncio.run(
                schema.execute_async(
                    RUN_ERRORS,
                    variable_values={"store": str(store_id)},
                    context_value=context,
                )
            )
        assert not result.errors, result.errors
        assert result.data is not None
        edges = result.data["scanRuns"]["edges"]
        errors: list[dict[str, Any]] = edges[0]["node"]["errors"]
        return errors


@pytest.fixture
def hardening_catalog(tmp_path: Path) -> Iterator[HardeningCatalog]:
    engine = make_engine(f"sqlite:///{tmp_path / f'catalog-{uuid.uuid4().hex[:6]}.db'}")
    migrate.upgrade(engine)
    yield HardeningCatalog(session_factory(engine))
    engine.dispose()
