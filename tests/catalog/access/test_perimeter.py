"""The perimeter in the catalog layer: what a session bound to a caller reads and writes,
and what it leaves alone (the organisation-wide caller's statements, the upkeep of the
derived tables)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from registre.catalog.access import perimeter
from registre.catalog.access.audit import record
from registre.catalog.access.roles import CLI_ACTOR, Actor, Grant
from registre.catalog.enums import Role
from registre.catalog.errors import PermissionDenied
from registre.catalog.exports.registry import ExportFormat, ExportKind, build_export
from registre.catalog.governance import register as ai_register
from registre.catalog.models import (
    AISystem,
    Dataset,
    ExposureDatasetRow,
    ExposureTotalRow,
    StoredIssue,
)
from tests.support.catalogs import BACKENDS, Catalog
from tests.support.domains import MARKS, TwoDomains, seed_two_domains

ALPHA, BETA = MARKS


@pytest.fixture
def catalog_seed() -> Callable[[Session], TwoDomains]:
    return seed_two_domains


def _two(catalog: Catalog) -> TwoDomains:
    assert isinstance(catalog.payload, TwoDomains)
    return catalog.payload


def _steward(two: TwoDomains, mark: str) -> Actor:
    return Actor(
        name=f"steward {mark}",
        role=Role.STEWARD,
        grants=(Grant(Role.STEWARD, two.sides[mark].domain),),
    )


@contextmanager
def _statements(session: Session) -> Iterator[list[str]]:
    seen: list[str] = []

    def listen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def test_an_organisation_wide_caller_runs_its_statements_unchanged(catalog: Catalog) -> None:
    two = _two(catalog)
    with catalog.factory() as session:
        perimeter.bind(session, CLI_ACTOR)
        with _statements(session) as wide:
            assert session.scalar(select(func.count()).select_from(Dataset)) == 4
        perimeter.bind(session, _steward(two, ALPHA))
        with _statements(session) as scoped:
            assert session.scalar(select(func.count(Dataset.id))) == 2
    assert "domain_id" not in " ".join(wide)
    assert "domain_id" in " ".join(scoped)


def test_exports_hold_the_domain_only(catalog: Catalog) -> None:
    two = _two(catalog)
    for mark in MARKS:
        with catalog.factory() as session:
            actor = _steward(two, mark)
            perimeter.bind(session, actor)
            art30 = build_export(session, actor, ExportKind.ART30, ExportFormat.JSON).content
            assert f"Traitement {mark}" in art30 and two.other(mark).mark not in art30


def test_the_last_guard_refuses_a_change_outside_the_domains(catalog: Catalog) -> None:
    """A service that forgot its check still cannot write in another domain: the audit
    event of the change is refused."""
    two = _two(catalog)
    with catalog.factory() as session:
        theirs = session.get(AISystem, two.sides[BETA].ids["AISystem"][0])
        assert theirs is not None
        with pytest.raises(PermissionDenied):
            record(session, _steward(two, ALPHA), "update_ai_system", theirs)
        session.rollback()


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_upkeep_of_derived_tables_sees_the_whole_register(
    backend: str, new_catalog: Callable[..., Catalog]
) -> None:
    """A steward's change re-evaluates what it touches with the whole register in view:
    the other domain's issues and exposure rows, and the organisation's totals, stay.
    (A catalog of its own: the upkeep runs at commit, which ``catalog`` rolls back.)"""
    catalog = new_catalog(backend, seed_two_domains)

    def state(session: Session) -> tuple[Any, ...]:
        issues = session.scalars(
            select(StoredIssue.id).where(StoredIssue.closed_at.is_(None)).order_by(StoredIssue.id)
        ).all()
        rows = session.scalars(select(ExposureDatasetRow.dataset_id).order_by("dataset_id")).all()
        totals = session.execute(
            select(
                ExposureTotalRow.scope,
                ExposureTotalRow.kind,
                ExposureTotalRow.key,
                ExposureTotalRow.datasets,
                ExposureTotalRow.fields,
            ).order_by(ExposureTotalRow.id)
        ).all()
        return tuple(issues), tuple(rows), tuple(map(tuple, totals))

    two = _two(catalog)
    with catalog.factory() as session:
        before = state(session)
    with catalog.factory() as session, session.begin():
        actor = _steward(two, ALPHA)
        perimeter.bind(session, actor)
        system = two.sides[ALPHA].ids["AISystem"][0]
        ai_register.update_ai_system(session, actor, system, {"owner": "Direction"})
    with catalog.factory() as session:
        after = state(session)
    # the change touches zalpha's system and, through its link, a dataset of zbeta: a
    # filtered upkeep would have taken that dataset for gone and closed its issues
    assert after[1:] == before[1:]
    closed = set(before[0]) - set(after[0])
    with catalog.factory() as session:
        what = session.execute(
            select(StoredIssue.rule, StoredIssue.subject_type, StoredIssue.subject_id).where(
                StoredIssue.id.in_(closed)
            )
        ).all()
    assert [tuple(w) for w in what] == [("GOV-OWNER", "AISystem", system)]
    assert set(after[0]) <= set(before[0])
