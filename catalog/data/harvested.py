"""What a scanner hands to the catalog: a harvested schema and per-column evidence.

A connector describes each table, view or file as a :class:`TableInfo`
(:func:`registre.catalog.data.harvest.harvest` writes it into the catalog); the classifier
turns a column's sampled values into :class:`ColumnFinding` evidence
(:func:`registre.catalog.data.findings.record_findings` records it). These types live on the
catalog side so that the catalog never imports a scanner. None of them ever carries a
raw value: findings hold masked examples and counts only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

TableKind = Literal["table", "view", "file"]


@dataclass(frozen=True)
class ColumnInfo:
    """One column as the engine describes it."""

    name: str
    position: int
    data_type: str
    nullable: bool = True


@dataclass(frozen=True)
class TableInfo:
    """One table, view or file, with its columns, as harvested."""

    schema: str | None
    name: str
    kind: TableKind
    columns: tuple[ColumnInfo, ...]
    estimated_rows: int | None = None


@dataclass(frozen=True)
class ColumnFinding:
    """Evidence that a column holds one kind of personal data."""

    entity_type: str  # FR_NIR, EMAIL_ADDRESS, PERSON, HEALTH, ...
    category: str  # IDENTITY, CONTACT, NATIONAL_IDENTIFIER, ..., SPECIAL_CATEGORY
    score: float  # 0..1, the combined decision score
    coverage: float  # matching distinct values / distinct non-empty values sampled
    distinct_sampled: int  # distinct non-empty values analysed
    recognizer: str  # which recognizer(s) matched, e.g. "FrNirRecognizer"
    name_signal: str | None  # the column-name prior that fired, e.g. "nir", or None
    masked_example: str | None  # e.g. "1 85 ** ** *** *** 36"; never a raw value
    may_be_personal: bool = False  # SIREN/SIRET: personal only for sole traders
    reasons: tuple[str, ...] = field(default_factory=tuple)
    free_text: bool = False  # a mention inside sentences: a low-score suggestion, not a label
