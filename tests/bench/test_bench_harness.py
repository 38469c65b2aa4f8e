"""The benchmark harness itself: scoring math, a deterministic corpus whose labels agree
with its values, and the classifier run end to end on a tiny corpus (no spaCy, no timing)."""

from __future__ import annotations

import json

import pytest

from registre.catalog.data.harvested import ColumnFinding
from registre.scanners.detection import validators
from registre.scanners.detection.classifier import Classifier
from registre.scanners.detection.config import default_detection_config

corpus = pytest.importorskip(
    "registre.bench.corpus", reason="bench/ is in the source tree only (editable install)"
)
quality = pytest.importorskip("registre.bench.quality")

Judged = quality.Judged
E = frozenset


def test_scores_a_hand_made_confusion() -> None:
    judged = [
        Judged("t", "nom", gold=E({"PERSON"}), predicted=E({"PERSON"})),  # PERSON tp
        Judged("t", "prenom", gold=E({"PERSON"}), predicted=E()),  # PERSON fn
        Judged("t", "ville", gold=E({"LOCATION"}), predicted=E({"LOCATION", "PERSON"})),
        Judged("t", "grade", gold=E(), predicted=E()),  # nothing
        Judged("t", "cp", gold=E(), predicted=E({"LOCATION"}), tolerated=E({"LOCATION"})),
        Judged("t", "tel", gold=E({"PHONE_NUMBER"}), predicted=E({"PHONE_NUMBER"})),
        Judged("t", "code", gold=E(), predicted=E({"PHONE_NUMBER"})),  # PHONE fp
    ]
    report = quality.score(judged)
    person, location, phone = (report.counts[e] for e in ("PERSON", "LOCATION", "PHONE_NUMBER"))
    assert (person.tp, person.fp, person.fn) == (1, 1, 1)
    assert person.precision == person.recall == person.f1 == 0.5
    assert (location.tp, location.fp, location.fn) == (1, 0, 0)  # tolerated: no fp on cp
    assert location.f1 == 1.0
    assert (phone.precision, phone.recall) == (0.5, 1.0)
    assert phone.f1 == pytest.approx(2 / 3)
    micro = report.micro(["PERSON", "LOCATION", "PHONE_NUMBER", "FR_NIR"])
    assert (micro.tp, micro.fp, micro.fn) == (3, 2, 1)
    assert micro.f1 == pytest.approx(6 / 9)
    assert [f"{j.table}.{j.column}" for j in report.errors] == ["t.prenom", "t.ville", "t.code"]


def test_undefined_ratios_are_none_and_misses_are_zero() -> None:
    empty = quality.Counts()
    assert empty.precision is None and empty.recall is None and empty.f1 is None
    missed = quality.Counts(fn=2)
    assert missed.precision is None and missed.recall == 0.0 and missed.f1 == 0.0


def _finding(entity: str, score: float, free_text: bool = False) -> ColumnFinding:
    return ColumnFinding(entity, "IDENTITY", score, 1.0, 10, "r", None, None, free_text=free_text)


def test_labels_and_suggestions() -> None:
    found = [_finding("PERSON", 0.9), _finding("LOCATION", 0.49), _finding("FR_NIR", 0.5)]
    found.append(_finding("EMAIL_ADDRESS", 0.6, free_text=True))
    assert quality.labels(found) == {"PERSON", "FR_NIR"}
    assert quality.with_suggestions(found) == {"PERSON", "LOCATION", "FR_NIR", "EMAIL_ADDRESS"}
    table = corpus.LabelledTable("t", "generated", ())
    column = corpus.LabelledColumn("notes", "text", ("x",), mentions=E({"PERSON"}))
    assert quality.judge(table, column, E({"PERSON"})).false_positives == {"PERSON"}
    assert quality.judge(table, column, E({"PERSON"}), suggestions=True).false_positives == set()


@pytest.fixture(scope="module")
def tiny() -> list:
    return corpus.generated_tables(seed=7, rows=24, copies=2)


