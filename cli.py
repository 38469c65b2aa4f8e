"""The ``registre`` command line: serve the API, migrate, manage tokens, import, demo, scan.

Commands are thin: they parse arguments, open the catalog and call ``catalog/`` services.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from registre import __version__
from registre.catalog import migrate
from registre.catalog.access import CLI_ACTOR
from registre.catalog.db import make_engine, session_factory, transaction
from registre.catalog.enums import Role
from registre.catalog.errors import DomainError
from registre.catalog.models import ApiToken
from registre.cli_governance import export, policies_app
from registre.config.settings import Settings, SettingsError, load_settings

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

app = typer.Typer(
    name="registre",
    help="Registre: the data governance catalog of a public administration. It keeps where "
    "personal data lives, which AI systems use it, and under which policies.\n\n"
    "The catalog is the database at REGISTRE_DATABASE_URL (default: sqlite:///registre.db "
    "in the working directory).",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(
    help="Create and migrate the catalog database schema (Alembic).", no_args_is_help=True
)
token_app = typer.Typer(help="Create, list and revoke API bearer tokens.", no_args_is_help=True)
import_app = typer.Typer(help="Import records from other registers.", no_args_is_help=True)
store_app = typer.Typer(help="Register and list data stores.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(policies_app, name="policies")
app.command("export")(export)
app.add_typer(store_app, name="datastore")
app.add_typer(token_app, name="token")
app.add_typer(import_app, name="import")


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


def _version(value: bool) -> None:
    if value:
        console.print(f"registre {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    logging.basicConfig(
        level=settings().log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # Alembic narrates every migration step at INFO; the commands say what matters.
    logging.getLogger("alembic").setLevel(logging.WARNING)


# --- db -------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Create the catalog schema or migrate it forward (default: to the latest revision)."""
    engine = make_engine(settings().database_url)
    migrate.upgrade(engine, revision)
    console.print(f"catalog at revision {migrate.current(engine)}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. 'base' or '-1'.")],
) -> None:
    """Migrate the catalog schema back to REVISION ('base' drops every table)."""
    engine = make_engine(settings().database_url)
    migrate.downgrade(engine, revision)
    console.print(f"catalog at revision {migrate.current(engine) or 'base (empty)'}")


@db_app.command("current")
def db_current() -> None:
    """Print the catalog's schema revision and whether it is the latest."""
    engine = make_engine(settings().database_url)
    current, head = migrate.current(engine), migrate.head()
    state = "latest" if current == head else f"behind {head}: run 'registre db upgrade'"
    console.print(f"{current or 'base (empty)'} ({state})")


# --- tokens -----------------------------------------------------------------------------


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option("--name", help="A name that says who or what uses it.")],
    role: Annotated[
        Role, typer.Option("--role", help="What the token may do.", case_sensitive=False)
    ],
) -> None:
    """Create a token. It is printed once, on the last line; only its hash is kept."""
    with unit_of_work() as session:
        token, clear = _create_token(session, name, role)
    console.print(
        f"token '{token.name}' created with role {token.role.value}; it is shown only once:"
    )
    print(clear)


def _create_token(session: Session, name: str, role: Role) -> tuple[ApiToken, str]:
    from registre.catalog.tokens import create_token

    return create_token(session, CLI_ACTOR, name, role)


@token_app.command("revoke")
def token_revoke(name: Annotated[str, typer.Argument(help="The token's name.")]) -> None:
    """Revoke a token: requests bearing it get 401 from now on."""
    from registre.catalog.tokens import revoke_token

    with unit_of_work() as session:
        revoke_token(session, CLI_ACTOR, name)
    console.print(f"token '{name}' revoked")


@token_app.command("list")
def token_list() -> None:
    """List tokens (names, roles, use; never the tokens themselves)."""
    with unit_of_work() as session:
        table = Table("name", "role", "created", "last used", "revoked")
        for t in session.scalars(select(ApiToken).order_by(ApiToken.id)):
            table.add_row(
                t.name,
                t.role.value,
                f"{t.created_at:%Y-%m-%d %H:%M}",
                f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "-",
                f"{t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "-",
            )
    console.print(table)


# --- import -----------------------------------------------------------------------------


