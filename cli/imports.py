"""``registre import``: records from other registers (an AI-system CSV, a DCAT catalogue)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from registre.catalog.access.roles import CLI_ACTOR
from registre.catalog.errors import DomainError
from registre.catalog.i18n import N_, Text
from registre.cli.common import (
    console,
    error_text,
    fail,
    progress_bar,
    say,
    shown,
    unit_of_work,
)

import_app = typer.Typer(help=N_("Import records from other registers."), no_args_is_help=True)


@import_app.command("ai-systems")
def import_ai_systems(
    file: Annotated[
        Path,
        typer.Argument(
            help=N_(
                "The Dutch algorithm register JSON export, or a CSV in Registre's layout "
                "(columns: name, purpose, use_area, status, risk_class, annex_iii_point, provider, "
                "deployer_service, hosting_country, owner, individual_decisions, automation_level, "
                "human_oversight_owner, log_retention_days, public_inventory_url, external_ref)."
            ),
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
    from registre.catalog.governance.importer import import_ai_systems as run_import
    from registre.catalog.governance.importer import read_records

    try:
        count = len(read_records(file))
    except DomainError as exc:
        fail(error_text(exc))
    with unit_of_work() as session, progress_bar() as bar:
        task = bar.add_task(say(Text("importing {file}", file=shown(file.name))), total=count)
        report = run_import(session, CLI_ACTOR, file, progress=lambda n: bar.advance(task, n))
    console.print(
        say(
            Text(
                "{total} AI systems: {created} created, {updated} updated, {unchanged} "
                "unchanged; {organisations} organisations created",
                total=report.total,
                created=report.created,
                updated=report.updated,
                unchanged=report.unchanged,
                organisations=report.organisations_created,
            )
        )
    )


@import_app.command("dcat")
def import_dcat(
    file: Annotated[
        Path,
        typer.Argument(
            help=N_(
                "A DCAT-AP catalogue in Turtle or RDF/XML, e.g. a data.gouv.fr "
                "organisation's catalogue (catalog.rdf)."
            ),
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ],
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            help=N_(
                "The data store to register the datasets in (created as a file store if "
                "missing). Default: the catalogue's title."
            ),
        ),
    ] = None,
) -> None:
    """Register the datasets of a DCAT-AP file with their metadata, in one transaction.

    Datasets are matched on their dct:identifier: importing again updates them and creates
    nothing twice. A bad record stops the import before anything is written.
    """
    from registre.catalog.publication.dcat_import import import_dcat as run_import

    with unit_of_work() as session:
        report = run_import(session, CLI_ACTOR, file, store_name=store)
    console.print(
        say(
            Text(
                "{total} datasets into '{store}': {created} created, {updated} updated, "
                "{unchanged} unchanged",
                total=report.total,
                store=shown(report.store),
                created=len(report.created),
                updated=len(report.updated),
                unchanged=len(report.unchanged),
            )
        ),
        highlight=False,
    )


# --- serve and demo ----------------------------------------------------------------------
