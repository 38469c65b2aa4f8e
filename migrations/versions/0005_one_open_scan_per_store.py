"""one open scan run per store

Closes duplicate open runs first (the newest stays open), then adds a partial unique index.

Revision ID: 0005
Revises: 0004

"""

from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: Union[str, Sequence[str], None] = "0004"  # noqa: UP007
branch_labels: Union[str, Sequence[str], None] = None  # noqa: UP007
depends_on: Union[str, Sequence[str], None] = None  # noqa: UP007

OPEN = "status IN ('QUEUED', 'RUNNING')"


def upgrade() -> None:
    op.execute(
        sa.text(
            f"UPDATE scan_run SET status = 'FAILED' WHERE {OPEN} AND id NOT IN "
            f"(SELECT max(id) FROM scan_run WHERE {OPEN} GROUP BY data_store_id)"
        )
    )
    op.create_index(
        "uq_scan_run_open_per_store",
        "scan_run",
        ["data_store_id"],
        unique=True,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )


def downgrade() -> None:
    op.drop_index("uq_scan_run_open_per_store", table_name="scan_run")
