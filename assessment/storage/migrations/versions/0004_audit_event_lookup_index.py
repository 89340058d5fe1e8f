"""index audit events by entity and key

"Who changed this since I opened it?" looks up the newest event of one record. Without this
index that lookup scanned the whole audit trail: about 2 s on PostgreSQL and up to 7 s on
SQLite with 7.5 million events (benchmarks/bench_portfolio.py, 100x portfolio).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22

"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_entity_key", ["entity", "entity_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_entity_key")
