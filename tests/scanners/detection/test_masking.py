"""Masked examples keep the shape and never give the value back."""

from __future__ import annotations

import datetime as dt

import pytest
from faker import Faker

from registre.scanners.detection.masking import mask_date, mask_value


@pytest.mark.parametrize(
    ("value", "entity", "expected"),
    [
        ("185057800608436", "FR_NIR", "1 85 ** ** *** *** 36"),
        ("1 85 05 78 006 084 36", "FR_NIR", "1 85 ** ** *** *** 36"),
        ("jean.dupont@ille.gouv.fr", "EMAIL_ADDRESS", "j***@i*****.gouv.fr"),
        ("a.b@gmail.com", "EMAIL_ADDRESS", "a***@g*****.com"),
        ("x@mairie.paris.fr", "EMAIL_ADDRESS", "x***@m*****.fr"),
        ("FR7630006000011234567890189", "IBAN_CODE", "FR76 **** **** **** **** **** *89"),
        ("06 12 34 56 78", "PHONE_NUMBER", "06 ** ** ** 78"),
        ("+33 6 12 34 56 78", "PHONE_NUMBER", "+33 * ** ** ** 78"),
        ("Jean-Pierre Dupont", "PERSON", "J*** P*** D***"),
        ("73282932000074", "FR_SIRET", "73**********74"),
        ("192.168.1.20", "IP_ADDRESS", "192.*.*.*"),
        ("1985-05-12", "DATE_OF_BIRTH", "19**-**-**"),
        ("4970101234567894", "CREDIT_CARD", "************7894"),
        ("diabète", "HEALTH", "d***"),
        ("abc", None, "***"),
    ],
)
def test_masks(value: str, entity: str | None, expected: str) -> None:
    assert mask_value(value, entity) == expected


def test_date_objects_are_masked() -> None:
    assert mask_value(dt.date(1985, 5, 12), "DATE_OF_BIRTH") == "19**-**-**"


ENTITIES = [
    None,
    "FR_NIR",
    "EMAIL_ADDRESS",
    "IBAN_CODE",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "FR_SIREN",
    "FR_SIRET",
    "FR_NIF",
    "FR_PASSPORT",
    "IP_ADDRESS",
    "PERSON",
    "LOCATION",
    "DATE_OF_BIRTH",
    "HEALTH",
    "FREE_TEXT",
]


@pytest.mark.parametrize("entity", ENTITIES)
def test_never_the_raw_value(entity: str | None) -> None:
    fake = Faker("fr_FR")
    Faker.seed(11)
    values = [
        fake.name(),
        fake.email(),
        fake.phone_number(),
        fake.iban(),
        fake.address(),
        fake.city(),
        fake.sentence(),
        "****",
        "a-b-",
        "12 34",
        "é",
        "",
        "    x  ",
        "1234",
        "abcdefghijklmnopqrstuvwxyz",
    ]
    for value in values:
        masked = mask_value(value, entity)
        if len(value.strip()) > 3:
            assert masked != value and masked != value.strip(), (entity, value, masked)
        # Long values: most of the characters are hidden.
        kept = sum(1 for c in masked if c.isalnum() and c in value)
        letters = sum(1 for c in value if c.isalnum())
        if letters >= 10 and entity not in ("EMAIL_ADDRESS", "FREE_TEXT", "IP_ADDRESS"):
            assert kept <= letters // 2, (entity, value, masked)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("1985-05-12", "19**-**-**"),
        ("12/05/1985", "**/**/19**"),  # French order: the day is hidden, not kept
        ("12 mai 1985", "** *** 19**"),
        ("19850512", "********"),  # no separable year: no digit shown
    ],
)
def test_dates_keep_the_century_only(value: str, masked: str) -> None:
    assert mask_date(value) == masked
