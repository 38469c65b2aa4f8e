"""What every ``registre`` command shares: consoles, settings, the catalog, errors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from registre.catalog import migrate
from registre.catalog.access.audit import record_refusal
from registre.catalog.db import make_engine, session_factory, transaction
from registre.catalog.errors import DomainError, Refused
from registre.catalog.i18n import Text, from_environment, language, translate
from registre.catalog.pydantic_messages import config_problem
from registre.config.settings import Settings, SettingsError, load_settings

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


#: C0 and C1 control characters and DEL: an escape sequence in a scanned table's name must
#: not drive the operator's terminal
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def shown(text: object) -> str:
    """``text`` safe to print: control characters replaced, rich markup escaped.

    Every name that comes from a scanned store (tables, columns, files), from the catalog
    or from an error message goes through here: ``[/fail]`` is a table name, not markup.
    """
    return escape(_CONTROL.sub("\N{REPLACEMENT CHARACTER}", str(text)))


def say(message: str) -> str:
    """``message`` in the CLI's language (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``,
    ``LANG``: French for ``fr_FR.UTF-8``, English otherwise; see :func:`use_language`)."""
    return translate(message)


def headers(*names: str) -> Table:
    """A table whose column headers (English message ids) are in the CLI's language."""
    return Table(*(say(Text(name)) for name in names))


def use_language(ctx: typer.Context) -> None:
    """Speak the language of the environment for this command (reset when it ends)."""
    token = language.set(from_environment())
    ctx.call_on_close(lambda: language.reset(token))


def error_text(exc: DomainError) -> str:
    """A refusal of the catalog in the CLI's language, naming its field."""
    message = say(exc.message)
    return f"{exc.field}: {message}" if exc.field else message


def fail(message: str, code: int = 1) -> NoReturn:
    prefix = say(Text("error:"))
    err.print(f"[bold red]{prefix}[/] {shown(say(message))}", highlight=False)
    raise typer.Exit(code)


def settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        fail(config_problem(exc))


def catalog_engine(upgrade: bool = False) -> Engine:
    """The catalog engine; with ``upgrade`` the schema is brought to the latest revision."""
    engine = make_engine(settings().database_url)
    if upgrade:
        migrate.upgrade(engine)
    elif not migrate.is_up_to_date(engine):
        fail(
            Text(
                "the catalog database is not at the latest schema; run 'registre db upgrade' first"
            )
        )
    return engine


@contextmanager
def unit_of_work(upgrade: bool = False) -> Iterator[Session]:
    """A committed transaction on the catalog; domain errors become clean messages."""
    engine = catalog_engine(upgrade)
    try:
        with transaction(session_factory(engine)) as session:
            yield session
    except DomainError as exc:
        if isinstance(exc, Refused):
            with transaction(session_factory(engine)) as session:
                record_refusal(session, exc)
        fail(error_text(exc))
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
