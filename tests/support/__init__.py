"""The test harness shared by every test folder: catalog databases and the GraphQL client.

Why a package under ``tests/`` and not helpers in ``conftest.py`` only: pytest runs with
``--import-mode=importlib``, which imports ``tests/a/b/test_x.py`` as the module
``tests.a.b.test_x`` and registers ``tests`` and ``tests.a`` as its parent packages,
without touching ``sys.path``. ``from tests.support.api import Api`` therefore resolves
from any test folder, so test modules can name the harness's types and call its helpers,
while ``tests/conftest.py`` hands out the per-test resources (a catalog, a client) as
fixtures. A conftest cannot be imported by a test module, and sibling conftests cannot
share code, so fixtures alone would force every helper to be a fixture.

- :mod:`tests.support.servers`: the PostgreSQL and MariaDB servers (skip or fail).
- :mod:`tests.support.catalogs`: migrated, seeded catalog templates and per-test copies.
- :mod:`tests.support.api`: the GraphQL client of a catalog, with a token for every role.
"""