def test_corpus_is_deterministic(tiny: list) -> None:
    again = corpus.generated_tables(seed=7, rows=24, copies=2)
    assert again == tiny
    other = corpus.generated_tables(seed=8, rows=24, copies=2)
    assert [c.values for t in other for c in t.columns] != [
        c.values for t in tiny for c in t.columns
    ]


def test_corpus_names_are_french_english_and_missing(tiny: list) -> None:
    names = {c.name for t in tiny for c in t.columns}
    assert {"nom", "prenom", "courriel", "date_naissance", "nir"} <= names
    assert names & {"last_name", "surname"} and names & {"email", "e_mail"}
    nameless = [c for t in tiny for c in t.columns if c.name.startswith("col_")]
    assert {e for c in nameless for e in c.expected} >= {"FR_NIR", "EMAIL_ADDRESS", "IBAN_CODE"}
    assert len({t.name for t in tiny}) == len(tiny) == 2 * len(corpus.TEMPLATES)


# What each checksum-backed gold label promises about the values.
_CHECKS = {
    "FR_NIR": validators.is_nir,
    "FR_SIRET": validators.is_siret,
    "FR_SIREN": validators.is_siren,
    "FR_NIF": validators.is_nif,
    "IBAN_CODE": validators.is_iban,
    "EMAIL_ADDRESS": validators.is_email,
    "PHONE_NUMBER": validators.is_phone_fr,
    "IP_ADDRESS": validators.is_ip_address,
    "FR_PASSPORT": validators.is_passport,
}


def test_labels_agree_with_values(tiny: list) -> None:
    known = set(default_detection_config().entities)
    for table in tiny:
        for column in table.columns:
            assert column.expected <= known, column.name
            assert not column.expected & column.mentions
            values = [str(v) for v in column.values if v is not None]
            assert values, f"{table.name}.{column.name} is empty"
            for entity in column.expected & set(_CHECKS):
                valid = sum(_CHECKS[entity](v) for v in values) / len(values)
                lenient = any(w in column.note for w in ("wrong key", "fail", "overseas"))
                floor = 0.75 if lenient else 1.0
                assert valid >= floor, (table.name, column.name, entity, valid)


def test_invalid_look_alikes_fail_their_checksums(tiny: list) -> None:
    by_kind = {
        "NIR-shaped": validators.is_nir,
        "failing Luhn": validators.is_siret,
        "IBAN-shaped": validators.is_iban,
    }
    seen = set()
    for column in (c for t in tiny for c in t.columns if not c.expected):
        for marker, check in by_kind.items():
            if marker in column.note:
                seen.add(marker)
                values = [str(v) for v in column.values if v is not None]
                assert values and not any(check(v) for v in values), column.name
    assert seen == set(by_kind)


def test_dutch_register_gold_is_empty() -> None:
    if not corpus.DUTCH_REGISTER.exists():
        pytest.skip(f"{corpus.DUTCH_REGISTER} is absent (no ../shared/data/ here)")
    tables = corpus.dutch_register_tables(rows=500)
    assert sum(t.rows for t in tables) == 1530
    assert all(not c.expected and not c.mentions for t in tables for c in t.columns)


def test_harness_runs_the_classifier_end_to_end(tiny: list) -> None:
    # use_ner=False: no spaCy load, so the test stays fast; the benchmark itself uses NER.
    classifier = Classifier(use_ner=False)
    small = tiny[: len(corpus.TEMPLATES)]
    findings = quality.run_registre(small, classifier.classify_table)
    assert set(findings) == {(t.name, c.name) for t in small for c in t.columns}
    report = quality.judge_registre(small, findings)
    assert report.counts["FR_NIR"].tp >= 2
    json.dumps(quality.as_json(report))
    lines = quality.table_lines({"labels": report}, quality.entity_rows(report))
    assert lines[0].startswith("| entity type") and any("FR_NIR" in line for line in lines)
