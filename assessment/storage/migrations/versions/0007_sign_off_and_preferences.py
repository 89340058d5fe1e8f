"""sign-off details and user preferences

Who signed an assessment off as final, when, with which verdict, and the statement they gave (required when the
verdict was not "ready"), kept on the assessment so the readiness pack can print them; and one
small table of per-user preferences (presentation mode), keyed by the user's identity.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE (no batch copy of the table): SQLite adds and drops columns in place,
    # and a copy of `assessment` would trip the foreign keys of the rows that point at it.
    op.add_column("assessment", sa.Column("signed_off_by", sa.String(length=200), nullable=True))
    op.add_column(
        "assessment", sa.Column("signed_off_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("assessment", sa.Column("sign_off_verdict", sa.String(length=20), nullable=True))
    op.add_column("assessment", sa.Column("sign_off_statement", sa.Text(), nullable=True))
    op.create_table(
        "user_preference",
        sa.Column("owner", sa.String(length=220), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("owner", "name", name=op.f("pk_user_preference")),
    )


def downgrade() -> None:
    op.drop_table("user_preference")
    for column in ("sign_off_statement", "sign_off_verdict", "signed_off_at", "signed_off_by"):
        op.drop_column("assessment", column)
