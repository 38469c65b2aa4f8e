"""SQLite: an FTS5 trigram index of the datasets' name and description (``dataset_search``),
kept current by triggers on ``dataset``, read by the ``search`` filter of the datasets
(:data:`registre.catalog.data.search.DATASET_FTS`) instead of a ``LIKE`` over every row
(PostgreSQL has its ``pg_trgm`` indexes, migration 0013). Both: ``exposure_total.scope``
widened to name more filters (``risk:<class>``, ``outside_eu``...); its rows are derived,
refilled by ``registre db upgrade`` at the head.

Revision ID: 0019
Revises: 0018

"""

from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: Union[str, Sequence[str], None] = "0018"  # noqa: UP007
branch_labels: Union[str, Sequence[str], None] = None  # noqa: UP007
depends_on: Union[str, Sequence[str], None] = None  # noqa: UP007

#: the index (external content: ``dataset`` itself; trigram tokenizer: any substring of
#: three characters or more, case folded), filled once, then kept by three triggers
SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE dataset_search USING fts5(name, description, content='dataset', "
    "content_rowid='id', tokenize='trigram')",
    "INSERT INTO dataset_search(dataset_search) VALUES ('rebuild')",
    "CREATE TRIGGER dataset_search_insert AFTER INSERT ON dataset BEGIN "
    "INSERT INTO dataset_search(rowid, name, description) "
    "VALUES (new.id, new.name, new.description); END",
    "CREATE TRIGGER dataset_search_delete AFTER DELETE ON dataset BEGIN "
    "INSERT INTO dataset_search(dataset_search, rowid, name, description) "
    "VALUES ('delete', old.id, old.name, old.description); END",
    "CREATE TRIGGER dataset_search_update AFTER UPDATE OF name, description ON dataset BEGIN "
    "INSERT INTO dataset_search(dataset_search, rowid, name, description) "
    "VALUES ('delete', old.id, old.name, old.description); "
    "INSERT INTO dataset_search(rowid, name, description) "
    "VALUES (new.id, new.name, new.description); END",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_SEARCH:
            op.execute(statement)
    _scope(32)


def _scope(length: int) -> None:
    """``exposure_total.scope`` as VARCHAR(length); its derived rows are dropped (SQLite
    recreates the small table; upgrade refills it at the head)."""
    op.execute("DELETE FROM exposure_total")
    with op.batch_alter_table("exposure_total") as batch:
        batch.alter_column("scope", type_=sa.String(length=length), existing_nullable=False)


def downgrade() -> None:
    _scope(8)
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS dataset_search_{trigger}")
        op.execute("DROP TABLE IF EXISTS dataset_search")
