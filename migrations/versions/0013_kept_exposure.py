"""the exposure of personal data kept per finding and per dataset (read by ``exposure``,
its summary, the saved queries and ``containsPersonalData`` instead of joining ``finding``
with ``field``), and indexes for the substring search of datasets and AI systems
(PostgreSQL: ``pg_trgm`` GIN indexes)

The rows are filled by ``registre db upgrade`` (a full rebuild once the schema is at head)
and kept current by every transaction of the catalog afterwards.

Revision ID: 0013
Revises: 0010

"""

from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: Union[str, Sequence[str], None] = "0012"  # noqa: UP007
branch_labels: Union[str, Sequence[str], None] = None  # noqa: UP007
depends_on: Union[str, Sequence[str], None] = None  # noqa: UP007


#: datasets searched by part of their name or description (``ILIKE '%...%'``)
TRIGRAM_INDEXES = {
    "ix_dataset_name_trgm": "name",
    "ix_dataset_description_trgm": "description",
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: the
        # database's owner may create it. Its GIN indexes serve ILIKE '%text%' for texts of
        # three characters or more; shorter ones read the table as before, same answers.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, column in TRIGRAM_INDEXES.items():
            op.create_index(
                name,
                "dataset",
                [column],
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
            )
    op.create_table(
        "exposure_finding",
        sa.Column("finding_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("data_store_id", sa.Integer(), nullable=False),
        sa.Column("entity_type", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["dataset.id"],
            name=op.f("fk_exposure_finding_dataset_id_dataset"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["finding.id"],
            name=op.f("fk_exposure_finding_finding_id_finding"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("finding_id", name=op.f("pk_exposure_finding")),
    )
    op.create_index(
        "ix_exposure_finding_dataset", "exposure_finding", ["dataset_id", "category", "status"]
    )
    op.create_index(
        "ix_exposure_finding_category", "exposure_finding", ["category", "status", "dataset_id"]
    )
    op.create_table(
        "exposure_dataset",
        sa.Column("dataset_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data_store_id", sa.Integer(), nullable=False),
        sa.Column("hosting_country", sa.String(length=64), nullable=True),
        sa.Column("outside_eu", sa.Boolean(), nullable=False),
        sa.Column("non_eu_control", sa.Boolean(), nullable=False),
        sa.Column("fields", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["dataset.id"],
            name=op.f("fk_exposure_dataset_dataset_id_dataset"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("dataset_id", name=op.f("pk_exposure_dataset")),
    )
    op.create_index(
        "ix_exposure_dataset_store", "exposure_dataset", ["data_store_id", "dataset_id"]
    )
    op.create_index("ix_exposure_dataset_exposed", "exposure_dataset", ["fields", "dataset_id"])
    op.create_table(
        "exposure_category",
        sa.Column("dataset_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("fields", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["dataset.id"],
            name=op.f("fk_exposure_category_dataset_id_dataset"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("dataset_id", "category", name=op.f("pk_exposure_category")),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in TRIGRAM_INDEXES:
            op.drop_index(name, table_name="dataset")
    op.drop_table("exposure_category")
    op.drop_index("ix_exposure_dataset_exposed", table_name="exposure_dataset")
    op.drop_index("ix_exposure_dataset_store", table_name="exposure_dataset")
    op.drop_table("exposure_dataset")
    op.drop_index("ix_exposure_finding_category", table_name="exposure_finding")
    op.drop_index("ix_exposure_finding_dataset", table_name="exposure_finding")
    op.drop_table("exposure_finding")
