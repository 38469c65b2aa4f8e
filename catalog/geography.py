"""Where a country stands for data protection: inside the EU/EEA or not.

GDPR Chapter V (Art. 44-46) applies to transfers to any country outside the European
Economic Area; the list is kept here once so that the exposure views and the compliance
rules agree on it. Countries are ISO 3166-1 alpha-2 codes, as the register stores them.
"""

from __future__ import annotations

#: the 27 member states of the European Union
EU_MEMBER_STATES: frozenset[str] = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip

#: the EFTA states of the European Economic Area, bound by the GDPR through the EEA agreement
EEA_EFTA_STATES: frozenset[str] = frozenset({"IS", "LI", "NO"})

#: where personal data may go without a Chapter V transfer mechanism. "EL" is how EU
#: documents write Greece; a register filled from them may hold it instead of ISO "GR".
EU_EEA: frozenset[str] = EU_MEMBER_STATES | EEA_EFTA_STATES | {"EL"}


def in_eu_eea(country: str | None) -> bool | None:
    """True inside the EU/EEA, False outside, None when the country is not recorded."""
    if not country:
        return None
    return country.strip().upper() in EU_EEA
