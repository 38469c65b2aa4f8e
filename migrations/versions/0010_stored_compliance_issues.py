"""compliance issues stored and kept current: one record per period an obligation is
broken (first seen, last seen, closed), and the AI systems and datasets each one names;
indexes for exposureChanges (findings by creation, review and disappearance)

The records are filled by ``registre db upgrade`` (a full evaluation once the schema is at
head) and kept current by every transaction of the catalog afterwards.

Revision ID: 0010
Revises: 0009

"""

from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: Union[str, Sequence[str], None] = "0009"  # noqa: UP007
branch_labels: Union[str, Sequence[str], None] = None  # noqa: UP007
depends_on: Union[str, Sequence[str], None] = None  # noqa: UP007

OPEN = sa.text("closed_at IS NULL")


FINDING_INDEXES = {
    "ix_finding_created_at_id": ["created_at", "id"],
    "ix_finding_reviewed_at_id": ["reviewed_at", "id"],
    "ix_finding_gone_since_run_id": ["gone_since_run_id"],
}


def upgrade() -> None:
    for name, columns in FINDING_INDEXES.items():
        op.create_index(name, "finding", columns)
    op.create_table(
        "compliance_issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("subject_type", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("subject_name", sa.Text(), nullable=False),
        sa.Column("identity", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("severity_rank", sa.Integer(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("sort_message", sa.String(length=200), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("unknown", sa.Boolean(), nullable=False),
        sa.Column("suggested", sa.Boolean(), nullable=False),
        sa.Column("applies_from", sa.Date(), nullable=True),
        sa.Column("not_yet_applicable", sa.Boolean(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_issue")),
    )
    op.create_index(
        "uq_compliance_issue_open_identity",
        "compliance_issue",
        ["rule", "subject_type", "subject_id", "identity"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_index(
        "ix_compliance_issue_open_order",
        "compliance_issue",
        ["severity_rank", "rule", "subject_type", "subject_id", "sort_message", "id"],
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_index(
        "ix_compliance_issue_subject", "compliance_issue", ["subject_type", "subject_id"]
    )
    op.create_index("ix_compliance_issue_closed_at", "compliance_issue", ["closed_at"])
    op.create_index("ix_compliance_issue_first_seen_at", "compliance_issue", ["first_seen_at"])
    op.create_table(
        "compliance_issue_mention",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("subject_type", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["compliance_issue.id"],
            name=op.f("fk_compliance_issue_mention_issue_id_compliance_issue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "issue_id", "subject_type", "subject_id", name=op.f("pk_compliance_issue_mention")
        ),
    )
    op.create_index(
        "ix_compliance_issue_mention_subject",
        "compliance_issue_mention",
        ["subject_type", "subject_id"],
    )


def downgrade() -> None:
    for name in FINDING_INDEXES:
        op.drop_index(name, table_name="finding")
    op.drop_index("ix_compliance_issue_mention_subject", table_name="compliance_issue_mention")
    op.drop_table("compliance_issue_mention")
    for name in (
        "ix_compliance_issue_first_seen_at",
        "ix_compliance_issue_closed_at",
        "ix_compliance_issue_subject",
        "ix_compliance_issue_open_order",
        "uq_compliance_issue_open_identity",
    ):
        op.drop_index(name, table_name="compliance_issue")
    op.drop_table("compliance_issue")
