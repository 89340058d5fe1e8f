"""security event log

Sign-ins, lockouts and refused acts are written to their own table, in their own
transaction, so a refusal is recorded even though the refused change is rolled back.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "security_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_event")),
    )
    with op.batch_alter_table("security_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_security_event_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_security_event_kind"), ["kind"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("security_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_security_event_kind"))
        batch_op.drop_index(batch_op.f("ix_security_event_at"))
    op.drop_table("security_event")
