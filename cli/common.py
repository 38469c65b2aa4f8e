"""What every ``registre`` command shares: consoles, settings, the catalog, errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from registre.catalog import migrate
from registre.catalog.db import make_engine, session_factory, transaction
from registre.catalog.errors import DomainError
from registre.config.settings import Settings, SettingsError, load_settings

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        fail(str(exc))


def catalog_engine(upgrade: bool = False) -> Engine:
    """The catalog engine; with ``upgrade`` the schema is brought to the latest revision."""
    engine = make_engine(settings().database_url)
    if upgrade:
        migrate.upgrade(engine)
    elif not migrate.is_up_to_date(engine):
        fail("the catalog database is not at the latest schema; run 'registre db upgrade' first")
    return engine


@contextmanager
def unit_of_work(upgrade: bool = False) -> Iterator[Session]:
    """A committed transaction on the catalog; domain errors become clean messages."""
    engine = catalog_engine(upgrade)
    try:
        with transaction(session_factory(engine)) as session:
            yield session
    except DomainError as exc:
        fail(str(exc))
    finally:
        engine.dispose()


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )
