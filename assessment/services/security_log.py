"""The security log: sign-ins, lockouts, refused acts and account changes.

Each event is written in a transaction of its own, because the act it records is often one
that was refused and rolled back. It is also sent to the `iso10002.security` logger, so an
operator who collects logs sees it without opening the database.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select

from assessment.access.roles import Actor
from assessment.storage.store import Store
from assessment.storage.tables import SecurityEvent

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = [
    "SecurityEventKind",
    "SecurityRecord",
    "security_log",
]

logger = logging.getLogger("iso10002.security")
# A library only emits; whoever runs it (a server operator) attaches handlers. Without this,
# Python's last-resort handler would print every event on a command's stderr.
logger.addHandler(logging.NullHandler())


class SecurityEventKind(StrEnum):
    SIGNED_IN = "signed_in"
    SIGN_IN_FAILED = "sign_in_failed"
    LOCKED_OUT = "locked_out"
    SIGNED_OUT = "signed_out"
    SESSION_EXPIRED = "session_expired"
    DENIED = "denied"
    ACCOUNT_CHANGED = "account_changed"
    ROLE_CHANGED = "role_changed"


@dataclass(frozen=True)
class SecurityRecord:
    at: datetime
    kind: SecurityEventKind
    actor: str
    organization_id: int | None
    detail: str


def log_event(
    store: Store,
    kind: SecurityEventKind,
    *,
    actor: str,
    detail: str,
    organization_id: int | None = None,
) -> None:
    """Record one event now, whatever happens to the caller's own transaction."""
    logger.warning("%s: %s: %s", kind.value, actor, detail)
    with store.transaction() as session:
        session.add(
            SecurityEvent(
                kind=kind.value,
                actor=actor[:200],
                organization_id=organization_id,
                detail=detail,
            )
        )


def _security_events(
    store: Store, *, kind: SecurityEventKind | None = None, limit: int = 500
) -> list[SecurityRecord]:
    """The newest events first. Callers check that the reader is an administrator."""
    with store.transaction() as session:
        query = select(SecurityEvent)
        if kind is not None:
            query = query.where(SecurityEvent.kind == kind.value)
        rows = session.scalars(query.order_by(SecurityEvent.id.desc()).limit(limit)).all()
        return [
            SecurityRecord(r.at, SecurityEventKind(r.kind), r.actor, r.organization_id, r.detail)
            for r in rows
        ]


def security_log(
    store: Store,
    actor: Actor,
    *,
    kind: SecurityEventKind | str | None = None,
    limit: int = 500,
) -> list[SecurityRecord]:
    """The newest events first, for a system administrator (anyone else is refused, and that
    refusal is itself logged)."""
    from assessment.services.guard import require_admin  # guard imports this module

    require_admin(store, actor, what="read the security log")
    return _security_events(
        store, kind=SecurityEventKind(kind) if kind is not None else None, limit=limit
    )
