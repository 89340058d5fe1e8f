"""The database schema (SQLAlchemy 2). It changes only through migrations in `migrations/`.

Timestamps are stored in UTC. Every row a person edits carries a `version`, so a write based
on an old read is refused instead of silently overwriting someone else's work.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from assessment.text_limits import (
    CRITERION_ID,
    EMAIL,
    FILE_NAME,
    MEDIA_TYPE,
    NAME,
    REF,
    TITLE,
    USERNAME,
)
from assessment.timestamps import utcnow

# Named constraints, so migrations can alter them on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# Every id column is an Integer: 32 bits on PostgreSQL. A number outside that range names no
# row, and the drivers refuse to send it (SQLite's with an OverflowError past 64 bits,
# PostgreSQL's with an error of its own), so a lookup by id answers "none" without asking.
ID_RANGE = range(-(2**31), 2**31)


def possible_id(value: int) -> bool:
    """Whether an id column can hold `value` (an id typed by a user can be any number)."""
    return value in ID_RANGE


class Organization(Base):
    __tablename__ = "organization"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME), unique=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  (services/versions.py)


class ChecklistSnapshot(Base):
    """The exact checklist an assessment was made with, kept even if the YAML changes later."""

    __tablename__ = "checklist_snapshot"
    content_hash: Mapped[str] = mapped_column(String(80), primary_key=True)
    checklist_id: Mapped[str] = mapped_column(String(120), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(TITLE))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Assessment(Base):
    __tablename__ = "assessment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    checklist_hash: Mapped[str] = mapped_column(ForeignKey("checklist_snapshot.content_hash"))
    title: Mapped[str] = mapped_column(String(TITLE))
    scope: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    team: Mapped[list[str]] = mapped_column(JSON, default=list)
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    baseline_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id"), nullable=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  (services/versions.py)
    # The last sign-off as final (cleared when reopened; the audit trail keeps every one).
    signed_off_by: Mapped[str | None] = mapped_column(String(NAME), nullable=True)
    signed_off_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    sign_off_verdict: Mapped[str | None] = mapped_column(String(20), nullable=True)
    sign_off_statement: Mapped[str | None] = mapped_column(Text, nullable=True)
    # How many committed transactions recorded a change of this assessment (Store.transaction
    # counts them): what the portfolio compares to know which figures to compute again.
    change_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ResponseRow(Base):
    __tablename__ = "response"
    __table_args__ = (UniqueConstraint("assessment_id", "criterion_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    criterion_id: Mapped[str] = mapped_column(String(CRITERION_ID))
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    not_applicable: Mapped[str | None] = mapped_column(Text, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    finding: Mapped[str | None] = mapped_column(String(20), nullable=True)
    finding_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_by: Mapped[str] = mapped_column(String(NAME))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  (services/versions.py)


class ActionRow(Base):
    __tablename__ = "corrective_action"
    __table_args__ = (UniqueConstraint("assessment_id", "ref"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    ref: Mapped[str] = mapped_column(String(REF))
    title: Mapped[str] = mapped_column(String(TITLE))
    criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    owner: Mapped[str] = mapped_column(String(NAME), default="")
    due: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The workflow (migration 0002): what was fixed at once, why it happened, what removes
    # the cause, and the check that shows it worked.
    finding: Mapped[str | None] = mapped_column(String(20), nullable=True)
    correction: Mapped[str] = mapped_column(Text, default="", server_default="")
    root_cause: Mapped[str] = mapped_column(Text, default="", server_default="")
    root_cause_method: Mapped[str | None] = mapped_column(String(20), nullable=True)
    action_plan: Mapped[str] = mapped_column(Text, default="", server_default="")
    priority: Mapped[str] = mapped_column(String(10), default="medium", server_default="medium")
    raised_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    checked_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    checked_by: Mapped[str | None] = mapped_column(String(NAME), nullable=True)
    effective: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    check_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    check_evidence: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    created_by: Mapped[str] = mapped_column(String(NAME), default="", server_default="")
    updated_by: Mapped[str] = mapped_column(String(NAME), default="", server_default="")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    # Every UPDATE is conditional on the version that was read: a concurrent edit is refused.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class EvidenceRow(Base):
    """An evidence record: a file (its content in the vault under `sha256`), a link or a note.

    `status` is draft, in_review, approved or rejected; "expired" is never stored, it follows
    from `valid_until` and the day you look (see evidence.records).
    """

    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("assessment_id", "ref"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(TITLE))
    criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The vault (migration 0003): a short reference, review status, dates and file metadata.
    ref: Mapped[str] = mapped_column(String(REF))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    owner: Mapped[str] = mapped_column(String(NAME), default="", server_default="")
    effective_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", server_default="draft")
    original_name: Mapped[str | None] = mapped_column(String(FILE_NAME), nullable=True)
    size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    media_type: Mapped[str | None] = mapped_column(String(MEDIA_TYPE), nullable=True)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[str] = mapped_column(String(NAME), default="", server_default="")
    updated_by: Mapped[str] = mapped_column(String(NAME), default="", server_default="")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    # Every UPDATE is conditional on the version that was read: a concurrent edit is refused.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class AuditEvent(Base):
    """Append-only: the service layer inserts events and never updates or deletes one."""

    __tablename__ = "audit_event"
    # "Who last changed this record?" (a conflict message) must not scan the whole trail.
    __table_args__ = (Index("ix_audit_event_entity_key", "entity", "entity_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(NAME))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id"), nullable=True, index=True
    )
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment.id"), nullable=True, index=True
    )
    entity: Mapped[str] = mapped_column(String(40))
    entity_key: Mapped[str] = mapped_column(String(120))
    field: Mapped[str] = mapped_column(String(60))
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)


class SecurityEvent(Base):
    """Append-only log of sign-ins, refusals and account changes, for administrators.

    Kept apart from the audit trail: a refused act changed nothing in an assessment, and the
    event must survive the rollback of the transaction that was refused.
    """

    __tablename__ = "security_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    actor: Mapped[str] = mapped_column(String(NAME))
    organization_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")


class AppUser(Base):
    """A person who signs in: a user name, a password hash (none for an OpenID Connect-only
    user) and whether they administer the whole system. Never deleted, only deactivated, so
    the audit trail's names keep meaning something.

    `username` and `email` are stored casefolded, so "Maria" and "maria" are one account.
    """

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(USERNAME), unique=True)
    display_name: Mapped[str] = mapped_column(String(NAME))
    email: Mapped[str | None] = mapped_column(String(EMAIL), unique=True, nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    # An administrator's change is conditional on the version that was read.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Membership(Base):
    """One user's role in one organization (see `assessment.access.roles.Role`)."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organization_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))


