"""Writing one response: checked against the checklist, versioned, audited.

Two people scoring the same criterion must never silently overwrite each other. Every write
names the version it was based on, and the UPDATE is conditional on it (the one mechanism of
services/versions.py), so the second writer gets a ConflictError naming who changed it and when.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assessment.access.roles import Actor, Permission
from assessment.checklist.model import Checklist
from assessment.errors import ConflictError, InvalidChange
from assessment.services.assessment_rows import editable_row, snapshot_checklist
from assessment.services.assessments import StoredResponse
from assessment.services.audit import record_in
from assessment.services.versions import versioned_write
from assessment.storage.store import Store
from assessment.storage.tables import Assessment, ResponseRow
from assessment.timestamps import utcnow
from assessment.workflow.response import Response

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = [
    "set_response",
]

FIELDS = ("score", "not_applicable", "notes", "finding", "finding_reason")
# What an unanswered criterion "was" before its first answer, for the audit trail.
UNANSWERED: dict[str, object] = {**dict.fromkeys(FIELDS), "notes": ""}


def _check_against(checklist: Checklist, criterion_id: str, response: Response) -> None:
    if not checklist.has_criterion(criterion_id):
        raise InvalidChange(f"no criterion '{criterion_id}' in checklist {checklist.id}")
    low, high = min(checklist.scale.values), checklist.scale.maximum
    if response.score is not None and not low <= response.score <= high:
        raise InvalidChange(f"score {response.score} is outside the scale ({low} to {high})")


def _values(response: Response) -> dict[str, object]:
    return {
        "score": response.score,
        "not_applicable": response.not_applicable,
        "notes": response.notes,
        "finding": response.finding.value if response.finding else None,
        "finding_reason": response.finding_reason,
    }


def _conflict(current: ResponseRow) -> ConflictError:
    return ConflictError(
        f"the response to {current.criterion_id}",
        current.updated_by,
        current.updated_at,
        current.version,
    )


def _audit(
    session: Session,
    actor: str,
    assessment: Assessment,
    criterion_id: str,
    before: dict[str, object],
    after: dict[str, object],
    at: datetime | None = None,
) -> None:
    for field in FIELDS:
        record_in(
            session,
            actor,
            assessment,
            "response",
            criterion_id,
            field,
            before[field],
            after[field],
            at=at,
        )


def add_response(
    session: Session,
    actor: str,
    assessment: Assessment,
    criterion_id: str,
    response: Response,
    *,
    at: datetime | None = None,
) -> ResponseRow:
    """Insert the first answer to a criterion inside the caller's transaction, audited (as
    given at `at` when the data says when it was answered, else now)."""
    _check_against(snapshot_checklist(session, assessment.checklist_hash), criterion_id, response)
    row = ResponseRow(
        assessment_id=assessment.id,
        criterion_id=criterion_id,
        updated_by=actor,
        updated_at=at or utcnow(),
        **_values(response),
    )
    session.add(row)
    session.flush()
    _audit(session, actor, assessment, criterion_id, UNANSWERED, _values(response), at)
    return row


def update_response(
    session: Session,
    actor: str,
    assessment: Assessment,
    current: ResponseRow,
    response: Response,
) -> datetime:
    """Change an answered criterion inside the caller's transaction; audited. The UPDATE is
    conditional on the version `current` was read at (services/versions.py): when someone
    changed it since, the flush raises StaleDataError and nothing is written."""
    before = {f: getattr(current, f) for f in FIELDS}
    values = _values(response)
    now = utcnow()
    for field, value in values.items():
        setattr(current, field, value)
    current.updated_by, current.updated_at = actor, now
    session.flush()
    _audit(session, actor, assessment, current.criterion_id, before, values)
    return now


def set_response(
    store: Store,
    actor: Actor,
    assessment_id: int,
    criterion_id: str,
    response: Response,
    *,
    expected_version: int,
    accepted_suggestion: str | None = None,
) -> StoredResponse:
    """Write a response based on `expected_version` (0 when it was never answered).

    `accepted_suggestion`: the score is the one the complaint register's figures suggested
    (the reason, in words); the history records that it was accepted, with the figures."""
    try:
        with versioned_write(store, _reread(assessment_id, criterion_id)) as session:
            assessment = editable_row(
                session, store, actor, assessment_id, Permission.SCORE, what="score criteria"
            )
            current = session.scalars(
                select(ResponseRow).where(
                    ResponseRow.assessment_id == assessment_id,
                    ResponseRow.criterion_id == criterion_id,
                )
            ).first()
            if current is None:
                if expected_version != 0:
                    raise InvalidChange(
                        f"the response to {criterion_id} does not exist at version {expected_version}"
                    )
                row = add_response(session, actor.name, assessment, criterion_id, response)
                _suggestion_taken(session, actor, assessment, criterion_id, accepted_suggestion)
                return StoredResponse(response, row.version, actor.name, row.updated_at)
            _check_against(
                snapshot_checklist(session, assessment.checklist_hash), criterion_id, response
            )
            if current.version != expected_version:
                raise _conflict(current)
            written = update_response(session, actor.name, assessment, current, response)
            _suggestion_taken(session, actor, assessment, criterion_id, accepted_suggestion)
            return StoredResponse(response, current.version, actor.name, written)
    except IntegrityError:
        # Someone else answered the same criterion first, between our read and our insert.
        with store.transaction() as session:
            raise _reread(assessment_id, criterion_id)(session) from None


SUGGESTION_ACCEPTED = "suggested score accepted"  # the history's field name for it


def _suggestion_taken(
    session: Session, actor: Actor, assessment: Assessment, criterion_id: str, reason: str | None
) -> None:
    if reason:
        record_in(
            session,
            actor.name,
            assessment,
            "response",
            criterion_id,
            SUGGESTION_ACCEPTED,
            None,
            reason,
        )


def _reread(assessment_id: int, criterion_id: str) -> Callable[[Session], ConflictError]:
    def describe(session: Session) -> ConflictError:
        current = session.scalars(
            select(ResponseRow).where(
                ResponseRow.assessment_id == assessment_id, ResponseRow.criterion_id == criterion_id
            )
        ).one()
        return _conflict(current)

    return describe
