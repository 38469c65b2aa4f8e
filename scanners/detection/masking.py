"""Masked examples for findings: the shape of a value, never the value.

A steward reviewing "this column holds NIRs" needs to see that the values look
like ``1 85 ** ** *** *** 36``, not a citizen's number. Every mask hides most
characters, keeps the layout (separators, length class), and is built so that the
raw value cannot be recovered; a value longer than 3 characters never comes back
unchanged (:func:`mask_value` enforces it as a last guard).
"""

from __future__ import annotations

import re
from collections.abc import Callable

_DIGIT_OR_LETTER = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿ]")
# Second-level labels under which French/common registries hand out names:
# "ille.gouv.fr" keeps "gouv.fr", "ville.fr" keeps "fr".
_SECOND_LEVEL = {
    "gouv",
    "asso",
    "nom",
    "presse",
    "tm",
    "com",
    "co",
    "org",
    "net",
    "ac",
    "gov",
    "edu",
}


def _mask_keeping(value: str, keep_start: int, keep_end: int) -> str:
    """Replace letters/digits by ``*`` except the first/last ``keep_*`` of them."""
    positions = [m.start() for m in _DIGIT_OR_LETTER.finditer(value)]
    hidden = set(positions[keep_start : len(positions) - keep_end])
    return "".join("*" if i in hidden else c for i, c in enumerate(value))


def mask_nir(value: str) -> str:
    """``185057800608436`` -> ``1 85 ** ** *** *** 36``: sex, birth year and key only."""
    compact = re.sub(r"[\s.\-]", "", value).upper()
    if len(compact) != 15:
        return mask_generic(value)
    return f"{compact[0]} {compact[1:3]} ** ** *** *** {compact[13:]}"


def mask_email(value: str) -> str:
    """``jean.dupont@ille.gouv.fr`` -> ``j***@i*****.gouv.fr``.

    Fixed-width stars, so lengths do not leak; the public-suffix-like tail is kept.
    """
    local, at, domain = value.strip().rpartition("@")
    if not at or not local or not domain:
        return mask_generic(value)
    labels = domain.split(".")
    keep = 1
    if len(labels) >= 3 and labels[-2].lower() in _SECOND_LEVEL:
        keep = 2
    if len(labels) <= keep:
        return f"{local[0]}***@{domain[0]}*****"
    suffix = ".".join(labels[-keep:])
    return f"{local[0]}***@{domain[0]}*****.{suffix}"


def mask_iban(value: str) -> str:
    """``FR76 3000 6000 0112 3456 7890 189`` -> ``FR76 **** ... ***89``: country, key, last 2."""
    compact = re.sub(r"\s", "", value).upper()
    if len(compact) < 8:
        return mask_generic(value)
    masked = compact[:4] + "*" * (len(compact) - 6) + compact[-2:]
    return " ".join(masked[i : i + 4] for i in range(0, len(masked), 4))


def mask_phone(value: str) -> str:
    """``06 12 34 56 78`` -> ``06 ** ** ** 78``: first 2 and last 2 digits, layout kept."""
    return _mask_keeping(value.strip(), 2, 2)


def mask_card(value: str) -> str:
    """Payment card: only the last 4 digits, as on a receipt (PCI DSS)."""
    return _mask_keeping(value.strip(), 0, 4)


def mask_identifier(value: str) -> str:
    """SIREN, SIRET, NIF, passport: first 2 and last 2 characters."""
    return _mask_keeping(value.strip(), 2, 2)


def mask_ip(value: str) -> str:
    """``192.168.12.7`` -> ``192.*.*.*``; IPv6 keeps its first group."""
    text = value.strip()
    if "." in text and ":" not in text:
        first, *rest = text.split(".")
        return ".".join([first] + ["*"] * len(rest))
    groups = text.split(":")
    return ":".join([groups[0]] + ["*" if g else "" for g in groups[1:]])


def mask_name(value: str) -> str:
    """``Jean-Pierre Dupont`` -> ``J*** D***``: an initial per word."""
    words = [w for w in re.split(r"[\s\-']+", value.strip()) if w]
    if not words:
        return "***"
    return " ".join(f"{w[0]}***" for w in words[:4])


_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


def mask_date(value: str) -> str:
    """The century only, wherever the year stands: ``1985-05-12`` -> ``19**-**-**``,
    ``12/05/1985`` -> ``**/**/19**``; a date whose year cannot be found shows no digit."""
    text = value.strip()
    year = _YEAR.search(text)
    keep = range(year.start(), year.start() + 2) if year else range(0)
    return "".join(char if i in keep or not char.isalnum() else "*" for i, char in enumerate(text))


def mask_free_text(value: str) -> str:
    """A sentence: its first three words as initials and its length."""
    words = value.split()
    head = " ".join(f"{w[0]}***" for w in words[:3])
    return f"{head} … ({len(value)} car.)"


def mask_generic(value: str) -> str:
    """Anything else: first character (when long enough) and layout kept, the rest starred."""
    text = value.strip()
    if len(text) <= 3:
        return "***"
    keep_start = 1 if len(text) >= 6 else 0
    return _mask_keeping(text, keep_start, 0)


_MASKERS: dict[str, Callable[[str], str]] = {
    "FR_NIR": mask_nir,
    "EMAIL_ADDRESS": mask_email,
    "IBAN_CODE": mask_iban,
    "PHONE_NUMBER": mask_phone,
    "CREDIT_CARD": mask_card,
    "FR_SIREN": mask_identifier,
    "FR_SIRET": mask_identifier,
    "FR_NIF": mask_identifier,
    "FR_PASSPORT": mask_identifier,
    "IP_ADDRESS": mask_ip,
    "PERSON": mask_name,
    "DATE_OF_BIRTH": mask_date,
    "FREE_TEXT": mask_free_text,
}


def mask_value(value: object, entity_type: str | None = None) -> str:
    """Mask ``value`` for display as evidence of ``entity_type`` (generic when unknown).

    Guarantees: the result never equals the raw text of a value longer than 3
    characters, and holds at most a few of its characters.
    """
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    masker = _MASKERS.get(entity_type or "", mask_name if entity_type else mask_generic)
    try:
        masked = masker(text)
    except (IndexError, ValueError):
        masked = mask_generic(text)
    if len(text.strip()) > 3 and masked in (text, text.strip()):
        # Last guard (e.g. a value made only of separators or stars).
        masked = "*" * (len(text.strip()) + 1)
    return masked
