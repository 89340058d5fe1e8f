"""The preview of a workshop import: the changes it would make, and the cells that stop it.

Plain data, shared by the reader (`excel_import`), the writer (`services/workbooks`), the command line
and the app, which show it before anyone confirms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from assessment.reports.excel_layout import CRITERIA, EDITABLE, NOT_APPLICABLE
from assessment.scoring.findings import Finding
from assessment.text_limits import quoted
from assessment.workflow.response import Response

FIELD_LABELS = {
    "score": "score",
    "not_applicable": "N/A reason",
    "notes": "notes",
    "finding": "finding override",
    "finding_reason": "finding reason",
}


@dataclass(frozen=True, order=True)
class CellFault:
    """One cell that keeps the workbook from being imported, and why."""

    sheet: str
    cell: str
    message: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}: {self.message}"


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: object
    after: object

    def __str__(self) -> str:
        show = (lambda v: "(empty)" if v is None else str(v)) if self.field == "score" else shown
        return f"{FIELD_LABELS[self.field]}: {show(self.before)} → {show(self.after)}"


@dataclass(frozen=True)
class ResponseChange:
    """One criterion's response, before (None: never answered) and after the workshop."""

    criterion_id: str
    cell: str  # the first changed cell, e.g. "F12": where a conflict is reported
    before: Response | None
    after: Response
    expected_version: int  # the version stored when the workbook was exported

    @property
    def fields(self) -> tuple[FieldChange, ...]:
        """The fields that change; the score of a criterion marked N/A shows as "N/A"."""
        before = self.before or Response()
        return tuple(
            FieldChange(f, _field(before, f), _field(self.after, f))
            for f in EDITABLE
            if _field(before, f) != _field(self.after, f)
        )

    def __str__(self) -> str:
        return f"{self.criterion_id}: " + "; ".join(str(f) for f in self.fields)


@dataclass(frozen=True)
class WorkbookChanges:
    """The preview of an import: what would change, and what must be fixed first."""

    assessment_id: int
    checklist_hash: str
    exported_at: str
    changes: tuple[ResponseChange, ...]
    faults: tuple[CellFault, ...]
    missing: tuple[str, ...] = ()  # criteria whose rows were deleted: left as they are

    @property
    def ok(self) -> bool:
        return not self.faults


def _field(response: Response, field: str) -> object:
    if field == "score" and response.is_not_applicable:
        return NOT_APPLICABLE
    return getattr(response, field)


def shown(value: object) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, Finding):
        return value.label
    if isinstance(value, str):
        return quoted(value, 60)
    return str(value)


def conflict_fault(
    criterion_id: str,
    cell: str,
    exported_version: int,
    current_version: int,
    changed_by: str | None,
    changed_at: datetime | None,
) -> CellFault:
    """Someone changed this response in the app after the export: the workshop's edit was
    based on an older answer, so it is not applied over theirs."""
    who = f" by {changed_by}" if changed_by else ""
    if changed_at is not None and changed_at.tzinfo is not None:
        changed_at = changed_at.astimezone(UTC)  # stored in UTC; SQLite returns it naive
    when = f" at {changed_at:%Y-%m-%d %H:%M} UTC" if changed_at else ""
    return CellFault(
        CRITERIA,
        cell,
        f"{criterion_id} was changed in the app{who}{when} after this workbook was exported "
        f"(version {exported_version}, now {current_version}): make this change in the app, "
        "or export a new workbook",
    )