@import_app.command("ai-systems")
def import_ai_systems(
    file: Annotated[
        Path,
        typer.Argument(
            help="The Dutch algorithm register JSON export, or a CSV in Registre's layout "
            "(columns: name, purpose, use_area, status, risk_class, annex_iii_point, provider, "
            "deployer_service, hosting_country, owner, individual_decisions, automation_level, "
            "human_oversight_owner, log_retention_days, public_inventory_url, external_ref).",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ],
) -> None:
    """Import AI systems in one transaction: every record, or none if one is bad.

    Records already imported (same external reference) are updated, so importing the
    same file twice changes nothing.
    """
    from registre.catalog.importer import import_ai_systems as run_import
    from registre.catalog.importer import read_records

    try:
        count = len(read_records(file))
    except DomainError as exc:
        fail(str(exc))
    with unit_of_work() as session, progress_bar() as bar:
        task = bar.add_task(f"importing {file.name}", total=count)
        report = run_import(session, CLI_ACTOR, file, progress=lambda n: bar.advance(task, n))
    console.print(
        f"{report.total} AI systems: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged; {report.organisations_created} organisations created"
    )


# --- data stores and scans ----------------------------------------------------------------


@store_app.command("add")
def datastore_add(
    name: Annotated[str, typer.Argument(help="A unique name, e.g. 'rh-paie'.")],
    url: Annotated[
        str,
        typer.Argument(
            help="postgresql://user@host/db, mysql://user@host/db, sqlite:///path.db or "
            "file:///folder (CSV and Parquet files). Never put a password here."
        ),
    ],
    secret_ref: Annotated[
        str | None,
        typer.Option(
            "--secret-ref",
            help="Where the password is: env:REGISTRE_SECRET_NAME, or file:/path inside the "
            "secrets_dir setting.",
        ),
    ] = None,
    schedule: Annotated[
        str | None, typer.Option(help="Scan schedule, a cron expression such as '0 2 * * *'.")
    ] = None,
    owner: Annotated[str | None, typer.Option(help="Who answers for this store.")] = None,
) -> None:
    """Register a data store so that it can be scanned."""
    from registre.catalog.stores import register_data_store

    data = {
        "name": name,
        "url": url,
        "secret_ref": secret_ref,
        "scan_schedule": schedule,
        "owner": owner,
    }
    with unit_of_work() as session:
        store = register_data_store(session, CLI_ACTOR, data)
        kind = store.kind.value
    console.print(f"data store '{name}' registered ({kind}); scan it with: registre scan {name}")


@store_app.command("list")
def datastore_list() -> None:
    """List data stores with their last scan."""
    from registre.catalog.models import DataStore

    with unit_of_work() as session:
        table = Table("name", "kind", "url", "schedule", "last scan")
        for store in session.scalars(select(DataStore).order_by(DataStore.name)):
            last = f"{store.last_scan_at:%Y-%m-%d %H:%M}" if store.last_scan_at else "never"
            table.add_row(store.name, store.kind.value, store.url, store.scan_schedule or "-", last)
    console.print(table)


class _BarProgress:
    """Draws one progress bar over the tables of a scan."""

    def __init__(self, bar: Progress, store: str) -> None:
        self.bar, self.store = bar, store
        self.task: TaskID | None = None

    def started(self, tables: int) -> None:
        self.task = self.bar.add_task(f"scanning {self.store}", total=tables)

    def table_done(self, name: str, ok: bool) -> None:
        if not ok:
            self.bar.console.print(f"[yellow]table {name} failed[/] (recorded on the run)")
        if self.task is not None:
            self.bar.advance(self.task)


def scan_store(store_name: str, sample_size: int | None = None) -> int:
    """Scan a registered store with a progress bar and a summary; returns the exit status."""
    from registre.catalog.models import DataStore
    from registre.scanners.run import ScanOptions, execute_scan, start_scan

    config = settings()
    engine = catalog_engine()
    factory = session_factory(engine)
    try:
        try:
            with transaction(factory) as session:
                store = session.scalar(select(DataStore).where(DataStore.name == store_name))
                if store is None:
                    fail(f"no data store named '{store_name}'; see 'registre datastore list'")
                run_id = start_scan(session, CLI_ACTOR, store.id).id
        except DomainError as exc:
            fail(str(exc))
        options = ScanOptions.from_settings(config, sample_size)
        err.print(f"scan {run_id} of {store_name}: loading the detectors...")
        with progress_bar() as bar:
            run = execute_scan(
                factory, run_id, options=options, progress=_BarProgress(bar, store_name)
            )
    finally:
        engine.dispose()
    _print_run_summary(factory, run.id)
    return 1 if run.status.value == "FAILED" else 0


def _print_run_summary(factory: object, run_id: int) -> None:
    from registre.catalog.models import Dataset, Field, Finding, ScanRun

    with factory() as session:  # type: ignore[operator]
        run = session.get(ScanRun, run_id)
        table = Table("column", "entity type", "coverage", "masked example", "review")
        rows = session.execute(
            select(Dataset, Field, Finding)
            .join(Field, Field.dataset_id == Dataset.id)
            .join(Finding, Finding.field_id == Field.id)
            .where(Dataset.data_store_id == run.data_store_id, Finding.gone_since_run_id.is_(None))
            .order_by(Dataset.name, Field.position)
        )
        for dataset, fld, finding in rows:
            table.add_row(
                f"{dataset.qualified_name}.{fld.name}",
                finding.entity_type,
                f"{finding.coverage:.0%}",
                finding.masked_example or "",
                finding.status.value.lower(),
            )
        console.print(table)
        seconds = (run.finished_at - run.started_at).total_seconds() if run.started_at else 0.0
        console.print(
            f"scan {run.id}: {run.status.value} in {seconds:.1f} s; "
            f"{run.datasets_scanned} datasets "
            f"scanned, {run.datasets_failed} failed; findings {run.findings_new} new, "
            f"{run.findings_changed} changed, {run.findings_gone} gone"
        )
        for error in run.errors:
            err.print(
                f"[red]{error.get('dataset') or 'store'}:[/] {error['message']}", highlight=False
            )
        if run.drift:
            console.print(f"schema drift: {run.drift}", highlight=False)


@app.command()
def scan(
    name: Annotated[
        str, typer.Argument(help="The data store's name (see 'registre datastore list').")
    ],
    sample_size: Annotated[
        int | None,
        typer.Option(help="Rows sampled per table (default: the scan_sample_size setting)."),
    ] = None,
) -> None:
    """Harvest a data store's schema and flag personal data, column by column.

    Draws a progress bar per table and ends with a summary of the findings (masked
    examples only). Exits non-zero only when the whole run failed; a failing table is
    recorded on the run and the others go on.
    """
    raise typer.Exit(scan_store(name, sample_size))


@app.command()
def scheduler(
    once: Annotated[bool, typer.Option("--once", help="Run the scans due now, then exit.")] = False,
    interval: Annotated[
        int, typer.Option(help="Seconds between two looks at the schedules.", min=5)
    ] = 60,
) -> None:
    """Run each data store's scans when its cron schedule says (set with --schedule).

    A failing store is recorded on its run and never stops the scheduler.
    """
    import time

    from registre.catalog.base import utcnow
    from registre.scanners.run import ScanOptions
    from registre.scanners.schedule import run_due_scans

    config = settings()
    engine = catalog_engine()
    factory = session_factory(engine)
    options = ScanOptions.from_settings(config)
    while True:
        report = run_due_scans(factory, utcnow(), options, config.schedule_timezone)
        for run in report.runs:
            console.print(f"scan {run.id} of store {run.data_store_id}: {run.status.value}")
        for name in report.crashed:
            err.print(f"[red]scan of {name} crashed[/] (see the log)")
        if once:
            return
        time.sleep(interval)


# --- serve and demo ----------------------------------------------------------------------


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
) -> None:
    """Serve the GraphQL API and GraphiQL at http://HOST:PORT/graphql."""
    _serve(host, port)


