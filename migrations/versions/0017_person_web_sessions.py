"""web sessions of people signed in by their identity provider (single sign-on): a session
belongs to an API token or to a user (``user_id``; ``api_token_id`` becomes nullable;
exactly one of the two, checked), and keeps the ID token its logout at the provider needs

Sessions open before the upgrade are kept (they are token sessions). On SQLite the table is
rebuilt (a column's nullability cannot change in place there); nothing refers to it, so
rebuilding it deletes nothing else.

Revision ID: 0017
Revises: 0016

"""

from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: Union[str, Sequence[str], None] = "0016"  # noqa: UP007
branch_labels: Union[str, Sequence[str], None] = None  # noqa: UP007
depends_on: Union[str, Sequence[str], None] = None  # noqa: UP007


def upgrade() -> None:
    with op.batch_alter_table("web_session", recreate="auto") as batch:
        batch.alter_column("api_token_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("id_token", sa.Text(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_web_session_user_id_user_account"),
            "user_account",
            ["user_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index(op.f("ix_web_session_user_id"), ["user_id"], unique=False)
        batch.create_check_constraint(
            op.f("ck_web_session_token_or_user"),
            "(api_token_id IS NULL) <> (user_id IS NULL)",
        )


def downgrade() -> None:
    # a person's session cannot be kept without a token: those sessions end
    op.execute("DELETE FROM web_session WHERE api_token_id IS NULL")
    with op.batch_alter_table("web_session", recreate="auto") as batch:
        batch.drop_constraint(op.f("ck_web_session_token_or_user"), type_="check")
        batch.drop_index(op.f("ix_web_session_user_id"))
        batch.drop_constraint(op.f("fk_web_session_user_id_user_account"), type_="foreignkey")
        batch.drop_column("id_token")
        batch.drop_column("user_id")
        batch.alter_column("api_token_id", existing_type=sa.Integer(), nullable=False)
