"""What a person signing off sees first: how complete and how ready the assessment is.

Signing off locks the result and puts a name under it, so it must never take one careless
click. The app shows this review before it offers the sign-off, and `set_status` refuses a
sign-off of a not-ready assessment without a statement (the same rule on every interface).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assessment.access.roles import Actor
from assessment.scoring.findings import Finding
from assessment.scoring.verdict import Reason, Verdict
from assessment.services.assessments import AssessmentRecord, OpenAssessment, open_assessment
from assessment.storage.store import Store
from assessment.workflow.corrective_action import ActionStatus

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = [
    "SignOffReview",
    "review_sign_off",
]

NONCONFORMITIES = (Finding.MAJOR, Finding.MINOR)


@dataclass(frozen=True)
class SignOffReview:
    record: AssessmentRecord
    readiness: float | None
    completion: float
    answered: int
    total: int
    verdict: Verdict
    reasons: tuple[Reason, ...]
    open_nonconformities: tuple[str, ...]  # criterion ids, in checklist order

    @property
    def unanswered(self) -> int:
        return self.total - self.answered

    @property
    def needs_statement(self) -> bool:
        """A sign-off with any verdict but "ready" must say why it is signed off anyway."""
        return self.verdict is not Verdict.READY


def open_nonconformities(opened: OpenAssessment) -> tuple[str, ...]:
    """Nonconformities not yet closed: no action answers them, or one is not yet verified."""
    still_open = []
    for result in opened.score.criteria:
        if result.finding not in NONCONFORMITIES:
            continue
        linked = [a for a in opened.actions if result.id in a.criteria]
        if not linked or any(a.status is not ActionStatus.VERIFIED for a in linked):
            still_open.append(result.id)
    return tuple(still_open)


def review_sign_off(
    store: Store, actor: Actor, assessment_id: int, *, today: date | None = None
) -> SignOffReview:
    """The figures to read before signing off (for anyone who may see the assessment)."""
    opened = open_assessment(store, actor, assessment_id, today=today)
    overall = opened.score.overall
    return SignOffReview(
        record=opened.record,
        readiness=overall.readiness,
        completion=overall.completion,
        answered=sum(r.answered for r in opened.score.criteria),
        total=len(opened.score.criteria),
        verdict=overall.verdict,
        reasons=overall.reasons,
        open_nonconformities=open_nonconformities(opened),
    )
