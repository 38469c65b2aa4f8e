"""compliance scope: who the law names, the deployer, the provider's EU database entry

Adds the INSEE legal category, the public-service and EU-US DPF flags of organisations;
the deployer of an AI system, whether its provider processes the data, the provider's
EU database entry (Annex VIII C.3) besides the deployer's own registration (Art. 49(3)),
the CRPA L311-3-1 mention, and what a source register says of its legal basis and impact
assessment.

``ai_system.eu_database_registration`` held both the provider's entry (the Annex VIII
export read it as C.3) and the deployer's registration (the Art. 49(3) rule read it). It
stays the deployer's registration; a value that is a URL is copied to
``provider_eu_database_url`` too, since only an entry of the provider's has a public URL
that Section C.3 asks for. Nothing is deleted: a steward reviews both.

Revision ID: 0007
Revises: 0005

"""

from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: Union[str, Sequence[str], None] = "0005"  # noqa: UP007
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
        batch_op.create_foreign_key(
            batch_op.f("fk_ai_system_deployer_id_organisation"),
            "organisation",
            ["deployer_id"],
            ["id"],
            ondelete="SET NULL",
        )

    op.execute(
        sa.text(
            "UPDATE ai_system SET provider_eu_database_url = eu_database_registration "
            "WHERE eu_database_registration LIKE 'http://%' "
            "OR eu_database_registration LIKE 'https://%'"
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("ai_system", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_ai_system_deployer_id_organisation"), type_="foreignkey"
        )
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
