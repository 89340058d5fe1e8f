"""Corrective actions stored with an assessment: raise them, list them, see which are overdue.

An action answers the findings of one or more criteria. Its short reference (A1, A2, ...) is
what people say in a meeting and what a portable file keys on, so it is unique per assessment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.actions import ActionLink, ActionStatus, is_overdue
from assessment.errors import InvalidChange
from assessment.services.assessments import ensure_editable, get_row, snapshot_checklist
from assessment.services.audit import record
from assessment.storage.store import Store
from assessment.storage.tables import ActionRow, Assessment


@dataclass(frozen=True)
class ActionRecord:
    id: int
    assessment_id: int
    ref: str
    title: str
    criteria: tuple[str, ...]
    owner: str
    due: date | None
    status: ActionStatus
    version: int

    def is_overdue(self, today: date) -> bool:
        return is_overdue(self.due, self.status, today)

    def link(self) -> ActionLink:
        return ActionLink(self.ref, self.criteria, self.status, self.title)


def _as_record(row: ActionRow) -> ActionRecord:
    return ActionRecord(
        id=row.id,
        assessment_id=row.assessment_id,
        ref=row.ref,
        title=row.title,
        criteria=tuple(row.criteria),
        owner=row.owner,
        due=row.due,
        status=ActionStatus(row.status),
        version=row.version,
    )


def _next_ref(session: Session, assessment_id: int) -> str:
    taken = set(
        session.scalars(select(ActionRow.ref).where(ActionRow.assessment_id == assessment_id))
    )
    number = len(taken) + 1
    while f"A{number}" in taken:
        number += 1
    return f"A{number}"


def add_action(
    session: Session,
    actor: str,
    assessment: Assessment,
    title: str,
    *,
    criteria: Iterable[str] = (),
    owner: str = "",
    due: date | None = None,
    status: ActionStatus = ActionStatus.OPEN,
    ref: str | None = None,
) -> ActionRow:
    """Add one action inside the caller's transaction (so an import can add many at once)."""
    title = " ".join(title.split())
    if not title:
        raise InvalidChange("an action needs a title")
    criteria = list(dict.fromkeys(criteria))
    checklist = snapshot_checklist(session, assessment.checklist_hash)
    unknown = [cid for cid in criteria if not checklist.has_criterion(cid)]
    if unknown:
        raise InvalidChange(f"no criterion {', '.join(unknown)} in checklist {checklist.id}")
    ref = (ref or "").strip() or _next_ref(session, assessment.id)
    taken = session.scalar(
        select(ActionRow.id).where(ActionRow.assessment_id == assessment.id, ActionRow.ref == ref)
    )
    if taken is not None:
        raise InvalidChange(f"this assessment already has an action {ref}")
    row = ActionRow(
        assessment_id=assessment.id,
        ref=ref,
        title=title,
        criteria=criteria,
        owner=owner.strip(),
        due=due,
        status=ActionStatus(status).value,
        version=1,
    )
    session.add(row)
    session.flush()
    for field in ("title", "criteria", "owner", "due", "status"):
        record(
            session,
            actor,
            "action",
            ref,
            field,
            None,
            getattr(row, field),
            organization_id=assessment.organization_id,
            assessment_id=assessment.id,
        )
    return row


def create_action(
    store: Store,
    actor: str,
    assessment_id: int,
    title: str,
    *,
    criteria: Iterable[str] = (),
    owner: str = "",
    due: date | None = None,
    status: ActionStatus = ActionStatus.OPEN,
    ref: str | None = None,
) -> ActionRecord:
    with store.transaction() as session:
        assessment = get_row(session, assessment_id)
        ensure_editable(assessment)
        row = add_action(
            session,
            actor,
            assessment,
            title,
            criteria=criteria,
            owner=owner,
            due=due,
            status=status,
            ref=ref,
        )
        return _as_record(row)


def list_actions(store: Store, assessment_id: int) -> list[ActionRecord]:
    """The assessment's actions in the order they were raised."""
    with store.transaction() as session:
        get_row(session, assessment_id)
        rows = session.scalars(
            select(ActionRow).where(ActionRow.assessment_id == assessment_id).order_by(ActionRow.id)
        )
        return [_as_record(row) for row in rows]
