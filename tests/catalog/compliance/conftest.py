"""The compliance tests start from the baseline register, built once, copied per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine

from tests.catalog.compliance.compliance_seed import (
    Register,
    seed_baseline,
)
from tests.support.catalogs import Catalog


@pytest.fixture
def baseline(new_catalog: Callable[..., Catalog]) -> Catalog:
    """The baseline register (built once in a template, copied per test)."""
    return new_catalog(seed=seed_baseline)


@pytest.fixture
def engine(baseline: Catalog) -> Engine:
    return baseline.engine


@pytest.fixture
def reg(baseline: Catalog) -> Iterator[Register]:
    """The baseline register in a fresh session."""
    with baseline.factory() as session:
        yield Register(session, **{k: dict(v) for k, v in baseline.payload.items()})
