"""Languages: the gettext catalogs (Babel) every part of Registre speaks through, French
first, English available.

Message ids are English and ``locale/fr`` translates them; English is the ids themselves,
so a message rendered in English is byte-identical to the text the code wrote.

A message meant for a person is written as a :class:`Text`: a ``str`` (its English
rendering, so code that only reads it keeps working) that also carries its template and
parameters, so that :func:`translate` can render it again in another language::

    raise NotFound(Text("no {model} with id {id}", model="AISystem", id=7))
    translate(exc.message, "fr")    # "aucun AISystem d’identifiant 7"

A parameter may itself be a :class:`Text` (translated too) or a list of them. A date, a
decimal number and a :class:`Percent` are written the reader's way: ``2026-11-29``, ``0.82``
and ``51%`` in English (as ``str.format`` writes them), « 29 novembre 2026 », « 0,82 » and
« 51 % » in French (Babel, with the language's own conventions). Which
language a request is in is :data:`language` (a context variable), set by whoever serves
the request: the web pages, the API (``Accept-Language``), the CLI (``LC_ALL`` /
``LC_MESSAGES`` / ``LANG``).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import gettext
import os
import re
import string
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale, dates, numbers

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
LANGUAGES = ("fr", "en")
FRENCH = "fr"
ENGLISH = "en"

#: the language of what is being served (English unless someone chose)
language: contextvars.ContextVar[str] = contextvars.ContextVar("registre_language", default="en")

__all__ = [
    "LANGUAGES",
    "LOCALE_DIR",
    "NC_",
    "N_",
    "Joined",
    "Percent",
    "Text",
    "from_environment",
    "gettext_in",
    "language",
    "negotiate",
    "translate",
    "translations",
]


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


def NC_(context: str, message: str) -> str:
    """Mark a message of a gettext ``context`` for extraction: the same English word that
    means two things (``RESTRICTED``: a sensitivity and an open-data access level)."""
    return message


@cache
def translations(lang: str) -> gettext.NullTranslations:
    if lang not in LANGUAGES or lang == ENGLISH:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])


def gettext_in(lang: str, message: str) -> str:
    return translations(lang).gettext(message)


class Text(str):
    """A message for a person: its English rendering, plus what renders it in any language.

    The template uses ``str.format`` fields (``{name}``); the parameters are plain values,
    :class:`Text` or lists of them.
    """

    template: str
    params: dict[str, Any]
    #: the gettext context of the template (see :func:`NC_`), if any
    context: str | None = None

    def __new__(cls, template: str, /, **params: Any) -> Text:
        self = super().__new__(cls, _render(template, params, ENGLISH))
        self.template = template
        self.params = params
        return self

    @classmethod
    def in_context(cls, context: str, template: str, /, **params: Any) -> Text:
        """A message whose template is translated in a gettext ``context``."""
        self = cls(template, **params)
        self.context = context
        return self

    def render(self, lang: str) -> str:
        template = (
            translations(lang).pgettext(self.context, self.template)
            if self.context is not None
            else gettext_in(lang, self.template)
        )
        try:
            return _render(template, self.params, lang)
        except (KeyError, IndexError, ValueError):  # a translation naming a wrong field
            return str(self)

    def as_json(self) -> dict[str, Any]:
        """The template, its context and parameters, to store and render again later."""
        data: dict[str, Any] = {
            "template": self.template,
            "params": {k: _dump(v) for k, v in self.params.items()},
        }
        if self.context is not None:
            data["context"] = self.context
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Text:
        params = {k: _load(v) for k, v in dict(data.get("params") or {}).items()}
        context = data.get("context")
        if context is not None:
            return cls.in_context(str(context), str(data["template"]), **params)
        return cls(str(data["template"]), **params)


class Joined(list[Any]):
    """A :class:`Text` parameter rendered as its items joined with "; " (" ; " in French,
    which spaces its semicolons; a plain list joins with ", ")."""

    sep = "; "


class Percent(float):
    """A :class:`Text` parameter that is a share (0.51): ``51%`` in English, « 51 % » in
    French."""

    def __format__(self, spec: str) -> str:
        return format(float(self), spec or ".0%")

    def __str__(self) -> str:
        return format(self)


class Country(str):
    """A :class:`Text` parameter that is an ISO 3166 country code: the code in English, as
    the code wrote it; the country's name in other languages (« États-Unis »), from Babel's
    locale data."""


def _value(value: Any, lang: str) -> Any:
    if isinstance(value, Text):
        return value.render(lang)
    if isinstance(value, Country) and lang != ENGLISH:
        return Locale.parse(lang).territories.get(str(value).upper(), str(value))
    if isinstance(value, list | tuple):
        sep = getattr(value, "sep", ", ")
        if sep == Joined.sep and lang == FRENCH:
            sep = " ; "
        return sep.join(str(_value(v, lang)) for v in value)
    return value


class _LocalFormatter(string.Formatter):
    """``str.format`` with dates and numbers written in a language's conventions (Babel):
    a date in full words, a decimal comma, a share with its spaced percent sign; a
    ``{n:.1f}`` keeps its decimals and a ``{n:,}`` its grouping, the language's way."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> Any:
        if isinstance(value, dt.datetime):
            return dates.format_datetime(value, "d MMMM y, HH:mm", locale=self.lang)
        if isinstance(value, dt.date):
            return dates.format_date(value, "long", locale=self.lang)
        if isinstance(value, Percent):
            return numbers.format_percent(float(value), locale=self.lang)
        number = isinstance(value, float) or (
            isinstance(value, int) and not isinstance(value, bool) and format_spec == ","
        )
        if number and (shape := _NUMBER_SPEC.fullmatch(format_spec)):
            decimals = int(shape.group(1) or 0)
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            exact = shape.group(1) is not None  # {n:.2f}: two decimals, no more, no fewer
            return numbers.format_decimal(
                value, format=pattern if exact else None, locale=self.lang
            )
        return super().format_field(value, format_spec)


