"""Corrective actions as far as the verdict needs them: which criteria, and how far along."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    VERIFIED = "verified"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True)
class ActionLink:
    """An action's id, the criteria whose findings it answers, and its status."""

    id: str
    criteria: tuple[str, ...]
    status: ActionStatus = ActionStatus.OPEN
    title: str = ""


# An action still being worked on; past its due date, it is overdue.
OPEN_STATUSES = frozenset({ActionStatus.OPEN, ActionStatus.IN_PROGRESS})


def is_overdue(due: date | None, status: ActionStatus, today: date) -> bool:
    """Past its due date and not yet done or verified."""
    return due is not None and due < today and status in OPEN_STATUSES