class SignInSession(Base):
    """A signed-in browser: only the SHA-256 of its token is kept, so a copy of the database
    does not let anyone resume a session."""

    __tablename__ = "sign_in_session"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class UserPreference(Base):
    """One person's setting of the app (presentation mode), so it follows them to any browser.

    `owner` is "user:<id>" for an account, "local:<name>" in single-user mode.
    """

    __tablename__ = "user_preference"
    owner: Mapped[str] = mapped_column(String(220), primary_key=True)
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class ComplaintImport(Base):
    """One import of a complaint register into an organization: which file (its SHA-256, never
    its content), how many rows, who and when. The complaints it brought point here, so an
    indicator's figures can say where they came from."""

    __tablename__ = "complaint_import"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(FILE_NAME))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    imported_by: Mapped[str] = mapped_column(String(NAME))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ComplaintRow(Base):
    """One complaint of an organization's register, as much as the indicators need and no
    more: no names, contacts or descriptions (assessment/complaints/fields.py). Unique by its
    reference in the organization, so importing the same rows again updates them."""

    __tablename__ = "complaint"
    __table_args__ = (
        UniqueConstraint("organization_id", "reference", name="uq_complaint_reference"),
        Index("ix_complaint_received", "organization_id", "received_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    import_id: Mapped[int] = mapped_column(ForeignKey("complaint_import.id"), index=True)
    reference: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str | None] = mapped_column(String(80), nullable=True)
    category: Mapped[str | None] = mapped_column(String(80), nullable=True)
    product: Mapped[str | None] = mapped_column(String(80), nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    reopened: Mapped[bool] = mapped_column(Boolean, default=False)
    escalated_internally: Mapped[bool] = mapped_column(Boolean, default=False)
    escalated_externally: Mapped[bool] = mapped_column(Boolean, default=False)
    satisfaction: Mapped[float | None] = mapped_column(Float, nullable=True)
    vulnerable: Mapped[bool] = mapped_column(Boolean, default=False)
    root_cause: Mapped[str | None] = mapped_column(String(80), nullable=True)


class ComplaintSettings(Base):
    """An organization's register settings: the column mapping last confirmed (so the next
    import of the same export needs no questions) and its own indicator targets."""

    __tablename__ = "complaint_settings"
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), primary_key=True)
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON)
    targets: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  (services/versions.py)