#: the number formats written the language's way: none, grouping, fixed decimals
_NUMBER_SPEC = re.compile(r",?(?:\.(\d+)f)?")


def _render(template: str, params: Mapping[str, Any], lang: str) -> str:
    if not params:
        return template
    values = {k: _value(v, lang) for k, v in params.items()}
    if lang == ENGLISH:  # as the code wrote it, byte for byte
        return template.format(**values)
    return _LocalFormatter(lang).format(template, **values)


def _dump(value: Any) -> Any:
    if isinstance(value, Text):
        return {"text": value.as_json()}
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, Percent):
        return {"percent": float(value)}
    if isinstance(value, Country):
        return {"country": str(value)}
    if isinstance(value, Joined):
        return {"list": [_dump(v) for v in value], "sep": value.sep}
    if isinstance(value, list | tuple):
        return {"list": [_dump(v) for v in value]}
    return value


def _load(value: Any) -> Any:
    if isinstance(value, dict) and "text" in value:
        return Text.from_json(value["text"])
    if isinstance(value, dict) and "datetime" in value:
        return dt.datetime.fromisoformat(value["datetime"])
    if isinstance(value, dict) and "date" in value:
        return dt.date.fromisoformat(value["date"])
    if isinstance(value, dict) and "percent" in value:
        return Percent(value["percent"])
    if isinstance(value, dict) and "country" in value:
        return Country(value["country"])
    if isinstance(value, dict) and "list" in value:
        items = [_load(v) for v in value["list"]]
        return Joined(items) if value.get("sep") == Joined.sep else items
    return value


def translate(message: str, lang: str | None = None) -> str:
    """``message`` in ``lang`` (default: the current :data:`language`): a :class:`Text` is
    rendered again; a plain string is looked up as a message id (itself when unknown)."""
    lang = lang or language.get()
    if lang == ENGLISH:
        return str(message)
    if isinstance(message, Text):
        return message.render(lang)
    return gettext_in(lang, message)


def negotiate(accept_language: str | None, default: str = FRENCH, choice: str | None = None) -> str:
    """The language of a request: an explicit choice, then ``Accept-Language``, then
    ``default``."""
    if choice in LANGUAGES:
        return str(choice)
    wanted = []
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            wanted.append((quality, tag.replace("_", "-")))
    preferred = [tag for _, tag in sorted(wanted, key=lambda item: -item[0])]
    found = Locale.negotiate(preferred, list(LANGUAGES), sep="-") if preferred else None
    return str(found) if found else default


def from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The CLI's language, as gettext picks it: the first of ``LANGUAGE``, ``LC_ALL``,
    ``LC_MESSAGES``, ``LANG`` that is set (``fr_FR.UTF-8`` → French); English when none
    names a language Registre speaks (``C``, ``POSIX``, unset)."""
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if not value:
            continue
        for choice in value.split(":"):  # LANGUAGE is a list
            tag = choice.split(".")[0].split("@")[0].split("_")[0].lower()
            if tag in LANGUAGES:
                return tag
        return ENGLISH
    return ENGLISH
