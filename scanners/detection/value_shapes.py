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
_NAME_SHAPE = re.compile(rf"[{_LETTER}][{_LETTER}'’.\-]*(?: [{_LETTER}][{_LETTER}'’.\-]*){{0,3}}")
_STREET = re.compile(
    r"\b(rue|avenue|av|boulevard|bd|place|chemin|allee|impasse|route|quai|cours|square|"
    r"voie|sentier|passage|rond point|esplanade|lotissement|residence|hameau|lieu dit|"
    r"street|st|road|rd|lane|drive)\b"
)
POSTAL_CODE = re.compile(r"(?:\d{5}|2[AB]\d{3})")
_POSTAL_IN_TEXT = re.compile(r"\b\d{5}\b")
_DATE_SHAPES = (
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?"), (1, 2, 3)),
    (re.compile(r"(\d{2})/(\d{2})/(\d{4})"), (3, 2, 1)),
    (re.compile(r"(\d{2})-(\d{2})-(\d{4})"), (3, 2, 1)),
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), (1, 2, 3)),
)
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


def parse_date(value: str) -> dt.date | None:
    for pattern, (y, m, d) in _DATE_SHAPES:
        match = pattern.fullmatch(value)
        if match:
            try:
                parsed = dt.date(int(match.group(y)), int(match.group(m)), int(match.group(d)))
            except ValueError:
                return None
            return parsed if 1880 <= parsed.year <= 2100 else None
    return None
