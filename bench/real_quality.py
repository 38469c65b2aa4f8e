"""Benchmark on real published data: Registre, plain Presidio and presidio-structured.

Run from the repository root: ``python -m bench.real_quality``. On the extracts of
``bench/real/`` (:mod:`bench.real_corpus`), in one run, it scores column-level
precision / recall / F1 per entity type and for *personal versus not* (a column is
personal when its gold names any entity type; predicted personal when a scanner labels
it with a type not merely tolerated), for:

1. Registre's classifier (labels: findings with score >= 0.5, not free text);
2. plain Presidio, every non-empty cell analysed, a column labelled with every type hit;
3. presidio-structured (``most_common``), skipped with a message when not installed.

Results go to ``--out`` (default ``build/bench/``) as ``real_quality.md`` / ``.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from .quality import DEFAULT_OUT, Counts, Judged, _fmt, error_lines
from .real_corpus import held_out_tables, real_tables
from .throughput import Contender, run_plain_presidio, run_presidio_structured, run_registre

#: Targets of the issue on real data.
PERSONAL_TARGET = 0.95
ENTITY_TARGETS = {"PERSON": 0.95, "DATE_OF_BIRTH": 0.95}
FLOOR = 0.85


def personal_counts(judged: Iterable[Judged]) -> Counts:
    """Personal versus not, one trial per column."""
    counts = Counts()
    for item in judged:
        gold = bool(item.gold)
        predicted = bool(item.predicted - item.tolerated)
        counts.tp += gold and predicted
        counts.fp += predicted and not gold
        counts.fn += gold and not predicted
    return counts


def contender_lines(contenders: Sequence[Contender], personal: dict[str, Counts]) -> list[str]:
    entities = sorted({e for c in contenders for e in c.report.counts})
    head = "| entity type | " + " | ".join(f"{c.name} P / R / F1 (tp/fp/fn)" for c in contenders)
    lines = [head + " |", "|---|" + "---|" * len(contenders)]
    rows = [("*personal vs not*", [personal[c.name] for c in contenders])]
    rows += [(e, [c.report.counts.get(e, Counts()) for c in contenders]) for e in entities]
    for name, counts in rows:
        cells = [
            f"{_fmt(k.precision)} / {_fmt(k.recall)} / {_fmt(k.f1)} ({k.tp}/{k.fp}/{k.fn})"
            for k in counts
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def targets(contender: Contender, personal: Counts) -> dict[str, bool]:
    """The issue's targets on real data, for one contender."""
    met = {"personal vs not >= 0.95": (personal.f1 or 0.0) >= PERSONAL_TARGET}
    for entity, target in ENTITY_TARGETS.items():
        met[f"{entity} >= {target}"] = (
            contender.report.counts.get(entity, Counts()).f1 or 0.0
        ) >= target
    floor = [e for e, k in contender.report.counts.items() if k.tp + k.fn and (k.f1 or 0.0) < FLOOR]
    met[f"no entity type below {FLOOR} ({', '.join(sorted(floor)) or 'none'})"] = not floor
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-presidio", action="store_true", help="Registre only (fast)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    tables = real_tables()
    columns = sum(len(t.columns) for t in tables)
    contenders = [run_registre(tables)]
    skipped = ""
    if not args.no_presidio:
        contenders.append(run_plain_presidio(tables, cap=10**9))
        structured = run_presidio_structured(tables)
        if isinstance(structured, Contender):
            contenders.append(structured)
        else:
            skipped = f"presidio-structured {structured}"
    personal = {c.name: personal_counts(c.report.judged) for c in contenders}
    md = [
        f"## Real published data: {len(tables)} tables, {columns} columns, "
        f"{sum(t.cells for t in tables):,} cells",
        "",
        *contender_lines(contenders, personal),
        "",
        "Targets (Registre): "
        + ", ".join(
            f"{k} {'ok' if ok else 'MISSED'}"
            for k, ok in targets(contenders[0], personal[contenders[0].name]).items()
        ),
        "",
        "Registre: columns in error",
        *error_lines(contenders[0].report, limit=60),
    ]
    if skipped:
        md += ["", skipped]
    held_out = held_out_tables()
    held = run_registre(held_out)
    held_personal = personal_counts(held.report.judged)
    md += [
        "",
        f"### Held out: {len(held_out)} extracts added after the rules were written, "
        f"{sum(len(t.columns) for t in held_out)} columns (Registre only)",
        "",
        *contender_lines([held], {held.name: held_personal}),
        "",
        "Registre: columns in error (held out)",
        *error_lines(held.report, limit=60),
    ]
    text = "\n".join(md)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "real_quality.md").write_text(text + "\n", encoding="utf-8")
    results = {
        c.name: {
            "personal_f1": personal[c.name].f1,
            "f1": {e: k.f1 for e, k in sorted(c.report.counts.items())},
        }
        for c in contenders
    }
    (args.out / "real_quality.json").write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
