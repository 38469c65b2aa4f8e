"""compliance issue messages stored as a template and its parameters, so that each reader
gets them in their own language (``message`` keeps the English rendering)

The column is filled by ``registre db upgrade`` (a full evaluation once the schema is at
head: every kept issue gets its template) and kept current by every change afterwards.

Revision ID: 0014
Revises: 0010

"""

from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: Union[str, Sequence[str], None] = "0010"  # noqa: UP007
branch_labels: Union[str, Sequence[str], None] = None  # noqa: UP007
depends_on: Union[str, Sequence[str], None] = None  # noqa: UP007


def upgrade() -> None:
    with op.batch_alter_table("compliance_issue", recreate="never") as batch:
        batch.add_column(sa.Column("message_text", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("compliance_issue", recreate="never") as batch:
        batch.drop_column("message_text")