def _serve(host: str, port: int) -> None:
    import uvicorn

    from registre.graphql.app import create_app

    try:
        api = create_app(settings())
    except RuntimeError as exc:
        fail(str(exc))
    uvicorn.run(api, host=host, port=port, log_level="info")


EXAMPLE_QUERY = """{ datasets(first: 10, filter: {containsPersonalData: true}) {
    totalCount edges { node { qualifiedName aiSystems { name riskClass }
    fields { name findings { entityType category status maskedExample } } } } } }"""


@app.command()
def demo(
    directory: Annotated[
        Path, typer.Option("--dir", help="Where the demo city's database is written.")
    ] = Path("registre-demo"),
    serve_api: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the API once the demo is ready.")
    ] = True,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
) -> None:
    """Build a demo: a fictitious city's database, registered, scanned and served.

    Creates the catalog schema if needed, writes the city's SQLite database, registers it
    with AI systems, policies and processing activities, creates an admin token, then
    serves the API and prints the URL, the token and an example query.
    """
    from registre.demo.city import build_city_database
    from registre.demo.seed import demo_token, seed_catalog

    directory.mkdir(parents=True, exist_ok=True)
    city_db = directory / "valbourg.sqlite"
    if not city_db.exists():
        stats = build_city_database(city_db)
        console.print(f"demo city database: {city_db} ({stats.total_rows} rows)")
    with unit_of_work(upgrade=True) as session:
        store = seed_catalog(session, CLI_ACTOR, city_db)
        store_name = store.name
        token = demo_token(session, CLI_ACTOR)
    scan_store(store_name)
    url = f"http://{host}:{port}/graphql"
    console.print(f"\nGraphQL API and GraphiQL: {url}#token={token}")
    console.print(f"Bearer token (admin): {token}")
    console.print("Example query (paste it in GraphiQL, or use curl):")
    console.print(EXAMPLE_QUERY, highlight=False, markup=False)
    flat = " ".join(EXAMPLE_QUERY.split()).replace('"', '\\"')
    console.print(
        f"curl -s {url} -H 'Authorization: Bearer {token}' -H 'Content-Type: application/json' "
        f'-d \'{{"query": "{flat}"}}\'',
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    if serve_api:
        _serve(host, port)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
