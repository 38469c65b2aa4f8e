"""The contract every connector fulfils: harvest the schema, sample a table.

A connector yields :class:`~registre.catalog.data.harvested.TableInfo` (a catalog type:
the scan run writes it into the catalog) and samples rows; its values never leave the
scanner.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Iterator
from typing import ClassVar, Protocol

from registre.catalog.data.harvested import TableInfo
from registre.catalog.data.scan_errors import ScanErrorKind
from registre.catalog.i18n import Text
from registre.scanners.errors import ScanError


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

    def cancel(self) -> None:
        """Interrupt the statement in progress, callable from another thread; safe to call
        when nothing runs.

        The interrupted call raises :class:`~registre.scanners.errors.ScanError` with kind
        ``cancelled`` within seconds, and so does every later call: a cancelled connector
        is only good for :meth:`close`.
        """
        ...

    def close(self) -> None: ...


class SampleMethod:
    """How a connector drew its last sample, in the words the scan output reports
    (``Connector.sample_method``; a connector that does not say is reported as unknown)."""

    SHUFFLED_WHOLE = "shuffled whole"  # small: every row read, in random order
    TABLESAMPLE = "tablesample"  # PostgreSQL block sampling
    TABLESAMPLE_BY_KEY = "tablesample by key"  # a view over one table, through its key
    RANGE_READS = "range reads"  # many short index ranges at random keys
    RANDOM_POSITIONS = "random positions"  # one pass, rows kept at random positions
    WHOLE_VIEW = "whole view"  # an aggregating view cheap enough to run in full
    RESERVOIR = "reservoir"  # a file read in one pass, rows kept at random (CSV, sheets)
    RESERVOIR_PREFIX = "reservoir of a prefix"  # the same, cut short by the byte cap or time
    ROW_GROUPS = "random row groups"  # Parquet: whole row groups in random order

    @staticmethod
    def reservoir(cut_short: object) -> str:
        """The reservoir's method: of the whole file, or of its first part only."""
        return SampleMethod.RESERVOIR_PREFIX if cut_short else SampleMethod.RESERVOIR


#: a relation is read in ranges of this many rows at most: many small ranges spread the
#: sample over the whole key span (10 ranges of 100 rows gave ten clusters of neighbours)
ROWS_PER_RANGE = 10


def range_plan(size: int) -> tuple[int, int]:
    """How many short range reads, of how many rows, make a sample of ``size`` rows."""
    per_read = max(1, min(ROWS_PER_RANGE, size))
    return max(1, math.ceil(size / per_read)), per_read


def random_positions(total: int, size: int, rng: random.Random) -> list[int]:
    """``size`` distinct row positions (1-based) drawn uniformly from ``1..total``, sorted:
    the rows a one-pass read keeps (``row_number() OVER ()`` in the listed positions)."""
    if total <= size:
        return list(range(1, total + 1))
    return sorted(rng.sample(range(1, total + 1), size))


class CancelFlag(threading.Event):
    """Set by a connector's ``cancel()`` from another thread, read by its own steps."""

    def check(self) -> None:
        """End the step once cancelled: every call after ``cancel()`` fails, as promised."""
        if self.is_set():
            raise ScanError(Text("the scan was cancelled"), kind=ScanErrorKind.CANCELLED)

    def failure(self, message: str, detail: str, exc: Exception) -> ScanError:
        """The error for a failed statement: ``cancelled`` if we interrupted it ourselves."""
        if self.is_set():
            return ScanError(Text("{step}: cancelled", step=message), kind=ScanErrorKind.CANCELLED)
        return ScanError(Text("{step}: {detail}", step=message, detail=detail), cause=exc)
