"""Names that others choose reach the operator's terminal as text, never as markup.

A steward names data stores; a scanned database names its tables and columns. The CLI
prints them with ``rich``, which reads ``[...]`` as markup: a name such as ``[/]`` must
print as itself, not crash the command (docs/security.md, trust boundary "operator's
terminal").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from registre.catalog import migrate
from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.data import stores
from registre.catalog.db import make_engine, session_factory, transaction
from registre.cli.main import app

HOSTILE = "rh-[/]-[bold]x[link=https://evil.example]y"


@pytest.fixture
def catalog_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    monkeypatch.setenv("REGISTRE_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    engine = make_engine(url)
    migrate.upgrade(engine)
    with transaction(session_factory(engine)) as session:
        # what a steward may send through the API (registerDataStore)
        stores.register_data_store(
            session, CLI_ACTOR, {"name": HOSTILE, "url": "postgresql://lecteur@db/rh"}
        )
    engine.dispose()
    return url


@pytest.mark.xfail(
    strict=True,
    reason="KNOWN BUG: cli/scan.py prints store names (and, in the scan summary, table and "
    "column names and drift) as rich markup: '[/]' raises MarkupError, '[link=...]' is obeyed",
)
def test_a_store_name_with_markup_is_listed_verbatim(catalog_url: str) -> None:
    """Minimal: a data store named ``[/]``, then ``registre datastore list``."""
    result = CliRunner().invoke(app, ["datastore", "list"], terminal_width=400)
    assert result.exit_code == 0, result.output
    assert HOSTILE in result.output
