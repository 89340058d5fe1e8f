"""The portfolio: every assessment a user can see, with the figures a manager scans first."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from assessment.access import Actor
from assessment.actions import OPEN_STATUSES, ActionStatus, is_overdue
from assessment.services.assessments import AssessmentRecord, list_assessments, open_assessment
from assessment.storage.store import Store
from assessment.storage.tables import ActionRow, Organization
from assessment.verdict import Verdict


@dataclass(frozen=True)
class PortfolioEntry:
    record: AssessmentRecord
    completion: float
    readiness: float | None
    verdict: Verdict
    open_actions: int
    overdue_actions: int


def is_empty(store: Store) -> bool:
    """True before anything was created: the app then offers demo data and import."""
    with store.transaction() as session:
        return session.scalar(select(Organization.id).limit(1)) is None


def _action_counts(store: Store, today: date) -> tuple[Counter[int], Counter[int]]:
    open_, overdue = Counter[int](), Counter[int]()
    with store.transaction() as session:
        rows = session.execute(
            select(ActionRow.assessment_id, ActionRow.status, ActionRow.due).where(
                ActionRow.status.in_([s.value for s in OPEN_STATUSES])
            )
        )
        for assessment_id, status, due in rows:
            open_[assessment_id] += 1
            overdue[assessment_id] += is_overdue(due, ActionStatus(status), today)
    return open_, overdue


def portfolio(
    store: Store, actor: Actor, *, today: date | None = None, include_archived: bool = False
) -> list[PortfolioEntry]:
    """Each assessment the actor can see, scored, with its open and overdue action counts
    (overdue as of `today`)."""
    today = today or date.today()
    open_, overdue = _action_counts(store, today)
    entries = []
    for record in list_assessments(store, actor, include_archived=include_archived):
        overall = open_assessment(store, actor, record.id).score.overall
        entries.append(
            PortfolioEntry(
                record,
                overall.completion,
                overall.readiness,
                overall.verdict,
                open_[record.id],
                overdue[record.id],
            )
        )
    return entries
