"""How far a clause (or a whole assessment) has been answered, for drawing and labelling
(docs/scoring.md, "Completion and not assessed").

The scoring engine counts a criterion nobody has answered as attainment 0, so a clause nobody
has looked at has readiness 0, exactly like a clause whose every criterion scored 0. A reader
must not confuse the two: every chart, table and figure asks `Progress.state` first and shows
"not assessed" instead of 0, and says how much of a partly answered clause is answered. This
changes only how results are shown, never how they are scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from assessment.scoring.numbers import percent


class AnswerState(StrEnum):
    NOT_ASSESSED = "not_assessed"  # something to answer, nothing answered yet
    PARTLY = "partly"  # some criteria answered, not all
    COMPLETE = "complete"  # every criterion scored or marked not applicable
    NOT_APPLICABLE = "not_applicable"  # nothing left to score: every criterion N/A, or none

    @property
    def label(self) -> str:
        return {
            "not_assessed": "not assessed",
            "partly": "partly answered",
            "complete": "answered",
            "not_applicable": "not applicable",
        }[self]


@dataclass(frozen=True)
class Progress:
    """Counts of one clause's subtree (or of a whole assessment) and what they mean.

    `answered` counts criteria scored or marked N/A, `applicable` those not marked N/A,
    `total` all of them (the same three counts as `ClauseResult`).
    """

    answered: int
    applicable: int
    total: int

    @property
    def state(self) -> AnswerState:
        if self.applicable == 0:
            return AnswerState.NOT_APPLICABLE
        if self.answered == 0:
            return AnswerState.NOT_ASSESSED
        if self.answered < self.total:
            return AnswerState.PARTLY
        return AnswerState.COMPLETE

    @property
    def not_assessed(self) -> bool:
        """True when a readiness figure would only be the 0 of unanswered criteria."""
        return self.state is AnswerState.NOT_ASSESSED

    @property
    def counts(self) -> str:
        """'3 of 5 answered'."""
        return f"{self.answered} of {self.total} answered"

    @property
    def label(self) -> str:
        """'not assessed', 'partly answered: 3 of 5 answered', '5 of 5 answered' or
        'not applicable': the words shown beside (or instead of) a readiness figure."""
        state = self.state
        if state is AnswerState.PARTLY:
            return f"{state.label}: {self.counts}"
        if state is AnswerState.COMPLETE:
            return self.counts
        return state.label


def readiness_text(readiness: float | None, progress: Progress) -> str:
    """A readiness figure as shown: 'not assessed' when nothing is answered (never '0%'),
    otherwise `percent` ('—' when nothing is applicable)."""
    return AnswerState.NOT_ASSESSED.label if progress.not_assessed else percent(readiness)
