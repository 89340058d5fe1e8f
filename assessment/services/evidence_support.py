"""Which criteria an assessment's evidence backs: the one query the verdict needs.

Kept apart from the evidence service so that opening an assessment (which the evidence
service builds on) can ask it without a circular import.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.storage.tables import EvidenceRow
from evidence.records import EvidenceStatus, supports

__all__: list[str] = []  # nothing public: used by the other services only


def supported_criteria(session: Session, assessment_id: int, today: date) -> set[str]:
    """The criteria with at least one approved record that has not expired by `today`
    (inside the caller's transaction)."""
    rows = session.execute(
        select(EvidenceRow.status, EvidenceRow.valid_until, EvidenceRow.criteria).where(
            EvidenceRow.assessment_id == assessment_id
        )
    )
    return {
        criterion
        for status, valid_until, criteria in rows
        if supports(EvidenceStatus(status), valid_until, today)
        for criterion in criteria
    }
