"""compliance issue messages also kept rendered in French (``message_fr``), so that the
French compliance page searches the text it shows, in SQL, at any number of issues

The column is filled by ``registre db upgrade`` (a full evaluation once the schema is at
head writes every kept issue's French) and kept current by every change afterwards.

Revision ID: 0016
Revises: 0015

"""

from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: Union[str, Sequence[str], None] = "0015"  # noqa: UP007
branch_labels: Union[str, Sequence[str], None] = None  # noqa: UP007
depends_on: Union[str, Sequence[str], None] = None  # noqa: UP007


def upgrade() -> None:
    with op.batch_alter_table("compliance_issue", recreate="never") as batch:
        batch.add_column(sa.Column("message_fr", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("compliance_issue", recreate="never") as batch:
        batch.drop_column("message_fr")
