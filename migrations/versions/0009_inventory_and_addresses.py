"""what Etalab's inventory and Annex VIII Section C still asked for: how an AI system's
data is collected and what it does with it; an organisation's postal address

Revision ID: 0009
Revises: 0008

"""
from collections.abc import Sequence
from typing import Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Columns only, altered in place (``recreate='never'``): recreating a table on SQLite
    would cascade-delete what depends on it."""
    with op.batch_alter_table('ai_system', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('data_collection', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('operations', sa.Text(), nullable=True))
    with op.batch_alter_table('organisation', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('address', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('organisation', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('address')
    with op.batch_alter_table('ai_system', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('operations')
        batch_op.drop_column('data_collection')
