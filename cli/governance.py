"""Governance commands the ``registre`` CLI mounts: policy packs and exports.

* ``policies_app`` — ``registre policies load PACK`` and ``registre policies list``;
* :func:`export` — ``registre export KIND [--format ...] [--output FILE] [--ai-system NAME]
  [--processing-activity NAME]``, registered with ``app.command("export")(export)``.

Commands are thin: they open the catalog (``registre.cli.main.unit_of_work``) and call
``catalog.policy_packs`` and ``catalog.exports``.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from registre.catalog.i18n import N_

policies_app = typer.Typer(
    help=N_(
        "Load the shipped policy packs (PSSIE, SecNumCloud, II 901, ISO/IEC 42001, NIST AI "
        "RMF, AI Act, GDPR) into the catalog."
    ),
    no_args_is_help=True,
)


@policies_app.command("list")
def policies_list() -> None:
    """List the policy packs shipped with Registre."""
    from registre.catalog.errors import DomainError
    from registre.catalog.governance.policy_packs import list_packs
    from registre.catalog.i18n import N_
    from registre.cli.common import console, error_text, fail, headers

    try:
        packs = list_packs()
    except DomainError as exc:
        fail(error_text(exc))
    table = headers(N_("pack"), N_("framework"), N_("version"), N_("controls"), N_("title"))
    for pack in packs:
        table.add_row(pack.name, pack.framework.value, pack.version, str(pack.policies), pack.title)
    console.print(table)


@policies_app.command("load")
def policies_load(
    pack: Annotated[str, typer.Argument(help=N_("The pack's name, e.g. 'pssie' (see 'list')."))],
) -> None:
    """Create or update the pack's controls as policies. Loading twice changes nothing."""
    from registre.catalog.access.roles import CLI_ACTOR
    from registre.catalog.governance.policy_packs import load_pack
    from registre.catalog.i18n import Text
    from registre.cli.common import console, say, shown, unit_of_work

    with unit_of_work() as session:
        report = load_pack(session, CLI_ACTOR, pack)
    summary = Text(
        "pack {pack}: {created} created, {updated} updated, {unchanged} unchanged",
        pack=report.pack,
        created=len(report.created),
        updated=len(report.updated),
        unchanged=len(report.unchanged),
    )
    console.print(shown(say(summary)), highlight=False)
    for label in report.updated:
        console.print("  " + shown(say(Text("updated {label}", label=label))), highlight=False)


class CliExportKind(enum.StrEnum):
    ART30 = "art30"
    INVENTORY = "inventory"
    ANNEX_VIII = "annex-viii"
    PIA = "pia"
    DCAT = "dcat"


class CliExportFormat(enum.StrEnum):
    CSV = "csv"
    CSV_EXCEL = "csv-excel"
    JSON = "json"
    TTL = "ttl"
    JSONLD = "jsonld"
    RDF = "rdf"


DCAT_FORMATS = (CliExportFormat.TTL, CliExportFormat.JSONLD, CliExportFormat.RDF)


KindArgument = Annotated[
    CliExportKind,
    typer.Argument(
        help=N_(
            "art30: GDPR Art. 30 record; inventory: public algorithm inventory (CRPA "
            "L312-1-3); annex-viii: AI Act Annex VIII Section C for --ai-system; pia: DPIA "
            "for the CNIL PIA tool, for --processing-activity; dcat: the DCAT-AP catalogue of "
            "the published datasets and their Table Schemas, for a portal that imports."
        ),
        case_sensitive=False,
    ),
]
FormatOption = Annotated[
    CliExportFormat | None,
    typer.Option(
        "--format",
        help=N_(
            "csv, csv-excel (UTF-8 with BOM, ';' separator) or json. Default: csv for "
            "art30 and inventory, json for annex-viii and pia. dcat: ttl (default), jsonld or rdf."
        ),
        case_sensitive=False,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help=N_(
            "Write to FILE instead of standard output; for dcat, a DIR that receives "
            "catalog.EXT and datasets/ID/schema.json."
        ),
    ),
]
AISystemOption = Annotated[
    str | None, typer.Option("--ai-system", help=N_("The AI system's name (annex-viii)."))
]
ActivityOption = Annotated[
    str | None,
    typer.Option("--processing-activity", help=N_("The processing activity's name (pia).")),
]


