"""Cheap, pure validators: a shape regex plus a checksum, one function per entity.

These are the first line of the column classifier (no NLP, no Presidio overhead)
and the ``validate_result`` of the Presidio recognizers in
:mod:`registre.scanners.detection.recognizers`, so both paths agree on what a valid value is.
Only light libraries are imported here (python-stdnum, phonenumbers, tldextract).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

import phonenumbers
from stdnum import iban, luhn
from stdnum.fr import nif, nir, siren, siret, tva

if TYPE_CHECKING:
    import tldextract

# Separators people put inside identifiers: "1 85 05 78 006 084 36", "732-829-320".
_SEPARATORS = re.compile(r"[\s.\-/]")
_NIR_SHAPE = re.compile(r"[1-478]\d{4}(?:\d{2}|2[AB])\d{8}")
_PASSPORT_SHAPE = re.compile(r"\d{2}[A-Z]{2}\d{5}")
_IBAN_SHAPE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
_EMAIL_SHAPE = re.compile(r"[\w.+'\-]+@[\w\-]+(?:\.[\w\-]+)+")
_PHONE_SHAPE = re.compile(r"\+?[\d\s.\-()/]{8,22}")
# IIN prefixes of the card networks (Visa, Mastercard, Amex, Discover, JCB, Diners,
# Maestro; CB cards are co-badged Visa/Mastercard), 13 to 19 digits, then Luhn. A
# 14-digit SIRET may pass too: the classifier prefers SIRET on equal coverage.
_CARD_SHAPE = re.compile(r"(?:4|5[0-5]|2[2-7]|3[0-8]|6)\d{12,18}")


def compact(value: str) -> str:
    """``value`` without the separators people write inside identifiers, upper-cased."""
    return _SEPARATORS.sub("", value).upper()


def is_nir(value: str) -> bool:
    """French social security number (NIR): 15 characters, key = 97 - (n mod 97)."""
    number = compact(value)
    return bool(_NIR_SHAPE.fullmatch(number)) and nir.is_valid(number)


def is_siren(value: str) -> bool:
    """SIREN: 9 digits, Luhn."""
    number = compact(value)
    return len(number) == 9 and number.isdigit() and siren.is_valid(number)


def is_siret(value: str) -> bool:
    """SIRET: 14 digits, Luhn (La Poste exception handled by python-stdnum)."""
    number = compact(value)
    return len(number) == 14 and number.isdigit() and siret.is_valid(number)


def is_nif(value: str) -> bool:
    """Numéro fiscal (SPI): 13 digits, first 0-3, last 3 = first 10 mod 511."""
    number = compact(value)
    return len(number) == 13 and number.isdigit() and nif.is_valid(number)


def is_tva(value: str) -> bool:
    """French intracommunity VAT number: FR + 2-character key + SIREN (python-stdnum)."""
    number = compact(value)
    return number.startswith("FR") and len(number) == 13 and tva.is_valid(number)


# SIV (since 2009): AA-123-AA, letters without I, O, U; never "SS" nor "WW" + "000".
_SIV = re.compile(r"([A-HJ-NP-TV-Z]{2})[- ]?(\d{3})[- ]?([A-HJ-NP-TV-Z]{2})")
# FNI (before 2009): 1 to 4 digits, 1 to 3 letters, the département; written with
# spaces or dashes (without them, any product code "12AB34" would pass).
_FNI = re.compile(r"\d{1,4}[- ][A-Z]{1,3}[- ](?:\d{2}|2[AB]|97[1-6])")


def is_vehicle_plate(value: str) -> bool:
    """French vehicle registration plate, SIV (``AB-123-CD``) or FNI (``123 ABC 75``)."""
    text = value.strip().upper()
    match = _SIV.fullmatch(text)
    if match:
        return match[1] != "SS" and match[2] != "000"
    return bool(_FNI.fullmatch(text))


_USERNAME = re.compile(r"@?[\w][\w.\-]{1,59}")


def is_username(value: str) -> bool:
    """A login or handle shape (``jdupont``, ``@jdupont``, ``j.dupont-2``): one token with
    a letter. Any word has this shape: the classifier asks it only of columns whose name
    says logins or handles."""
    text = value.strip()
    return (
        bool(_USERNAME.fullmatch(text)) and any(c.isalpha() for c in text) and "@" not in text[1:]
    )


def is_passport(value: str) -> bool:
    """French passport number shape (no checksum exists): 2 digits, 2 letters, 5 digits."""
    return bool(_PASSPORT_SHAPE.fullmatch(value.strip().upper()))


def is_iban(value: str) -> bool:
    """IBAN: ISO 13616 mod 97 plus the country's BBAN format."""
    number = compact(value)
    return bool(_IBAN_SHAPE.fullmatch(number)) and iban.is_valid(number)


