"""The column classifier: sampled values of a table in, per-column findings out.

Pure functions over values (no database). Per column, cheapest first:

1. prepare (:mod:`~registre.scanners.detection.columns`): datatype gating, distinct
   non-empty values (cut at ``max_value_length``), boolean-like columns
   (``email_verifie`` holding 0/1) left out of value analysis;
2. column-name priors (FR+EN regexes) minus negative patterns (``nom_fichier``);
3. Art. 9 / Art. 10 special categories from the name and a value vocabulary
   (:mod:`~registre.scanners.detection.special_categories`);
4. checksum/shape validators run directly on every distinct value (no Presidio
   overhead), the decision made from *coverage over distinct values* with the prior
   (:mod:`~registre.scanners.detection.decision`);
5. only for what is left: date of birth (birth name + date values), names and
   addresses from shape + prior, and Presidio (spaCy NER + recognizers) on residual
   name-like and free-text columns, all such columns of a table in one ``nlp.pipe``
   (:mod:`~registre.scanners.detection.ner_stage`).

A lone hit never labels a column; mentions inside free text are low-score
suggestions flagged ``free_text``. Findings hold counts, labels and masked
examples: never a raw value (``reasons`` are built from counts and rule labels only).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from registre.catalog.data.findings import LABEL_SCORE
from registre.catalog.data.harvested import ColumnFinding
from registre.scanners.detection import validators
from registre.scanners.detection.columns import (
    PendingColumn,
    PreparedColumn,
    SampledColumn,
    prepare_column,
)
from registre.scanners.detection.config import DetectionConfig, default_detection_config
from registre.scanners.detection.decision import decide, name_only, noisy_or
from registre.scanners.detection.ner_stage import PresidioStage
from registre.scanners.detection.quasi_identifiers import (
    QuasiIdentifiers,
    measure,
    risk_finding,
)
from registre.scanners.detection.special_categories import special_categories
from registre.scanners.detection.subject import (
    PERSONS,
    TableSubject,
    condition_findings,
    corrected_subject,
    infer_subject,
)
from registre.scanners.detection.value_shapes import (
    POSTAL_CODE,
    bare_phone_allowed,
    is_address,
    is_name_shaped,
    mostly_sentences,
    parse_date,
    parse_numeric_date,
    short_postal,
)

#: Which Presidio recognizer backs each validator (shown as evidence).
RECOGNIZER_NAMES = {
    "FR_NIR": "FrNirRecognizer",
    "FR_SIRET": "FrSiretRecognizer",
    "FR_SIREN": "FrSirenRecognizer",
    "FR_NIF": "FrNifRecognizer",
    "FR_PASSPORT": "FrPassportRecognizer",
    "IBAN_CODE": "IbanRecognizer",
    "CREDIT_CARD": "CreditCardRecognizer",
    "EMAIL_ADDRESS": "OfflineEmailRecognizer",
    "PHONE_NUMBER": "FrPhoneRecognizer",
    "IP_ADDRESS": "IpRecognizer",
    "FR_TVA": "FrTvaRecognizer",
    "FR_VEHICLE_PLATE": "FrVehiclePlateRecognizer",
    "USERNAME": "UsernameShape",
}

_GPS_NAME = re.compile(
    r"\b(latitude|longitude|lat|lon|lng|gps|coordonnees|coordonnees gps|geoloc|"
    r"geolocalisation|position)\b"
)
_LATITUDE = re.compile(r"\b(latitude|lat)\b")
_PAIR = re.compile(r"\b(gps|coordonnees|geoloc|geolocalisation|position)\b")

_PROBE = 32  # distinct values after which validators without any hit are dropped
_MAX_IDENTIFIER_LENGTH = 80  # no identifier checked here is longer (e-mails aside, rare)


class TableFindings(dict[str, list[ColumnFinding]]):
    """Findings per column name, the table's subject they were decided under and, for a
    table of persons, its quasi-identifiers measured on the sample."""

    def __init__(
        self,
        findings: dict[str, list[ColumnFinding]],
        subject: TableSubject,
        quasi_identifiers: QuasiIdentifiers | None = None,
    ) -> None:
        super().__init__(findings)
        self.subject = subject
        self.quasi_identifiers = quasi_identifiers


class Classifier:
    """Decides, per column, which kinds of personal data its sampled values hold.

    ``use_ner=False`` skips spaCy/Presidio entirely (names and addresses are then
    found only through column-name priors and value shapes).
    """

    def __init__(self, config: DetectionConfig | None = None, *, use_ner: bool = True) -> None:
        self.config = config or default_detection_config()
        self.use_ner = use_ner

    # -- public API -------------------------------------------------------------------

    def classify_table(
        self, table_name: str, columns: Sequence[SampledColumn], subject: str | None = None
    ) -> TableFindings:
        """Findings per column name (every column present, possibly with no finding).

        The table's subject is inferred first (:func:`infer_subject`) unless ``subject``
        gives a steward's correction; the findings are conditioned on it and the result
        carries it as ``.subject``.
        """
        prepared = [prepare_column(sampled, self.config) for sampled in columns]
        table_subject = corrected_subject(subject) if subject else infer_subject(prepared)
        results: dict[str, list[ColumnFinding]] = {}
        pending: list[PendingColumn] = []
        for column in prepared:
            findings, residual = self._classify_cheap(column)
            results[column.name] = findings
            if residual is not None:
                pending.append(residual)
        if pending:
            presidio = PresidioStage(self.config, self._decide)
            for item, found in zip(pending, presidio.run(table_name, pending), strict=True):
                results[item.column.name].extend(found)
        conditioned = condition_findings(
            table_subject, {c.name: c for c in prepared}, results, label_score=LABEL_SCORE
        )
        quasi = None
        if table_subject.subject == PERSONS:
            for sampled, column in zip(columns, prepared, strict=True):
                found = self._gps(sampled, column)
                if found:
                    conditioned[column.name].append(found)
            quasi = measure(columns, prepared, conditioned)
            if quasi is not None and quasi.at_risk:
                conditioned[quasi.risky[0]].append(risk_finding(quasi))
        return TableFindings(conditioned, table_subject, quasi)

    def classify_column(self, column: SampledColumn, table_name: str = "") -> list[ColumnFinding]:
        """Findings for one column (see :meth:`classify_table`)."""
        return self.classify_table(table_name, [column])[column.name]

    # -- cheap stages -----------------------------------------------------------------

    def _classify_cheap(
        self, column: PreparedColumn
    ) -> tuple[list[ColumnFinding], PendingColumn | None]:
        findings = special_categories(self.config, column)
        if not column.values:
            if column.non_null == 0 or column.family == "binary":
                findings.extend(name_only(self.config, column))
            return findings, None
        if column.family == "date" or column.date_like >= 0.8 * len(column.values):
            findings.extend(self._date_of_birth(column))
            return findings, None
        if "DATE_OF_BIRTH" in column.priors:
            # Epoch seconds/milliseconds and Excel serials: dates only where the name
            # says birth dates (any integer is some epoch second).
            numeric = self._date_of_birth(column, numeric=True)
            if numeric:
                findings.extend(numeric)
                return findings, None
        decided = self._validators(column)
        if decided:
            findings.append(decided)
            return findings, None
        words = sum(len(v.split()) for v in column.values) / len(column.values)
        if words >= self.config.free_text.min_average_words or mostly_sentences(column.values):
            # A full postal address ("Appartement 12, 4 bis avenue du Général de Gaulle,
            # 45000 Orléans") is as long as a sentence: with a name prior, the shape of
            # the values decides first, or an address column would only get a PERSON
            # suggestion for "Général de Gaulle" (measured: bench/quality.py).
            if column.priors.keys() & {"PERSON", "LOCATION"}:
                decided = self._names_and_places(column)
                if decided:
                    findings.append(decided)
                    return findings, None
            if not self.use_ner:
                return findings, None
            limit = self.config.free_text.max_values_analysed
            return findings, PendingColumn(column, column.values[:limit], free_text=True)
        decided = self._names_and_places(column)
        if decided:
            findings.append(decided)
            return findings, None
        if self.use_ner and self._worth_ner(column):
            limit = self.config.ner.max_values_analysed
            return findings, PendingColumn(column, column.values[:limit], free_text=False)
        return findings, None

    def _validators(self, column: PreparedColumn) -> ColumnFinding | None:
        """Every validator over the distinct values; the best passing entity wins.

        Early stop: a validator with no hit among the first ``_PROBE`` values is
        dropped for the rest of the column (with coverage thresholds of 0.3 and more,
        the chance of missing a real column that way is below 1e-4), so a column of
        names or sentences costs ``_PROBE`` values, not hundreds.
        """
        allow_bare_phone = "PHONE_NUMBER" in column.priors
        checks = {
            entity: (bare_phone_allowed if entity == "PHONE_NUMBER" and allow_bare_phone else check)
            for entity, check in validators.VALIDATORS.items()
            if not column.excludes(entity)
        }
        checks |= {
            entity: check
            for entity, check in validators.NAME_GATED.items()
            if entity in column.priors and not column.excludes(entity)
        }
        hits: dict[str, list[int]] = {}
        for index, value in enumerate(column.values):
            if index == _PROBE:
                checks = {entity: check for entity, check in checks.items() if entity in hits}
                if not checks:
                    break
            if len(value) > _MAX_IDENTIFIER_LENGTH and "@" not in value:
                continue
            for entity, check in checks.items():
                if check(value):
                    hits.setdefault(entity, []).append(index)
        best: ColumnFinding | None = None
        for entity, indexes in hits.items():
            finding = self._decide(column, entity, indexes, RECOGNIZER_NAMES[entity], "validated")
            if finding and (
                best is None or (finding.score, finding.coverage) > (best.score, best.coverage)
            ):
                best = finding
        return best

    def _decide(
        self,
        column: PreparedColumn,
        entity: str,
        indexes: Sequence[int],
        recognizer: str,
        how: str,
    ) -> ColumnFinding | None:
        """Coverage + prior under this classifier's rules (see :func:`decide`)."""
        return decide(self.config, column, entity, indexes, recognizer, how)

    def _date_of_birth(self, column: PreparedColumn, numeric: bool = False) -> list[ColumnFinding]:
        if "DATE_OF_BIRTH" not in column.priors:
            return []  # a date is personal data only when it says whose birth it is
        indexes = [
            i
            for i, v in enumerate(column.values)
            if parse_date(v) is not None or (numeric and parse_numeric_date(v) is not None)
        ]
        how = "date-typed column, parsed" if column.family == "date" else "parsed"
        if numeric:
            how = "read as epoch seconds/milliseconds or Excel serial days"
        finding = self._decide(column, "DATE_OF_BIRTH", indexes, "DateOfBirthRule", how)
        return [finding] if finding else []

    def _names_and_places(self, column: PreparedColumn) -> ColumnFinding | None:
        """PERSON / LOCATION from the column name and the shape of the values (no NLP)."""
        values = column.values
        name_shaped = [i for i, v in enumerate(values) if is_name_shaped(v)]
        addresses = [i for i, v in enumerate(values) if is_address(v)]
        postal = [i for i, v in enumerate(values) if POSTAL_CODE.fullmatch(v) or short_postal(v)]
        candidates: list[ColumnFinding] = []
        if "PERSON" in column.priors:
            found = self._decide(column, "PERSON", name_shaped, "ColumnNamePrior", "name-shaped")
            candidates += [found] if found else []
        if "LOCATION" in column.priors:
            place_like = sorted(set(name_shaped) | set(addresses) | set(postal))
            found = self._decide(column, "LOCATION", place_like, "ColumnNamePrior", "place-shaped")
            candidates += [found] if found else []
        elif not column.excludes("LOCATION"):
            found = self._decide(column, "LOCATION", addresses, "AddressShape", "address-shaped")
            candidates += [found] if found else []
        return max(candidates, key=lambda f: (f.score, f.coverage), default=None)

    def _gps(self, sampled: SampledColumn, column: PreparedColumn) -> ColumnFinding | None:
        """Latitude/longitude of a person (only asked in a table of persons): numbers in
        range under a coordinate name; no example is kept (a position is exact)."""
        if not _GPS_NAME.search(column.words):
            return None
        bound = 90.0 if _LATITUDE.search(column.words) else 180.0
        seen = in_range = 0
        for raw in sampled.values:
            if raw is None or isinstance(raw, bool):
                continue
            parts = str(raw).replace(";", ",").split(",") if _PAIR.search(column.words) else [raw]
            try:
                numbers = [float(p) for p in parts]
            except (TypeError, ValueError):
                seen += 1
                continue
            seen += 1
            in_range += all(-bound <= n <= bound for n in numbers) and any(
                n != int(n) for n in numbers
            )
        if seen < 2 or in_range < 0.8 * seen:
            return None
        rule = self.config.entities["GPS_COORDINATES"]
        coverage = in_range / seen
        return ColumnFinding(
            entity_type="GPS_COORDINATES",
            category=rule.category,
            score=round(
                noisy_or(rule.value_confidence * coverage, self.config.name_prior_factor * 0.9), 3
            ),
            coverage=round(coverage, 3),
            distinct_sampled=seen,
            recognizer="CoordinateShape",
            name_signal="coordonnees gps",
            masked_example=None,
            reasons=(
                f"{in_range}/{seen} sampled values are coordinates in range under a "
                "coordinate column name",
                "rows are natural persons: their position is personal data",
            ),
        )

    def _worth_ner(self, column: PreparedColumn) -> bool:
        """Residual short-text column that may hold names or places: worth spaCy."""
        if {"PERSON", "LOCATION"} <= column.excluded or "*" in column.excluded:
            return False
        distinct = len(column.values)
        if distinct < 5 or (column.non_null >= 20 and distinct / column.non_null < 0.1):
            return False  # categorical: names and places have many distinct values
        shaped = sum(1 for v in column.values if is_name_shaped(v))
        return shaped / distinct >= self.config.ner.min_name_shape_coverage


_default: Classifier | None = None


def classify_table(
    table_name: str, columns: Sequence[SampledColumn], config: DetectionConfig | None = None
) -> TableFindings:
    """Module-level convenience: a shared :class:`Classifier` (or one for ``config``)."""
    global _default
    if config is not None:
        return Classifier(config).classify_table(table_name, columns)
    if _default is None:
        _default = Classifier()
    return _default.classify_table(table_name, columns)
