"""The ``registre`` command line: serve the API, migrate, manage tokens, import, demo, scan.

Commands are thin: they parse arguments, open the catalog and call ``catalog/`` services.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import select

from registre import __version__
from registre.catalog import migrate
from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.db import make_engine
from registre.catalog.i18n import N_, Joined, Text, from_environment
from registre.cli.common import (
    console,
    fail,
    say,
    settings,
    shown,
    unit_of_work,
    use_language,
)
from registre.cli.compliance import compliance_app
from registre.cli.governance import export, policies_app
from registre.cli.help import localize, run
from registre.cli.imports import import_app
from registre.cli.people import domain_app, token_app, user_app
from registre.cli.scan import scan, scan_store, scheduler, store_app, worker
from registre.config.settings import Settings

app = typer.Typer(
    name="registre",
    help="\n\n".join(
        (
            N_(
                "Registre: the data governance catalog of a public administration. It keeps "
                "where personal data lives, which AI systems use it, and under which policies."
            ),
            N_(
                "The catalog is the database at REGISTRE_DATABASE_URL (default: "
                "sqlite:///registre.db in the working directory)."
            ),
            N_(
                "Messages follow the environment's language (LANGUAGE, LC_ALL, LC_MESSAGES, "
                "LANG): French with LANG=fr_FR.UTF-8, English otherwise."
            ),
        )
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(
    help=N_("Create and migrate the catalog database schema (Alembic)."), no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(policies_app, name="policies")
app.add_typer(compliance_app, name="compliance")
app.command("export")(export)
app.add_typer(store_app, name="datastore")
app.command()(scan)
app.command()(scheduler)
app.command()(worker)
app.add_typer(token_app, name="token")
app.add_typer(domain_app, name="domain")
app.add_typer(user_app, name="user")
app.add_typer(import_app, name="import")


def _version(value: bool) -> None:
    if value:
        console.print(f"registre {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=N_("Print the version.")),
    ] = False,
) -> None:
    # the messages follow the environment's language (see the app's help)
    use_language(ctx)
    logging.basicConfig(
        level=settings().log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # Alembic narrates every migration step at INFO; the commands say what matters.
    logging.getLogger("alembic").setLevel(logging.WARNING)


# --- db -------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help=N_("Target revision."))] = "head",
) -> None:
    """Create the catalog schema or migrate it forward (default: to the latest revision).

    At the latest revision, the stored compliance issues are also brought up to date (as
    'registre compliance refresh' does): new rules take effect at once. On a PostgreSQL
    catalog with the queue installed (registre[queue]), also creates the scan queue's
    tables, once, so that any number of workers can then start together.
    """
    config = settings()
    engine = make_engine(config.database_url)
    migrate.upgrade(engine, revision)
    console.print(say(Text("catalog at revision {revision}", revision=migrate.current(engine))))
    if engine.dialect.name == "postgresql" and revision == "head":
        from registre.scanners.runs.queue import ensure_queue_schema_if_installed

        if ensure_queue_schema_if_installed(config.database_url):
            console.print(say(Text("created the scan queue's tables")))


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help=N_("Target revision, e.g. 'base' or '-1'."))],
) -> None:
    """Migrate the catalog schema back to REVISION ('base' drops every table)."""
    engine = make_engine(settings().database_url)
    migrate.downgrade(engine, revision)
    revision = migrate.current(engine) or say(Text("base (empty)"))
    console.print(say(Text("catalog at revision {revision}", revision=revision)))


@db_app.command("current")
def db_current() -> None:
    """Print the catalog's schema revision and whether it is the latest."""
    engine = make_engine(settings().database_url)
    current, head = migrate.current(engine), migrate.head()
    state = (
        Text("latest")
        if current == head
        else Text("behind {head}: run 'registre db upgrade'", head=head)
    )
    console.print(f"{current or say(Text('base (empty)'))} ({say(state)})")


# --- import -----------------------------------------------------------------------------


@app.command()
def serve(
    host: Annotated[str, typer.Option(help=N_("Interface to listen on."))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=N_("TCP port."))] = 8000,
) -> None:
    """Serve the web interface at http://HOST:PORT/ and the GraphQL API (and GraphiQL) at
    http://HOST:PORT/graphql."""
    _serve(host, port)


