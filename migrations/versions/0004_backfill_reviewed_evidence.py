"""backfill reviewed evidence

Findings reviewed before revision 0003 have no record of the evidence the steward saw;
the best estimate is the evidence they hold now. Without it, a rejection made before the
upgrade would keep comparing against the last scan only, and slow drift would never add up.

Revision ID: 0004
Revises: 0003

"""

from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: Union[str, Sequence[str], None] = "0003"  # noqa: UP007
branch_labels: Union[str, Sequence[str], None] = None  # noqa: UP007
depends_on: Union[str, Sequence[str], None] = None  # noqa: UP007


def upgrade() -> None:
    op.execute(
        sa.text(
            "UPDATE finding SET reviewed_coverage = coverage, reviewed_score = score, "
            "reviewed_category = category "
            "WHERE reviewed_at IS NOT NULL AND reviewed_coverage IS NULL"
        )
    )


def downgrade() -> None:
    pass  # the columns go with revision 0003's downgrade
