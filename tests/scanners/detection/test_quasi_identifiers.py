"""Quasi-identifiers of a table of persons: which columns, how unique the sampled
records are on them, the REIDENTIFICATION_RISK finding, and no value anywhere."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from registre.scanners.detection.classifier import Classifier
from registre.scanners.detection.columns import SampledColumn

ROWS = 200


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(use_ner=False)


def _people(rng: random.Random) -> list[SampledColumn]:
    return [
        SampledColumn("nom", "text", [f"NOM{i % 50}" for i in range(ROWS)]),
        SampledColumn(
            "prenom", "text", [rng.choice(["Anne", "Jean", "Line"]) for _ in range(ROWS)]
        ),
    ]


def test_coarse_quasi_identifiers_single_no_one_out(classifier: Classifier) -> None:
    rng = random.Random(1)
    years = [rng.choice([1960, 1970, 1980]) for _ in range(ROWS)]
    columns = [
        *_people(rng),
        SampledColumn("annee_naissance", "integer", years),
        SampledColumn("sexe", "text", [rng.choice("MF") for _ in range(ROWS)]),
        SampledColumn("code_postal", "text", [rng.choice(["45000", "45160"]) for _ in range(ROWS)]),
    ]
    found = classifier.classify_table("usagers", columns)
    quasi = found.quasi_identifiers
    assert quasi is not None
    assert quasi.columns == ("annee_naissance", "sexe", "code_postal")
    assert quasi.kinds == ("birth", "sex", "place")
    assert quasi.unique_share == 0.0 and quasi.k >= 5  # 12 combinations over 200 records
    assert not quasi.at_risk
    assert all(f.entity_type != "REIDENTIFICATION_RISK" for fs in found.values() for f in fs)


def test_a_birth_date_singles_records_out(classifier: Classifier) -> None:
    rng = random.Random(2)
    births = [dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(20_000)) for _ in range(ROWS)]
    columns = [
        *_people(rng),
        SampledColumn("date_naissance", "date", births),
        SampledColumn("sexe", "text", [rng.choice("MF") for _ in range(ROWS)]),
    ]
    found = classifier.classify_table("usagers", columns)
    quasi = found.quasi_identifiers
    assert quasi is not None and quasi.risky == ("date_naissance",)
    assert quasi.risky_unique_share > 0.9 and quasi.k == 1
    (risk,) = [f for f in found["date_naissance"] if f.entity_type == "REIDENTIFICATION_RISK"]
    assert risk.score >= 0.5 and risk.masked_example is None
    text = " ".join(risk.reasons) + str(quasi.as_dict())
    assert not any(d.isoformat() in text for d in births)
    assert "date_naissance" in text


def test_only_tables_of_persons_are_measured(classifier: Classifier) -> None:
    places = [
        SampledColumn("commune", "text", [f"COMMUNE {i}" for i in range(ROWS)]),
        SampledColumn("code_postal", "text", [f"{45000 + i}" for i in range(ROWS)]),
        SampledColumn("departement", "text", ["45"] * ROWS),
    ]
    found = classifier.classify_table("communes", places)
    assert found.subject.subject == "PLACES" and found.quasi_identifiers is None
