"""The one scoring engine: attainment, gap, readiness, completion and findings.

The rules and worked examples: docs/scoring.md, "Attainment and gap", "Readiness",
"Completion and not assessed", "Findings".

Every page, report and command takes its numbers from `score_assessment`, so they agree.
Readiness is a weighted mean *per level of the tree*: a section's weight does not depend on
how many questions it holds, and children with nothing applicable drop out of the mean.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from assessment.checklist.model import Checklist, Clause, Criterion
from assessment.scoring.findings import Finding, finding_from_gap
from assessment.scoring.progress import Progress
from assessment.scoring.verdict import Overall, judge
from assessment.workflow.corrective_action import ActionLink
from assessment.workflow.response import Response


@dataclass(frozen=True)
class CriterionResult:
    id: str
    clause_ref: str
    score: int | None
    not_applicable: bool
    target: int
    weight: float
    essential: bool
    attainment: float | None  # None when N/A; 0 when not yet assessed
    gap: int | None  # None when N/A or not yet assessed
    finding: Finding | None  # None when N/A or not yet assessed (unless overridden)
    finding_overridden: bool
    finding_reason: str | None

    @property
    def answered(self) -> bool:
        return self.score is not None or self.not_applicable

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "clause": self.clause_ref,
            "score": self.score,
            "not_applicable": self.not_applicable,
            "target": self.target,
            "gap": self.gap,
            "attainment": self.attainment,
            "finding": self.finding.value if self.finding else None,
            "finding_overridden": self.finding_overridden,
            "essential": self.essential,
        }


@dataclass(frozen=True)
class ClauseResult:
    ref: str
    title: str
    depth: int
    weight: float
    readiness: float | None  # None when nothing below it is applicable
    mean_score: float | None  # plain mean of the scores given below it
    answered: int  # criteria scored or marked N/A, in the whole subtree
    applicable: int  # criteria not marked N/A, in the whole subtree
    total: int

    @property
    def progress(self) -> Progress:
        """Not assessed, partly answered or complete: ask before showing `readiness`, which
        counts unanswered criteria as 0."""
        return Progress(self.answered, self.applicable, self.total)

    def to_dict(self) -> dict[str, object]:
        return {
            "ref": self.ref,
            "title": self.title,
            "depth": self.depth,
            "readiness": self.readiness,
            "mean_score": self.mean_score,
            "answered": self.answered,
            "applicable": self.applicable,
            "total": self.total,
        }


@dataclass(frozen=True)
class AssessmentScore:
    overall: Overall
    clauses: tuple[ClauseResult, ...]  # parents before children, file order
    criteria: tuple[CriterionResult, ...]  # file order

    @property
    def readiness(self) -> float | None:
        return self.overall.readiness

    @property
    def progress(self) -> Progress:
        """How much of the whole assessment is answered (see `ClauseResult.progress`)."""
        return Progress(
            sum(c.answered for c in self.criteria),
            sum(c.attainment is not None for c in self.criteria),
            len(self.criteria),
        )

    def clause(self, ref: str) -> ClauseResult:
        return next(c for c in self.clauses if c.ref == ref)

    def criterion(self, criterion_id: str) -> CriterionResult:
        return next(c for c in self.criteria if c.id == criterion_id)

    def to_dict(self) -> dict[str, object]:
        return {
            "overall": self.overall.to_dict(),
            "clauses": [c.to_dict() for c in self.clauses],
            "criteria": [c.to_dict() for c in self.criteria],
        }


def score_criterion(
    checklist: Checklist, criterion: Criterion, clause_ref: str, response: Response | None
) -> CriterionResult:
    response = response or Response()
    target = checklist.target(criterion)
    attainment: float | None
    gap: int | None = None
    finding: Finding | None = None
    if response.is_not_applicable:
        attainment = None
    elif response.score is None:
        attainment = 0.0
    else:
        attainment = min(response.score, target) / target
        gap = max(0, target - response.score)
        finding = finding_from_gap(gap, checklist.scale.major_gap)
    overridden = response.finding is not None and not response.is_not_applicable
    if overridden:
        finding = response.finding
    return CriterionResult(
        id=criterion.id,
        clause_ref=clause_ref,
        score=response.score,
        not_applicable=response.is_not_applicable,
        target=target,
        weight=criterion.weight,
        essential=criterion.essential,
        attainment=attainment,
        gap=gap,
        finding=finding,
        finding_overridden=overridden,
        finding_reason=response.finding_reason if overridden else None,
    )


def _weighted_mean(parts: list[tuple[float, float]]) -> float | None:
    total_weight = sum(weight for weight, _ in parts)
    if not parts or total_weight == 0:
        return None
    return sum(weight * value for weight, value in parts) / total_weight


@dataclass
class _Tally:
    answered: int = 0
    applicable: int = 0
    total: int = 0
    score_sum: int = 0
    scored: int = 0

    def add(self, other: _Tally) -> None:
        self.answered += other.answered
        self.applicable += other.applicable
        self.total += other.total
        self.score_sum += other.score_sum
        self.scored += other.scored


def score_assessment(
    checklist: Checklist,
    responses: Mapping[str, Response],
    actions: Sequence[ActionLink] = (),
    *,
    supported: Collection[str] | None = None,
) -> AssessmentScore:
    """Score every criterion and clause, then judge readiness (see verdict.judge).

    `supported` names the criteria backed by at least one approved, unexpired record; a score
    at or above target outside it is an unsupported score. None leaves evidence out of it.
    """
    criterion_results: list[CriterionResult] = []
    clause_results: list[ClauseResult] = []

    def visit(clause: Clause, depth: int) -> tuple[float | None, _Tally]:
        slot = len(clause_results)  # where this clause goes: before its sub-clauses (preorder)
        parts: list[tuple[float, float]] = []
        tally = _Tally()
        for criterion in clause.criteria:
            result = score_criterion(checklist, criterion, clause.ref, responses.get(criterion.id))
            criterion_results.append(result)
            tally.total += 1
            tally.answered += result.answered
            if result.attainment is not None:
                tally.applicable += 1
                parts.append((criterion.weight, result.attainment))
            if result.score is not None:
                tally.scored += 1
                tally.score_sum += result.score
        for child in clause.clauses:
            child_readiness, child_tally = visit(child, depth + 1)
            tally.add(child_tally)
            if child_readiness is not None:
                parts.append((child.weight, child_readiness))
        readiness = _weighted_mean(parts)
        clause_results.insert(
            slot,
            ClauseResult(
                ref=clause.ref,
                title=clause.title,
                depth=depth,
                weight=clause.weight,
                readiness=readiness,
                mean_score=tally.score_sum / tally.scored if tally.scored else None,
                answered=tally.answered,
                applicable=tally.applicable,
                total=tally.total,
            ),
        )
        return readiness, tally

    root_parts: list[tuple[float, float]] = []
    root = _Tally()
    for top in checklist.clauses:
        readiness, tally = visit(top, 0)
        root.add(tally)
        if readiness is not None:
            root_parts.append((top.weight, readiness))
    overall_readiness = _weighted_mean(root_parts)
    completion = root.answered / root.total if root.total else 0.0
    overall = judge(
        checklist, overall_readiness, completion, criterion_results, actions, supported=supported
    )
    return AssessmentScore(overall, tuple(clause_results), tuple(criterion_results))
