"""What every section of the PDF needs: the report data, lookups made once, shared wording.

Sections are plain functions from a `Context` to flowables, so each can be read (and tested)
on its own, and numbers come from `ReportData` only: the PDF never recomputes a score.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from reportlab.platypus import CondPageBreak, Flowable, Paragraph

from assessment.checklist.model import Checklist
from assessment.reports.data import ReportData
from assessment.reports.pdf.document import FRAME_WIDTH, OutlineMark, heading
from assessment.reports.pdf.markup import para
from assessment.reports.pdf.styles import Styles, styles
from assessment.scoring.engine import AssessmentScore, ClauseResult, CriterionResult
from assessment.services.assessments import AssessmentRecord
from assessment.workflow.corrective_action import ActionRecord

# The report's own sections, in order: (outline key, title). Titles are ours, never user text.
COVER = ("cover", "Cover")
CONTENTS = ("contents", "Contents")
SUMMARY = ("summary", "Executive summary")
CHARTS = ("charts", "Readiness charts")
RESULTS = ("results", "Clause-by-clause results")
GAPS = ("gaps", "Gap register")
ACTIONS = ("actions", "Corrective-action plan")
EVIDENCE = ("evidence", "Evidence index")
SIGN_OFF = ("sign-off", "Sign-off")
APPENDIX = ("appendix", "Appendix: scale and method")

DISCLAIMER = (
    "This is a self-assessment of readiness against the guidance of ISO 10002. It is not a "
    "certification, and it does not state that the organization conforms to the standard."
)


def day(value: date | None) -> str:
    """Dates as ISO 8601 (2026-11-22): one reading in every country a report travels to."""
    return value.isoformat() if value else "—"


@dataclass
class Context:
    data: ReportData
    width: float = FRAME_WIDTH
    style: Styles = field(default_factory=styles)

    @property
    def record(self) -> AssessmentRecord:
        return self.data.assessment.record

    @property
    def checklist(self) -> Checklist:
        return self.data.assessment.checklist

    @property
    def score(self) -> AssessmentScore:
        return self.data.assessment.score

    @cached_property
    def actions_by_criterion(self) -> dict[str, list[ActionRecord]]:
        found: dict[str, list[ActionRecord]] = defaultdict(list)
        for action in self.data.actions:
            for criterion_id in action.criteria:
                found[criterion_id].append(action)
        return found

    @cached_property
    def baseline_by_ref(self) -> dict[str, float | None]:
        """Clause readiness in the baseline, already mapped to this checklist's refs."""
        if self.data.comparison is None:
            return {}
        return {c.ref: c.before for c in self.data.comparison.clauses}

    @cached_property
    def clause_by_ref(self) -> dict[str, ClauseResult]:
        return {c.ref: c for c in self.score.clauses}

    @cached_property
    def criteria_by_clause(self) -> dict[str, list[CriterionResult]]:
        found: dict[str, list[CriterionResult]] = defaultdict(list)
        for result in self.score.criteria:
            found[result.clause_ref].append(result)
        return found

    def clause_label(self, ref: str) -> str:
        clause = self.clause_by_ref.get(ref)
        return f"{ref} {clause.title}" if clause else ref

    def subheading(self, title: str, room: float = 110) -> list[Flowable]:
        """A level-2 heading that moves to the next page unless `room` points are left under it,
        so a heading never ends a page alone (keepWithNext would move a whole long table)."""
        return [CondPageBreak(room), para(title, self.style.h2)]

    def section(self, key_title: tuple[str, str]) -> Paragraph:
        """A level-0 heading: in the outline and in the contents."""
        key, title = key_title
        return heading(title, self.style.h1, OutlineMark(key, title, 0, toc_level=0))
