"""``registre compliance refresh``: evaluate every rule over the whole register again and
bring the stored compliance issues up to date.

Each change made through Registre already keeps the issues it touches current; this
command is for what no change of the register announces: a new Registre version with new
or changed rules, an edited ``config/compliance.yaml`` (severities, scopes, AI Act dates),
or rows written outside Registre.
"""

from __future__ import annotations

import time

import typer

from registre.catalog.i18n import N_

compliance_app = typer.Typer(
    help=N_("Stored compliance issues: re-evaluate them after a rule or configuration change."),
    no_args_is_help=True,
)

PHASES = ("evaluating the rules", "comparing with the stored issues", "writing")


@compliance_app.command("refresh")
def refresh() -> None:
    """Evaluate every rule over the whole register and update the stored issues.

    Opens the issues found that are not stored, updates those still found (severity,
    message, facts, last seen) and closes those no longer found (they stay recorded as
    closed), and rebuilds the exposure kept per dataset. Run it after upgrading Registre or
    editing config/compliance.yaml; changes made through the API, the CLI or a scan keep the
    issues current by themselves.
    """
    from rich.table import Table

    from registre.catalog.compliance.store import refresh as refresh_issues
    from registre.catalog.exposure.kept import rebuild as rebuild_exposure
    from registre.cli.common import console, progress_bar, unit_of_work

    started = time.perf_counter()
    with progress_bar() as progress, unit_of_work() as session:
        task = progress.add_task("compliance refresh", total=len(PHASES))

        def step(phase: str) -> None:
            progress.update(task, description=phase, completed=PHASES.index(phase))

        outcome = refresh_issues(session, step=step)
        # the kept exposure (per dataset), rebuilt from the register the same way
        rebuild_exposure(session)
        progress.update(task, description="done", completed=len(PHASES))
    table = Table("opened", "closed", "kept", "seconds", title="compliance issues")
    table.add_row(
        str(outcome.opened),
        str(outcome.closed),
        str(outcome.kept),
        f"{time.perf_counter() - started:.1f}",
    )
    console.print(table)
