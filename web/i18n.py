"""Languages of the web interface: gettext catalogs compiled by Babel, French first.

Message ids are English; ``locale/fr`` translates them. English is the ids themselves.
The language comes from the switch (a cookie), else the browser's ``Accept-Language``,
else French. Dates are shown in the language's own format, in Paris time.
"""

from __future__ import annotations

import datetime as dt
import gettext
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, dates, numbers

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
LANGUAGES = ("fr", "en")
DEFAULT = "fr"
LANG_COOKIE = "registre_lang"
PARIS = ZoneInfo("Europe/Paris")


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


@cache
def translations(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    """The language of a request: the switch's choice, then the browser's, then French."""
    if cookie in LANGUAGES:
        return str(cookie)
    wanted = []
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag:
            wanted.append((quality, tag.replace("_", "-")))
    preferred = [tag for _, tag in sorted(wanted, key=lambda item: -item[0])]
    found = Locale.negotiate(preferred, list(LANGUAGES), sep="-") if preferred else None
    return str(found) if found else DEFAULT


@dataclass(frozen=True)
class Translator:
    """Everything a page needs to speak one language."""

    language: str

    @property
    def _t(self) -> gettext.NullTranslations:
        return translations(self.language)

    def gettext(self, message: str, **values: Any) -> str:
        text = self._t.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        text = self._t.ngettext(singular, plural, n)
        return text % ({"num": n} | values)

    def date(self, value: dt.date | dt.datetime | None) -> str:
        if value is None:
            return "—"
        if isinstance(value, dt.datetime):
            aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
            return dates.format_datetime(
                aware, "d MMM y, HH:mm", tzinfo=PARIS, locale=self.language
            )
        return dates.format_date(value, "long", locale=self.language)

    def number(self, value: float | int | None) -> str:
        if value is None:
            return "—"
        return numbers.format_decimal(value, locale=self.language)

    def percent(self, value: float | None) -> str:
        if value is None:
            return "—"
        return numbers.format_percent(value, locale=self.language)
