"""Which criteria an assessment's evidence backs: the one query the verdict needs.

Kept apart from the evidence service so that opening an assessment (which the evidence
service builds on) can ask it without a circular import.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.storage.store import Store
from assessment.storage.tables import EvidenceRow
from evidence.records import EvidenceStatus, supports


def _supported(session: Session, assessment_id: int, today: date) -> set[str]:
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


def supported_criteria(
    store_or_session: Store | Session, assessment_id: int, today: date
) -> set[str]:
    """The criteria with at least one approved record that has not expired by `today`."""
    if isinstance(store_or_session, Session):
        return _supported(store_or_session, assessment_id, today)
    with store_or_session.transaction() as session:
        return _supported(session, assessment_id, today)