def uvicorn_limits(config: Settings) -> dict[str, Any]:
    """What the server itself bounds: idle connections, work at once, header size (the
    body and the document are the app's business, see docs/configuration.md)."""
    return {
        "timeout_keep_alive": config.api_keep_alive_s,
        "limit_concurrency": config.api_max_concurrency,
        "h11_max_incomplete_event_size": config.api_max_header_bytes,
        # no "Server: uvicorn" banner for scanners of versions
        "server_header": False,
    }


def _serve(host: str, port: int) -> None:
    import uvicorn

    from registre.graphql.app import create_app

    config = settings()
    try:
        api = create_app(config)
    except RuntimeError as exc:
        fail(str(exc))
    uvicorn.run(api, host=host, port=port, log_level="info", **uvicorn_limits(config))


EXAMPLE_QUERY = """{ datasets(first: 10, filter: {containsPersonalData: true}) {
    totalCount edges { node { qualifiedName aiSystems { name riskClass }
    fields { name findings { entityType category status maskedExample } } } } } }"""


@app.command()
def demo(
    directory: Annotated[
        Path, typer.Option("--dir", help=N_("Where the demo city's database is written."))
    ] = Path("registre-demo"),
    serve_api: Annotated[
        bool,
        typer.Option(
            "--serve/--no-serve",
            help=N_("Serve the web interface and the API once the demo is ready."),
        ),
    ] = True,
    host: Annotated[str, typer.Option(help=N_("Interface to listen on."))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=N_("TCP port."))] = 8000,
) -> None:
    """Build a demo: a fictitious city's database, registered, scanned and served.

    Creates the catalog schema if needed, writes the city's SQLite database, registers it
    with AI systems, policies and processing activities, creates an admin token, then
    serves the web interface and the API and prints their addresses (the web interface
    first), the token and an example query.
    """
    from registre.demo.city import build_city_database
    from registre.demo.seed import demo_token, seed_catalog

    directory.mkdir(parents=True, exist_ok=True)
    city_db = directory / "valbourg.sqlite"
    if not city_db.exists():
        stats = build_city_database(city_db)
        console.print(
            say(
                Text(
                    "demo city database: {path} ({rows} rows)", path=city_db, rows=stats.total_rows
                )
            )
        )
    with unit_of_work(upgrade=True) as session:
        store = seed_catalog(session, CLI_ACTOR, city_db)
        store_name = store.name
        token = demo_token(session, CLI_ACTOR)
    scan_store(store_name)
    console.print(
        "\n"
        + say(
            Text(
                "Web interface: {url} (sign in with the admin token below)",
                url=f"http://{host}:{port}/",
            )
        ),
        highlight=False,
    )
    _print_publication(host, port)
    url = f"http://{host}:{port}/graphql"
    console.print("\n" + say(Text("GraphQL API and GraphiQL: {url}", url=f"{url}#token={token}")))
    console.print(say(Text("Bearer token (admin): {token}", token=token)))
    console.print(say(Text("Example query (paste it in GraphiQL, or use curl):")))
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


def _print_publication(host: str, port: int) -> None:
    """What the publication gate let out after the scan, and where harvesters find it."""
    from registre.catalog.enums import OPEN_DATA
    from registre.catalog.models import Dataset
    from registre.catalog.publication.gate import blockers

    with unit_of_work() as session:
        open_data = list(
            session.scalars(
                select(Dataset)
                .where(Dataset.open_data_access.in_(OPEN_DATA), Dataset.removed_at.is_(None))
                .order_by(Dataset.name)
            )
        )
        blocked = blockers(session, [d.id for d in open_data])
        console.print("\n" + say(Text("Open data (publication gate, CRPA L312-1-2):")))
        for dataset in open_data:
            found = blocked.get(dataset.id)
            state = (
                Text("withheld: {blockers}", blockers=Joined(b.describe() for b in found))
                if found
                else Text("published")
            )
            line = Text("{dataset}: {state}", dataset=dataset.qualified_name, state=state)
            console.print("  " + shown(say(line)), highlight=False)
    url = f"http://{host}:{port}/dcat/catalog.ttl"
    console.print(say(Text("DCAT-AP catalogue (no token): {url}", url=url)))


def command(lang: str | None = None) -> Any:
    """The ``registre`` command with its ``--help`` texts in ``lang`` (default: the
    environment's language)."""
    return localize(typer.main.get_command(app), lang or from_environment())


def main() -> None:
    lang = from_environment()
    try:
        run(command(lang), lang)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
