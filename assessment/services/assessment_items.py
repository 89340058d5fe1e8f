"""Records kept inside one assessment under a ref (actions A1, A2...; evidence E1, E2...) and
edited by several people: one way to find one, to refuse a change based on a version the user
no longer sees, and to save a change so that a concurrent edit is refused instead of lost.

Private to the services package (services/actions.py and services/evidence.py use it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.errors import ConflictError, NotFound
from assessment.services.assessment_rows import get_row
from assessment.services.versions import check_version, conflict, versioned_write
from assessment.storage.store import Store
from assessment.storage.tables import ActionRow, EvidenceRow
from assessment.timestamps import utcnow

__all__: list[str] = []  # nothing here is public; see the docstring

Item = TypeVar("Item", ActionRow, EvidenceRow)
Record = TypeVar("Record")


@dataclass(frozen=True)
class ItemKind(Generic[Item]):
    table: type[Item]
    entity: str  # the name the audit trail and the messages use

    def what(self, ref: str) -> str:
        return f"{self.entity} {ref}"


ACTION = ItemKind(ActionRow, "action")
EVIDENCE = ItemKind(EvidenceRow, "evidence")


def find_item(session: Session, kind: ItemKind[Item], assessment_id: int, ref: str) -> Item:
    row = session.scalars(
        select(kind.table).where(kind.table.assessment_id == assessment_id, kind.table.ref == ref)
    ).first()
    if row is None:
        title = get_row(session, assessment_id).title
        raise NotFound(f"no {kind.what(ref)} in assessment '{title}'")
    return row


def check_item_version(
    session: Session, kind: ItemKind[Item], row: Item, expected_version: int
) -> None:
    """Refuse a change based on another version than the one stored."""
    check_version(
        session,
        row,
        expected_version,
        kind.what(row.ref),
        kind.entity,
        row.ref,
        assessment_id=row.assessment_id,
    )


def save_item(
    store: Store,
    kind: ItemKind[Item],
    assessment_id: int,
    ref: str,
    actor_name: str,
    change: Callable[[Session], Item],
    to_record: Callable[[Item], Record],
) -> Record:
    """Run `change(session)` in one transaction whose UPDATE is conditional on the version read
    (services/versions.py), stamp who changed the record and when, and return its record; a
    concurrent edit becomes a ConflictError naming who made it."""

    def reread(session: Session) -> ConflictError:
        row = find_item(session, kind, assessment_id, ref)
        return conflict(
            session, kind.what(ref), kind.entity, ref, row.version, assessment_id=assessment_id
        )

    with versioned_write(store, reread) as session:
        row = change(session)
        row.updated_by = actor_name
        row.updated_at = utcnow()
        session.flush()
        return to_record(row)
