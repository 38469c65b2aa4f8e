"""French phone numbers of the overseas departments count as French phone numbers."""

from __future__ import annotations

import pytest

from registre.scanners.detection.validators import is_phone_fr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("06 12 34 56 78", True),
        ("02 62 12 34 56", True),  # La Réunion, landline
        ("0692 12 34 56", True),  # La Réunion, mobile
        ("05 90 12 34 56", True),  # Guadeloupe
        ("0696 12 34 56", True),  # Martinique
        ("+262 692 12 34 56", True),
        ("+44 20 7946 0958", True),  # written internationally, any valid number counts
        ("+999 12 34 56 78", False),  # no such country code
        ("00 00 00 00 00", False),
        ("0612-345-678X", False),
    ],
)
def test_french_numbers_include_overseas(value: str, expected: bool) -> None:
    assert is_phone_fr(value) is expected
