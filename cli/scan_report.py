"""What ``registre scan`` prints when a run ends: the findings, what each table's rows
are about, how each table was sampled, and the run's counts, in the CLI's language."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registre.catalog.compliance.words import ENTITY_TYPE
from registre.catalog.data.findings import is_possible
from registre.catalog.data.scan_errors import detail
from registre.catalog.i18n import N_, NC_, Joined, Percent, Text
from registre.cli.common import console, err, headers, say, shown

#: the words of the scan tables (gettext context, English as the CLI has always printed
#: it): enum values and sample methods are shown through them, never as code
WORDS = {
    # the review of a finding
    "SUGGESTED": ("finding review", NC_("finding review", "suggested")),
    "CONFIRMED": ("finding review", NC_("finding review", "confirmed")),
    "REJECTED": ("finding review", NC_("finding review", "rejected")),
    # a table of a run
    "PENDING": ("scanned table", NC_("scanned table", "pending")),
    "DONE": ("scanned table", NC_("scanned table", "done")),
    "FAILED": ("scanned table", NC_("scanned table", "failed")),
    # what the rows are about
    "PERSONS": ("rows subject", NC_("rows subject", "persons")),
    "ORGANISATIONS": ("rows subject", NC_("rows subject", "organisations")),
    "PLACES": ("rows subject", NC_("rows subject", "places")),
    "EVENTS": ("rows subject", NC_("rows subject", "events")),
    "THINGS": ("rows subject", NC_("rows subject", "things")),
    "UNKNOWN": ("rows subject", NC_("rows subject", "unknown")),
    # how a table was sampled (SampleMethod)
    "shuffled whole": ("sample method", NC_("sample method", "shuffled whole")),
    "tablesample": ("sample method", NC_("sample method", "tablesample")),
    "tablesample by key": ("sample method", NC_("sample method", "tablesample by key")),
    "range reads": ("sample method", NC_("sample method", "range reads")),
    "random positions": ("sample method", NC_("sample method", "random positions")),
    "whole view": ("sample method", NC_("sample method", "whole view")),
    "reservoir": ("sample method", NC_("sample method", "reservoir")),
    "reservoir of a prefix": ("sample method", NC_("sample method", "reservoir of a prefix")),
    "random row groups": ("sample method", NC_("sample method", "random row groups")),
    "unknown": ("sample method", NC_("sample method", "unknown")),
}

#: a scan run's status, printed as its code in English (as before) and as a word otherwise
RUN_STATUS = {
    "QUEUED": NC_("scan run", "QUEUED"),
    "RUNNING": NC_("scan run", "RUNNING"),
    "SUCCEEDED": NC_("scan run", "SUCCEEDED"),
    "PARTIAL": NC_("scan run", "PARTIAL"),
    "FAILED": NC_("scan run", "FAILED"),
}


def word(value: str) -> str:
    """An enum value or a sample method as a word of the CLI's language."""
    if value not in WORDS:
        return value
    context, message = WORDS[value]
    return say(Text.in_context(context, message))


def run_status(value: str) -> Text:
    return Text.in_context("scan run", RUN_STATUS[value])


def print_run_summary(factory: object, run_id: int) -> None:
    from registre.catalog.models import Dataset, Field, Finding, ScanRun

    with factory() as session:  # type: ignore[operator]
        run = session.get(ScanRun, run_id)
        table = headers(
            N_("column"), N_("entity type"), N_("coverage"), N_("masked example"), N_("review")
        )
        rows = session.execute(
            select(Dataset, Field, Finding)
            .join(Field, Field.dataset_id == Dataset.id)
            .join(Finding, Finding.field_id == Field.id)
            .where(Dataset.data_store_id == run.data_store_id, Finding.gone_since_run_id.is_(None))
            .order_by(Dataset.name, Field.position)
        )
        for dataset, fld, finding in rows:
            table.add_row(
                shown(f"{dataset.qualified_name}.{fld.name}"),
                say(Text.in_context(ENTITY_TYPE, finding.entity_type)),
                f"{finding.coverage:.0%}",
                shown(finding.masked_example or ""),
                word(finding.status.value)
                + (say(Text(" (possible)")) if is_possible(finding) else ""),
            )
        console.print(table)
        _print_subjects(session, run.data_store_id)
        seconds = (run.finished_at - run.started_at).total_seconds() if run.started_at else 0.0
        console.print(
            say(
                Text(
                    "scan {run}: {status} in {seconds:.1f} s; {scanned} datasets scanned, "
                    "{failed} failed; findings {new} new, {changed} changed, {gone} gone",
                    run=run.id,
                    status=run_status(run.status.value),
                    seconds=seconds,
                    scanned=run.datasets_scanned,
                    failed=run.datasets_failed,
                    new=run.findings_new,
                    changed=run.findings_changed,
                    gone=run.findings_gone,
                )
            )
        )
        for error in run.errors:
            where = error.get("dataset") or say(Text("store"))
            line = say(Text("{field}: {message}", field=where, message=detail(error)))
            err.print(f"[red]{shown(line)}[/]", highlight=False)
        if run.drift:
            drift = say(Text("schema drift: {drift}", drift=str(run.drift)))
            console.print(shown(drift), highlight=False)
        _print_tables(session, run.id)


