"""The audit trail: append-only events of who changed what, when, from what to what.

An event is stamped with the moment it is written, except where a caller writes data that
carries its own story (the demo's answers over the past year): those pass `at`, and the
trail is read in time order, so such events fall into place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.access.roles import Actor, Permission
from assessment.services.guard import reachable_assessment
from assessment.storage.store import CHANGED_ASSESSMENTS, Store
from assessment.storage.tables import Assessment, AuditEvent
from assessment.timestamps import utcnow

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = [
    "Event",
    "event_users",
    "events",
]


@dataclass(frozen=True)
class Event:
    at: datetime
    actor: str
    entity: str
    entity_key: str
    field: str
    before: Any
    after: Any


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if hasattr(value, "value"):  # enums
        return value.value
    return value


def record(
    session: Session,
    actor: str,
    entity: str,
    key: str,
    field: str,
    before: Any,
    after: Any,
    *,
    organization_id: int | None = None,
    assessment_id: int | None = None,
    at: datetime | None = None,
) -> None:
    """Add one event (inside the caller's transaction, so it lands only if the change does),
    at `at` when the data says when it happened, else now."""
    before, after = _plain(before), _plain(after)
    if before == after:
        return
    if assessment_id is not None:  # counted when the transaction ends (storage/store.py)
        session.info.setdefault(CHANGED_ASSESSMENTS, set()).add(assessment_id)
    session.add(
        AuditEvent(
            at=at or utcnow(),
            actor=actor,
            entity=entity,
            entity_key=key,
            field=field,
            before=before,
            after=after,
            organization_id=organization_id,
            assessment_id=assessment_id,
        )
    )


def events(
    store: Store,
    actor: Actor,
    assessment_id: int,
    *,
    criterion_id: str | None = None,
    user: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[Event]:
    """An assessment's events, oldest first (by time, then by the order they were written);
    optionally only one criterion's, one user's, or
    those of a span of days (`since` and `until` included, UTC)."""
    with store.transaction() as session:
        reachable_assessment(
            session, store, actor, assessment_id, Permission.VIEW, what="see its history"
        )
        query = select(AuditEvent).where(AuditEvent.assessment_id == assessment_id)
        if criterion_id is not None:
            query = query.where(
                AuditEvent.entity == "response", AuditEvent.entity_key == criterion_id
            )
        if user is not None:
            query = query.where(AuditEvent.actor == user)
        if since is not None:
            query = query.where(AuditEvent.at >= datetime.combine(since, time.min, UTC))
        if until is not None:
            query = query.where(
                AuditEvent.at < datetime.combine(until + timedelta(days=1), time.min, UTC)
            )
        rows = session.scalars(query.order_by(AuditEvent.at, AuditEvent.id)).all()
        return [
            Event(r.at, r.actor, r.entity, r.entity_key, r.field, r.before, r.after) for r in rows
        ]


def event_users(store: Store, actor: Actor, assessment_id: int) -> list[str]:
    """Everyone who changed something in the assessment, for a filter's choices."""
    with store.transaction() as session:
        reachable_assessment(
            session, store, actor, assessment_id, Permission.VIEW, what="see its history"
        )
        return sorted(
            session.scalars(
                select(AuditEvent.actor).where(AuditEvent.assessment_id == assessment_id).distinct()
            )
        )


def last_change(
    session: Session, entity: str, key: str, *, assessment_id: int | None = None
) -> tuple[str, datetime | None]:
    """Who last changed a record and when, to tell a user whose edit theirs ran into.

    Keys such as an action's "A1" repeat across assessments; name the assessment for those.
    """
    query = select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.entity_key == key)
    if assessment_id is not None:
        query = query.where(AuditEvent.assessment_id == assessment_id)
    row = session.scalars(query.order_by(AuditEvent.id.desc()).limit(1)).first()
    return (row.actor, row.at) if row else ("another user", None)


def record_in(
    session: Session,
    actor: str,
    assessment: Assessment,
    entity: str,
    key: str,
    field: str,
    before: Any,
    after: Any,
    *,
    at: datetime | None = None,
) -> None:
    """One event about a record that belongs to an assessment (a response, action, evidence)."""
    record(
        session,
        actor,
        entity,
        key,
        field,
        before,
        after,
        organization_id=assessment.organization_id,
        assessment_id=assessment.id,
        at=at,
    )
