"""The small contracts between the scanner layers.

A connector yields :class:`TableInfo` and samples rows; the classifier turns a
column's sampled values into :class:`ColumnFinding` evidence; the scan-run service
(``scanners/runs/scan.py``) writes that evidence into the catalog. None of these objects
ever carries a raw value out of the scanner: findings hold masked examples and
counts only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal, Protocol

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


class ScanError(Exception):
    """A scanner step failed; the message is safe to store (never a sampled value)."""


class Connector(Protocol):
    """A data-store engine: harvest the schema, sample a table. One file per engine."""

    kind: ClassVar[str]

    def list_tables(self) -> Iterator[TableInfo]:
        """Every table, view or file of the store, with its columns."""
        ...

    def sample(self, table: TableInfo, size: int) -> dict[str, list[object]]:
        """At most ``size`` rows of ``table``, column name -> values (None kept).

        The cost must not grow with the table's row count, and the rows must not
        simply be the first ones.
        """
        ...

    def close(self) -> None: ...


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


@dataclass(frozen=True)
class SampledColumn:
    """A column and the values sampled from it, handed to the classifier."""

    name: str
    data_type: str
    values: Sequence[object]
