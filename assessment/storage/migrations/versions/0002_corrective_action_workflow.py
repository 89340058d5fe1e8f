"""corrective-action workflow: correction, root cause, plan, priority, effectiveness check

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def new_columns() -> list[sa.Column[Any]]:  # columns of several types
    return [
        sa.Column("finding", sa.String(length=20), nullable=True),
        sa.Column("correction", sa.Text(), nullable=False, server_default=""),
        sa.Column("root_cause", sa.Text(), nullable=False, server_default=""),
        sa.Column("root_cause_method", sa.String(length=20), nullable=True),
        sa.Column("action_plan", sa.Text(), nullable=False, server_default=""),
        sa.Column("priority", sa.String(length=10), nullable=False, server_default="medium"),
        sa.Column("raised_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("checked_on", sa.Date(), nullable=True),
        sa.Column("checked_by", sa.String(length=200), nullable=True),
        sa.Column("effective", sa.Boolean(), nullable=True),
        sa.Column("check_note", sa.Text(), nullable=True),
        sa.Column("check_evidence", sa.JSON(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("updated_by", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("corrective_action", schema=None) as batch_op:
        for column in new_columns():
            batch_op.add_column(column)
    # Actions raised before this revision were raised when their row was made.
    as_date = (
        "date(created_at)" if op.get_bind().dialect.name == "sqlite" else "CAST(created_at AS DATE)"
    )
    op.execute(f"UPDATE corrective_action SET raised_on = {as_date}")  # noqa: S608 (no user input)


def downgrade() -> None:
    with op.batch_alter_table("corrective_action", schema=None) as batch_op:
        for column in reversed(new_columns()):
            batch_op.drop_column(column.name)
