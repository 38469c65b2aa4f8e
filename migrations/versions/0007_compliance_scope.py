"""compliance scope: who the law names, the deployer, the provider's EU database entry

Adds the INSEE legal category, the public-service and EU-US DPF flags of organisations;
the deployer of an AI system, whether its provider processes the data, the provider's
EU database entry (Annex VIII C.3) besides the deployer's own registration (Art. 49(3)),
the CRPA L311-3-1 mention, and what a source register says of its legal basis and impact
assessment; the Art. 30 record's joint controllers, representative, sub-purposes, internal
recipients, retention per data category and update date (the CNIL model register).

``ai_system.eu_database_registration`` held both the provider's entry (the Annex VIII
export read it as C.3) and the deployer's registration (the Art. 49(3) rule read it). It
stays the deployer's registration; a value that is a URL is copied to
``provider_eu_database_url`` too, since only an entry of the provider's has a public URL
that Section C.3 asks for. Nothing is deleted: a steward reviews both.

Revision ID: 0007
Revises: 0006

"""

from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: Union[str, Sequence[str], None] = "0006"  # noqa: UP007
branch_labels: Union[str, Sequence[str], None] = None  # noqa: UP007
depends_on: Union[str, Sequence[str], None] = None  # noqa: UP007


def upgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("legal_category", sa.String(length=4), nullable=True))
        batch_op.add_column(
            sa.Column(
                "provides_public_service", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(
            sa.Column("dpf_certified", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    with op.batch_alter_table("ai_system", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deployer_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("provider_processes_data", sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column("provider_eu_database_url", sa.String(length=500), nullable=True)
        )
        batch_op.add_column(sa.Column("individual_decision_notice", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("legal_basis_reference", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("declared_impact_assessment", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("source_code_url", sa.String(length=500), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_ai_system_deployer_id_organisation"),
            "organisation",
            ["deployer_id"],
            ["id"],
            ondelete="SET NULL",
        )

    # the GDPR Art. 30 record as the CNIL's model register keeps it
    empty = sa.text("'[]'")
    with op.batch_alter_table("processing_activity", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("joint_controllers", sa.JSON(), nullable=False, server_default=empty)
        )
        batch_op.add_column(sa.Column("representative", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("sub_purposes", sa.JSON(), nullable=False, server_default=empty)
        )
        batch_op.add_column(
            sa.Column("internal_recipients", sa.JSON(), nullable=False, server_default=empty)
        )
        batch_op.add_column(
            sa.Column("retention_by_category", sa.JSON(), nullable=False, server_default=empty)
        )
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(sa.text("UPDATE processing_activity SET updated_at = created_at"))
    with op.batch_alter_table("processing_activity", schema=None) as batch_op:
        batch_op.alter_column(
            "updated_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )

    op.execute(
        sa.text(
            "UPDATE ai_system SET provider_eu_database_url = eu_database_registration "
            "WHERE eu_database_registration LIKE 'http://%' "
            "OR eu_database_registration LIKE 'https://%'"
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("processing_activity", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("retention_by_category")
        batch_op.drop_column("internal_recipients")
        batch_op.drop_column("sub_purposes")
        batch_op.drop_column("representative")
        batch_op.drop_column("joint_controllers")

    with op.batch_alter_table("ai_system", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_ai_system_deployer_id_organisation"), type_="foreignkey"
        )
        batch_op.drop_column("source_code_url")
        batch_op.drop_column("declared_impact_assessment")
        batch_op.drop_column("legal_basis_reference")
        batch_op.drop_column("individual_decision_notice")
        batch_op.drop_column("provider_eu_database_url")
        batch_op.drop_column("provider_processes_data")
        batch_op.drop_column("deployer_id")

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("dpf_certified")
        batch_op.drop_column("provides_public_service")
        batch_op.drop_column("legal_category")
