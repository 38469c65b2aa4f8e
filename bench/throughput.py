"""Benchmark: cells per second and column-level F1 of three ways to label columns.

Run from the repository root: ``python -m bench.throughput`` (needs ``pandas`` and
``presidio-structured`` for the third contender; it is skipped with a message without
them). On the same tables and the same sample (:mod:`bench.corpus`, ``--rows`` rows per
table, French templates x ``--copies`` plus the demo city), in one run:

1. **Registre**: :class:`registre.scanners.detection.classifier.Classifier` per table, engine warm
   (the engine load time is reported on its own line);
2. **plain Presidio**: ``get_analyzer().analyze(text=str(cell), language="fr")`` per
   non-empty cell, with the same recognizers, and a column labelled with every entity
   type that hits at least once (what OpenMetadata's first generation and piicatcher
   do). It is capped (``--presidio-cells``, default 3,000) so the run ends in minutes on
   2 cores: each column gets the same share of the cap, its first non-empty cells.
   With the whole sample it would only see more stray hits (more false positives);
3. **presidio-structured**: ``PandasAnalysisBuilder(analyzer=get_analyzer())
   .generate_analysis(df, language="fr")`` on a DataFrame of each table (every cell,
   ``most_common`` strategy: one entity per column).

F1 uses the gold and the "labels" rule of :mod:`bench.quality`. Results are written to
``--out`` (default ``build/bench/``) as ``throughput.json`` and ``throughput.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .corpus import DEFAULT_ROWS, DEFAULT_SEED, LabelledTable, build_corpus
from .quality import DEFAULT_OUT, TARGETS, Counts, Judged, Report, judge, labels, score


@dataclass
class Contender:
    """One way of labelling columns: its speed and its column-level report."""

    name: str
    cells: int
    seconds: float
    report: Report
    note: str = ""

    @property
    def cells_per_second(self) -> float:
        return self.cells / self.seconds if self.seconds else float("inf")


def _cell_text(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def run_registre(tables: Sequence[LabelledTable]) -> Contender:
    from registre.scanners.detection.classifier import Classifier

    classifier = Classifier()
    judged: list[Judged] = []
    elapsed = 0.0
    for table in tables:
        sampled = table.sampled()
        start = time.perf_counter()
        found = classifier.classify_table(table.name.rpartition(".")[2], sampled)
        elapsed += time.perf_counter() - start
        judged += [judge(table, c, labels(found[c.name])) for c in table.columns]
    cells = sum(t.cells for t in tables)
    return Contender("Registre classifier", cells, elapsed, score(judged))


def run_plain_presidio(tables: Sequence[LabelledTable], cap: int) -> Contender:
    from registre.scanners.detection.analyzer import LANGUAGE, get_analyzer

    analyzer = get_analyzer()
    columns = sum(len(t.columns) for t in tables)
    per_column = max(1, cap // columns)
    judged: list[Judged] = []
    cells = 0
    elapsed = 0.0
    for table in tables:
        for column in table.columns:
            texts = [_cell_text(v) for v in column.values if v is not None and v != ""]
            texts = texts[:per_column]
            hit: set[str] = set()
            start = time.perf_counter()
            for text in texts:
                hit.update(r.entity_type for r in analyzer.analyze(text=text, language=LANGUAGE))
            elapsed += time.perf_counter() - start
            cells += len(texts)
            judged.append(judge(table, column, frozenset(hit)))
    note = f"first {per_column} non-empty cells of each column (cap {cap:,})"
    return Contender("plain Presidio, >= 1 hit", cells, elapsed, score(judged), note)


def run_presidio_structured(tables: Sequence[LabelledTable]) -> Contender | str:
    try:
        import pandas as pd
        from presidio_structured import PandasAnalysisBuilder
    except ImportError as exc:
        return f"skipped: {exc.name} is not installed (pip install presidio-structured pandas)"

    from registre.scanners.detection.analyzer import LANGUAGE, get_analyzer

    builder = PandasAnalysisBuilder(analyzer=get_analyzer())
    judged: list[Judged] = []
    elapsed = 0.0
    for table in tables:
        # object dtype keeps Python ints (its type check refuses numpy scalars); dates
        # become ISO strings and missing cells empty strings, as a CSV export gives them.
        frame = pd.DataFrame(
            {
                c.name: pd.Series(
                    ["" if v is None else v if isinstance(v, int | float | str) else
                     _cell_text(v) for v in c.values],
                    dtype=object,
                )
                for c in table.columns
            }
        )  # fmt: skip
        start = time.perf_counter()
        analysis = builder.generate_analysis(frame, language=LANGUAGE)
        elapsed += time.perf_counter() - start
        mapping = analysis.entity_mapping
        judged += [
            judge(table, c, frozenset({mapping[c.name]} if c.name in mapping else ()))
            for c in table.columns
        ]
    cells = sum(t.cells for t in tables)
    return Contender("presidio-structured", cells, elapsed, score(judged), "every cell")


def _f(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def summary_lines(contenders: Sequence[Contender], baseline: Contender | None) -> list[str]:
    head = "| contender | cells | seconds | cells/s | vs plain Presidio | micro-F1, 8 targets | micro-F1, all types | note |"  # noqa: E501
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|---|"]
    for c in contenders:
        everything = sorted({e for x in contenders for e in x.report.counts})
        speedup = f"{c.cells_per_second / baseline.cells_per_second:.1f}x" if baseline else "n/a"
        lines.append(
            f"| {c.name} | {c.cells:,} | {c.seconds:.2f} | {c.cells_per_second:,.0f} | "
            f"{speedup} | {_f(c.report.micro(TARGETS).f1)} | {_f(c.report.micro(everything).f1)}"
            f" | {c.note} |"
        )
    return lines


def per_entity_lines(contenders: Sequence[Contender]) -> list[str]:
    entities = [*TARGETS, *sorted({e for c in contenders for e in c.report.counts} - set(TARGETS))]
    lines = [
        "| entity type | " + " | ".join(f"{c.name} F1 (tp/fp/fn)" for c in contenders) + " |",
        "|---|" + "---|" * len(contenders),
    ]
    for entity in entities:
        cells = []
        for c in contenders:
            k = c.report.counts.get(entity, Counts())
            cells.append(f"{_f(k.f1)} ({k.tp}/{k.fp}/{k.fn})")
        lines.append(f"| {entity} | " + " | ".join(cells) + " |")
    return lines


def _error_lines(contender: Contender, most: int = 25) -> list[str]:
    """The columns a contender got wrong, at most ``most`` of them."""
    lines = []
    for j in contender.report.errors[:most]:
        parts = (
            "FP " + ", ".join(sorted(j.false_positives)) if j.false_positives else "",
            "FN " + ", ".join(sorted(j.false_negatives)) if j.false_negatives else "",
        )
        lines.append(f"- `{j.table}.{j.column}`: " + "; ".join(p for p in parts if p))
    if len(contender.report.errors) > most:
        lines.append(f"- ... and {len(contender.report.errors) - most} more")
    return lines


def _as_json(c: Contender) -> dict[str, object]:
    return {
        "name": c.name,
        "cells": c.cells,
        "seconds": round(c.seconds, 3),
        "cells_per_second": round(c.cells_per_second, 1),
        "micro_f1_targets": c.report.micro(TARGETS).f1,
        "f1": {e: k.f1 for e, k in sorted(c.report.counts.items())},
        "note": c.note,
    }


def _report_lines(
    args: argparse.Namespace,
    tables: list[LabelledTable],
    load: float,
    contenders: list[Contender],
    structured: Contender | str,
    ratio: float,
    better: bool,
) -> list[str]:
    columns = sum(len(t.columns) for t in tables)
    cells = sum(t.cells for t in tables)
    baseline = contenders[1]
    md = [
        f"## Throughput: {len(tables)} tables, {columns} columns, {cells:,} cells "
        f"(seed {args.seed}, {args.rows} rows per table)",
        "",
        f"Engine load (spaCy fr_core_news_sm + recognizers): {load:.1f} s, once per process,"
        " not counted below.",
        "",
        *summary_lines(contenders, baseline),
        "",
        *per_entity_lines(contenders),
        "",
        f"Registre / plain Presidio throughput: {ratio:.1f}x (target >= 20x); "
        f"better micro-F1 on the 8 target types: {'yes' if better else 'NO'}.",
    ]
    if isinstance(structured, str):
        md.append(f"presidio-structured {structured}")
    for c in contenders[1:]:
        md += ["", f"{c.name}: columns in error", *_error_lines(c)]
    return md


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="rows per table")
    parser.add_argument("--copies", type=int, default=2, help="versions of each template")
    parser.add_argument("--presidio-cells", type=int, default=3000, help="plain Presidio cap")
    parser.add_argument("--no-structured", action="store_true", help="skip presidio-structured")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    tables = build_corpus(args.seed, args.rows, copies=args.copies)
    columns = sum(len(t.columns) for t in tables)
    cells = sum(t.cells for t in tables)

    from registre.scanners.detection.analyzer import LANGUAGE, get_analyzer

    start = time.perf_counter()
    analyzer = get_analyzer()
    load = time.perf_counter() - start
    analyzer.analyze(text="Jean Dupont habite à Orléans.", language=LANGUAGE)  # warm-up

    contenders = [run_registre(tables), run_plain_presidio(tables, args.presidio_cells)]
    structured = (
        "skipped (--no-structured)" if args.no_structured else run_presidio_structured(tables)
    )
    if isinstance(structured, Contender):
        contenders.append(structured)
    baseline = contenders[1]
    registre = contenders[0]
    ratio = registre.cells_per_second / baseline.cells_per_second
    better = (registre.report.micro(TARGETS).f1 or 0) > (baseline.report.micro(TARGETS).f1 or 0)

    md = _report_lines(args, tables, load, contenders, structured, ratio, better)
    text = "\n".join(md)
    print(text)
    results = {
        "seed": args.seed,
        "rows": args.rows,
        "tables": len(tables),
        "columns": columns,
        "cells": cells,
        "engine_load_seconds": round(load, 2),
        "ratio_registre_vs_plain": round(ratio, 1),
        "contenders": [_as_json(c) for c in contenders],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "throughput.md").write_text(text + "\n", encoding="utf-8")
    (args.out / "throughput.json").write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    print(f"\nwritten: {args.out / 'throughput.md'}, {args.out / 'throughput.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