def is_credit_card(value: str) -> bool:
    """Payment card number: a known network prefix, 15/16/19 digits, Luhn."""
    number = compact(value)
    return bool(_CARD_SHAPE.fullmatch(number)) and luhn.is_valid(number)


def is_email(value: str) -> bool:
    """E-mail address whose domain ends in a known public suffix (offline check)."""
    text = value.strip()
    if not _EMAIL_SHAPE.fullmatch(text):
        return False
    return offline_tld_extractor()(text.rpartition("@")[2]).suffix != ""


#: metropolitan France first, then the overseas departments and collectivities
FRENCH_PHONE_REGIONS = ("FR", "RE", "GP", "MQ", "GF", "YT", "PM")


def is_phone_fr(value: str, allow_missing_trunk_zero: bool = False) -> bool:
    """French phone number (metropolitan or overseas), written with its 0 or +/00 prefix.

    A bare 9-digit number ("612345678", a phone stored as an integer) is a valid
    French number to phonenumbers, but so is almost every SIREN; it is accepted
    only when the caller knows from the column name that phones are expected.
    """
    text = value.strip()
    if not _PHONE_SHAPE.fullmatch(text):
        return False
    digits = re.sub(r"\D", "", text)
    if not text.startswith(("0", "+")):
        if not (allow_missing_trunk_zero and len(digits) == 9 and digits[0] != "0"):
            return False
        text = "0" + digits
    if not 9 <= len(digits) <= 15:
        return False
    # Overseas departments dial 0262..., 0590..., 0696... at home: the same national plan
    # as FR for a French administration, but phonenumbers files them under their own region.
    for region in FRENCH_PHONE_REGIONS:
        try:
            parsed = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            return False
        if phonenumbers.is_valid_number(parsed):
            return True
        if text.startswith("+"):
            return False  # an international number names its own country
    return False


def is_ip_address(value: str) -> bool:
    """IPv4 (dotted quad) or IPv6 address."""
    text = value.strip()
    if "." not in text and ":" not in text:
        return False
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1)
def offline_tld_extractor() -> tldextract.TLDExtract:
    """A tldextract instance that never touches the network nor the disk cache.

    tldextract's module-level ``extract`` (used by Presidio's EmailRecognizer)
    fetches the public suffix list over HTTP at first use; with no URL and no cache
    directory it reads only the snapshot bundled in the package.
    """
    import tldextract

    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


Validator = Callable[[str], bool]

#: Entity type -> full-value validator, in the order the classifier tries them.
VALIDATORS: dict[str, Validator] = {
    "FR_NIR": is_nir,
    "FR_SIRET": is_siret,
    "FR_SIREN": is_siren,
    "FR_NIF": is_nif,
    "IBAN_CODE": is_iban,
    "CREDIT_CARD": is_credit_card,
    "EMAIL_ADDRESS": is_email,
    "PHONE_NUMBER": is_phone_fr,
    "IP_ADDRESS": is_ip_address,
    "FR_PASSPORT": is_passport,
    "FR_TVA": is_tva,
    "FR_VEHICLE_PLATE": is_vehicle_plate,
}

#: Validators asked only of columns whose name prior names their entity: any word or
#: code has their shape, so they say nothing about a value on their own (the CSV
#: header sniffer, for one, must not read "nom" as a login).
NAME_GATED: dict[str, Validator] = {"USERNAME": is_username}
