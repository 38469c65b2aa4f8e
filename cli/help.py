"""``--help`` and usage errors in the CLI's language: the click command tree that typer
builds, its helps and click's own words translated through the gettext catalog
(``LANG=fr_FR.UTF-8 registre scan --help``).

English is left exactly as written. A help is translated whole, or paragraph by paragraph
(a blank line between them), when the catalog has it; a help it does not have stays in
English. The helps are the commands' docstrings and their options' ``help=``: the
docstrings reach the catalog through ``cli/help_extract.py``, a Babel extractor that
reads them from the tree itself (``babel.cfg``), so there is one copy of each.

Click's own words: typer bundles a click without gettext. Its help formatter, its usage
errors and typer's headings are reached through the hooks click itself offers: a
``formatter_class`` on the context class of each command (the "Usage:" line and the
headings), the help option kept on each command (its help), typer's module-level ``_``
(the headings, ``[required]``, ``[default: …]``, "No such command"), and :func:`run`,
which shows a usage error in the CLI's language rather than letting click print it.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Iterator
from functools import partial
from typing import Any, NoReturn

import typer
import typer.core
from typer import _click
from typer._click.exceptions import NoArgsIsHelpError, UsageError

from registre.catalog.i18n import (
    ENGLISH,
    N_,
    NC_,
    gettext_in,
    language,
    translate,
    translations,
)

#: click's and typer's words that :func:`localize` and :func:`run` translate (typer's own
#: ``_("…")`` calls pass their template through the catalog as they are)
CLICK_MESSAGES = (
    N_("Usage:"),
    N_("{heading}:"),
    N_("[OPTIONS]"),
    N_("COMMAND [ARGS]..."),
    N_("Options"),
    N_("Arguments"),
    N_("Commands"),
    N_("Show this message and exit."),
    N_("required"),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("(dynamic)"),
    N_("Aborted!"),
    N_("Missing command."),
    N_("No such command {name!r}."),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
)

_LABEL = r"(?P<label>file|dir|path)"
_QUOTED = r"(?P<name>'(?:[^'\\]|\\.)*')"
_REASON = r"(?P<reason>No such file or directory|Permission denied|Is a directory|Not a directory)"

#: click's usage errors are f-strings: each English form, and the template of the catalog
#: it reads as (the named groups are the template's fields)
USAGE_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), template)
    for pattern, template in (
        (r"No such option: (?P<name>\S+)", N_("No such option: {name}")),
        (r"\(Possible options: (?P<options>[^)]*)\)", N_("(Possible options: {options})")),
        (r"Missing option (?P<name>'[^']*'(?: / '[^']*')*)", N_("Missing option {name}")),
        (r"Missing argument (?P<name>'[^']*')", N_("Missing argument {name}")),
        (r"Missing parameter: (?P<name>\S+)", N_("Missing parameter: {name}")),
        (r"Choose from:", N_("Choose from:")),
        (
            r"Got unexpected extra argument\(s\) \((?P<args>[^)]*)\)",
            N_("Got unexpected extra argument(s) ({args})"),
        ),
        (
            r"Invalid value for (?P<name>'[^']*'(?: / '[^']*')*): ",
            N_("Invalid value for {name}: "),
        ),
        (r"Invalid value: ", N_("Invalid value: ")),
        (
            r"(?:Value error, )?(?P<value>'[^']*') is not one of (?P<choices>.*)\.$",
            N_("{value} is not one of {choices}."),
        ),
        (r"Option (?P<name>'[^']*') requires an argument\.", N_("Option {name} requires a value.")),
        (
            r"Option (?P<name>'[^']*') does not take a value\.",
            N_("Option {name} does not take a value."),
        ),
        (
            r"Input should be a valid integer, unable to parse string as an integer",
            N_("Input should be a whole number"),
        ),
        (
            r"Input should be a valid number, unable to parse string as a number",
            N_("Input should be a number"),
        ),
        # typer's path checks (exists=True, file_okay=False...), its file opening, its types
        (rf"{_LABEL} {_QUOTED} does not exist\.", N_("{label} {name} does not exist.")),
        (rf"{_LABEL} {_QUOTED} is a file\.", N_("{label} {name} is a file.")),
        (rf"{_LABEL} {_QUOTED} is a directory\.", N_("{label} {name} is a directory.")),
        (rf"{_LABEL} {_QUOTED} is not readable\.", N_("{label} {name} is not readable.")),
        (rf"{_LABEL} {_QUOTED} is not writable\.", N_("{label} {name} is not writable.")),
        (rf"Could not open file {_QUOTED}: {_REASON}", N_("Could not open file {name}: {reason}")),
        (rf"{_QUOTED}: {_REASON}", N_("{name}: {reason}")),
        (
            r"Value (?P<value>'[^']*') is not a valid (?P<type>\w+)\.",
            N_("Value {value} is not a valid {type}."),
        ),
        (
            r"(?P<value>'[^']*') does not match the formats (?P<formats>.*)\.$",
            N_("{value} does not match the formats {formats}."),
        ),
        (
            r"Option (?P<name>'[^']*') requires (?P<count>\d+) arguments\.",
            N_("Option {name} requires {count} arguments."),
        ),
        (r"Did you mean (?P<suggestions>'.*')\?", N_("Did you mean {suggestions}?")),
    )
)

#: the words inside click's messages that are themselves translated: the kind of path
#: (``{label}``, in its own gettext context) and the system's reason a file did not open
PATH_KINDS = (NC_("path kind", "file"), NC_("path kind", "dir"), NC_("path kind", "path"))
OPEN_REASONS = (
    N_("No such file or directory"),
    N_("Permission denied"),
    N_("Is a directory"),
    N_("Not a directory"),
)


def _typer_gettext(message: str) -> str:
    """typer's ``_``: its message in the language being spoken (:func:`run` sets it; the
    English of a test that builds no French command stays English)."""
    return translate(message)


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
    parameters and its subcommands, in place; and click's words around them."""
    # typer's headings and notes go through its module-level gettext
    typer.core._ = _typer_gettext
    if lang == ENGLISH:
        return command
    command.context_class = _context_class(lang)
    command.help = translated(command.help, lang)
    command.short_help = translated(command.short_help, lang)
    if command.options_metavar:
        command.options_metavar = gettext_in(lang, command.options_metavar)
    if getattr(command, "subcommand_metavar", None):
        command.subcommand_metavar = gettext_in(lang, command.subcommand_metavar)
    for param in command.params:
        if getattr(param, "help", None):  # options, and typer's arguments
            param.help = translated(param.help, lang)
    # click makes the --help option once per command and keeps it: make it here, in French
    help_option = command.get_help_option(command.context_class(command))
    if help_option is not None:
        help_option.help = gettext_in(lang, help_option.help)
    for sub in getattr(command, "commands", {}).values():
        localize(sub, lang)
    return command


