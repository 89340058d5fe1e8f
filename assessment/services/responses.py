"""Writing one response: checked against the checklist, versioned, audited.

Two people scoring the same criterion must never silently overwrite each other. Every write
names the version it was based on; the update only happens `WHERE version = expected`, which
holds on SQLite and PostgreSQL alike, so the second writer gets a ConflictError naming who
changed it and when.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from assessment.checklist import Checklist
from assessment.errors import ConflictError, InvalidChange
from assessment.responses import Response
from assessment.services.assessments import (
    StoredResponse,
    ensure_editable,
    get_row,
    snapshot_checklist,
)
from assessment.services.audit import record
from assessment.storage.store import Store
from assessment.storage.tables import ResponseRow, utcnow

FIELDS = ("score", "not_applicable", "notes", "finding", "finding_reason")


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


def set_response(
    store: Store,
    actor: str,
    assessment_id: int,
    criterion_id: str,
    response: Response,
    *,
    expected_version: int,
) -> StoredResponse:
    """Write a response based on `expected_version` (0 when it was never answered)."""
    values = _values(response)
    try:
        with store.transaction() as session:
            assessment = get_row(session, assessment_id)
            ensure_editable(assessment)
            _check_against(
                snapshot_checklist(session, assessment.checklist_hash), criterion_id, response
            )
            current = session.scalars(
                select(ResponseRow).where(
                    ResponseRow.assessment_id == assessment_id,
                    ResponseRow.criterion_id == criterion_id,
                )
            ).first()
            now = utcnow()
            if current is None:
                if expected_version != 0:
                    raise InvalidChange(
                        f"the response to {criterion_id} does not exist at version {expected_version}"
                    )
                row = ResponseRow(
                    assessment_id=assessment_id,
                    criterion_id=criterion_id,
                    updated_by=actor,
                    updated_at=now,
                    version=1,
                    **values,
                )
                session.add(row)
                session.flush()
                before = dict.fromkeys(FIELDS)
                before["notes"] = ""
            else:
                if current.version != expected_version:
                    raise _conflict(current)
                before = {f: getattr(current, f) for f in FIELDS}
                changed = session.execute(
                    update(ResponseRow)
                    .where(ResponseRow.id == current.id, ResponseRow.version == expected_version)
                    .values(
                        **values, updated_by=actor, updated_at=now, version=expected_version + 1
                    )
                    .execution_options(synchronize_session=False)
                ).rowcount
                if changed != 1:
                    raise _reread_conflict(store, assessment_id, criterion_id)
            for field in FIELDS:
                record(
                    session,
                    actor,
                    "response",
                    criterion_id,
                    field,
                    before[field],
                    values[field],
                    organization_id=assessment.organization_id,
                    assessment_id=assessment_id,
                )
            version = 1 if current is None else expected_version + 1
            return StoredResponse(response, version, actor, now)
    except IntegrityError:
        # Someone else answered the same criterion first, between our read and our insert.
        raise _reread_conflict(store, assessment_id, criterion_id) from None


def _reread_conflict(store: Store, assessment_id: int, criterion_id: str) -> ConflictError:
    with store.transaction() as session:
        current = session.scalars(
            select(ResponseRow).where(
                ResponseRow.assessment_id == assessment_id, ResponseRow.criterion_id == criterion_id
            )
        ).one()
        return _conflict(current)
