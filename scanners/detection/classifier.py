"""The column classifier: sampled values of a table in, per-column findings out.

Pure functions over values (no database). Per column, cheapest first:

1. prepare: datatype gating, distinct non-empty values (cut at ``max_value_length``),
   boolean-like columns (``email_verifie`` holding 0/1) left out of value analysis;
2. column-name priors (FR+EN regexes) minus negative patterns (``nom_fichier``);
3. Art. 9 / Art. 10 special categories from the name and a value vocabulary;
4. checksum/shape validators run directly on every distinct value (no Presidio
   overhead), the decision made from *coverage over distinct values* with the prior;
5. only for what is left: date of birth (birth name + date values), names and
   addresses from shape + prior, and Presidio (spaCy NER + recognizers) on residual
   name-like and free-text columns, all such columns of a table in one ``nlp.pipe``.

A lone hit never labels a column; mentions inside free text are low-score
suggestions flagged ``free_text``. Findings hold counts, labels and masked
examples: never a raw value (``reasons`` are built from counts and rule labels only).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from registre.scanners.detection import validators
from registre.scanners.detection.config import (
    DetectionConfig,
    default_detection_config,
    normalize_column_name,
    normalize_text,
    normalize_words,
)
from registre.scanners.detection.masking import mask_value
from registre.scanners.detection.ner_stage import PresidioStage
from registre.scanners.detection.value_shapes import (
    POSTAL_CODE,
    bare_phone_allowed,
    integral_text,
    is_address,
    is_name_shaped,
    mostly_sentences,
    parse_date,
    short_postal,
)
from registre.scanners.types import ColumnFinding, SampledColumn

if TYPE_CHECKING:
    pass

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
}

_PROBE = 32  # distinct values after which validators without any hit are dropped
_MAX_IDENTIFIER_LENGTH = 80  # no identifier checked here is longer (e-mails aside, rare)

_FAMILIES = (
    ("boolean", re.compile(r"bool|^bit\b|tinyint\(1\)")),
    ("binary", re.compile(r"blob|bytea|binary|image|^raw")),
    ("date", re.compile(r"date|time")),
    ("float", re.compile(r"float|double|real|money|(numeric|decimal)\(\d+, *[1-9]")),
    ("integer", re.compile(r"int|serial|number|numeric|decimal")),
)


def type_family(data_type: str) -> str:
    """``VARCHAR(255)`` -> text, ``BIGINT`` -> integer, ``timestamp`` -> date, ..."""
    lowered = data_type.strip().lower()
    for family, pattern in _FAMILIES:
        if pattern.search(lowered):
            return family
    return "text"


@dataclasses.dataclass
class _Column:
    """One column as the rules see it."""

    name: str
    words: str  # normalized column name
    family: str
    non_null: int
    values: list[str]  # distinct non-empty, cut, in order of first appearance
    date_like: int = 0  # distinct values that are dates (objects or date-shaped)
    boolean_like: bool = False
    priors: dict[str, tuple[float, str]] = dataclasses.field(
        default_factory=dict
    )  # entity -> weight, label
    excluded: set[str] = dataclasses.field(default_factory=set)


@dataclasses.dataclass
class _Pending:
    """A residual column waiting for the table's single NER/Presidio pass."""

    column: _Column
    texts: list[str]
    free_text: bool


