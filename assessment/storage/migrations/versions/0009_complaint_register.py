"""complaint register

An organization's complaints as the indicators need them (no personal data), the imports they
came from, and the organization's register settings (column mapping, indicator targets).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "complaint_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("imported_by", sa.String(length=200), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_complaint_import_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_import")),
    )
    op.create_index(
        op.f("ix_complaint_import_organization_id"), "complaint_import", ["organization_id"]
    )
    op.create_table(
        "complaint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=80), nullable=True),
        sa.Column("category", sa.String(length=80), nullable=True),
        sa.Column("product", sa.String(length=80), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("reopened", sa.Boolean(), nullable=False),
        sa.Column("escalated_internally", sa.Boolean(), nullable=False),
        sa.Column("escalated_externally", sa.Boolean(), nullable=False),
        sa.Column("satisfaction", sa.Float(), nullable=True),
        sa.Column("vulnerable", sa.Boolean(), nullable=False),
        sa.Column("root_cause", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["complaint_import.id"],
            name=op.f("fk_complaint_import_id_complaint_import"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_complaint_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint")),
        sa.UniqueConstraint("organization_id", "reference", name="uq_complaint_reference"),
    )
    op.create_index("ix_complaint_received", "complaint", ["organization_id", "received_at"])
    op.create_index(op.f("ix_complaint_import_id"), "complaint", ["import_id"])
    op.create_table(
        "complaint_settings",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_complaint_settings_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_complaint_settings")),
    )


def downgrade() -> None:
    op.drop_table("complaint_settings")
    op.drop_index(op.f("ix_complaint_import_id"), table_name="complaint")
    op.drop_index("ix_complaint_received", table_name="complaint")
    op.drop_table("complaint")
    op.drop_index(op.f("ix_complaint_import_organization_id"), table_name="complaint_import")
    op.drop_table("complaint_import")
