"""compliance issue messages also kept rendered in French (``message_fr``), so that the
French compliance page searches the text it shows, in SQL, at any number of issues; on
PostgreSQL, trigram GIN indexes on the columns the pages search (a rare match among 100,000
issues read through the indexes, not the whole table)

The column is filled by ``registre db upgrade`` (a full evaluation once the schema is at
head writes every kept issue's French) and kept current by every change afterwards.

Revision ID: 0018
Revises: 0017

"""

from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: Union[str, Sequence[str], None] = "0017"  # noqa: UP007
branch_labels: Union[str, Sequence[str], None] = None  # noqa: UP007
depends_on: Union[str, Sequence[str], None] = None  # noqa: UP007


#: the columns the compliance pages search by part (``ILIKE '%...%'``)
SEARCHED = ("rule", "subject_name", "message", "message_fr")


def upgrade() -> None:
    with op.batch_alter_table("compliance_issue", recreate="never") as batch:
        batch.add_column(sa.Column("message_fr", sa.Text(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")  # 0013 did; a restored dump may not
        for column in SEARCHED:
            op.create_index(
                f"ix_compliance_issue_{column}_trgm",
                "compliance_issue",
                [column],
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for column in SEARCHED:
            op.drop_index(f"ix_compliance_issue_{column}_trgm", table_name="compliance_issue")
    with op.batch_alter_table("compliance_issue", recreate="never") as batch:
        batch.drop_column("message_fr")
