"""Alembic migrations: they go up and down on SQLite and PostgreSQL, and the schema they
build is exactly what the models declare (no autogenerate difference)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, select, text

from registre.catalog import migrate
from registre.catalog.models import Base
from tests.support.catalogs import BACKENDS

MODEL_TABLES = set(Base.metadata.tables)


def _diff(engine: Engine) -> list[Any]:
    def include(obj: Any, _name: Any, _type: str, _reflected: bool, _other: Any) -> bool:
        # an index the models create on one database only (``Index.ddl_if(dialect=...)``,
        # the trigram indexes of PostgreSQL): alembic's comparison does not read ddl_if
        only = getattr(getattr(obj, "_ddl_if", None), "dialect", None)
        if _type == "table" and str(_name).startswith("dataset_search"):
            return False  # SQLite's FTS5 index of the datasets (migration 0019), not a model
        return only is None or only == engine.dialect.name

    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include}
        )
        return list(compare_metadata(context, Base.metadata))


def _tables(engine: Engine) -> set[str]:
    # less SQLite's FTS5 index of the datasets and its shadow tables (migration 0019)
    names = set(inspect(engine).get_table_names())
    return {n for n in names if not n.startswith("dataset_search")}


def test_one_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_heads() == [migrate.head()]


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_downgrade_upgrade(backend: str, empty_engine: Callable[[str], Engine]) -> None:
    engine = empty_engine(backend)
    assert not migrate.is_up_to_date(engine)

    migrate.upgrade(engine)
    assert migrate.current(engine) == migrate.head()
    assert migrate.is_up_to_date(engine)
    assert _tables(engine) == MODEL_TABLES | {"alembic_version"}

    migrate.downgrade(engine, "base")
    assert migrate.current(engine) is None
    assert _tables(engine) <= {"alembic_version"}

    migrate.upgrade(engine)
    assert migrate.is_up_to_date(engine)
    assert _tables(engine) == MODEL_TABLES | {"alembic_version"}
    assert _diff(engine) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrated_schema_matches_the_models(
    backend: str, empty_engine: Callable[[str], Engine]
) -> None:
    engine = empty_engine(backend)
    assert _diff(engine), "an empty database must differ from the models"
    migrate.upgrade(engine)
    assert _diff(engine) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_comparison_sees_an_extra_column(
    backend: str, empty_engine: Callable[[str], Engine]
) -> None:
    # Guards the test above: the comparison really looks at the migrated tables.
    engine = empty_engine(backend)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE dataset ADD COLUMN stray INTEGER"))
    ((op, _schema, table, column),) = _diff(engine)
    assert (op, table, column.name) == ("remove_column", "dataset", "stray")


@pytest.mark.postgres
def test_comparison_compares_types(empty_engine: Callable[[str], Engine]) -> None:
    engine = empty_engine("postgresql")
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE organisation ALTER COLUMN siren TYPE VARCHAR(20)"))
    diff = _diff(engine)
    assert len(diff) == 1
    ((op, _schema, table, column, *_),) = diff[0]
    assert (op, table, column) == ("modify_type", "organisation", "siren")


@pytest.mark.parametrize("backend", BACKENDS)
def test_data_survives_a_no_op_upgrade(backend: str, empty_engine: Callable[[str], Engine]) -> None:
    engine = empty_engine(backend)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organisation (name, is_public_body, non_eu_control, qualifications, "
                "created_at) VALUES ('Ville', true, false, '[]', CURRENT_TIMESTAMP)"
            )
        )
    migrate.upgrade(engine)  # already at head: must leave the data alone
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM organisation")).scalars().all() == ["Ville"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_0014_backfills_message_templates(
    backend: str, empty_engine: Callable[[str], Engine]
) -> None:
    """Issues stored before 0014 have no template; the refresh at upgrade gives them one,
    keeping the record (and its first-seen date)."""
    engine = empty_engine(backend)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organisation (name, is_public_body, non_eu_control, qualifications, "
                "created_at) VALUES ('Ville', true, false, '[]', CURRENT_TIMESTAMP)"
            )
        )
    migrate.upgrade(engine)  # the refresh at head records the issue
    with engine.begin() as conn:
        # as 0014 leaves an issue stored before it: the new column empty
        conn.execute(text("UPDATE compliance_issue SET message_text = NULL"))
        (before,) = conn.execute(text("SELECT id, message FROM compliance_issue")).all()
    migrate.upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, message, message_text FROM compliance_issue")).all()
    assert [(r[0], r[1]) for r in rows] == [tuple(before)]
    assert before[1] == "public body 'Ville' records no DPO contact"
    template = rows[0][2] if isinstance(rows[0][2], dict) else json.loads(rows[0][2])
    assert template == {
        "template": "public body '{name}' records no DPO contact",
        "params": {"name": "Ville"},
    }


@pytest.mark.parametrize("backend", BACKENDS)
def test_0016_puts_everything_in_one_default_domain(
    backend: str, empty_engine: Callable[[str], Engine]
) -> None:
    """A catalog at 0015 with rows in it: after the upgrade its stores, AI systems and
    processing activities belong to the default domain, and its tokens keep working on the
    whole organisation."""
    from sqlalchemy.orm import Session

    from registre.catalog.access.perimeter import domain_of
    from registre.catalog.access.tokens import authenticate, hash_token
    from registre.catalog.models import DataStore

    engine = empty_engine(backend)
    migrate.upgrade(engine, "0015")
    now = "CURRENT_TIMESTAMP"
    EMPTY_LISTS = ", ".join(["'[]'"] * 9)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO data_store (name, kind, url, created_at) "
                f"VALUES ('rh', 'POSTGRESQL', 'postgresql://u@h/rh', {now})"
            )
        )
        conn.execute(
            text(
                "INSERT INTO ai_system (name, status, art_6_3_claim, profiling, art_50_triggers, "
                "individual_decisions, legal_effect, created_at, updated_at) "
                f"VALUES ('tri', 'PLANNED', false, false, '[]', false, false, {now}, {now})"
            )
        )
        conn.execute(
            text(
                "INSERT INTO processing_activity (name, joint_controllers, sub_purposes, "
                "data_subject_categories, data_categories, recipients, internal_recipients, "
                "transfers, retention_by_category, wp248_criteria, created_at, updated_at) "
                f"VALUES ('paie', {EMPTY_LISTS}, {now}, {now})"
            )
        )
        conn.execute(
            text(
                "INSERT INTO api_token (name, role, token_hash, created_at) "
                f"VALUES ('ancien', 'steward', :hash, {now})"
            ),
            {"hash": hash_token("rgt_ancien")},
        )
    migrate.upgrade(engine)
    with engine.connect() as conn:
        domains = conn.execute(text("SELECT id, name FROM domain")).all()
        assert [d[1] for d in domains] == ["default"]
        default = domains[0][0]
        for table in ("data_store", "ai_system", "processing_activity"):
            assert conn.execute(text(f"SELECT domain_id FROM {table}")).scalars().all() == [
                default
            ], table
        assert conn.execute(text("SELECT count(*) FROM api_token_domain")).scalar() == 0
    with Session(engine) as session:
        actor = authenticate(session, "rgt_ancien")
        assert actor is not None and actor.name == "token:ancien"
        assert actor.domains() is None  # the whole organisation, as before
        store = session.scalars(select(DataStore)).one()
        assert domain_of(session, store) == default


@pytest.mark.parametrize("backend", BACKENDS)
def test_0018_writes_the_french_of_stored_issues(
    backend: str, empty_engine: Callable[[str], Engine]
) -> None:
    """Issues stored before 0018 have no French; the refresh at upgrade writes it, keeping
    the record; going down and up again keeps the data."""
    engine = empty_engine(backend)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organisation (name, is_public_body, non_eu_control, qualifications, "
                "created_at) VALUES ('Ville', true, false, '[]', CURRENT_TIMESTAMP)"
            )
        )
    migrate.upgrade(engine)  # the refresh at head records the issue
    migrate.downgrade(engine, "0017")
    with engine.connect() as conn:
        assert "message_fr" not in {
            c["name"] for c in inspect(conn).get_columns("compliance_issue")
        }
        (before,) = conn.execute(text("SELECT id, message FROM compliance_issue")).all()
    migrate.upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, message, message_fr FROM compliance_issue")).all()
    assert [(r[0], r[1]) for r in rows] == [tuple(before)]
    assert rows[0][2] == (
        "l’organisme public « Ville » n’a pas de contact de délégué à la protection des données"
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_0019_indexes_the_datasets_already_there_and_widens_the_totals(
    backend: str, empty_engine: Callable[[str], Engine]
) -> None:
    """From 0018 with data: the search (SQLite: the FTS5 index, filled from the datasets
    already there) finds them, and the refresh at the head keeps totals of the new scopes,
    whose names the column before 0019 was too short for."""
    from sqlalchemy.orm import sessionmaker

    from registre.catalog.data.search import datasets_statement
    from registre.catalog.enums import FindingStatus
    from registre.catalog.models import Dataset, DataStore, ExposureTotalRow, Field, Finding

    engine = empty_engine(backend)
    migrate.upgrade(engine, "0018")
    with sessionmaker(engine)() as session:  # written as 0018 left them, no hook
        default = session.scalar(text("SELECT id FROM domain"))
        store = DataStore(name="rh", kind="SQLITE", url="sqlite:///rh.db", domain_id=default)
        session.add(store)
        session.flush()
        dataset = Dataset(data_store_id=store.id, name="Agents_paie", description="Paie")
        session.add(dataset)
        session.flush()
        field = Field(dataset_id=dataset.id, name="nom", position=0)
        session.add(field)
        session.flush()
        session.add(
            Finding(
                field_id=field.id,
                entity_type="PERSON",
                category="IDENTITY",
                score=0.9,
                coverage=0.9,
                distinct_sampled=10,
                status=FindingStatus.CONFIRMED,
            )
        )
        session.commit()
    migrate.upgrade(engine)
    with sessionmaker(engine)() as session:
        found = session.scalars(
            datasets_statement(search="agents_P").with_only_columns(Dataset.name)
        )
        assert list(found) == ["Agents_paie"]
        scopes = set(session.scalars(select(ExposureTotalRow.scope)))
        assert {"all", "inside_eu", "eu_control"} <= scopes


@pytest.mark.parametrize("backend", BACKENDS)
def test_0020_the_store_and_dataset_indexes_carry_the_id(
    backend: str, empty_engine: Callable[[str], Engine]
) -> None:
    """From 0019 with a field in it: the two indexes end with the id, the rows are still
    found through them, and the way down gives back the one-column indexes."""
    from sqlalchemy.orm import sessionmaker

    from registre.catalog.models import Dataset, DataStore, Field

    def columns(table: str) -> dict[str, list[str]]:
        return {
            str(i["name"]): [str(c) for c in i["column_names"]]
            for i in inspect(engine).get_indexes(table)
        }

    engine = empty_engine(backend)
    migrate.upgrade(engine, "0019")
    with sessionmaker(engine)() as session:  # no column changes in 0020: the models fit
        default = session.scalar(text("SELECT id FROM domain"))
        session.add(DataStore(id=7, name="rh", kind="SQLITE", url="sqlite:///", domain_id=default))
        session.flush()
        session.add(Dataset(id=8, data_store_id=7, name="agents"))
        session.flush()
        session.add(Field(id=9, dataset_id=8, name="nom", position=0))
        session.commit()
    assert columns("field")["ix_field_dataset_id"] == ["dataset_id"]
    migrate.upgrade(engine)
    assert columns("dataset")["ix_dataset_data_store_id"] == ["data_store_id", "id"]
    assert columns("field")["ix_field_dataset_id"] == ["dataset_id", "id"]
    with engine.connect() as conn:
        found = conn.scalar(
            text(
                "SELECT field.id FROM field WHERE field.dataset_id IN "
                "(SELECT id FROM dataset WHERE data_store_id = 7)"
            )
        )
    assert found == 9
    migrate.downgrade(engine, "0019")
    assert columns("dataset")["ix_dataset_data_store_id"] == ["data_store_id"]
    assert columns("field")["ix_field_dataset_id"] == ["dataset_id"]
