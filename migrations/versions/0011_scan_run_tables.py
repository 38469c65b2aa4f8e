"""scan run tables

One row per table of a scan run (status, sample method and time, counts, error), written
with the table's findings: tables are scanned as separate jobs on any worker, a job
delivered twice records nothing twice, and the run is closed when none is pending.

Revision ID: 0011
Revises: 0009

"""

from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: Union[str, Sequence[str], None] = "0010"  # noqa: UP007
branch_labels: Union[str, Sequence[str], None] = None  # noqa: UP007
depends_on: Union[str, Sequence[str], None] = None  # noqa: UP007


def upgrade() -> None:
    op.create_table(
        "scan_run_table",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=700), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sample_method", sa.String(length=64), nullable=True),
        sa.Column("sample_rows", sa.Integer(), nullable=True),
        sa.Column("sample_ms", sa.Integer(), nullable=True),
        sa.Column("scan_ms", sa.Integer(), nullable=True),
        sa.Column("findings_new", sa.Integer(), nullable=False),
        sa.Column("findings_changed", sa.Integer(), nullable=False),
        sa.Column("findings_gone", sa.Integer(), nullable=False),
        sa.Column("error", sa.JSON(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["scan_run.id"],
            name=op.f("fk_scan_run_table_run_id_scan_run"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["dataset.id"],
            name=op.f("fk_scan_run_table_dataset_id_dataset"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scan_run_table")),
        sa.UniqueConstraint(
            "run_id", "dataset_id", name=op.f("uq_scan_run_table_run_id_dataset_id")
        ),
    )
    with op.batch_alter_table("scan_run_table", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scan_run_table_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("scan_run_table", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scan_run_table_run_id"))
    op.drop_table("scan_run_table")