#: the per-table lines printed after a scan; the run record keeps them all
SHOWN_TABLES = 50


def _print_tables(session: Session, run_id: int) -> None:
    """How each table was sampled and how long it took (the run record keeps them all)."""
    from registre.catalog.models import ScanRunTable

    rows = list(
        session.scalars(
            select(ScanRunTable).where(ScanRunTable.run_id == run_id).order_by(ScanRunTable.id)
        )
    )
    if not rows:
        return
    table = headers(
        N_("table"), N_("status"), N_("sample method"), N_("rows"), N_("sample ms"), N_("total ms")
    )
    for row in rows[:SHOWN_TABLES]:
        table.add_row(
            shown(row.name),
            word(row.status.value),
            word(row.sample_method) if row.sample_method else "-",
            "-" if row.sample_rows is None else str(row.sample_rows),
            "-" if row.sample_ms is None else str(row.sample_ms),
            "-" if row.scan_ms is None else str(row.scan_ms),
        )
    console.print(table)
    if len(rows) > SHOWN_TABLES:
        more = len(rows) - SHOWN_TABLES
        console.print(say(Text("... and {count} more tables (see the run's tables)", count=more)))
    methods: dict[str, int] = {}
    for row in rows:
        methods[row.sample_method or "unknown"] = methods.get(row.sample_method or "unknown", 0) + 1
    counts = ", ".join(f"{word(m)} {n}" for m, n in sorted(methods.items()))
    console.print(say(Text("sample methods: {counts}", counts=counts)), highlight=False)


def _quasi_summary(quasi: dict[str, Any] | None) -> str:
    """``birth, cp: 97% of 200 records unique, k = 1; REIDENTIFICATION_RISK on ...``"""
    if not quasi:
        return ""
    text = say(
        Text(
            "{columns}: {share} of {records} records unique, k = {k}",
            columns=", ".join(quasi["columns"]),
            share=Percent(quasi["unique_share"]),
            records=quasi["records"],
            k=quasi["k"],
        )
    )
    if quasi.get("risky_combination"):
        risky = ", ".join(quasi["risky_combination"])
        text += say(Text("; REIDENTIFICATION_RISK on {columns}", columns=risky))
    return text


def _print_subjects(session: Session, store_id: int) -> None:
    """What each dataset's rows are about, as the scan decided, and why."""
    from registre.catalog.data.subject import subject_reasons
    from registre.catalog.models import Dataset

    subjects = headers(
        N_("dataset"), N_("rows are about"), N_("why"), N_("quasi-identifiers (sample)")
    )
    datasets = session.scalars(
        select(Dataset)
        .where(Dataset.data_store_id == store_id, Dataset.removed_at.is_(None))
        .order_by(Dataset.name)
    )
    for dataset in datasets:
        if dataset.subject is None:
            continue
        corrected = say(Text(" (corrected)")) if dataset.subject_correction is not None else ""
        subjects.add_row(
            shown(dataset.qualified_name),
            word(dataset.subject.value) + corrected,
            shown(say(Text("{reasons}", reasons=Joined(subject_reasons(dataset))))),
            shown(_quasi_summary(dataset.quasi_identifiers)),
        )
    if subjects.row_count:
        console.print(subjects)