def _context_class(lang: str) -> type[_click.Context]:
    class Formatter(_click.HelpFormatter):
        """Click's help formatter with its "Usage:" and headings in ``lang``."""

        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            if prefix is None:
                prefix = gettext_in(lang, "Usage:") + " "
            super().write_usage(prog, args, prefix)

        def write_heading(self, heading: str) -> None:
            line = gettext_in(lang, "{heading}:").format(heading=heading)
            self.write(f"{'':>{self.current_indent}}{line}\n")

    return type("Context", (typer.Context,), {"formatter_class": Formatter})


def usage_error(message: str, lang: str) -> str:
    """One of click's usage error messages in ``lang`` (what it does not know stays)."""
    if lang == ENGLISH:
        return message
    for pattern, template in USAGE_ERRORS:
        message = pattern.sub(partial(_render, gettext_in(lang, template), lang), message)
    return message


def _render(template: str, lang: str, match: re.Match[str]) -> str:
    groups = match.groupdict()
    if groups.get("label"):
        groups["label"] = translations(lang).pgettext("path kind", groups["label"])
    if groups.get("reason"):
        groups["reason"] = gettext_in(lang, groups["reason"])
    return template.format(**groups)


def show_usage_error(exc: _click.ClickException, lang: str) -> None:
    """What click's ``exc.show()`` prints (usage, hint, error), in ``lang``."""
    if lang == ENGLISH or isinstance(exc, NoArgsIsHelpError):
        exc.show()
        return
    ctx = exc.ctx if isinstance(exc, UsageError) else None
    if ctx is not None:
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = gettext_in(lang, "Try '{command} {option}' for help.").format(
                command=ctx.command_path, option=ctx.help_option_names[0]
            )
            hint += "\n"
        _click.echo(f"{ctx.get_usage()}\n{hint}", err=True, color=ctx.color)
    message = usage_error(exc.format_message(), lang)
    _click.echo(gettext_in(lang, "Error: {message}").format(message=message), err=True)


def run(command: Any, lang: str, args: list[str] | None = None) -> NoReturn:
    """Run the ``registre`` command as click's standalone mode does, its usage errors in
    ``lang``."""
    language.set(lang)
    try:
        result = command.main(args=args, prog_name="registre", standalone_mode=False)
    except _click.ClickException as exc:
        show_usage_error(exc, lang)
        sys.exit(exc.exit_code)
    except typer.Abort:
        _click.echo(gettext_in(lang, "Aborted!"), err=True)
        sys.exit(1)
    sys.exit(result if isinstance(result, int) else 0)


def help_texts(command: Any) -> Iterator[str]:
    """Every help text of ``command`` and below: each paragraph of a command's help, each
    parameter's help."""
    for text in (command.help, command.short_help):
        if text:
            yield from inspect.cleandoc(text).split("\n\n")
    for param in command.params:
        if getattr(param, "help", None):
            yield inspect.cleandoc(param.help)
    for sub in getattr(command, "commands", {}).values():
        yield from help_texts(sub)
