"""Benchmark: re-identification risk measured on a generated population of known uniqueness.

Run from the repository root: ``python -m bench.reidentification``. It draws a
population of ``--population`` persons (seeded): a date of birth uniform over 80 years,
a sex, one of ``--postal-codes`` postal codes, one of 12 professions. On the *whole*
population it counts the true share of persons unique on each combination of those
quasi-identifiers and the smallest group (k); then it hands samples of ``--sample``
rows to Registre's classifier, as a scan would, and prints what the classifier reports:
the quasi-identifier columns, the share unique on the sample, k, the smallest risky
combination and whether the table gets a ``REIDENTIFICATION_RISK`` finding.

Written to ``--out`` (default ``build/bench/``) as ``reidentification.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections import Counter
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path

from .quality import DEFAULT_OUT

PROFESSIONS = (
    "Agriculteur", "Artisan", "Cadre", "Employé", "Enseignant", "Infirmier", "Ingénieur",
    "Médecin", "Ouvrier", "Retraité", "Sans profession", "Technicien",
)  # fmt: skip
QUASI = ("date_naissance", "sexe", "code_postal", "profession")


def population(size: int, postal_codes: int, seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    codes = [f"{45000 + 10 * i:05d}" for i in range(postal_codes)]
    start = dt.date(1940, 1, 1)
    return [
        {
            "nom": f"NOM{i}",
            "prenom": rng.choice(("Anne", "Jean", "Line", "Paul", "Rémi", "Agnès")),
            "date_naissance": start + dt.timedelta(days=rng.randrange(80 * 365)),
            "sexe": rng.choice("MF"),
            "code_postal": rng.choice(codes),
            "profession": rng.choice(PROFESSIONS),
        }
        for i in range(size)
    ]


def uniqueness(rows: Sequence[dict[str, object]], columns: Sequence[str]) -> tuple[float, int]:
    """Share of ``rows`` unique on ``columns``, and the smallest group size."""
    groups = Counter(tuple(r[c] for c in columns) for r in rows)
    unique = sum(1 for n in groups.values() if n == 1)
    return unique / len(rows), min(groups.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--population", type=int, default=20_000)
    parser.add_argument("--postal-codes", type=int, default=40)
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=5, help="samples drawn")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    from registre.scanners.detection.classifier import Classifier
    from registre.scanners.detection.columns import SampledColumn

    people = population(args.population, args.postal_codes, args.seed)
    md = [
        f"## Re-identification: a population of {args.population:,} persons, "
        f"{args.postal_codes} postal codes (seed {args.seed})",
        "",
        "True uniqueness on the whole population, per combination of quasi-identifiers:",
        "",
        "| quasi-identifiers | persons unique | smallest group (k) |",
        "|---|---:|---:|",
    ]
    for size in range(1, len(QUASI) + 1):
        for combo in combinations(QUASI, size):
            share, k = uniqueness(people, combo)
            md.append(f"| {', '.join(combo)} | {share:.1%} | {k} |")
    classifier = Classifier(use_ner=False)
    rng = random.Random(args.seed + 1)
    md += [
        "",
        f"What the classifier reports on {args.samples} random samples of {args.sample} rows "
        "(the table also holds nom and prenom):",
        "",
        "| sample | quasi-identifiers found | unique on all (sample) | k (sample) | "
        "smallest risky combination | unique on it (sample) | same combination, whole "
        "population | REIDENTIFICATION_RISK |",
        "|---|---|---:|---:|---|---:|---:|---|",
    ]
    for n in range(args.samples):
        rows = rng.sample(people, args.sample)
        columns = [
            SampledColumn(name, "date" if name == "date_naissance" else "text", [r[name] for r in rows])  # noqa: E501
            for name in ("nom", "prenom", *QUASI)
        ]  # fmt: skip
        found = classifier.classify_table("habitants", columns)
        quasi = found.quasi_identifiers
        assert quasi is not None
        flagged = any(f.entity_type == "REIDENTIFICATION_RISK" for fs in found.values() for f in fs)
        true_share = uniqueness(people, quasi.risky)[0] if quasi.risky else 0.0
        md.append(
            f"| {n + 1} | {', '.join(quasi.columns)} | {quasi.unique_share:.1%} | {quasi.k} | "
            f"{', '.join(quasi.risky) or '-'} | {quasi.risky_unique_share:.1%} | "
            f"{true_share:.1%} | {'yes' if flagged else 'no'} |"
        )
    text = "\n".join(md)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "reidentification.md").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
