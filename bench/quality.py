"""Benchmark: column-level precision, recall and F1 of Registre's classifier per entity type.

Run from the repository root: ``python -m bench.quality``. It builds the labelled corpus
(:mod:`bench.corpus`: generated French tables and the demo city, ``--rows`` rows per
table, ``--seed``), runs :class:`registre.scanners.detection.classifier.Classifier` on every table,
prints P/R/F1 per entity type with the targets of the "Scanners" issue, then runs the
same harness on the Dutch algorithm register (skipped, with a message, when
``../shared/data/`` is absent) and lists its false positives. Results are written to
``--out`` (default ``build/bench/``) as ``quality.json`` and ``quality.md``.

How a column counts as predicted for an entity type (decided once, used everywhere):

* **labels** (the headline): a :class:`ColumnFinding` of that type with
  ``score >= 0.5`` and not ``free_text``, i.e. what a steward sees as a label. Gold is
  the column's ``expected`` set; a name inside a comment is *not* a column label, so a
  PERSON label on a comment column is a false positive.
* **with suggestions**: every finding, free-text suggestions (score <= 0.4) included.
  Gold is ``expected`` plus ``mentions`` (a comment column where someone is named
  should get a PERSON suggestion).

In both, a ``tolerated`` type (LOCATION on a postal code) is neither a hit nor an error.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from registre.catalog.data.harvested import ColumnFinding

from .corpus import (
    DEFAULT_ROWS,
    DEFAULT_SEED,
    DUTCH_REGISTER,
    LabelledColumn,
    LabelledTable,
    build_corpus,
    dutch_register_tables,
)

#: Findings at or above this score are labels; below, suggestions for review.
LABEL_SCORE = 0.5

#: F1 targets of the "Scanners" issue.
TARGETS: dict[str, float] = {
    "FR_NIR": 0.95,
    "FR_SIRET": 0.95,
    "IBAN_CODE": 0.95,
    "EMAIL_ADDRESS": 0.95,
    "PHONE_NUMBER": 0.95,
    "PERSON": 0.85,
    "LOCATION": 0.85,
    "DATE_OF_BIRTH": 0.85,
}

DEFAULT_OUT = Path("build") / "bench"


@dataclass
class Counts:
    """Column-level confusion for one entity type."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of P and R; 0.0 when there is gold or a prediction but no hit,
        None when the type appears in neither (nothing to score)."""
        if not self.tp + self.fp + self.fn:
            return None
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)


@dataclass(frozen=True)
class Judged:
    """One column: its gold and what a scanner predicted for it."""

    table: str
    column: str
    gold: frozenset[str]
    predicted: frozenset[str]
    tolerated: frozenset[str] = frozenset()

    @property
    def false_positives(self) -> frozenset[str]:
        return self.predicted - self.gold - self.tolerated

    @property
    def false_negatives(self) -> frozenset[str]:
        return self.gold - self.predicted


@dataclass
class Report:
    """Per-entity counts and the columns in error, for one scanner in one mode."""

    counts: dict[str, Counts] = field(default_factory=dict)
    errors: list[Judged] = field(default_factory=list)
    judged: list[Judged] = field(default_factory=list)  # every column, in order

    def micro(self, entities: Iterable[str]) -> Counts:
        total = Counts()
        for entity in entities:
            c = self.counts.get(entity, Counts())
            total.tp, total.fp, total.fn = total.tp + c.tp, total.fp + c.fp, total.fn + c.fn
        return total


def score(judged: Iterable[Judged]) -> Report:
    """Column-level confusion per entity type: a column is one trial per entity type."""
    report = Report()
    for item in judged:
        report.judged.append(item)
        for entity in item.predicted & item.gold:
            report.counts.setdefault(entity, Counts()).tp += 1
        for entity in item.false_positives:
            report.counts.setdefault(entity, Counts()).fp += 1
        for entity in item.false_negatives:
            report.counts.setdefault(entity, Counts()).fn += 1
        if item.false_positives or item.false_negatives:
            report.errors.append(item)
    return report


#: Table-level findings carried by one of its columns: not a column label, not scored here
#: (re-identification risk is measured in its own section of docs/benchmarks.md).
TABLE_LEVEL = frozenset({"REIDENTIFICATION_RISK"})


def labels(findings: Sequence[ColumnFinding]) -> frozenset[str]:
    """What a steward sees as column labels: score >= LABEL_SCORE, not free text."""
    return frozenset(
        f.entity_type
        for f in findings
        if f.score >= LABEL_SCORE and not f.free_text and f.entity_type not in TABLE_LEVEL
    )


def with_suggestions(findings: Sequence[ColumnFinding]) -> frozenset[str]:
    return frozenset(f.entity_type for f in findings if f.entity_type not in TABLE_LEVEL)


def judge(
    table: LabelledTable,
    column: LabelledColumn,
    predicted: frozenset[str],
    *,
    suggestions: bool = False,
) -> Judged:
    gold = column.expected | column.mentions if suggestions else column.expected
    return Judged(table.name, column.name, gold, predicted, column.tolerated)


def run_registre(
    tables: Sequence[LabelledTable], classify: Callable[..., Mapping[str, list[ColumnFinding]]]
) -> dict[tuple[str, str], list[ColumnFinding]]:
    """``classify(table_name, sampled_columns)`` on every table: findings per (table, column)."""
    out: dict[tuple[str, str], list[ColumnFinding]] = {}
    for table in tables:
        found = classify(table.name.rpartition(".")[2], table.sampled())
        for column in table.columns:
            out[(table.name, column.name)] = found[column.name]
    return out


def judge_registre(
    tables: Sequence[LabelledTable],
    findings: Mapping[tuple[str, str], list[ColumnFinding]],
    *,
    suggestions: bool = False,
) -> Report:
    pick = with_suggestions if suggestions else labels
    return score(
        judge(t, c, pick(findings[(t.name, c.name)]), suggestions=suggestions)
        for t in tables
        for c in t.columns
    )


# --- output -------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def entity_rows(report: Report, extra: Iterable[str] = ()) -> list[str]:
    """Targets first, in their order, then every other type seen, alphabetically."""
    others = sorted((set(report.counts) | set(extra)) - set(TARGETS))
    return [*TARGETS, *others]


def table_lines(columns: dict[str, Report], entities: Sequence[str]) -> list[str]:
    """A markdown table: one row per entity type, P/R/F1 (tp/fp/fn) per report."""
    head = ["entity type", "target F1"]
    for name in columns:
        head += [f"{name} P", "R", "F1", "tp/fp/fn"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for entity in entities:
        row = [entity, f">= {TARGETS[entity]:.2f}" if entity in TARGETS else ""]
        for report in columns.values():
            c = report.counts.get(entity, Counts())
            row += [_fmt(c.precision), _fmt(c.recall), _fmt(c.f1), f"{c.tp}/{c.fp}/{c.fn}"]
        lines.append("| " + " | ".join(row) + " |")
    for label, subset in (("micro, 8 target types", list(TARGETS)), ("micro, all", entities)):
        row = [f"*{label}*", ""]
        for report in columns.values():
            m = report.micro(subset)
            row += [_fmt(m.precision), _fmt(m.recall), _fmt(m.f1), f"{m.tp}/{m.fp}/{m.fn}"]
        lines.append("| " + " | ".join(row) + " |")
    return lines


def error_lines(report: Report, limit: int = 40) -> list[str]:
    lines = []
    for item in report.errors[:limit]:
        parts = []
        if item.false_positives:
            parts.append("FP " + ", ".join(sorted(item.false_positives)))
        if item.false_negatives:
            parts.append("FN " + ", ".join(sorted(item.false_negatives)))
        lines.append(f"- `{item.table}.{item.column}`: {'; '.join(parts)}")
    if len(report.errors) > limit:
        lines.append(f"- ... and {len(report.errors) - limit} more")
    return lines


def _false_positives(report: Report) -> int:
    return sum(c.fp for c in report.counts.values())


def targets_met(report: Report) -> dict[str, bool]:
    return {e: (report.counts.get(e, Counts()).f1 or 0.0) >= t for e, t in TARGETS.items()}


def as_json(report: Report) -> dict[str, object]:
    return {
        "per_entity": {
            e: {**asdict(c), "precision": c.precision, "recall": c.recall, "f1": c.f1}
            for e, c in sorted(report.counts.items())
        },
        "errors": [
            {
                "column": f"{j.table}.{j.column}",
                "false_positives": sorted(j.false_positives),
                "false_negatives": sorted(j.false_negatives),
            }
            for j in report.errors
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="rows per table")
    parser.add_argument("--copies", type=int, default=4, help="versions of each template")
    parser.add_argument("--no-ner", action="store_true", help="classifier without spaCy")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    from registre.scanners.detection.classifier import Classifier

    classifier = Classifier(use_ner=not args.no_ner)
    md, results = _french_corpus(args, classifier.classify_table)
    nl_md, results["nl_register"] = _dutch_register(args, classifier.classify_table)
    text = "\n".join(md + nl_md)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "quality.md").write_text(text + "\n", encoding="utf-8")
    (args.out / "quality.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten: {args.out / 'quality.md'}, {args.out / 'quality.json'}")
    return 0


def _french_corpus(args: argparse.Namespace, classify: Any) -> tuple[list[str], dict[str, object]]:
    """Scores on the generated French corpus: the report's lines and its JSON."""
    tables = build_corpus(args.seed, args.rows, copies=args.copies)
    columns = sum(len(t.columns) for t in tables)
    cells = sum(t.cells for t in tables)
    start = time.perf_counter()
    findings = run_registre(tables, classify)
    elapsed = time.perf_counter() - start  # includes the engine load on first NER use
    label_report = judge_registre(tables, findings)
    suggestion_report = judge_registre(tables, findings, suggestions=True)

    md = [
        f"## French corpus: {len(tables)} tables, {columns} columns, {cells:,} cells "
        f"(seed {args.seed}, {args.rows} rows per table)",
        "",
        f"Classifier time {elapsed:.1f} s (engine load included). A column is predicted for",
        f"a type by a finding of that type with score >= {LABEL_SCORE} (labels), or by any",
        "finding (with suggestions; gold then adds names mentioned in free text).",
        "",
        *table_lines(
            {"labels": label_report, "with suggestions": suggestion_report},
            entity_rows(label_report, suggestion_report.counts),
        ),
        "",
        "Columns in error (labels):",
        *error_lines(label_report),
    ]
    met = targets_met(label_report)
    md += ["", "Targets (labels): " + ", ".join(f"{e} {'ok' if ok else 'MISSED'}"
                                                  for e, ok in met.items())]  # fmt: skip
    results: dict[str, object] = {
        "seed": args.seed,
        "rows": args.rows,
        "tables": len(tables),
        "columns": columns,
        "cells": cells,
        "seconds": round(elapsed, 2),
        "labels": as_json(label_report),
        "with_suggestions": as_json(suggestion_report),
        "targets_met": met,
    }
    return md, results


