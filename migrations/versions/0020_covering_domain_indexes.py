"""The indexes of a dataset's store and of a field's dataset carry the row's id:
``ix_dataset_data_store_id`` (data_store_id, id) and ``ix_field_dataset_id`` (dataset_id, id).
A caller limited to a domain reads its datasets' and fields' ids through them
(``catalog/access/perimeter.py``); on PostgreSQL from the index alone (an index-only scan),
instead of one heap fetch per row (100,000 fields for a tenth of a million-field catalog).
SQLite's indexes already end with the rowid: the same index, the same plans.

Revision ID: 0020
Revises: 0019

"""

from collections.abc import Sequence
from typing import Union

from alembic import op

revision: str = "0020"
down_revision: Union[str, Sequence[str], None] = "0019"  # noqa: UP007
branch_labels: Union[str, Sequence[str], None] = None  # noqa: UP007
depends_on: Union[str, Sequence[str], None] = None  # noqa: UP007

INDEXES = (("dataset", "data_store_id"), ("field", "dataset_id"))


def upgrade() -> None:
    for table, column in INDEXES:
        op.drop_index(f"ix_{table}_{column}", table_name=table)
        op.create_index(f"ix_{table}_{column}", table, [column, "id"])


def downgrade() -> None:
    for table, column in INDEXES:
        op.drop_index(f"ix_{table}_{column}", table_name=table)
        op.create_index(f"ix_{table}_{column}", table, [column])