def export(
    kind: KindArgument,
    format: FormatOption = None,  # noqa: A002 - the option is --format
    output: OutputOption = None,
    ai_system: AISystemOption = None,
    processing_activity: ActivityOption = None,
) -> None:
    """Export the GDPR record of processing, the algorithm inventory, Annex VIII data, a DPIA
    or the DCAT-AP catalogue."""
    from registre.catalog.i18n import Text
    from registre.cli.common import fail

    if kind is CliExportKind.DCAT:
        if format is not None and format not in DCAT_FORMATS:
            fail(Text("dcat exports as ttl, jsonld or rdf"))
        export_dcat(format or CliExportFormat.TTL, output)
        return
    if format in DCAT_FORMATS:
        fail(
            Text(
                "{format} is a format of the dcat export only",
                format=format.value if format else "",
            )
        )
    if output is not None and output.is_dir():
        fail(Text("{path} is a folder; give a file name", path=str(output)))
    from registre.catalog.access.roles import CLI_ACTOR
    from registre.catalog.exports.registry import (
        ExportFormat,
        ExportKind,
        build_export,
        find_ai_system,
        find_processing_activity,
    )
    from registre.cli.common import err, say, unit_of_work

    catalog_kind = ExportKind[kind.name]
    with unit_of_work() as session:
        system_id = find_ai_system(session, ai_system).id if ai_system else None
        activity_id = (
            find_processing_activity(session, processing_activity).id
            if processing_activity
            else None
        )
        result = build_export(
            session,
            CLI_ACTOR,
            catalog_kind,
            ExportFormat[format.name] if format else None,
            ai_system_id=system_id,
            processing_activity_id=activity_id,
        )
    if output is None:
        sys.stdout.write(result.content)
        sys.stdout.flush()
        return
    # newline="" keeps the CSV's CRLF line ends as they are
    with output.open("w", encoding="utf-8", newline="") as handle:
        handle.write(result.content)
    written = Text("{file} written to {path}", file=result.filename, path=str(output))
    err.print(say(written), highlight=False)


def export_dcat(format: CliExportFormat, output: Path | None) -> None:  # noqa: A002
    """The published datasets as the /dcat routes serve them, in one file (no pages)."""
    import json

    from registre.catalog.i18n import Text
    from registre.catalog.publication.dcat import (
        CatalogInfo,
        catalog_page,
        published_datasets,
        serialize,
    )
    from registre.catalog.publication.table_schema import table_schema
    from registre.cli.common import err, say, settings, unit_of_work

    config = settings()
    info = CatalogInfo(config.public_base_url, config.dcat_title, config.dcat_publisher)
    with unit_of_work() as session:
        content = serialize(catalog_page(session, info), format.value)
        schemas = {d.id: table_schema(d) for d in published_datasets(session)}
    if output is None:
        sys.stdout.write(content)
        sys.stdout.flush()
        return
    if output.exists() and not output.is_dir():
        from registre.cli.common import fail

        fail(Text("{path} is a file; dcat writes into a folder", path=str(output)))
    output.mkdir(parents=True, exist_ok=True)
    (output / f"catalog.{format.value}").write_text(content, encoding="utf-8")
    for dataset_id, schema in schemas.items():
        folder = output / "datasets" / str(dataset_id)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "schema.json").write_text(
            json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    written = Text(
        "{file} ({count} datasets) and their Table Schemas written to {path}",
        file=f"catalog.{format.value}",
        count=len(schemas),
        path=str(output),
    )
    err.print(say(written), highlight=False)
