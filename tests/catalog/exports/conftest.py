"""The export tests read one seeded catalog per module (see ``exports_seed``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.catalog.exports.exports_seed import Seeded, open_seeded
from tests.support.catalogs import Databases


@pytest.fixture(scope="module")
def seeded(databases: Databases) -> Iterator[Seeded]:
    with open_seeded(databases) as made:
        yield made
