"""Before and after: an assessment against its baseline, clause by clause and criterion by criterion
(docs/scoring.md, "Comparison with a baseline").

Management asks "are we better than last year, and where?". The answer compares two scored
assessments: the readiness delta of every clause and the score change of every criterion.
When the baseline used an older edition, an edition mapping renames its clauses and criteria first, so
the comparison follows a requirement across editions instead of losing it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from assessment.scoring.engine import AssessmentScore, CriterionResult


class Change(StrEnum):
    IMPROVED = "improved"
    DECLINED = "declined"
    UNCHANGED = "unchanged"
    NEWLY_ASSESSED = "newly assessed"
    NO_LONGER_ASSESSED = "no longer assessed"
    NOT_COMPARABLE = "not comparable"  # N/A on one side, or absent from one checklist


@dataclass(frozen=True)
class ClauseDelta:
    ref: str
    title: str
    depth: int
    before: float | None  # readiness in the baseline; None if absent or nothing applicable
    after: float | None
    answered: int  # in the current assessment: unanswered criteria count as 0, so a clause
    total: int  # that is not fully answered yet may look worse than it is

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    def to_dict(self) -> dict[str, object]:
        return {
            "ref": self.ref,
            "title": self.title,
            "depth": self.depth,
            "before": self.before,
            "after": self.after,
            "delta": self.delta,
            "answered": self.answered,
            "total": self.total,
        }


@dataclass(frozen=True)
class CriterionChange:
    id: str
    clause_ref: str
    before: int | None
    after: int | None
    change: Change

    @property
    def delta(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "clause": self.clause_ref,
            "before": self.before,
            "after": self.after,
            "delta": self.delta,
            "change": self.change.value,
        }


@dataclass(frozen=True)
class Comparison:
    readiness_before: float | None
    readiness_after: float | None
    clauses: tuple[ClauseDelta, ...]  # the current checklist's clauses, parents first
    criteria: tuple[CriterionChange, ...]  # the current checklist's criteria, in file order

    @property
    def readiness_delta(self) -> float | None:
        if self.readiness_before is None or self.readiness_after is None:
            return None
        return self.readiness_after - self.readiness_before

    def changed(self) -> tuple[CriterionChange, ...]:
        return tuple(c for c in self.criteria if c.change is not Change.UNCHANGED)

    def to_dict(self) -> dict[str, object]:
        return {
            "readiness_before": self.readiness_before,
            "readiness_after": self.readiness_after,
            "readiness_delta": self.readiness_delta,
            "clauses": [c.to_dict() for c in self.clauses],
            "criteria": [c.to_dict() for c in self.criteria],
        }


def _change(before: CriterionResult | None, after: CriterionResult) -> Change:
    if before is None:
        return Change.NOT_COMPARABLE
    if before.not_applicable or after.not_applicable:
        same = before.not_applicable and after.not_applicable
        return Change.UNCHANGED if same else Change.NOT_COMPARABLE
    if before.score is None and after.score is None:
        return Change.UNCHANGED
    if before.score is None:
        return Change.NEWLY_ASSESSED
    if after.score is None:
        return Change.NO_LONGER_ASSESSED
    if after.score > before.score:
        return Change.IMPROVED
    if after.score < before.score:
        return Change.DECLINED
    return Change.UNCHANGED


def compare_scores(
    current: AssessmentScore,
    baseline: AssessmentScore,
    *,
    criterion_renames: Mapping[str, str | None] | None = None,
    clause_renames: Mapping[str, str | None] | None = None,
) -> Comparison:
    """Compare `current` with `baseline`.

    The renames map the baseline's criterion ids and clause refs to the current checklist's
    (from an edition mapping); None means it has no counterpart and is left out.
    """
    criterion_renames = criterion_renames or {}
    clause_renames = clause_renames or {}
    before_by_id = {
        criterion_renames.get(c.id, c.id): c
        for c in baseline.criteria
        if criterion_renames.get(c.id, c.id) is not None
    }
    before_by_ref = {
        clause_renames.get(c.ref, c.ref): c.readiness
        for c in baseline.clauses
        if clause_renames.get(c.ref, c.ref) is not None
    }
    clauses = tuple(
        ClauseDelta(
            c.ref, c.title, c.depth, before_by_ref.get(c.ref), c.readiness, c.answered, c.total
        )
        for c in current.clauses
    )
    criteria = tuple(
        CriterionChange(
            c.id,
            c.clause_ref,
            before_by_id[c.id].score if c.id in before_by_id else None,
            c.score,
            _change(before_by_id.get(c.id), c),
        )
        for c in current.criteria
    )
    return Comparison(baseline.readiness, current.readiness, clauses, criteria)
