"""A column as the classifier sees it: sampled, then prepared for the rules.

A scan run hands the classifier :class:`SampledColumn` values; :func:`prepare_column`
turns each into a :class:`PreparedColumn` (datatype family, distinct non-empty values,
column-name priors and exclusions); a column the cheap rules leave undecided waits for
the table's single Presidio pass as a :class:`PendingColumn`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from registre.scanners.detection.config import (
    DetectionConfig,
    correct_typos,
    normalize_column_name,
    normalize_text,
)
from registre.scanners.detection.value_shapes import integral_text, parse_date


@dataclass(frozen=True)
class SampledColumn:
    """A column and the values sampled from it, handed to the classifier."""

    name: str
    data_type: str
    values: Sequence[object]


@dataclass
class PreparedColumn:
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

    def excludes(self, entity_type: str) -> bool:
        """Whether a negative pattern of the column name rules ``entity_type`` out."""
        return entity_type in self.excluded or "*" in self.excluded


@dataclass
class PendingColumn:
    """A residual column waiting for the table's single NER/Presidio pass."""

    column: PreparedColumn
    texts: list[str]
    free_text: bool


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


def prepare_column(sampled: SampledColumn, cfg: DetectionConfig) -> PreparedColumn:
    """Datatype gating, distinct non-empty values (cut at ``max_value_length``), priors.

    Boolean-like columns (``email_verifie`` holding 0/1) keep no values: they are left
    out of value analysis.
    """
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
    column = PreparedColumn(
        name=sampled.name,
        words=correct_typos(normalize_column_name(sampled.name), cfg.name_vocabulary),
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
        if column.excludes(prior.entity_type) or not prior.regex.search(column.words):
            continue
        best = column.priors.get(prior.entity_type)
        if best is None or prior.weight > best[0]:
            column.priors[prior.entity_type] = (prior.weight, prior.label)
    return column
