"""The ``search`` of datasets: any case, any part of the name or description, the same
answer on SQLite (FTS5 trigram index kept by triggers, migration 0019) as a plain substring
test, after datasets are added, renamed and deleted."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from registre.catalog.data.search import datasets_statement
from registre.catalog.models import Dataset
from tests.catalog.exposure.exposure_seed import seed
from tests.support.catalogs import Catalog

NAMES = {
    "Paiements_2024": "Virements SEPA des agents",
    "paiements-archive": None,
    "RH_absences": "Congés et absences (100% des agents)",
    "Etat_civil": 'Actes "originaux" numérisés',
}
SEARCHES = ["paie", "PAIEMENTS_", "ments", "sepa", "Agents", "100%", '"orig', "és", "a", "zz",
            "_", "congés", "nomatch"]  # fmt: skip


def _expected(session: Session, text: str) -> set[str]:
    # a plain substring test, ASCII case folded (the test texts' only case differences)
    rows = session.execute(select(Dataset.name, Dataset.description)).all()
    needle = text.lower()
    return {n for n, d in rows if needle in n.lower() or needle in (d or "").lower()}


def _found(session: Session, text: str) -> set[str]:
    return set(session.scalars(datasets_statement(search=text).with_only_columns(Dataset.name)))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_search_matches_substrings_after_each_change(
    new_catalog: Callable[..., Catalog], backend: str
) -> None:
    catalog = new_catalog(backend, seed=seed)
    with catalog.factory() as session:
        store_id = session.scalars(select(Dataset.data_store_id)).first()
        session.execute(delete(Dataset).where(Dataset.removed_at.is_not(None)))
        for name, description in NAMES.items():
            session.add(Dataset(data_store_id=store_id, name=name, description=description))
        session.commit()

    def check(when: str) -> None:
        with catalog.factory() as session:
            for text in SEARCHES:
                assert _found(session, text) == _expected(session, text), (when, text)

    check("added")
    with catalog.factory() as session:
        renamed = session.scalars(select(Dataset).where(Dataset.name == "Paiements_2024")).one()
        renamed.name, renamed.description = "Salaires_2024", "Paie des agents"
        session.commit()
    check("renamed")
    with catalog.factory() as session:
        session.execute(delete(Dataset).where(Dataset.name == "RH_absences"))
        session.commit()
    check("deleted")
    with catalog.factory() as session:
        assert _found(session, "salaires") == {"Salaires_2024"}
        assert _found(session, "Paiements_2024") == set()
        sql = str(datasets_statement(search="paie").compile(session.get_bind()))
        # SQLite reads the FTS5 index for three characters or more, LIKE below that
        assert ("dataset_search MATCH" in sql) == (backend == "sqlite"), sql
        short = str(datasets_statement(search="pa").compile(session.get_bind()))
        assert "MATCH" not in short


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
@pytest.mark.parametrize("text", ["a", "age"])  # LIKE, and (SQLite) the FTS5 index
def test_search_is_one_condition_among_others(
    new_catalog: Callable[..., Catalog], backend: str, text: str
) -> None:
    # The search is an OR of two columns: joined to other conditions (a keyset page's
    # cursor) it must stay grouped. Ungrouped, "id > cursor" bound one branch only and
    # a paged search returned the same page forever.
    catalog = new_catalog(backend, seed=seed)
    with catalog.factory() as session:
        store_id = session.scalars(select(Dataset.data_store_id)).first()
        for n in range(6):
            session.add(Dataset(data_store_id=store_id, name=f"agents_{n}", description="agents"))
        session.commit()
        wanted = sorted(
            session.scalars(
                select(Dataset.id).where(
                    Dataset.removed_at.is_(None), Dataset.name.like("agents_%")
                )
            )
        )
        cursor = wanted[2]
        stmt = datasets_statement(search=text).where(Dataset.id > cursor)
        found = sorted(session.scalars(stmt.with_only_columns(Dataset.id)))
        expected = {i for i in _ids_matching(session, text) if i > cursor}
        assert set(found) == expected and set(wanted[3:]) <= expected


def _ids_matching(session: Session, text: str) -> set[int]:
    rows = session.execute(
        select(Dataset.id, Dataset.name, Dataset.description).where(Dataset.removed_at.is_(None))
    ).all()
    return {i for i, n, d in rows if text in n.lower() or text in (d or "").lower()}
