"""Corrective actions in the domain: their stages, the moves between them, and when one is late.

An action answers the findings of one or more criteria. It is followed from the correction
(the immediate fix) through the root cause and the action that removes it, to the check that
shows it worked; only that check makes it "verified".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from assessment.scoring.findings import Finding


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    VERIFIED = "verified"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Priority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class RootCauseMethod(StrEnum):
    FIVE_WHYS = "5_whys"
    FISHBONE = "fishbone"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"5_whys": "5 whys", "fishbone": "Fishbone", "other": "Other"}[self]


# Moves a person makes by hand. "Verified" is reached only through an effectiveness check,
# so nothing is verified before it is done; leaving "verified" needs a reason.
MOVES: dict[ActionStatus, frozenset[ActionStatus]] = {
    ActionStatus.OPEN: frozenset({ActionStatus.IN_PROGRESS, ActionStatus.DONE}),
    ActionStatus.IN_PROGRESS: frozenset({ActionStatus.OPEN, ActionStatus.DONE}),
    ActionStatus.DONE: frozenset({ActionStatus.IN_PROGRESS}),
    ActionStatus.VERIFIED: frozenset({ActionStatus.IN_PROGRESS}),
}

# An action still being worked on; past its due date, it is overdue.
OPEN_STATUSES = frozenset({ActionStatus.OPEN, ActionStatus.IN_PROGRESS})


def is_overdue(due: date | None, status: ActionStatus, today: date) -> bool:
    """Past its due date and not yet done or verified."""
    return due is not None and due < today and status in OPEN_STATUSES


@dataclass(frozen=True)
class ActionLink:
    """An action's id, the criteria whose findings it answers, and its status."""

    id: str
    criteria: tuple[str, ...]
    status: ActionStatus = ActionStatus.OPEN
    title: str = ""


@dataclass(frozen=True)
class EffectivenessCheck:
    checked_on: date
    checked_by: str
    effective: bool
    note: str = ""
    evidence: tuple[int, ...] = ()


@dataclass(frozen=True)
class ActionRecord:
    """A stored corrective action, everything a board, a table or a report shows."""

    id: int
    assessment_id: int
    ref: str
    title: str
    criteria: tuple[str, ...]
    owner: str
    due: date | None
    status: ActionStatus
    version: int
    finding: Finding | None = None
    correction: str = ""
    root_cause: str = ""
    root_cause_method: RootCauseMethod | None = None
    action_plan: str = ""
    priority: Priority = Priority.MEDIUM
    raised_on: date | None = None
    closed_on: date | None = None
    check: EffectivenessCheck | None = None

    def is_overdue(self, today: date) -> bool:
        return is_overdue(self.due, self.status, today)

    def link(self) -> ActionLink:
        return ActionLink(self.ref, self.criteria, self.status, self.title)


@dataclass(frozen=True)
class OwnerLoad:
    owner: str
    open: int
    overdue: int


def load_by_owner(actions: list[ActionRecord], today: date) -> list[OwnerLoad]:
    """Open and overdue actions per owner, busiest first: who needs a reminder."""
    open_, overdue = Counter[str](), Counter[str]()
    for action in actions:
        if action.status in OPEN_STATUSES:
            owner = action.owner or "(no owner)"
            open_[owner] += 1
            overdue[owner] += action.is_overdue(today)
    return [
        OwnerLoad(owner, open_[owner], overdue[owner])
        for owner in sorted(open_, key=lambda o: (-overdue[o], -open_[o], o))
    ]


def open_by_week(actions: list[ActionRecord], start: date, end: date) -> list[tuple[date, int]]:
    """Actions open at the end of each week from `start` to `end`: the burn-down series.

    An action counts from the day it was raised until the day it was closed (done or verified);
    an action that was reopened counts again from then, as `closed_on` is cleared.
    """
    monday = start - timedelta(days=start.weekday())
    series = []
    while monday <= end:
        week_end = min(monday + timedelta(days=6), end)
        series.append(
            (
                monday,
                sum(
                    1
                    for a in actions
                    if (a.raised_on is None or a.raised_on <= week_end)
                    and (a.closed_on is None or a.closed_on > week_end)
                ),
            )
        )
        monday += timedelta(days=7)
    return series
