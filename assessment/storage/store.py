"""A handle on one database: its engine, sessions, and the checklists pinned in it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from assessment.checklist import Checklist
from assessment.storage.database import make_engine, session_factory
from assessment.storage.schema import upgrade_database


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

    def dispose(self) -> None:
        self.engine.dispose()


@lru_cache(maxsize=64)
def checklist_from_snapshot_json(content_hash: str, content: str) -> Checklist:
    """Snapshots never change for a given hash, so the parsed checklist is cached by it."""
    return Checklist.model_validate_json(content)
