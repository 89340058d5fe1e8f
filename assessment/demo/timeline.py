"""Who in the demo's story wrote each record, and when.

The demo is loaded in one go by one person, but it shows a year of work: last year's gap
analysis answered over its workshops and signed off, this year's review answered over recent
weeks, the second client's kick-off a few days ago. Each response, action and evidence record
is credited to a member of its assessment's team (the names in its team list) on a working day
of that story, so the history reads like a real one. The import still records, truthfully and
at the real time, that the person who loaded the demo loaded it as demo data; nothing here
touches the security log.

Everything follows from `today` and the demo's tables: no randomness, so the same day always
gives the same credits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from assessment.checklist.model import Checklist
from assessment.portable.assessment_file import PortableAction, PortableAssessment

DAY_STARTS = time(9, 0)  # UTC; the assessment is created at the start of its first workshop
ANSWERS_START = time(9, 30)
MINUTES_PER_ANSWER = 4
ANSWERS_PER_TURN = 6  # the scribe hands the keyboard on after this many answers
SATURDAY = 5


@dataclass(frozen=True)
class Timeline:
    """The calendar of one demo assessment and the people who work on it.

    Answers are given at `workshops` workshops spread over the working days from `first` to
    `last`, in checklist order, the `scribes` taking turns at the keyboard. The `lead` creates
    the assessment and raises the actions; the client's `contact` reports them done; an
    effectiveness check is credited to whoever made it.
    """

    first: date
    last: date
    workshops: int
    lead: str
    contact: str
    scribes: tuple[str, ...]
    answered: tuple[str, ...]  # criterion ids, in checklist order
    actions: dict[str, PortableAction] = field(default_factory=dict)
    evidence_of: dict[str, str] = field(default_factory=dict)  # evidence ref -> its criterion

    def credit(self, entity: str, key: str) -> tuple[str, datetime]:
        """The `Credit` of the import: (name, moment) for one record of this assessment."""
        if entity == "response":
            return self._answer(key)
        if entity == "action":
            return self._action(key)
        if entity == "evidence":
            name, moment = self._answer(self.evidence_of[key])
            return name, moment + timedelta(minutes=2)  # noted as the answer is discussed
        # the organization, the assessment, its baseline: at the start of the first workshop
        return self.lead, _at(self.first, DAY_STARTS)

    def _answer(self, criterion_id: str) -> tuple[str, datetime]:
        index = self.answered.index(criterion_id)
        count = len(self.answered)
        workshop = index * self.workshops // count
        position = index - (-(-workshop * count // self.workshops))  # from the workshop's first
        scribe = self.scribes[(workshop + position // ANSWERS_PER_TURN) % len(self.scribes)]
        minutes = position * MINUTES_PER_ANSWER
        return scribe, _at(self._workshop_day(workshop), ANSWERS_START) + timedelta(minutes=minutes)

    def _workshop_day(self, workshop: int) -> date:
        span = (self.last - self.first).days
        step = span * workshop // max(self.workshops - 1, 1)
        return working_day(self.first + timedelta(days=step), self.first, self.last)

    def _action(self, ref: str) -> tuple[str, datetime]:
        """An action is written as it stands now, on the day of its latest step."""
        action = self.actions[ref]
        order = list(self.actions).index(ref)
        if action.check is not None:
            return action.check.checked_by, _at(action.check.checked_on, time(15, order))
        if action.closed_on is not None:
            return self.contact, _at(action.closed_on, time(11, order))
        return self.lead, _at(action.raised_on or self.first, time(16, order))


def timeline(
    checklist: Checklist,
    portable: PortableAssessment,
    *,
    last: date,
    workshops: int,
    lead: str,
    contact: str,
    scribes: Sequence[str],
) -> Timeline:
    """The timeline of a demo assessment, from its start date to `last`."""
    if portable.start_date is None:
        raise ValueError(f"demo assessment '{portable.title}' needs a start date")
    return Timeline(
        first=portable.start_date,
        last=last,
        workshops=workshops,
        lead=lead,
        contact=contact,
        scribes=tuple(scribes),
        answered=tuple(c.id for c in checklist.criteria if c.id in portable.responses),
        actions={a.id: a for a in portable.actions},
        evidence_of={e.id: e.criteria[0] for e in portable.evidence},
    )


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, UTC)


def working_day(day: date, low: date, high: date) -> date:
    """`day`, or the Friday before a weekend, or the Monday after it, within [low, high]."""
    if day.weekday() < SATURDAY:
        return day
    friday = day - timedelta(days=day.weekday() - 4)
    if friday >= low:
        return friday
    monday = day + timedelta(days=7 - day.weekday())
    return monday if monday <= high else day
