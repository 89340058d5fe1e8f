"""The one guard against lost updates, for every record a person edits.

Each editable table carries a `version` that SQLAlchemy's mapper counts (`version_id_col`),
so every UPDATE of such a row is `... WHERE version = <the version this transaction read>`.
A write is based on the version the user was shown: `check_version` refuses at once when the
row has moved on since then, and the conditional UPDATE refuses a change committed by someone
else between that check and this commit (the mapper raises StaleDataError, which
`versioned_write` turns into the same ConflictError). Either way nothing is written, and the
message names who changed the record last and when.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from assessment.errors import ConflictError
from assessment.services.audit import last_change
from assessment.storage.store import Store

__all__: list[str] = []  # nothing public: used by the other services only


class Versioned(Protocol):
    version: int


def conflict(
    session: Session,
    what: str,
    entity: str,
    key: str,
    current_version: int,
    *,
    assessment_id: int | None = None,
) -> ConflictError:
    """The refusal of a stale write: who changed `entity key` last, and when."""
    who, when = last_change(session, entity, key, assessment_id=assessment_id)
    return ConflictError(what, who, when, current_version)


def check_version(
    session: Session,
    row: Versioned,
    expected_version: int,
    what: str,
    entity: str,
    key: str,
    *,
    assessment_id: int | None = None,
) -> None:
    """Refuse a write based on another version than the row's."""
    if row.version != expected_version:
        raise conflict(session, what, entity, key, row.version, assessment_id=assessment_id)


@contextmanager
def versioned_write(store: Store, reread: Callable[[Session], ConflictError]) -> Iterator[Session]:
    """One transaction whose versioned UPDATEs are conditional: when one finds its row changed
    since it was read, `reread(session)` describes the change, in a fresh transaction, as the
    ConflictError raised instead."""
    try:
        with store.transaction() as session:
            yield session
            session.flush()
    except StaleDataError:
        with store.transaction() as session:
            raise reread(session) from None
