"""The scale benchmark's harness on a tiny catalog: the bulk build gives the sizes it
claims and stored issues a fresh evaluation agrees with; the plan check sees a full scan."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from registre.catalog.compliance.engine import evaluate
from registre.catalog.db import make_engine, session_factory
from registre.catalog.models import AISystem, Dataset, DataStore, Field, Finding, StoredIssue

scale = pytest.importorskip(
    "registre.bench.scale", reason="bench/ is in the source tree only (editable install)"
)
scale_build = pytest.importorskip("registre.bench.scale_build")


def test_build_gives_the_sizes_and_current_issues(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'scale.db'}")
    built = scale_build.build(engine, 2_000, log=lambda _: None)
    with session_factory(engine)() as session:

        def count(model: type) -> int:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)

        assert (count(DataStore), count(Dataset), count(Field), count(Finding)) == (
            10,
            200,
            2_000,
            200,
        )
        assert count(AISystem) == built.sizes.systems == 6
        stored = sorted(
            (r.rule, r.subject_type, r.subject_id, r.message)
            for r in session.scalars(select(StoredIssue).where(StoredIssue.closed_at.is_(None)))
        )
        fresh = sorted((i.rule, i.subject_type, i.subject_id, i.message) for i in evaluate(session))
        assert stored == fresh and built.issues == len(fresh) > 0
        # a query reading every field is flagged, one by primary key is not
        every = ("SELECT count(*) FROM field WHERE name LIKE ?", ("%nom%",))
        one = ("SELECT name FROM field WHERE id = ?", (1,))
        assert [s.split(":")[0] for s in scale.seq_scans(engine, [every, one])] == ["field"]
    engine.dispose()


def test_queries_take_their_page_size() -> None:
    readme = scale.readme_queries()
    assert {q.name for q in readme} >= {"README Gaps", "README ExposureOutsideEU"}
    gaps = next(q for q in readme if q.name == "README Gaps")
    assert "first: 7" in gaps.sized(7)[0]
    saved = scale.saved_queries("2026-11-22T00:00:00Z")
    assert len(saved) == 5 and all(q.sized(3)[1]["first"] == 3 for q in saved)