class Classifier(PresidioStage):
    """Decides, per column, which kinds of personal data its sampled values hold.

    ``use_ner=False`` skips spaCy/Presidio entirely (names and addresses are then
    found only through column-name priors and value shapes).
    """

    def __init__(self, config: DetectionConfig | None = None, *, use_ner: bool = True) -> None:
        self.config = config or default_detection_config()
        self.use_ner = use_ner

    # -- public API -------------------------------------------------------------------

    def classify_table(
        self, table_name: str, columns: Sequence[SampledColumn]
    ) -> dict[str, list[ColumnFinding]]:
        """Findings per column name (every column present, possibly with no finding)."""
        results: dict[str, list[ColumnFinding]] = {}
        pending: list[_Pending] = []
        for sampled in columns:
            column = self._prepare(sampled)
            findings, residual = self._classify_cheap(column)
            results[column.name] = findings
            if residual is not None:
                pending.append(residual)
        if pending:
            for item, found in zip(pending, self._run_presidio(table_name, pending), strict=True):
                results[item.column.name].extend(found)
        return results

    def classify_column(self, column: SampledColumn, table_name: str = "") -> list[ColumnFinding]:
        """Findings for one column (see :meth:`classify_table`)."""
        return self.classify_table(table_name, [column])[column.name]

    # -- preparation ------------------------------------------------------------------

    def _prepare(self, sampled: SampledColumn) -> _Column:
        cfg = self.config
        family = type_family(sampled.data_type)
        seen: dict[str, None] = {}
        non_null = date_like = 0
        for raw in sampled.values:
            if raw is None or isinstance(raw, bool | bytes | bytearray | memoryview):
                continue
            non_null += 1
            if isinstance(raw, dt.date):
                text = raw.isoformat()
            elif isinstance(raw, float | Decimal):
                integral = integral_text(raw)
                if integral is None:
                    continue  # measures; an identifier stored as a number is integral
                text = integral
            else:
                text = str(raw).strip()
            text = text[: cfg.max_value_length]
            if not text or text in seen:
                continue
            seen[text] = None
            if len(seen) >= cfg.max_distinct_values:
                break
        values = list(seen)
        for text in values:
            if parse_date(text) is not None:
                date_like += 1
        boolean_words = set(cfg.boolean_like_values)
        column = _Column(
            name=sampled.name,
            words=normalize_column_name(sampled.name),
            family=family,
            non_null=non_null,
            values=values if family not in ("boolean", "binary") else [],
            date_like=date_like,
            boolean_like=family == "boolean"
            or (bool(values) and all(normalize_text(v) in boolean_words for v in values)),
        )
        if column.boolean_like:
            column.values = []
        for negative in cfg.negative_patterns:
            if negative.regex.search(column.words):
                column.excluded.update(negative.entity_types)
        for prior in cfg.name_priors:
            if self._excluded(column, prior.entity_type) or not prior.regex.search(column.words):
                continue
            best = column.priors.get(prior.entity_type)
            if best is None or prior.weight > best[0]:
                column.priors[prior.entity_type] = (prior.weight, prior.label)
        return column

    @staticmethod
    def _excluded(column: _Column, entity_type: str) -> bool:
        return entity_type in column.excluded or "*" in column.excluded

    # -- cheap stages -----------------------------------------------------------------

    def _classify_cheap(self, column: _Column) -> tuple[list[ColumnFinding], _Pending | None]:
        findings = self._special_categories(column)
        if not column.values:
            if column.non_null == 0 or column.family == "binary":
                findings.extend(self._name_only(column))
            return findings, None
        if column.family == "date" or column.date_like >= 0.8 * len(column.values):
            findings.extend(self._date_of_birth(column))
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
            return findings, _Pending(column, column.values[:limit], free_text=True)
        decided = self._names_and_places(column)
        if decided:
            findings.append(decided)
            return findings, None
        if self.use_ner and self._worth_ner(column):
            limit = self.config.ner.max_values_analysed
            return findings, _Pending(column, column.values[:limit], free_text=False)
        return findings, None

    def _validators(self, column: _Column) -> ColumnFinding | None:
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
            if not self._excluded(column, entity)
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
        self, column: _Column, entity: str, indexes: Sequence[int], recognizer: str, how: str
    ) -> ColumnFinding | None:
        """Coverage + prior -> a finding when the entity's thresholds are met."""
        rule = self.config.entities[entity]
        distinct = len(column.values)
        coverage = len(indexes) / distinct if distinct else 0.0
        weight, label = column.priors.get(entity, (0.0, None))
        needed = rule.min_coverage_with_name if label else rule.min_coverage
        if len(indexes) < 2 and distinct > 1:
            return None  # a lone hit never labels a column
        if coverage < needed:
            return None
        score = _noisy_or(rule.value_confidence * coverage, self.config.name_prior_factor * weight)
        if score < rule.min_score:
            return None
        reasons = [
            f"{len(indexes)}/{distinct} distinct sampled values {how} as {entity} ({recognizer})",
            f"{distinct} distinct non-empty values out of {column.non_null} sampled",
        ]
        if label:
            reasons.append(f"column name matches the '{label}' prior (weight {weight:.2f})")
        if rule.may_be_personal:
            reasons.append(
                "may be personal data: a SIREN/SIRET identifies a sole trader "
                "(entrepreneur individuel) by name"
            )
        return ColumnFinding(
            entity_type=entity,
            category=rule.category,
            score=round(score, 3),
            coverage=round(coverage, 3),
            distinct_sampled=distinct,
            recognizer=recognizer,
            name_signal=label,
            masked_example=mask_value(column.values[indexes[0]], entity) if indexes else None,
            may_be_personal=rule.may_be_personal,
            reasons=tuple(reasons),
        )

    def _date_of_birth(self, column: _Column) -> list[ColumnFinding]:
        if "DATE_OF_BIRTH" not in column.priors:
            return []  # a date is personal data only when it says whose birth it is
        indexes = [i for i, v in enumerate(column.values) if parse_date(v) is not None]
        how = "date-typed column, parsed" if column.family == "date" else "parsed"
        finding = self._decide(column, "DATE_OF_BIRTH", indexes, "DateOfBirthRule", how)
        return [finding] if finding else []

    def _names_and_places(self, column: _Column) -> ColumnFinding | None:
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
        elif not self._excluded(column, "LOCATION"):
            found = self._decide(column, "LOCATION", addresses, "AddressShape", "address-shaped")
            candidates += [found] if found else []
        return max(candidates, key=lambda f: (f.score, f.coverage), default=None)

    def _worth_ner(self, column: _Column) -> bool:
        """Residual short-text column that may hold names or places: worth spaCy."""
        if {"PERSON", "LOCATION"} <= column.excluded or "*" in column.excluded:
            return False
        distinct = len(column.values)
        if distinct < 5 or (column.non_null >= 20 and distinct / column.non_null < 0.1):
            return False  # categorical: names and places have many distinct values
        shaped = sum(1 for v in column.values if is_name_shaped(v))
        return shaped / distinct >= self.config.ner.min_name_shape_coverage

    def _special_categories(self, column: _Column) -> list[ColumnFinding]:
        rules = self.config.special_categories
        normalized = [normalize_words(v) for v in column.values]
        findings = []
        for cat in rules.categories:
            name_match = cat.name_regex.search(column.words)
            value_regex = cat.value_regex
            indexes = (
                [i for i, v in enumerate(normalized) if value_regex.search(v)]
                if value_regex is not None
                else []
            )
            coverage = len(indexes) / len(normalized) if normalized else 0.0
            value_score = 0.0
            if coverage >= rules.min_value_coverage and len(indexes) >= min(2, len(normalized)):
                value_score = rules.value_confidence * (0.6 + 0.4 * coverage)
            name_score = cat.name_weight if name_match else 0.0
            score = _noisy_or(value_score, name_score)
            if score < rules.min_score:
                continue
            reasons = [f"{cat.legal_basis}: special category, always routed to human review"]
            if name_match:
                reasons.append(f"column name matches the {cat.entity_type} vocabulary")
            if value_score:
                reasons.append(
                    f"{len(indexes)}/{len(normalized)} distinct sampled values name a "
                    f"{cat.entity_type} term"
                )
            findings.append(
                ColumnFinding(
                    entity_type=cat.entity_type,
                    category=cat.category,
                    score=round(score, 3),
                    coverage=round(coverage, 3),
                    distinct_sampled=len(normalized),
                    recognizer="SpecialCategoryVocabulary",
                    name_signal=name_match.group(0) if name_match else None,
                    masked_example=(
                        mask_value(column.values[indexes[0]], cat.entity_type) if indexes else None
                    ),
                    reasons=tuple(reasons),
                )
            )
        return findings

    def _name_only(self, column: _Column) -> list[ColumnFinding]:
        """No value to look at (empty column, binary): a suggestion from the name alone."""
        if not column.priors:
            return []
        entity, (weight, label) = max(column.priors.items(), key=lambda item: item[1][0])
        score = weight * self.config.name_only_factor
        if score < self.config.name_only_min_score:
            return []
        rule = self.config.entities[entity]
        return [
            ColumnFinding(
                entity_type=entity,
                category=rule.category,
                score=round(score, 3),
                coverage=0.0,
                distinct_sampled=0,
                recognizer="ColumnNamePrior",
                name_signal=label,
                masked_example=None,
                may_be_personal=rule.may_be_personal,
                reasons=(
                    f"column name matches the '{label}' prior (weight {weight:.2f})",
                    "no value could be analysed: decided from the column name alone",
                ),
            )
        ]


def _noisy_or(a: float, b: float) -> float:
    return 1.0 - (1.0 - a) * (1.0 - b)


_default: Classifier | None = None


def classify_table(
    table_name: str, columns: Sequence[SampledColumn], config: DetectionConfig | None = None
) -> dict[str, list[ColumnFinding]]:
    """Module-level convenience: a shared :class:`Classifier` (or one for ``config``)."""
    global _default
    if config is not None:
        return Classifier(config).classify_table(table_name, columns)
    if _default is None:
        _default = Classifier()
    return _default.classify_table(table_name, columns)
