"""scan run heartbeat

A running scan refreshes ``heartbeat_at``; a run whose heartbeat stopped belonged to a process
that died, and is closed within minutes instead of blocking its store for a day.

Revision ID: 0006
Revises: 0005

"""

from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: Union[str, Sequence[str], None] = "0005"  # noqa: UP007
branch_labels: Union[str, Sequence[str], None] = None  # noqa: UP007
depends_on: Union[str, Sequence[str], None] = None  # noqa: UP007


# The model's UTCDateTime stores DateTime(timezone=True), as every date of 0001 does; a
# migration names the stored type so that it never changes when the model's code does.
def upgrade() -> None:
    with op.batch_alter_table("scan_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("scan_run", schema=None) as batch_op:
        batch_op.drop_column("heartbeat_at")
