"""pydantic's validation errors in the reader's language, read by their error *type* and
context (``ctx``), never by matching pydantic's English text.

Each template renders, in English, the very words pydantic writes (so an English reader
sees what the library says); ``locale/fr`` translates the template, and the parameters (a
bound, a length, the values an enum allows) are written the reader's way.
"""

from __future__ import annotations

import re
from typing import Any

from registre.catalog.i18n import N_, Joined, Text
from registre.config.loading import ConfigFileError
from registre.config.settings import SettingsError

#: error type -> template, whose fields are names of the error's ``ctx``
_TEMPLATES = {
    "missing": N_("Field required"),
    "extra_forbidden": N_("Extra inputs are not permitted"),
    "string_type": N_("Input should be a valid string"),
    "string_pattern_mismatch": N_("String should match pattern '{pattern}'"),
    "bool_type": N_("Input should be a valid boolean"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "int_type": N_("Input should be a valid integer"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_type": N_("Input should be a valid number"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "finite_number": N_("Input should be a finite number"),
    "greater_than": N_("Input should be greater than {gt}"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "less_than": N_("Input should be less than {lt}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "multiple_of": N_("Input should be a multiple of {multiple_of}"),
    "date_type": N_("Input should be a valid date"),
    "date_parsing": N_("Input should be a valid date in the format YYYY-MM-DD, {error}"),
    "date_from_datetime_parsing": N_("Input should be a valid date or datetime, {error}"),
    "date_from_datetime_inexact": N_(
        "Datetimes provided to dates should have zero time - e.g. be exact dates"
    ),
    "datetime_type": N_("Input should be a valid datetime"),
    "datetime_parsing": N_("Input should be a valid datetime, {error}"),
    "datetime_from_date_parsing": N_("Input should be a valid datetime or date, {error}"),
    "timezone_aware": N_("Input should have timezone info"),
    "url_type": N_("URL input should be a string or URL"),
    "url_parsing": N_("Input should be a valid URL, {error}"),
    "url_scheme": N_("URL scheme should be {expected_schemes}"),
    "uuid_parsing": N_("Input should be a valid UUID, {error}"),
    "list_type": N_("Input should be a valid list"),
    "dict_type": N_("Input should be a valid dictionary"),
    "model_type": N_("Input should be a valid dictionary or instance of {class_name}"),
    "enum": N_("Input should be {expected}"),
    "literal_error": N_("Input should be {expected}"),
}

#: lengths say "character" or "item", one or many
_LENGTHS = {
    ("string_too_short", True): N_("String should have at least {min_length} character"),
    ("string_too_short", False): N_("String should have at least {min_length} characters"),
    ("string_too_long", True): N_("String should have at most {max_length} character"),
    ("string_too_long", False): N_("String should have at most {max_length} characters"),
    ("too_short", True): N_(
        "{field_type} should have at least {min_length} item after validation, not {actual_length}"
    ),
    ("too_short", False): N_(
        "{field_type} should have at least {min_length} items after validation, not {actual_length}"
    ),
    ("too_long", True): N_(
        "{field_type} should have at most {max_length} item after validation, not {actual_length}"
    ),
    ("too_long", False): N_(
        "{field_type} should have at most {max_length} items after validation, not {actual_length}"
    ),
}
#: what pydantic calls a collection in ``{field_type}``
_COLLECTIONS = (N_("List"), N_("Tuple"), N_("Set"), N_("Dictionary"), N_("Data"))
_LENGTH_OF = {
    "string_too_short": "min_length",
    "string_too_long": "max_length",
    "too_short": "min_length",
    "too_long": "max_length",
}

#: the ``{error}`` pydantic-core gives a date, datetime or URL that cannot be read
_REASONS = {
    reason: reason
    for reason in (
        N_("input is too short"),
        N_("input is too long"),
        N_("invalid character in year"),
        N_("invalid character in month"),
        N_("invalid character in day"),
        N_("month value is outside expected range of 1-12"),
        N_("day value is outside expected range"),
        N_("invalid date separator, expected `-`"),
        N_("unexpected extra characters at the end of the input"),
        N_("invalid character in hour"),
        N_("invalid character in minute"),
        N_("invalid character in second"),
        N_("relative URL without a base"),
        N_("empty host"),
        N_("invalid port number"),
        N_("invalid international domain name"),
        N_("invalid IPv4 address"),
        N_("invalid IPv6 address"),
    )
}
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def pydantic_message(error: Any) -> Text:
    """One error of ``ValidationError.errors()`` as a :class:`Text`: our validators'
    ``ValueError(Text(...))`` as it is; pydantic's own by its type and ``ctx``; an error
    type this module does not know keeps pydantic's English."""
    ctx = dict(error.get("ctx") or {})
    cause = ctx.get("error")
    if isinstance(cause, ValueError) and cause.args and isinstance(cause.args[0], Text):
        return cause.args[0]
    kind = str(error.get("type", ""))
    if kind in _LENGTH_OF:
        one = ctx.get(_LENGTH_OF[kind]) == 1
        params = {k: v for k, v in ctx.items() if k != "expected_plural"}
        if "field_type" in params:
            params["field_type"] = Text(str(params["field_type"]))
        return Text(_LENGTHS[kind, one], **params)
    template = _TEMPLATES.get(kind)
    if template is None:
        return Text(str(error["msg"]).removeprefix("Value error, "))
    params = {name: ctx.get(name, "") for name in _fields(template)}
    if "error" in params:
        reason = str(params["error"])
        params["error"] = Text(reason) if reason in _REASONS else reason
    if "expected" in params:
        params["expected"] = _choices(str(params["expected"]))
    return Text(template, **params)


def _fields(template: str) -> list[str]:
    return re.findall(r"\{(\w+)\}", template)


def _choices(expected: str) -> Any:
    """pydantic's ``'A', 'B' or 'C'`` as values joined with the language's "or"."""
    values = [f"'{v}'" for v in _QUOTED.findall(expected)]
    if len(values) < 2:
        return expected
    return Text("{values} or {last}", values=values[:-1], last=values[-1])


def validation_problems(errors: list[Any]) -> Text:
    """``key.sub: message; other: message`` (as :func:`registre.config.loading.
    describe_validation_error` writes it), in the reader's language."""
    problems = [
        Text(
            "{key}: {message}",
            key=".".join(str(p) for p in err["loc"]) or "(top)",
            message=pydantic_message(err),
        )
        for err in errors
    ]
    return Text("{problems}", problems=Joined(problems))


def config_problem(exc: ConfigFileError) -> Text:
    """A configuration file's (or the settings') error in the reader's language, from the
    parts ``config`` keeps (that layer imports no other, so it translates nothing)."""
    detail: Any = Text(exc.detail) if exc.detail in _SYSTEM_REASONS else exc.detail
    if exc.kind == "unreadable":
        if isinstance(exc, SettingsError):
            return Text("{where}: {reason}", where=exc.where, reason=detail)
        return Text("cannot read {where}: {reason}", where=exc.where, reason=detail)
    if exc.kind == "yaml":
        return Text("{where} is not valid YAML: {error}", where=exc.where, error=exc.detail)
    if exc.kind == "toml":
        return Text("{where}: not valid TOML ({error})", where=exc.where, error=exc.detail)
    if isinstance(exc, SettingsError):
        return Text("invalid settings: {problems}", problems=validation_problems(exc.errors))
    return Text("{where}: {problems}", where=exc.where, problems=validation_problems(exc.errors))


#: the system's words for a file that did not open
_SYSTEM_REASONS = (
    N_("file not found"),
    N_("No such file or directory"),
    N_("Permission denied"),
    N_("Is a directory"),
)
