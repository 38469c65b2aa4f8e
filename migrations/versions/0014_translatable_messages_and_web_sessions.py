"""compliance issue messages stored as a template and its parameters, so that each reader
gets them in their own language (``message`` keeps the English rendering); the web
interface's sessions in the catalog (hashed ids), surviving restarts and shared by every
API process

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
down_revision: Union[str, Sequence[str], None] = "0013"  # noqa: UP007
branch_labels: Union[str, Sequence[str], None] = None  # noqa: UP007
depends_on: Union[str, Sequence[str], None] = None  # noqa: UP007


def upgrade() -> None:
    with op.batch_alter_table("compliance_issue", recreate="never") as batch:
        batch.add_column(sa.Column("message_text", sa.JSON(), nullable=True))
    op.create_table(
        "web_session",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("api_token_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_token_id"],
            ["api_token.id"],
            name=op.f("fk_web_session_api_token_id_api_token"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_web_session")),
    )
    op.create_index(
        op.f("ix_web_session_api_token_id"), "web_session", ["api_token_id"], unique=False
    )
    op.create_index(
        op.f("ix_web_session_last_seen_at"), "web_session", ["last_seen_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_web_session_last_seen_at"), table_name="web_session")
    op.drop_index(op.f("ix_web_session_api_token_id"), table_name="web_session")
    op.drop_table("web_session")
    with op.batch_alter_table("compliance_issue", recreate="never") as batch:
        batch.drop_column("message_text")
