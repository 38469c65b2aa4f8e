"""what a dataset's rows are about: the scanner's inferred subject and its reasons, a
steward's correction that re-decides the columns at the next scan, and the
quasi-identifiers of a table of persons measured on its sample

Revision ID: 0012
Revises: 0009

"""
from collections.abc import Sequence
from typing import Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

EMPTY_LIST = sa.text("'[]'")


def upgrade() -> None:
    """Columns only, altered in place (``recreate='never'``): recreating ``dataset`` on
    SQLite would cascade-delete its fields and findings."""
    with op.batch_alter_table('dataset', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column('subject_reasons', sa.JSON(), nullable=False, server_default=EMPTY_LIST)
        )
        batch_op.add_column(sa.Column('subject_correction', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('subject_corrected_by', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('subject_corrected_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('quasi_identifiers', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('dataset', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('quasi_identifiers')
        batch_op.drop_column('subject_corrected_at')
        batch_op.drop_column('subject_corrected_by')
        batch_op.drop_column('subject_correction')
        batch_op.drop_column('subject_reasons')
        batch_op.drop_column('subject')
