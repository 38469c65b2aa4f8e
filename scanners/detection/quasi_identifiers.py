"""Quasi-identifiers of a table of persons, and how unique its sampled records are on them.

A birth date, a postal code and a sex are not names, yet together they single most
people out (Sweeney: 87 % of the US population on date of birth, ZIP code and sex).
:func:`measure` finds the columns of a table of persons that are quasi-identifiers
(from their names and findings), counts on the sample how many records are unique on
their combination and the smallest group size (k, as in k-anonymity), and looks for the
smallest combination of at most three of them on which some records are unique.

Values are only hashed into group counts in memory: the result holds column names,
counts and shares, never a value. A sample overstates uniqueness (a record unique in
200 rows may have twins in the table): the measure is a signal for review.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from registre.catalog.data.harvested import ColumnFinding
from registre.scanners.detection.columns import PreparedColumn, SampledColumn

#: entity type and category of the finding a risky table gets (the publication gate
#: knows it: registre.catalog.publication.gate.REIDENTIFICATION_RISK)
REIDENTIFICATION_RISK = "REIDENTIFICATION_RISK"
#: the category of that finding (not one of config/detection.yaml's)
REIDENTIFICATION_CATEGORY = "REIDENTIFICATION"
#: at most this many quasi-identifiers in a combination that counts as a risk
MAX_COMBINATION = 3
#: fewer sampled records than this say nothing about uniqueness
MIN_RECORDS = 10

_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("birth", re.compile(r"\b(naissance|naiss|nais|birth|dob|ddn|ne le|age|annee naissance)\b")),
    ("place", re.compile(r"\b(code postal|cp|postal|zip|postcode|commune|ville|city|"
                         r"departement|dep|code insee|insee|iris|canton|residence)\b")),
    ("sex", re.compile(r"\b(sexe|sex|genre|gender|civilite|civ|civility)\b")),
    ("profession", re.compile(r"\b(profession|metier|emploi|job|csp|socio professionnelle|"
                              r"occupation|grade|qualification)\b")),
    ("nationality", re.compile(r"\b(nationalite|nationality|citizenship|pays naissance)\b")),
)  # fmt: skip
#: findings that make a column a direct identifier, not a quasi-identifier
_DIRECT = frozenset(
    {"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "FR_NIR", "FR_NIF", "IBAN_CODE", "CREDIT_CARD",
     "FR_PASSPORT", "USERNAME", "IP_ADDRESS", "FR_VEHICLE_PLATE"}
)  # fmt: skip


@dataclass(frozen=True)
class QuasiIdentifiers:
    """What the sample of a table of persons says about re-identification (no value)."""

    columns: tuple[str, ...]  # the quasi-identifier columns, in table order
    kinds: tuple[str, ...]  # birth, place, sex, profession, nationality (same order)
    records: int  # sampled records measured
    unique_share: float  # share of records unique on the combination of all of them
    k: int  # smallest group of records sharing one combination (k-anonymity)
    risky: tuple[str, ...] = ()  # smallest combination (<= 3) with unique records
    risky_unique_share: float = 0.0

    @property
    def at_risk(self) -> bool:
        return bool(self.risky)

    def as_dict(self) -> dict[str, object]:
        return {
            "columns": list(self.columns),
            "kinds": list(self.kinds),
            "records": self.records,
            "unique_share": self.unique_share,
            "k": self.k,
            "risky_combination": list(self.risky),
            "risky_unique_share": self.risky_unique_share,
        }


def _kind(column: PreparedColumn, found: Sequence[ColumnFinding]) -> str | None:
    entities = {f.entity_type for f in found if not f.free_text}
    if entities & _DIRECT:
        return None
    if "DATE_OF_BIRTH" in entities:
        return "birth"
    for kind, regex in _KINDS:
        if regex.search(column.words):
            return kind
    return None


def _key(value: object) -> object:
    if value is None:
        return None
    return str(value).strip().casefold() or None


def _uniques(rows: list[tuple[object, ...]]) -> tuple[int, int]:
    """Records unique on these columns, and the smallest group size."""
    groups = Counter(rows)
    return sum(1 for n in groups.values() if n == 1), min(groups.values())


def measure(
    columns: Sequence[SampledColumn],
    prepared: Sequence[PreparedColumn],
    findings: Mapping[str, Sequence[ColumnFinding]],
) -> QuasiIdentifiers | None:
    """The quasi-identifiers of a table of persons and their uniqueness on the sample;
    None when it has fewer than two of them or too few records."""
    picked = [
        (sampled, kind)
        for sampled, column in zip(columns, prepared, strict=True)
        if (kind := _kind(column, findings.get(column.name, ()))) is not None
    ]
    if len(picked) < 2:
        return None
    records = min(len(sampled.values) for sampled, _ in picked)
    if records < MIN_RECORDS:
        return None
    values = [[_key(v) for v in sampled.values[:records]] for sampled, _ in picked]
    rows = list(zip(*values, strict=True))
    unique, k = _uniques(rows)
    risky: tuple[str, ...] = ()
    risky_unique = 0
    for size in range(1, min(MAX_COMBINATION, len(picked)) + 1):
        for combo in combinations(range(len(picked)), size):
            count, _ = _uniques([tuple(row[i] for i in combo) for row in rows])
            if count > risky_unique:
                risky, risky_unique = tuple(picked[i][0].name for i in combo), count
        if risky:
            break  # the smallest size with unique records
    del rows, values  # the values leave memory here
    return QuasiIdentifiers(
        columns=tuple(sampled.name for sampled, _ in picked),
        kinds=tuple(kind for _, kind in picked),
        records=records,
        unique_share=round(unique / records, 3),
        k=k,
        risky=risky,
        risky_unique_share=round(risky_unique / records, 3),
    )


def risk_finding(report: QuasiIdentifiers) -> ColumnFinding:
    """The finding a table whose sample has records unique on <= 3 quasi-identifiers gets,
    on the first column of that combination, for review."""
    shown = ", ".join(f"'{c}'" for c in report.risky)
    return ColumnFinding(
        entity_type=REIDENTIFICATION_RISK,
        category=REIDENTIFICATION_CATEGORY,
        score=round(min(0.95, 0.6 + 0.35 * report.risky_unique_share), 3),
        coverage=report.risky_unique_share,
        distinct_sampled=report.records,
        recognizer="QuasiIdentifierUniqueness",
        name_signal=None,
        masked_example=None,
        reasons=(
            f"{report.risky_unique_share:.0%} of {report.records} sampled records are unique "
            f"on {len(report.risky)} quasi-identifier(s): {shown}",
            f"quasi-identifiers of the table: {', '.join(report.columns)}; on all of them "
            f"{report.unique_share:.0%} of the records are unique, smallest group k = {report.k}",
            "a sample overstates uniqueness: review whether the table can be linked to "
            "persons (GDPR recital 26) before publishing or sharing it",
        ),
    )
