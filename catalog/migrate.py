"""Schema migrations of the catalog (Alembic), for the CLI and the tests."""

from __future__ import annotations

import io
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from registre.catalog.compliance.store import refresh
from registre.catalog.exposure.kept import rebuild as rebuild_exposure

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config(stdout=io.StringIO())
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option(
        "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
    )
    return config


def _run(engine: Engine, fn_name: str, revision: str) -> None:
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, fn_name)(config, revision)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to ``revision``; at the head, also bring the stored compliance issues up to
    date (a new rule or a first upgrade to 0010 changes them) and rebuild the kept exposure
    (:mod:`registre.catalog.exposure.kept`)."""
    _run(engine, "upgrade", revision)
    if revision == "head":
        with Session(engine) as session, session.begin():
            refresh(session)
            rebuild_exposure(session)


def downgrade(engine: Engine, revision: str) -> None:
    _run(engine, "downgrade", revision)


def current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head() -> str | None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config).get_current_head()


def is_up_to_date(engine: Engine) -> bool:
    return current(engine) == head()
