"""The number of SQL statements of a nested list query does not grow with the page size."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from registre.catalog.compliance.store import Change
from registre.catalog.compliance.tracking import note
from registre.catalog.enums import DatasetUsage, FindingStatus
from registre.catalog.models import (
    AISystem,
    AISystemDataset,
    Dataset,
    DataStore,
    Field,
    Finding,
    ProcessingActivity,
)
from registre.catalog.models.ai import processing_activity_dataset
from tests.support.api import Api
from tests.support.catalogs import BACKENDS

DATASETS = 120

NESTED = """
query Nested($first: Int!) {
  datasets(first: $first) {
    edges { node {
      name
      dataStore { name }
      fields { name containsPersonalData findings { entityType } }
      aiSystems { name }
      aiSystemUsages { usage aiSystem { name } }
      processingActivities { name }
      published publicationBlockers { field entityType }
    } }
  }
}
"""


def seed(session: Session) -> None:
    """120 datasets over 4 stores, 3 fields each, findings on two of them, links to 5 AI
    systems and 3 processing activities (rows written directly: the services are not under test)."""
    store_rows = [
        DataStore(name=f"store-{i}", kind="SQLITE", url=f"sqlite:///s{i}.db") for i in range(4)
    ]
    systems = [AISystem(name=f"système {i}") for i in range(5)]
    activities = [ProcessingActivity(name=f"traitement {i}") for i in range(3)]
    session.add_all([*store_rows, *systems, *activities])
    session.flush()
    for i in range(DATASETS):
        dataset = Dataset(data_store_id=store_rows[i % 4].id, name=f"table_{i:03d}")
        session.add(dataset)
        session.flush()
        fields = [
            Field(dataset_id=dataset.id, name=n, position=p)
            for p, n in enumerate(("nom", "email", "code"))
        ]
        session.add_all(fields)
        session.flush()
        statuses = (FindingStatus.SUGGESTED, FindingStatus.REJECTED)
        session.add_all(
            Finding(
                field_id=f.id,
                entity_type=t,
                category="contact",
                score=0.9,
                coverage=0.9,
                distinct_sampled=10,
                status=statuses[(i + k) % 2],
            )
            for k, (f, t) in enumerate(((fields[0], "PERSON"), (fields[1], "EMAIL_ADDRESS")))
        )
        session.add_all(
            AISystemDataset(
                ai_system_id=systems[(i + k) % 5].id, dataset_id=dataset.id, usage=usage
            )
            for k, usage in enumerate((DatasetUsage.TRAINING, DatasetUsage.INPUT))
        )
        session.execute(
            processing_activity_dataset.insert().values(
                processing_activity_id=activities[i % 3].id, dataset_id=dataset.id
            )
        )


@pytest.fixture
def api_seed() -> Callable[[Session], None]:
    return seed


@contextmanager
def counting(api: Api) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(api.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(api.engine, "before_cursor_execute", count)


def _run(api: Api, first: int) -> tuple[list[dict[str, Any]], list[str]]:
    with counting(api) as statements:
        edges = api.data(NESTED, {"first": first})["datasets"]["edges"]
    return [e["node"] for e in edges], statements


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_statement_count_does_not_grow_with_page_size(api: Api) -> None:
    _run(api, 1)  # the token's first use is written once (then at most once a minute)
    small, small_sql = _run(api, 10)
    large, large_sql = _run(api, 100)

    # the queries really resolved everything they asked for
    assert len(small) == 10 and len(large) == 100
    for node in large:
        assert node["dataStore"]["name"].startswith("store-")
        assert [f["name"] for f in node["fields"]] == ["nom", "email", "code"]
        assert [len(f["findings"]) for f in node["fields"]] == [1, 1, 0]
        assert sum(f["containsPersonalData"] for f in node["fields"]) == 1
        assert len(node["aiSystems"]) == 2 and len(node["aiSystemUsages"]) == 2
        assert all(u["aiSystem"]["name"].startswith("système") for u in node["aiSystemUsages"])
        assert len(node["processingActivities"]) == 1

    assert len(small_sql) == len(large_sql), "\n".join(large_sql)
    # one statement per relation, plus the token look-up
    assert len(large_sql) <= 12, "\n".join(large_sql)


def test_counting_sees_per_row_queries(api: Api) -> None:
    # Guards the test above: statements issued per row would be counted.
    with counting(api) as statements, api.factory() as session:
        for dataset in session.query(Dataset).limit(5):
            session.get(DataStore, dataset.data_store_id)
            list(dataset.fields)
    assert len(statements) >= 6


def test_loaders_do_not_outlive_a_request(api: Api) -> None:
    query = "{ datasets(first: 1) { edges { node { dataStore { name } } } } }"
    assert api.data(query)["datasets"]["edges"][0]["node"]["dataStore"]["name"] == "store-0"
    with api.factory() as session:
        session.query(DataStore).filter_by(name="store-0").update({"name": "store-zero"})
        session.commit()
    assert api.data(query)["datasets"]["edges"][0]["node"]["dataStore"]["name"] == "store-zero"


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_a_datasets_personal_data_is_read_from_the_kept_exposure(api: Api) -> None:
    # Dataset.containsPersonalData of a present dataset: one lookup in the exposure kept
    # per dataset, never its fields and findings; the same answer as its fields give,
    # after a change (its findings rejected) committed through the catalog's sessions.
    with api.factory() as session:
        ids = sorted(session.scalars(select(Dataset.id)))[::3]
        session.execute(
            update(Finding)
            .where(Finding.field_id.in_(select(Field.id).where(Field.dataset_id.in_(ids))))
            .values(status=FindingStatus.REJECTED)
            .execution_options(synchronize_session=False)
        )
        for dataset_id in ids:  # bulk statements are noted by hand (no audit event here)
            note(session, Change(datasets={dataset_id}))
        session.commit()
    query = "{ datasets(first: 100) { edges { node { name containsPersonalData } } } }"
    with counting(api) as statements:
        flags = {e["node"]["name"]: e["node"]["containsPersonalData"] for e in _edges(api, query)}
    assert not [s for s in statements if re.search(r"\b(FROM|JOIN) (field|finding)\b", s)]
    whole = "{ datasets(first: 100) { edges { node { name fields { containsPersonalData } } } } }"
    by_fields = {
        e["node"]["name"]: any(f["containsPersonalData"] for f in e["node"]["fields"])
        for e in _edges(api, whole)
    }
    assert flags == by_fields and set(flags.values()) == {True, False}


def _edges(api: Api, query: str) -> list[dict[str, Any]]:
    return list(api.data(query)["datasets"]["edges"])
