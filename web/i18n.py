"""Languages of the web interface: gettext catalogs compiled by Babel, French first.

The catalogs are the catalog's (:mod:`registre.catalog.i18n`, ``catalog/locale``): one set
for the pages, the compliance messages, the errors and the CLI. Message ids are English;
``locale/fr`` translates them. English is the ids themselves.
The language comes from the switch (a cookie), else the browser's ``Accept-Language``,
else French. Dates are shown in the language's own format, in Paris time.
"""

from __future__ import annotations

import datetime as dt
import gettext
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from babel import dates, numbers

from registre.catalog import i18n as catalog_i18n
from registre.catalog.i18n import LANGUAGES, N_, translations

__all__ = ["LANGUAGES", "N_", "Translator", "negotiate", "translations"]

DEFAULT = "fr"
LANG_COOKIE = "registre_lang"
PARIS = ZoneInfo("Europe/Paris")


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    """The language of a request: the switch's choice, then the browser's, then French."""
    return catalog_i18n.negotiate(accept_language, default=DEFAULT, choice=cookie)


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
