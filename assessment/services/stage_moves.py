"""Moving an assessment through its stages: draft, in progress, in review, final.

Signing off as final records who, when and the verdict at that moment, and is refused without
a statement when that verdict is not "ready"; reopening a final assessment needs a reason and
clears the sign-off (the history keeps it). See services/sign_off.py for the review shown first.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from assessment.access.roles import Actor, Permission
from assessment.errors import InvalidChange
from assessment.scoring.engine import score_assessment
from assessment.scoring.verdict import Verdict
from assessment.services.assessment_rows import (
    change_field,
    check_row_version,
    log_event,
    lost_race,
)
from assessment.services.assessments import AssessmentRecord, assessment_record, load_parts
from assessment.services.evidence_support import supported_criteria
from assessment.services.guard import reachable_assessment, require
from assessment.services.versions import versioned_write
from assessment.storage.store import Store
from assessment.storage.tables import Assessment
from assessment.timestamps import utcnow
from assessment.workflow.stages import AssessmentStatus

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = ["TRANSITIONS", "set_status"]

# Which stage may follow which. Reopening (final -> in progress) also needs a reason.
TRANSITIONS: dict[AssessmentStatus, set[AssessmentStatus]] = {
    AssessmentStatus.DRAFT: {AssessmentStatus.IN_PROGRESS},
    AssessmentStatus.IN_PROGRESS: {AssessmentStatus.DRAFT, AssessmentStatus.IN_REVIEW},
    AssessmentStatus.IN_REVIEW: {AssessmentStatus.IN_PROGRESS, AssessmentStatus.FINAL},
    AssessmentStatus.FINAL: {AssessmentStatus.IN_PROGRESS},
}


def set_status(
    store: Store,
    actor: Actor,
    assessment_id: int,
    status: AssessmentStatus,
    *,
    expected_version: int,
    reason: str = "",
    statement: str = "",
) -> AssessmentRecord:
    """Move the assessment to another stage, in one transaction.

    Reopening a final assessment needs a `reason`. Signing off as final records who, when and
    the verdict at that moment; when that verdict is not "ready" it needs a `statement` saying
    why it is signed off anyway (the README's "Signing off").
    """
    with versioned_write(store, lost_race(assessment_id)) as session:
        row = reachable_assessment(
            session, store, actor, assessment_id, Permission.VIEW, what="see this assessment"
        )
        current = AssessmentStatus(row.status)
        signing = AssessmentStatus.FINAL in (current, status)
        require(
            store,
            actor,
            Permission.FINALIZE if signing else Permission.MANAGE_ASSESSMENTS,
            row.organization_id,
            what=(
                (
                    "reopen a final assessment"
                    if current is AssessmentStatus.FINAL
                    else "sign off an assessment as final"
                )
                if signing
                else "move the assessment to another stage"
            ),
        )
        check_row_version(session, row, expected_version)
        if status not in TRANSITIONS[current]:
            allowed = ", ".join(s.label.lower() for s in sorted(TRANSITIONS[current]))
            raise InvalidChange(
                f"an assessment that is {current.label.lower()} can move to: {allowed}; not to {status.label.lower()}"
            )
        if current is AssessmentStatus.FINAL and not reason.strip():
            raise InvalidChange("reopening a final assessment needs a reason")
        if status is AssessmentStatus.FINAL:
            _sign(session, actor.name, row, statement.strip())
        elif current is AssessmentStatus.FINAL:
            _unsign(session, actor.name, row)
        change_field(session, actor.name, row, "status", status.value)
        if reason.strip():
            log_event(session, actor.name, row, "status_reason", None, reason.strip())
        return assessment_record(session, row)


def _sign(session: Session, actor: str, row: Assessment, statement: str) -> None:
    """Record the sign-off; refused without a statement when the verdict is not ready."""
    checklist, responses, actions = load_parts(session, row)
    score = score_assessment(
        checklist,
        {k: v.response for k, v in responses.items()},
        actions,
        supported=supported_criteria(session, row.id, date.today()),
    )
    verdict = score.overall.verdict
    if verdict is not Verdict.READY and not statement:
        raise InvalidChange(
            f"the verdict is {verdict.label.lower()}, so signing off as final needs a statement "
            "saying why it is signed off anyway"
        )
    change_field(session, actor, row, "signed_off_by", actor)
    row.signed_off_at = utcnow()
    change_field(session, actor, row, "sign_off_verdict", verdict.value)
    change_field(session, actor, row, "sign_off_statement", statement or None)


def _unsign(session: Session, actor: str, row: Assessment) -> None:
    """A reopened assessment is no longer signed off (the history keeps who had signed it)."""
    for field in ("signed_off_by", "sign_off_verdict", "sign_off_statement"):
        if getattr(row, field) is not None:
            change_field(session, actor, row, field, None)
    row.signed_off_at = None
