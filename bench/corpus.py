"""A labelled corpus of French tables for scoring column classifiers.

No public French tabular PII gold set exists (ANCHORS.md, "Scanners — Benchmarks"), so
this module generates one, deterministically from a seed:

* **generated tables** from ten templates (residents, staff, suppliers, taxpayers,
  travellers, a name-less raw import, orders, access logs, documents, a data-quality
  table), each built twice with column names drawn from French and English spellings
  (``nom``/``last_name``, ``courriel``/``email``, ``date_naissance``/``dob`` ...). Values
  come from Faker ``fr_FR`` and :class:`registre.demo.identifiers.FrenchIdentifiers`
  (NIR, SIRET, IBAN and phones that pass their checksums; NIF and invalid look-alikes
  from python-stdnum keys here). Decoys look like personal data and are not: product
  codes shaped like phone numbers, 14-digit order numbers failing Luhn, NIR-shaped
  case numbers with a wrong key, IBAN-shaped codes with wrong check digits, postal codes,
  quotient familial, grades A/B/C, 0/1 flags named ``email_verifie``, ``nom_fichier``,
  company names, and free-text comments of which about one in ten names someone;
* **the demo city** (``registre.demo.city``), labelled by its own ``GROUND_TRUTH``;
* **the Dutch algorithm register** (real, externally written records; see
  :func:`dutch_register_tables`), where the gold is "no personal data at all".

Every column carries its gold at column level:

``expected``
    entity types a perfect scanner labels the column with;
``mentions``
    entity types that only *appear inside free text* (a name in a comment): a perfect
    scanner suggests them for review and does not label the column with them;
``tolerated``
    entity types that are neither required nor wrong (a postal code labelled LOCATION:
    a coarse place, a quasi-identifier; whether to label it is policy, not fact).

Run ``python -m bench.corpus`` for a summary of what it builds.
"""

from __future__ import annotations

import json
import random
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from registre.demo.city import GROUND_TRUTH, build_city_database
from registre.scanners.detection.columns import SampledColumn

from .corpus_kinds import KINDS, NONE, POSTAL, TEMPLATES, TEXT, Kind, Values

__all__ = [
    "DUTCH_REGISTER",
    "LabelledColumn",
    "LabelledTable",
    "build_corpus",
    "city_tables",
    "dutch_register_tables",
    "generated_tables",
]

DEFAULT_SEED = 2026
DEFAULT_ROWS = 200

#: Relative to the repository root; absent from a user's own checkout.
DUTCH_REGISTER = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "data"
) / "nl-algoritmeregister-2026-08-08.json"


@dataclass(frozen=True)
class LabelledColumn:
    """One column of sampled values and its column-level gold."""

    name: str
    data_type: str
    values: tuple[object, ...]
    expected: frozenset[str] = NONE
    mentions: frozenset[str] = NONE
    tolerated: frozenset[str] = NONE
    note: str = ""  # why the gold is what it is (decoy, invalid checksums, ...)

    def sampled(self) -> SampledColumn:
        return SampledColumn(self.name, self.data_type, list(self.values))


@dataclass(frozen=True)
class LabelledTable:
    """A table of the corpus: where it comes from and its labelled columns."""

    name: str
    source: str  # "generated", "city" or "nl-register"
    columns: tuple[LabelledColumn, ...]

    @property
    def rows(self) -> int:
        return max((len(c.values) for c in self.columns), default=0)

    @property
    def cells(self) -> int:
        return sum(len(c.values) for c in self.columns)

    def sampled(self) -> list[SampledColumn]:
        return [c.sampled() for c in self.columns]


def _column(values: Values, kind: Kind, name: str, rows: int) -> LabelledColumn:
    data = tuple(
        None if values.rng.random() < kind.null_rate else kind.value(values) for _ in range(rows)
    )
    return LabelledColumn(
        name=name,
        data_type=kind.data_type,
        values=data,
        expected=kind.expected,
        mentions=kind.mentions,
        tolerated=kind.tolerated,
        note=kind.note,
    )


def generated_tables(
    seed: int = DEFAULT_SEED, rows: int = DEFAULT_ROWS, copies: int = 2
) -> list[LabelledTable]:
    """``copies`` versions of each template: the first French-named, the second English-named,
    further ones with each column's spelling drawn at random."""
    values = Values(seed)
    tables: list[LabelledTable] = []
    for copy in range(copies):
        for (fr_name, en_name), kinds in TEMPLATES:
            table_name = (fr_name, en_name)[copy % 2] + (f"_{copy}" if copy >= 2 else "")
            columns: list[LabelledColumn] = []
            used: set[str] = set()
            nameless = 0
            for spec in kinds:
                kind_name, _, nameless_marker = spec.partition(":")
                kind = KINDS[kind_name]
                if nameless_marker:
                    nameless += 1
                    name = f"col_{nameless}"
                elif copy == 0:
                    name = kind.names[0]
                elif copy == 1:
                    english = [n for n in kind.names[1:] if n.isascii()]
                    name = values.rng.choice(english or list(kind.names))
                else:
                    name = values.rng.choice(kind.names)
                while name in used:
                    name = f"{name}_2"
                used.add(name)
                columns.append(_column(values, kind, name, rows))
            tables.append(LabelledTable(table_name, "generated", tuple(columns)))
    return tables


