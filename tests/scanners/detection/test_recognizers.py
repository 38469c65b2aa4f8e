"""Table tests per recognizer: valid numbers, bad checksums, look-alikes.

The validators are checked directly (fast), then the same tables through the
Presidio recognizers on a real French AnalyzerEngine (loaded once per module).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from stdnum import luhn
from stdnum.fr import nif, nir

from registre.scanners.detection import validators


def _nir(base13: str) -> str:
    return base13 + nir.calc_check_digits(base13)


def _luhn(prefix: str) -> str:
    return prefix + luhn.calc_check_digit(prefix)


def _nif(base10: str) -> str:
    return base10 + nif.calc_check_digits(base10)


def _bad_last(number: str) -> str:
    """Same number with its last digit changed: a checksum failure."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)


NIR_OK = _nir("1850578006084")
NIR_CORSE = _nir("285052A006084")
SIREN_OK = "732829320"
SIRET_OK = "73282932000074"
NIF_OK = _nif("0701987765")

CASES: list[tuple[str, str, bool]] = [
    # FR_NIR
    ("FR_NIR", NIR_OK, True),
    (
        "FR_NIR",
        f"{NIR_OK[0]} {NIR_OK[1:3]} {NIR_OK[3:5]} {NIR_OK[5:7]} {NIR_OK[7:10]} "
        f"{NIR_OK[10:13]} {NIR_OK[13:]}",
        True,
    ),
    ("FR_NIR", NIR_CORSE, True),
    ("FR_NIR", _bad_last(NIR_OK), False),
    ("FR_NIR", "185057800608436", False),  # the documentation example: wrong key
    ("FR_NIR", "5" + NIR_OK[1:], False),  # sex digit 5 does not exist
    ("FR_NIR", NIR_OK[:-1], False),
    # FR_SIREN
    ("FR_SIREN", SIREN_OK, True),
    ("FR_SIREN", "732 829 320", True),
    ("FR_SIREN", _bad_last(SIREN_OK), False),
    ("FR_SIREN", "73282932", False),
    # FR_SIRET
    ("FR_SIRET", SIRET_OK, True),
    ("FR_SIRET", "732 829 320 00074", True),
    ("FR_SIRET", "35600000000048", True),  # La Poste head office
    ("FR_SIRET", _bad_last(SIRET_OK), False),
    ("FR_SIRET", "12345678901234", False),  # a 14-digit order number failing Luhn
    # FR_NIF
    ("FR_NIF", NIF_OK, True),
    ("FR_NIF", _bad_last(NIF_OK), False),
    ("FR_NIF", "5" + NIF_OK[1:], False),  # first digit must be 0-3
    # FR_PASSPORT (shape only)
    ("FR_PASSPORT", "12AB34567", True),
    ("FR_PASSPORT", "12ab34567", True),
    ("FR_PASSPORT", "1AB234567", False),
    ("FR_PASSPORT", "12AB3456", False),
    # IBAN_CODE
    ("IBAN_CODE", "FR7630006000011234567890189", True),
    ("IBAN_CODE", "FR76 3000 6000 0112 3456 7890 189", True),
    ("IBAN_CODE", "DE89370400440532013000", True),
    ("IBAN_CODE", "FR7630006000011234567890188", False),
    ("IBAN_CODE", "FR76300060000112345678", False),
    # CREDIT_CARD
    ("CREDIT_CARD", "4970 1012 3456 7890"[:0] + _luhn("497010123456789"), True),
    ("CREDIT_CARD", _luhn("537565123456789"), True),
    ("CREDIT_CARD", _bad_last(_luhn("497010123456789")), False),
    ("CREDIT_CARD", _luhn("999999999999999"), False),  # no network prefix
    # EMAIL_ADDRESS
    ("EMAIL_ADDRESS", "jean.dupont@ille.gouv.fr", True),
    ("EMAIL_ADDRESS", "marie+test@exemple.fr", True),
    ("EMAIL_ADDRESS", "jean.dupont@localhost", False),
    ("EMAIL_ADDRESS", "jean.dupont@exemple.invalidtld", False),
    ("EMAIL_ADDRESS", "jean.dupont.ille.gouv.fr", False),
    # PHONE_NUMBER (region FR)
    ("PHONE_NUMBER", "06 12 34 56 78", True),
    ("PHONE_NUMBER", "+33 6 12 34 56 78", True),
    ("PHONE_NUMBER", "01.40.20.50.50", True),
    ("PHONE_NUMBER", "0033140205050", True),
    ("PHONE_NUMBER", "75001", False),  # a postal code
    ("PHONE_NUMBER", "850", False),  # a quotient familial
    ("PHONE_NUMBER", "612345678", False),  # bare 9 digits: only with a phone column name
    ("PHONE_NUMBER", "06 12 34 56", False),
    # IP_ADDRESS
    ("IP_ADDRESS", "192.168.1.20", True),
    ("IP_ADDRESS", "2001:db8::1", True),
    ("IP_ADDRESS", "256.1.1.1", False),
    ("IP_ADDRESS", "1.2.3", False),
]


