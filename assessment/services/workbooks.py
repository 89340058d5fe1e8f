"""Applying a workshop workbook's changes (read by assessment/reports/excel_import.py): all of
them in one transaction, or none.

`set_response` writes one response per transaction; a workshop brings dozens, and a client must
never find half of them stored. Here every change is written in one transaction through the
same session-level pieces (`add_response` for a first answer, the same versioned UPDATE and
audit events as `set_response` for the rest). A version that moved since the preview, or since
the export, stops the whole import with a fault on its cell.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from assessment.access.roles import Actor, Permission
from assessment.checklist.model import Checklist
from assessment.errors import WorkbookRefused
from assessment.reports.excel_layout import CRITERIA
from assessment.reports.excel_preview import (
    CellFault,
    ResponseChange,
    WorkbookChanges,
    conflict_fault,
)
from assessment.services.assessment_rows import editable_row, snapshot_checklist
from assessment.services.assessments import StoredResponse
from assessment.services.responses import add_response, update_response
from assessment.storage.store import Store
from assessment.storage.tables import Assessment, ResponseRow

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = [
    "apply_workbook_changes",
]

_REFUSED = "nothing was imported; fix these cells first:"


def _conflict(change: ResponseChange, current: ResponseRow | None) -> CellFault:
    return conflict_fault(
        change.criterion_id,
        change.cell,
        change.expected_version,
        current.version if current else 0,
        current.updated_by if current else None,
        current.updated_at if current else None,
    )


def _current_rows(
    session: Session, assessment_id: int, criteria: Iterable[str]
) -> dict[str, ResponseRow]:
    rows = session.scalars(
        select(ResponseRow).where(
            ResponseRow.assessment_id == assessment_id,
            ResponseRow.criterion_id.in_(list(criteria)),
        )
    )
    return {row.criterion_id: row for row in rows}


def _update(
    session: Session, actor: str, assessment: Assessment, row: ResponseRow, change: ResponseChange
) -> StoredResponse:
    written = update_response(session, actor, assessment, row, change.after)
    return StoredResponse(change.after, row.version, actor, written)


def _check(change: ResponseChange, checklist: Checklist) -> None:
    """A preview can be built by hand: hold it to the checklist as `set_response` would."""
    if not checklist.has_criterion(change.criterion_id):
        raise WorkbookRefused(
            f"no criterion '{change.criterion_id}' in checklist {checklist.id}; nothing was imported"
        )
    score = change.after.score
    if score is not None and score not in checklist.scale.values:
        low, high = min(checklist.scale.values), checklist.scale.maximum
        raise WorkbookRefused(
            _REFUSED,
            (CellFault(CRITERIA, change.cell, f"{score} is not on the scale ({low} to {high})"),),
        )


def _stale(
    session: Session, assessment_id: int, changes: WorkbookChanges
) -> tuple[dict[str, ResponseRow], tuple[CellFault, ...]]:
    """The stored rows of the changed criteria, and a conflict for each change based on
    another version than the one stored now."""
    current = _current_rows(session, assessment_id, (c.criterion_id for c in changes.changes))
    conflicts = tuple(
        _conflict(change, current.get(change.criterion_id))
        for change in changes.changes
        if (current[change.criterion_id].version if change.criterion_id in current else 0)
        != change.expected_version
    )
    return current, conflicts


def apply_workbook_changes(
    store: Store, actor: Actor, assessment_id: int, changes: WorkbookChanges
) -> dict[str, StoredResponse]:
    """Write every change of a preview in one transaction; returns the new stored responses.

    Refuses (WorkbookRefused, nothing written) when the preview has faults, belongs to another
    assessment or checklist, or a response changed since; raises AssessmentLocked when the
    assessment is final.
    """
    if changes.faults:
        raise WorkbookRefused(_REFUSED, changes.faults)
    if changes.assessment_id != assessment_id:
        raise WorkbookRefused(
            f"these changes were read for assessment {changes.assessment_id}, not {assessment_id}"
        )
    try:
        with store.transaction() as session:
            assessment = editable_row(
                session,
                store,
                actor,
                assessment_id,
                Permission.SCORE,
                what="apply a workbook's scores",
            )
            audit_name = actor.name
            if assessment.checklist_hash != changes.checklist_hash:
                raise WorkbookRefused(
                    "the assessment's checklist content changed since the preview; read the workbook again"
                )
            checklist = snapshot_checklist(session, assessment.checklist_hash)
            for change in changes.changes:
                _check(change, checklist)
            current, conflicts = _stale(session, assessment_id, changes)
            if conflicts:
                raise WorkbookRefused(_REFUSED, conflicts)
            written: dict[str, StoredResponse] = {}
            for change in changes.changes:
                row = current.get(change.criterion_id)
                if row is None:
                    added = add_response(
                        session, audit_name, assessment, change.criterion_id, change.after
                    )
                    written[change.criterion_id] = StoredResponse(
                        change.after, added.version, audit_name, added.updated_at
                    )
                else:
                    written[change.criterion_id] = _update(
                        session, audit_name, assessment, row, change
                    )
            return written
    except (IntegrityError, StaleDataError):
        # Someone answered or changed one of these criteria between our read and our write
        # (the UPDATEs are conditional on the version read, services/versions.py): the
        # transaction is rolled back; name the cells as a conflict found earlier would.
        with store.transaction() as session:
            _, conflicts = _stale(session, assessment_id, changes)
        if not conflicts:
            raise
        raise WorkbookRefused(_REFUSED, conflicts) from None
