"""What values look like: names, addresses, dates, sentences, numbers stored as floats.

Pure predicates used by the column classifier; no Presidio, no spaCy.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from decimal import Decimal

from registre.scanners.detection import validators
from registre.scanners.detection.config import normalize_words

_LETTER = "A-Za-zÀ-ÖØ-öø-ÿ"
_WORD = rf"[{_LETTER}][{_LETTER}'’.\-]*"
# "LEBRUN Anne-Sophie", "Mme Claire Roux", "Jean, Pierre, Marie" (several first names),
# "Brest (Finistère)" (a place of birth with its département)
_NAME_SHAPE = re.compile(rf"{_WORD}(?:,? {_WORD}){{0,4}}(?: \({_WORD}(?: {_WORD}){{0,3}}\))?")
_STREET = re.compile(
    r"\b(rue|avenue|av|boulevard|bd|place|chemin|allee|impasse|route|quai|cours|square|"
    r"voie|sentier|passage|rond point|esplanade|lotissement|residence|hameau|lieu dit|"
    r"street|st|road|rd|lane|drive)\b"
)
POSTAL_CODE = re.compile(r"(?:\d{5}|2[AB]\d{3})")
_POSTAL_IN_TEXT = re.compile(r"\b\d{5}\b")
# Dates as administrations write them: ISO, day first with any separator and unpadded
# (9/6/1952, 09.06.1952), compact (19880301 or 01031988), year-month (1965-03).
_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_COMPACT = re.compile(r"\d{8}")
_YEAR_MONTH = re.compile(r"(\d{4})-(\d{2})|(\d{2})/(\d{4})")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}.*")
_INTEGER = re.compile(r"-?\d{1,13}")
_MIN_YEAR, _MAX_YEAR = 1880, 2100
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's serial 1 is 1900-01-01 (with its 1900 bug)
_SENTENCE = re.compile(r"[a-zà-öø-ÿ0-9)»][.!?…]$")
_MIN_SENTENCE_SHARE = 0.6


def integral_text(number: float | Decimal) -> str | None:
    """``185057800608491.0`` -> ``"185057800608491"``; None for 1.5, NaN, infinities."""
    try:
        if not math.isfinite(number) or number != int(number):
            return None
        return str(int(number))
    except (ValueError, ArithmeticError):
        return None


def bare_phone_allowed(value: str) -> bool:
    return validators.is_phone_fr(value, allow_missing_trunk_zero=True)


def is_name_shaped(value: str) -> bool:
    letters = sum(c.isalpha() for c in value)
    return letters >= 2 and bool(_NAME_SHAPE.fullmatch(value))


def mostly_sentences(values: Sequence[str]) -> bool:
    """Short notes ("Dossier clos.", "RDV pris avec Mme Durand le 03/02/2025.") are free
    text even when they average fewer words than ``free_text.min_average_words``: most
    values are sentences of three or more words ending with a full stop after a
    lower-case letter or a digit ("Durand SARL" or "Dupont S.A." are not)."""
    sentences = sum(1 for v in values if _SENTENCE.search(v) and len(v.split()) >= 3)
    return sentences >= _MIN_SENTENCE_SHARE * len(values)


def is_full_name(span: str) -> bool:
    """In sentences the small French model tags capitalised words ("Hasard", a sentence
    start) as PER: a mention counts only as two or more capitalised words."""
    words = [w for w in re.split(r"[\s]+", span) if w]
    return len(words) >= 2 and all(w[0].isupper() for w in words)


def is_address(value: str) -> bool:
    words = normalize_words(value)
    has_street = bool(_STREET.search(words)) and any(c.isdigit() for c in value)
    has_postal_city = bool(_POSTAL_IN_TEXT.search(value)) and sum(c.isalpha() for c in value) >= 3
    return has_street or has_postal_city


def short_postal(value: str) -> bool:
    """A postal code stored as an integer loses its leading zero: 1000 for 01000."""
    return len(value) == 4 and value.isdigit() and value[0] != "0"


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        parsed = dt.date(year, month, day)
    except ValueError:
        return None
    return parsed if _MIN_YEAR <= parsed.year <= _MAX_YEAR else None


def parse_date(value: str) -> dt.date | None:
    """A calendar date written as a date (see the shapes above), or None.

    Timestamps with a time and a time zone (``2024-03-01T10:00:00+01:00``) go through
    python-dateutil's ISO parser. Bare numbers (epoch seconds, Excel serials) are *not*
    dates here: see :func:`parse_numeric_date`, used only where the column name says
    the values are birth dates.
    """
    text = value.strip()
    if _TIMESTAMP.fullmatch(text):
        from dateutil.parser import isoparse

        try:
            stamp = isoparse(text)
        except (ValueError, OverflowError):
            return None
        return _date(stamp.year, stamp.month, stamp.day)
    if match := _ISO_DATE.fullmatch(text):
        return _date(int(match[1]), int(match[2]), int(match[3]))
    if match := _DAY_FIRST.fullmatch(text):
        return _date(int(match[3]), int(match[2]), int(match[1]))
    if _COMPACT.fullmatch(text):
        # YYYYMMDD first (sorts, the common export); DDMMYYYY when that is no date
        return _date(int(text[:4]), int(text[4:6]), int(text[6:])) or _date(
            int(text[4:]), int(text[2:4]), int(text[:2])
        )
    if match := _YEAR_MONTH.fullmatch(text):
        year, month = (match[1], match[2]) if match[1] else (match[4], match[3])
        return _date(int(year), int(month), 1)
    return None


def parse_numeric_date(value: str) -> dt.date | None:
    """An integer read as a date: epoch milliseconds or seconds (negative before 1970),
    or an Excel serial day number; None when no reading lands between 1880 and 2100.

    Any integer is *some* epoch second, so this is only asked of columns whose name
    says they hold birth dates; digits that already read as a date
    (:func:`parse_date`, ``19880301``) are not numbers here.
    """
    text = value.strip()
    if not _INTEGER.fullmatch(text) or parse_date(text) is not None:
        return None
    number = int(text)
    if _MIN_YEAR <= number <= _MAX_YEAR:
        return None  # a year (of birth): not a full date
    if 1 <= number <= 80_000:  # Excel: 1900-01-01 .. 2119
        return _EXCEL_EPOCH + dt.timedelta(days=number)
    for divisor in (1000, 1):  # milliseconds first: 13-digit values are never seconds here
        if abs(number) >= 10**11 and divisor == 1:
            continue
        try:
            stamp = _EPOCH + dt.timedelta(seconds=number / divisor)
        except OverflowError:
            continue
        if _MIN_YEAR <= stamp.year <= _MAX_YEAR and (divisor == 1 or abs(number) >= 10**10):
            return stamp.date()
    return None
