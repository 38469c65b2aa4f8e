"""people and their perimeter: domains, users, role grants, the domains of API tokens, the
domain of data stores, AI systems and processing activities, and who (user, domain) in the
audit trail

Existing data stores, AI systems and processing activities go to one domain created here
(``default``); existing tokens get no domain, so they keep their organisation-wide scope.

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

DEFAULT_DOMAIN = "default"
DOMAIN_TABLES = ("data_store", "ai_system", "processing_activity")


def _add_fk_column(table: str, column: str, referred: str, ondelete: str | None) -> None:
    """A nullable column with its foreign key, added in place (``recreate='never'``):
    recreating ``data_store`` on SQLite would cascade-delete its datasets, ``api_token`` its
    web sessions. (SQLite's reflection does not read an ON DELETE written in a column's
    REFERENCES clause, hence none on the columns added here: users are disabled, never
    deleted, and a domain that still holds objects cannot be deleted.)"""
    name = f"fk_{table}_{column}_{referred}"
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with a REFERENCES clause in place; ALTER ... ADD CONSTRAINT
        # does not exist there
        on_delete = f" ON DELETE {ondelete}" if ondelete else ""
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} INTEGER "
            f"CONSTRAINT {name} REFERENCES {referred} (id){on_delete}"
        )
        return
    op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
    op.create_foreign_key(name, table, referred, [column], ["id"], ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "domain",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_domain_organisation_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_domain")),
        sa.UniqueConstraint("name", name=op.f("uq_domain_name")),
    )
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("oidc_issuer", sa.String(length=500), nullable=True),
        sa.Column("oidc_subject", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_user_account_organisation_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("email", name=op.f("uq_user_account_email")),
        sa.UniqueConstraint(
            "oidc_issuer", "oidc_subject", name=op.f("uq_user_account_oidc_issuer_oidc_subject")
        ),
    )
    op.create_table(
        "role_grant",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("domain_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["domain.id"],
            name=op.f("fk_role_grant_domain_id_domain"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_role_grant_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_grant")),
        sa.UniqueConstraint(
            "user_id", "role", "domain_id", name=op.f("uq_role_grant_user_id_role_domain_id")
        ),
    )
    op.create_index("ix_role_grant_user_id", "role_grant", ["user_id"])
    op.create_index("ix_role_grant_domain_id", "role_grant", ["domain_id"])
    op.create_table(
        "api_token_domain",
        sa.Column("api_token_id", sa.Integer(), nullable=False),
        sa.Column("domain_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_token_id"],
            ["api_token.id"],
            name=op.f("fk_api_token_domain_api_token_id_api_token"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["domain.id"],
            name=op.f("fk_api_token_domain_domain_id_domain"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("api_token_id", "domain_id", name=op.f("pk_api_token_domain")),
    )
    _add_fk_column("api_token", "user_id", "user_account", None)
    op.create_index("ix_api_token_user_id", "api_token", ["user_id"])
    _add_fk_column("audit_event", "user_id", "user_account", None)
    op.add_column("audit_event", sa.Column("domain_id", sa.Integer(), nullable=True))
    op.create_index("ix_audit_event_domain_id", "audit_event", ["domain_id"])
    for table in DOMAIN_TABLES:
        _add_fk_column(table, "domain_id", "domain", None)
        op.create_index(f"ix_{table}_domain_id", table, ["domain_id"])

    # everything already registered goes to one default domain
    domain = sa.table(
        "domain",
        sa.column("id", sa.Integer()),
        sa.column("name", sa.String()),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    op.execute(domain.insert().values(name=DEFAULT_DOMAIN, created_at=sa.func.current_timestamp()))
    default_id = sa.select(domain.c.id).where(domain.c.name == DEFAULT_DOMAIN).scalar_subquery()
    for table in DOMAIN_TABLES:
        op.execute(sa.table(table, sa.column("domain_id")).update().values(domain_id=default_id))


def downgrade() -> None:
    for table in reversed(DOMAIN_TABLES):
        op.drop_index(f"ix_{table}_domain_id", table_name=table)
        with op.batch_alter_table(table, recreate="never") as batch_op:
            batch_op.drop_column("domain_id")
    op.drop_index("ix_audit_event_domain_id", table_name="audit_event")
    with op.batch_alter_table("audit_event", recreate="never") as batch_op:
        batch_op.drop_column("domain_id")
        batch_op.drop_column("user_id")
    op.drop_index("ix_api_token_user_id", table_name="api_token")
    with op.batch_alter_table("api_token", recreate="never") as batch_op:
        batch_op.drop_column("user_id")
    op.drop_table("api_token_domain")
    op.drop_index("ix_role_grant_domain_id", table_name="role_grant")
    op.drop_index("ix_role_grant_user_id", table_name="role_grant")
    op.drop_table("role_grant")
    op.drop_table("user_account")
    op.drop_table("domain")