def _dutch_register(
    args: argparse.Namespace, classify: Any
) -> tuple[list[str], dict[str, object] | None]:
    """False positives on the Dutch register (no personal data at all), or a skip line."""
    try:
        nl_tables = dutch_register_tables(rows=args.rows)
    except FileNotFoundError:
        return ["", f"Dutch register skipped: {DUTCH_REGISTER} is absent (a checkout without "
                    "../shared/data/)."], None  # fmt: skip
    nl_findings = run_registre(nl_tables, classify)
    nl_labels = judge_registre(nl_tables, nl_findings)
    nl_suggestions = judge_registre(nl_tables, nl_findings, suggestions=True)
    nl_columns = sum(len(t.columns) for t in nl_tables)
    md = [
        "",
        f"## Dutch algorithm register: {len(nl_tables)} tables of <= {args.rows} records, "
        f"{nl_columns} columns, {sum(t.cells for t in nl_tables):,} cells",
        "",
        "Gold: no personal data in any column (organisation names are not persons; URLs",
        "and registration dates are not personal data).",
        "",
        f"- false-positive labels: {_false_positives(nl_labels)} over {nl_columns} columns",
        *error_lines(nl_labels),
        f"- false-positive suggestions (score < {LABEL_SCORE}, free text): "
        f"{_false_positives(nl_suggestions) - _false_positives(nl_labels)}",
        *[line for line in error_lines(nl_suggestions) if line not in error_lines(nl_labels)],
    ]
    return md, {
        "tables": len(nl_tables),
        "columns": nl_columns,
        "labels": as_json(nl_labels),
        "with_suggestions": as_json(nl_suggestions),
    }


if __name__ == "__main__":
    sys.exit(main())
