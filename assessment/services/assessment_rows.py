"""The assessment row inside a transaction: the building blocks every service that works on
one assessment shares (fetch it, refuse it when final, pin its checklist, change a field with
its audit event, guard its version, link its baseline).

Private to the services package: outside code calls the record-returning services
(services/assessments.py, services/stage_moves.py) instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.access.roles import Actor, Permission
from assessment.checklist.model import Checklist
from assessment.errors import AssessmentLocked, ConflictError, InvalidChange, NotFound
from assessment.services.audit import record
from assessment.services.guard import reachable_assessment
from assessment.services.versions import check_version, conflict
from assessment.storage.store import Store, snapshot_cache
from assessment.storage.tables import Assessment, ChecklistSnapshot, possible_id
from assessment.workflow.stages import AssessmentStatus

__all__: list[str] = []  # nothing here is public; see the docstring


def get_row(session: Session, assessment_id: int) -> Assessment:
    row = session.get(Assessment, assessment_id) if possible_id(assessment_id) else None
    if row is None:
        raise NotFound(f"no assessment with id {assessment_id}")
    return row


def snapshot_checklist(session: Session, content_hash: str) -> Checklist:
    """The pinned checklist; read from the database only the first time in this process."""
    cached = snapshot_cache.get(content_hash)
    if cached is not None:
        return cached
    content = session.scalar(
        select(ChecklistSnapshot.content).where(ChecklistSnapshot.content_hash == content_hash)
    )
    if content is None:
        raise NotFound(f"checklist snapshot {content_hash} is missing from the database")
    checklist = Checklist.model_validate(content)
    snapshot_cache.put(checklist)
    return checklist


def editable_row(
    session: Session,
    store: Store,
    actor: Actor,
    assessment_id: int,
    permission: Permission,
    *,
    what: str,
) -> Assessment:
    """The assessment, if the actor may do `what` in it; refused with AssessmentLocked when
    it is final (after the permission check, so a locked assessment reveals nothing more)."""
    row = reachable_assessment(session, store, actor, assessment_id, permission, what=what)
    ensure_editable(row)
    return row


def ensure_editable(row: Assessment) -> None:
    if row.status == AssessmentStatus.FINAL:
        raise AssessmentLocked(
            f"assessment '{row.title}' is final and read-only; reopen it (with a reason) to change it"
        )


def store_snapshot(session: Session, checklist: Checklist) -> None:
    if session.get(ChecklistSnapshot, checklist.content_hash) is None:
        session.add(
            ChecklistSnapshot(
                content_hash=checklist.content_hash,
                checklist_id=checklist.id,
                version=checklist.version,
                title=checklist.title,
                content=checklist.model_dump(mode="json"),
            )
        )
        session.flush()  # rows are not linked by relationships, so insert the snapshot first


def check_row_version(session: Session, row: Assessment, expected_version: int) -> None:
    check_version(
        session, row, expected_version, f"assessment '{row.title}'", "assessment", str(row.id)
    )


def lost_race(assessment_id: int) -> Callable[[Session], ConflictError]:
    """What a write that lost a race to another is refused with (services/versions.py)."""

    def describe(session: Session) -> ConflictError:
        row = get_row(session, assessment_id)
        return conflict(
            session, f"assessment '{row.title}'", "assessment", str(row.id), row.version
        )

    return describe


def log_event(
    session: Session,
    actor: str,
    row: Assessment,
    field: str,
    before: object,
    after: object,
    *,
    at: datetime | None = None,
) -> None:
    record(
        session,
        actor,
        "assessment",
        str(row.id),
        field,
        before,
        after,
        organization_id=row.organization_id,
        assessment_id=row.id,
        at=at,
    )


def change_field(
    session: Session,
    actor: str,
    row: Assessment,
    field: str,
    value: object,
    *,
    at: datetime | None = None,
) -> None:
    """Set one field and write its audit event (the mapper counts the row's version)."""
    log_event(session, actor, row, field, getattr(row, field), value, at=at)
    setattr(row, field, value)


def link_baseline(
    session: Session,
    actor: str,
    row: Assessment,
    baseline: Assessment | None,
    *,
    at: datetime | None = None,
) -> None:
    """Name `baseline` as the assessment to compare `row` with (inside the caller's transaction)."""
    if baseline is not None:
        if baseline.id == row.id:
            raise InvalidChange("an assessment cannot be its own baseline")
        if baseline.organization_id != row.organization_id:
            raise InvalidChange("a baseline must be an earlier assessment of the same organization")
    change_field(session, actor, row, "baseline_id", baseline.id if baseline else None, at=at)
