"""``--help`` in the CLI's language: the click command tree that typer builds, its helps
translated through the gettext catalog (``LANG=fr_FR.UTF-8 registre --help``).

English is left exactly as written. A help is translated whole, or paragraph by paragraph
(a blank line between them), when the catalog has it; a help it does not have stays in
English. The messages of click and typer themselves are marked here so that the catalog
keeps them.
"""

from __future__ import annotations

import inspect
from typing import Any

from registre.catalog.i18n import ENGLISH, N_, gettext_in

#: the helps of the options typer adds (its click, vendored, has no gettext: its headings
#: "Usage:", "Options:", "Commands:" and --help's own help stay in English)
FRAMEWORK_MESSAGES = (
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
)


#: the first paragraph of each top-level command's docstring, as ``registre --help`` lists
#: it (a test checks each is still its command's first paragraph)
SUMMARIES = (
    N_(
        "Export the GDPR record of processing, the algorithm inventory, Annex VIII data, a DPIA\n"
        "or the DCAT-AP catalogue."
    ),
    N_("Harvest a data store's schema and flag personal data, column by column."),
    N_("Run each data store's scans when its cron schedule says (set with --schedule)."),
    N_("Run scan jobs and scheduled scans from the queue (PostgreSQL catalog, scan_queue on)."),
    N_(
        "Serve the web interface at http://HOST:PORT/ and the GraphQL API (and GraphiQL) at\n"
        "http://HOST:PORT/graphql."
    ),
    N_("Build a demo: a fictitious city's database, registered, scanned and served."),
)


def translated(text: str | None, lang: str) -> str | None:
    """``text`` in ``lang``: whole when the catalog has it, else each paragraph it has."""
    if not text or lang == ENGLISH:
        return text
    clean = inspect.cleandoc(text)
    whole = gettext_in(lang, clean)
    if whole != clean:
        return whole
    return "\n\n".join(gettext_in(lang, part) for part in clean.split("\n\n"))


def localize(command: Any, lang: str) -> Any:
    """Translate the helps of ``command`` (a click command, as typer builds it), its
    parameters and its subcommands, in place."""
    if lang == ENGLISH:
        return command
    command.help = translated(command.help, lang)
    command.short_help = translated(command.short_help, lang)
    for param in command.params:
        if getattr(param, "help", None):  # options, and typer's arguments
            param.help = translated(param.help, lang)
    for sub in getattr(command, "commands", {}).values():
        localize(sub, lang)
    return command
