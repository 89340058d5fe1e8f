"""evidence vault: reference, review status, validity dates, file metadata, who and when

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21

"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def new_columns() -> list[sa.Column[Any]]:  # columns of several types
    return [
        sa.Column("ref", sa.String(length=40), nullable=True),  # filled, then required, below
        sa.Column("description", sa.Text(), nullable=False, server_default=""),
        sa.Column("owner", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("effective_date", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False, server_default="draft"),
        sa.Column("original_name", sa.String(length=255), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("media_type", sa.String(length=120), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("updated_by", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        for column in new_columns():
            batch_op.add_column(column)
    # Records made before this revision get a reference from their id: unique, and stable.
    op.execute("UPDATE evidence SET ref = 'E' || id")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.alter_column("ref", existing_type=sa.String(length=40), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_evidence_assessment_id"), ["assessment_id", "ref"]
        )
        batch_op.create_index(batch_op.f("ix_evidence_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_sha256"))
        batch_op.drop_constraint(batch_op.f("uq_evidence_assessment_id"), type_="unique")
        for column in reversed(new_columns()):
            batch_op.drop_column(column.name)
