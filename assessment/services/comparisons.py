"""Compare a stored assessment with its baseline (or any earlier one of the same organization)."""

from __future__ import annotations

from assessment.access.roles import Actor
from assessment.checklist.editions import find_mapping
from assessment.errors import ChecklistNotFound, InvalidChange
from assessment.scoring.comparison import Comparison, compare_scores
from assessment.services.assessments import OpenAssessment, open_assessment
from assessment.storage.store import Store

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = [
    "compare_with_baseline",
]


def _renames(
    baseline: OpenAssessment, current: OpenAssessment
) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """(criterion, clause) renames from the baseline's checklist to the current one's, if mapped."""
    if baseline.checklist.id == current.checklist.id:
        return {}, {}
    try:
        mapping = find_mapping(baseline.checklist.id, current.checklist.id).mapping
    except ChecklistNotFound:
        return {}, {}
    return dict(mapping.criteria), {pair.from_ref: pair.to_ref for pair in mapping.clauses}


def compare_with_baseline(
    store: Store,
    actor: Actor,
    assessment_id: int,
    baseline_id: int | None = None,
    *,
    opened: OpenAssessment | None = None,
) -> tuple[OpenAssessment, OpenAssessment, Comparison]:
    """The assessment, its baseline (the linked one unless another is named) and their comparison.

    `opened`: the assessment as the caller has just opened it for the same actor (a page, a
    report), so it is not read and scored a second time.
    """
    if opened is not None and opened.record.id == assessment_id:
        current = opened
    else:
        current = open_assessment(store, actor, assessment_id)
    chosen = baseline_id if baseline_id is not None else current.record.baseline_id
    if chosen is None:
        raise InvalidChange(
            f"assessment '{current.record.title}' has no baseline; link one or name one to compare with"
        )
    baseline = open_assessment(store, actor, chosen)
    if baseline.record.organization_id != current.record.organization_id:
        raise InvalidChange("a baseline must be an assessment of the same organization")
    if baseline.record.id == current.record.id:
        raise InvalidChange("an assessment cannot be compared with itself")
    criterion_renames, clause_renames = _renames(baseline, current)
    comparison = compare_scores(
        current.score,
        baseline.score,
        criterion_renames=criterion_renames,
        clause_renames=clause_renames,
    )
    return current, baseline, comparison
