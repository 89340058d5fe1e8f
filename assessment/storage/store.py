"""A handle on one database: its engine, sessions, and the checklists pinned in it."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from threading import Lock

from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from assessment.checklist.model import Checklist
from assessment.storage.database import make_engine, session_factory
from assessment.storage.schema import upgrade_database
from assessment.storage.tables import Assessment

# Session.info key: the assessments whose changes this transaction recorded (services/audit.py).
CHANGED_ASSESSMENTS = "changed_assessments"


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = session_factory(engine)

    @classmethod
    def open(cls, url: str | None = None, *, upgrade: bool = True) -> Store:
        """Open the configured database, bringing its schema up to date first."""
        engine = make_engine(url)
        if upgrade:
            upgrade_database(engine)
        return cls(engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: everything in it is committed together or not at all."""
        with self._sessions.begin() as session:
            yield session
            _count_changes(session)

    def dispose(self) -> None:
        self.engine.dispose()


def _count_changes(session: Session) -> None:
    """Last in a transaction that recorded changes: each assessment it changed counts one more.

    Last and in id order, so two transactions never wait on each other's counters in a cycle.
    """
    changed = session.info.pop(CHANGED_ASSESSMENTS, None)
    if not changed:
        return
    session.execute(
        update(Assessment)
        .where(Assessment.id.in_(sorted(changed)))
        .values(change_count=Assessment.change_count + 1)
        .execution_options(synchronize_session=False)
    )


class SnapshotCache:
    """Parsed checklists by content hash, for the whole process.

    A content hash names one content forever, so an entry can never go stale; keeping it
    spares every page run from reading and re-validating the snapshot's JSON.
    """

    def __init__(self, limit: int = 64) -> None:
        self._limit = limit
        self._items: OrderedDict[str, Checklist] = OrderedDict()
        self._lock = Lock()

    def get(self, content_hash: str) -> Checklist | None:
        with self._lock:
            found = self._items.get(content_hash)
            if found is not None:
                self._items.move_to_end(content_hash)
            return found

    def put(self, checklist: Checklist) -> None:
        with self._lock:
            self._items[checklist.content_hash] = checklist
            self._items.move_to_end(checklist.content_hash)
            while len(self._items) > self._limit:
                self._items.popitem(last=False)


snapshot_cache = SnapshotCache()
