"""Everything a report shows about one assessment, gathered in one place from the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assessment.access.roles import Actor
from assessment.errors import InvalidChange
from assessment.portable.assessment_file import LoadedAssessment
from assessment.scoring.comparison import Comparison
from assessment.scoring.engine import CriterionResult
from assessment.services.actions import list_actions
from assessment.services.assessments import OpenAssessment, open_assessment
from assessment.services.comparisons import compare_with_baseline
from assessment.services.evidence import list_evidence
from assessment.services.evidence_metrics import EvidenceCoverage, evidence_coverage
from assessment.services.exchange import import_assessment
from assessment.storage.store import Store
from assessment.workflow.corrective_action import ActionRecord
from evidence.records import EvidenceRecord


@dataclass(frozen=True)
class ReportData:
    """One assessment as of `today`: scores, actions, evidence and, if linked, its baseline."""

    assessment: OpenAssessment  # record, checklist (pinned), responses, score with verdict
    actions: tuple[ActionRecord, ...]
    evidence: tuple[EvidenceRecord, ...]
    coverage: EvidenceCoverage
    today: date
    baseline: OpenAssessment | None = None
    comparison: Comparison | None = None

    @property
    def is_final(self) -> bool:
        return self.assessment.record.status.value == "final"

    def overdue_actions(self) -> tuple[ActionRecord, ...]:
        return tuple(a for a in self.actions if a.is_overdue(self.today))

    def largest_gaps(self, count: int = 10) -> list[CriterionResult]:
        """The criteria furthest below target (weight breaks ties), for the executive summary."""
        scored = [c for c in self.assessment.score.criteria if c.gap]
        return sorted(scored, key=lambda c: (-(c.gap or 0), -c.weight, c.id))[:count]


def gather_report(
    store: Store, actor: Actor, assessment_id: int, *, today: date | None = None
) -> ReportData:
    """Read everything one report needs, with the baseline comparison when one is linked."""
    today = today or date.today()
    opened = open_assessment(store, actor, assessment_id, today=today)
    baseline = comparison = None
    if opened.record.baseline_id is not None:
        try:
            _, baseline, comparison = compare_with_baseline(
                store, actor, assessment_id, opened=opened
            )
        except InvalidChange:
            baseline = comparison = None
    return ReportData(
        assessment=opened,
        actions=tuple(list_actions(store, actor, assessment_id)),
        evidence=tuple(list_evidence(store, actor, assessment_id)),
        coverage=evidence_coverage(store, actor, assessment_id, today),
        today=today,
        baseline=baseline,
        comparison=comparison,
    )


def gather_report_from_file(loaded: LoadedAssessment, *, today: date | None = None) -> ReportData:
    """A report straight from a portable file, with no database to set up.

    The file goes through the same import and scoring as stored data (into a throwaway
    in-memory database), so a report of a file and of its imported copy are the same.
    """
    store = Store.open("sqlite://")
    try:
        reader = Actor.local_admin("report")  # a private, throwaway database
        result = import_assessment(store, reader, loaded)
        return gather_report(store, reader, result.assessment.id, today=today)
    finally:
        store.dispose()
