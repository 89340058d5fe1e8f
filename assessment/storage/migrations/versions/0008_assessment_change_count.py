"""assessment change count

How many committed transactions recorded a change of each assessment, so the portfolio can
tell which assessments' figures to compute again without reading the audit trail.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE, as in 0007: a batch copy of `assessment` would trip its foreign keys.
    # Existing rows start at 0; any later change moves them on, and that is all it is read for.
    op.add_column(
        "assessment",
        sa.Column("change_count", sa.Integer(), server_default="0", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("assessment", "change_count")
