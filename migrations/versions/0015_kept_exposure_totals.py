"""the exposure totals kept current (``exposure_total``: per store, category, hosting
country and AI risk class, over every exposed dataset and over those an AI system uses) and
the risk classes of the AI systems using each dataset (``exposure_dataset_ai``), read by
the exposure summary and ``totalCount`` instead of summing every exposed dataset

The rows are filled by ``registre db upgrade`` (a full rebuild of the kept exposure once
the schema is at head) and kept current by every transaction of the catalog afterwards.

Revision ID: 0015
Revises: 0013

"""

from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: Union[str, Sequence[str], None] = "0014"  # noqa: UP007
branch_labels: Union[str, Sequence[str], None] = None  # noqa: UP007
depends_on: Union[str, Sequence[str], None] = None  # noqa: UP007


def upgrade() -> None:
    op.create_table(
        "exposure_dataset_ai",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("risk_class", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["dataset.id"],
            name=op.f("fk_exposure_dataset_ai_dataset_id_dataset"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exposure_dataset_ai")),
    )
    op.create_index("ix_exposure_dataset_ai_dataset", "exposure_dataset_ai", ["dataset_id"])
    op.create_table(
        "exposure_total",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=True),
        sa.Column("datasets", sa.Integer(), nullable=False),
        sa.Column("fields", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exposure_total")),
    )
    op.create_index("ix_exposure_total_kind", "exposure_total", ["scope", "kind", "key"])


def downgrade() -> None:
    op.drop_index("ix_exposure_total_kind", table_name="exposure_total")
    op.drop_table("exposure_total")
    op.drop_index("ix_exposure_dataset_ai_dataset", table_name="exposure_dataset_ai")
    op.drop_table("exposure_dataset_ai")
