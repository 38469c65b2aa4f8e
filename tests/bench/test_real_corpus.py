"""The real-data corpus (``bench/real/``): every extract cites its source, its gold names
existing columns, and the personal-versus-not count is right (the scan of the extracts
is tested in ``tests/scanners/runs/test_scan_real_corpus.py``)."""

from __future__ import annotations

import pytest

real_corpus = pytest.importorskip(
    "registre.bench.real_corpus", reason="bench/ is in the source tree only (editable install)"
)
real_quality = pytest.importorskip("registre.bench.real_quality")
quality = pytest.importorskip("registre.bench.quality")


def test_every_extract_cites_its_source_and_its_gold_is_consistent() -> None:
    files = {spec.file for spec in real_corpus.FILES}
    assert files == {p.name for p in real_corpus.REAL_DIR.glob("*.csv")}
    held = {spec.file for spec in real_corpus.HELD_OUT}
    assert held == {f"heldout/{p.name}" for p in (real_corpus.REAL_DIR / "heldout").glob("*.csv")}
    assert len(real_corpus.held_out_tables()) == len(held)
    for spec in (*real_corpus.FILES, *real_corpus.HELD_OUT):
        assert "data.gouv.fr" in spec.source or "github.com" in spec.source, spec.file
    tables = real_corpus.real_tables()
    personal = sum(1 for t in tables for c in t.columns if c.expected)
    assert personal >= 25  # persons, sole traders, elected officials
    assert any(t.name == "real.laposte_hexasmal" for t in tables)


def test_personal_versus_not_counts() -> None:
    E = frozenset
    judged = [
        quality.Judged("t", "a", E({"PERSON"}), E({"PERSON", "LOCATION"})),  # tp
        quality.Judged("t", "b", E(), E({"LOCATION"})),  # fp
        quality.Judged("t", "c", E({"DATE_OF_BIRTH"}), E()),  # fn
        quality.Judged("t", "d", E(), E({"LOCATION"}), E({"LOCATION"})),  # tolerated: nothing
    ]
    counts = real_quality.personal_counts(judged)
    assert (counts.tp, counts.fp, counts.fn) == (1, 1, 1)
