"""The catalog tests run on the small register of ``world.seed_world`` (on SQLite and
PostgreSQL, through the root ``catalog`` fixture)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from tests.catalog.world import World, seed_world
from tests.support.catalogs import Catalog


@pytest.fixture
def catalog_seed() -> Callable[[Session], World]:
    return seed_world


@pytest.fixture
def world(catalog: Catalog) -> World:
    assert isinstance(catalog.payload, World)
    return catalog.payload