@pytest.mark.parametrize(("entity", "value", "expected"), CASES)
def test_validator(entity: str, value: str, expected: bool) -> None:
    assert validators.VALIDATORS[entity](value) is expected


def test_bare_nine_digit_phone_needs_the_column_name() -> None:
    assert validators.is_phone_fr("612345678", allow_missing_trunk_zero=True)
    assert not validators.is_phone_fr("012345678", allow_missing_trunk_zero=True)


# Entities whose Presidio recognizer validates with a checksum: a valid value must be
# found in a sentence, an invalid one must not (at a reasonable score).
PRESIDIO_ENTITIES = {
    "FR_NIR",
    "FR_SIREN",
    "FR_SIRET",
    "FR_NIF",
    "IBAN_CODE",
    "CREDIT_CARD",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "IP_ADDRESS",
}


@pytest.fixture(scope="module")
def offline() -> Iterator[None]:
    """Any attempt to open a network connection while the engine loads/runs fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    original = socket.socket.connect
    socket.socket.connect = refuse  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.socket.connect = original  # type: ignore[method-assign]


@pytest.fixture(scope="module")
def analyzer(offline: None) -> object:
    from registre.scanners.detection.analyzer import get_analyzer

    return get_analyzer()


@pytest.mark.parametrize(
    ("entity", "value", "expected"),
    [case for case in CASES if case[0] in PRESIDIO_ENTITIES],
)
def test_presidio_recognizer(analyzer: object, entity: str, value: str, expected: bool) -> None:
    from registre.scanners.detection.analyzer import analyze_texts

    text = f"Dossier à traiter : {value} merci"
    results = analyze_texts([text], entities=[entity])[0]
    found = any(
        r.entity_type == entity
        and r.score >= 0.5
        and value.strip() in text[r.start : r.end]
        or r.entity_type == entity
        and r.score >= 0.5
        and text[r.start : r.end] in value
        for r in results
    )
    assert found is expected, [(r.entity_type, r.score, text[r.start : r.end]) for r in results]


def test_passport_needs_context(analyzer: object) -> None:
    from registre.scanners.detection.analyzer import analyze_texts

    with_context, without = analyze_texts(
        ["numéro de passeport 12AB34567", "référence 12AB34567"], entities=["FR_PASSPORT"]
    )
    assert max(r.score for r in with_context) > max((r.score for r in without), default=0)


def test_french_registry_covers_generic_entities(analyzer: object) -> None:
    from registre.scanners.detection.analyzer import LANGUAGE

    registry = analyzer.registry  # type: ignore[attr-defined]
    entities = set(registry.get_supported_entities(languages=[LANGUAGE]))
    expected = {
        "FR_NIR",
        "FR_SIREN",
        "FR_SIRET",
        "FR_NIF",
        "FR_PASSPORT",
        "PHONE_NUMBER",
        "EMAIL_ADDRESS",
        "CREDIT_CARD",
        "IBAN_CODE",
        "IP_ADDRESS",
        "PERSON",
        "LOCATION",
    }
    assert expected <= entities


def test_engine_is_cached(analyzer: object) -> None:
    from registre.scanners.detection.analyzer import get_analyzer

    assert get_analyzer() is analyzer