# --- the demo city ----------------------------------------------------------------------

#: Free-text columns of the city: its GROUND_TRUTH's PERSON there means "names appear in
#: some comments", which is a mention to suggest, not a column label.
_CITY_FREETEXT = {("usagers_action_sociale", "commentaire")}
#: Columns of the city where a label is tolerated though GROUND_TRUTH does not ask for it.
_CITY_TOLERATED = {("usagers_action_sociale", "code_postal"): POSTAL}


def city_tables(seed: int = DEFAULT_SEED, rows: int = DEFAULT_ROWS) -> list[LabelledTable]:
    """The demo city's tables and view, ``rows`` rows drawn per table with a seeded RNG."""
    rng = random.Random(seed)
    tables: list[LabelledTable] = []
    with tempfile.TemporaryDirectory(prefix="registre-bench-") as tmp:
        path = Path(tmp) / "valbourg.sqlite"
        build_city_database(path, seed=seed)
        connection = sqlite3.connect(path)
        try:
            names = [
                r[0]
                for r in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name"
                )
            ]
            for table in names:
                info = connection.execute(f"PRAGMA table_info({table})").fetchall()
                total = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                picked = sorted(rng.sample(range(total), min(rows, total)))
                data = connection.execute(f"SELECT * FROM {table}").fetchall()
                sample = [data[i] for i in picked]
                columns = []
                for position, (_, column, data_type, *_rest) in enumerate(info):
                    gold = frozenset(GROUND_TRUTH[(table, column)])
                    free_text = (table, column) in _CITY_FREETEXT
                    columns.append(
                        LabelledColumn(
                            name=column,
                            data_type=data_type or "text",
                            values=tuple(row[position] for row in sample),
                            expected=NONE if free_text else gold,
                            mentions=gold if free_text else NONE,
                            tolerated=_CITY_TOLERATED.get((table, column), NONE),
                            note="demo city GROUND_TRUTH",
                        )
                    )
                tables.append(LabelledTable(f"city.{table}", "city", tuple(columns)))
        finally:
            connection.close()
    return tables


# --- the Dutch algorithm register -------------------------------------------------------

_NL_FIELDS = (
    ("title", TEXT),
    ("organisatie", TEXT),
    ("doel", "text"),
    ("status", TEXT),
    ("impactassessment", TEXT),
    ("juridische_basis", "text"),
    ("url", TEXT),
    ("geregistreerd", "date"),
    ("toegevoegd", "date"),
)


def dutch_register_tables(
    path: Path = DUTCH_REGISTER, rows: int = DEFAULT_ROWS
) -> list[LabelledTable]:
    """The Dutch register cut into tables of ``rows`` records (all 1,530 records).

    Gold: no personal data in any field. ``organisatie`` holds organisation names (not
    persons), ``url`` holds URLs, ``geregistreerd``/``toegevoegd`` are registration
    dates, ``doel`` and ``juridische_basis`` are Dutch prose. Raises FileNotFoundError
    when the file is absent (callers skip with a message).
    """
    records = json.loads(Path(path).read_text(encoding="utf-8"))["algoritmes"]
    tables = []
    for start in range(0, len(records), rows):
        chunk = records[start : start + rows]
        columns = tuple(
            LabelledColumn(
                name=field_name,
                data_type=data_type,
                values=tuple(r.get(field_name) or None for r in chunk),
                note="Dutch register: no personal data",
            )
            for field_name, data_type in _NL_FIELDS
        )
        tables.append(LabelledTable(f"nl.algoritmes_{start // rows + 1}", "nl-register", columns))
    return tables


def build_corpus(
    seed: int = DEFAULT_SEED, rows: int = DEFAULT_ROWS, *, copies: int = 2, city: bool = True
) -> list[LabelledTable]:
    """The French corpus: generated tables, then the demo city's (the same for a seed)."""
    tables = generated_tables(seed, rows, copies)
    if city:
        tables += city_tables(seed, rows)
    return tables


def iter_columns(tables: Sequence[LabelledTable]) -> Iterator[tuple[LabelledTable, LabelledColumn]]:
    for table in tables:
        for column in table.columns:
            yield table, column


@dataclass
class _Summary:
    tables: int = 0
    columns: int = 0
    cells: int = 0
    by_entity: Counter[str] = field(default_factory=Counter)


def summarize(tables: Sequence[LabelledTable]) -> _Summary:
    summary = _Summary(tables=len(tables))
    for _table, column in iter_columns(tables):
        summary.columns += 1
        summary.cells += len(column.values)
        summary.by_entity.update(column.expected or {"(none)"})
    return summary


def main() -> int:
    tables = build_corpus()
    summary = summarize(tables)
    print(f"{summary.tables} tables, {summary.columns} columns, {summary.cells:,} cells")
    for entity, count in sorted(summary.by_entity.items()):
        print(f"  {entity:<16} {count:>4} columns")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
