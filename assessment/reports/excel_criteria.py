"""The two sheets of the workbook that come back from a workshop: Criteria and the hidden key.

The Criteria sheet is where a client scores offline. Only the five response columns are open
for editing (the sheet is protected without a password: a guard rail against slips, not a
security boundary; import checks everything again). Hidden helper columns carry each
response's version and a fingerprint of the row as exported, and a very hidden sheet names the
assessment and the checklist content hash, so import can tell the client's edits from changes
made in the app since, and refuse a workbook that belongs to something else.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from assessment.reports.data import ReportData
from assessment.reports.excel_layout import (
    AMBER,
    CRITERIA_COLUMNS,
    EDITABLE,
    FINDING_CHOICES,
    GREEN,
    GREY,
    HELPERS,
    META_SHEET,
    NOT_APPLICABLE,
    RED,
    WORKBOOK_FORMAT,
    CellValue,
    CellValues,
    joined,
    put,
    score_choice,
    score_choices,
    write_table,
    yes_no,
)
from assessment.scoring.engine import CriterionResult
from assessment.workflow.response import Response

# Every key the hidden sheet holds, in order; import reads them by name.
META_KEYS = (
    "format",
    "assessment_id",
    "organization_id",
    "organization",
    "assessment",
    "checklist_id",
    "checklist_version",
    "checklist_hash",
    "as_of",
    "exported_at",
)


# The drop-down's entries live in a column of the hidden sheet, not in the validation itself:
# an inline list takes at most 255 characters and no comma, and a checklist's level labels
# may be long or hold commas.
SCORE_LIST_COLUMN = 4


def score_list_ref(scale_size: int) -> str:
    """Where the score drop-down takes its entries: the levels and N/A, one a row."""
    column = get_column_letter(SCORE_LIST_COLUMN)
    return f"'{META_SHEET}'!${column}$1:${column}${scale_size + 1}"


def letter(key: str) -> str:
    """The column letter of a Criteria column, as exported."""
    return get_column_letter([c.key for c in CRITERIA_COLUMNS].index(key) + 1)


def _finding_now(result: CriterionResult) -> str:
    if result.not_applicable:
        return "Not applicable"
    if result.finding is None:
        return "Not assessed"
    return result.finding.label + (" (override)" if result.finding_overridden else "")


def _rows(data: ReportData) -> list[list[CellValue]]:
    opened = data.assessment
    actions: dict[str, list[str]] = defaultdict(list)
    for action in data.actions:
        for criterion_id in action.criteria:
            actions[criterion_id].append(action.ref)
    evidence: dict[str, list[str]] = defaultdict(list)
    for record in data.evidence:
        for criterion_id in record.criteria:
            evidence[criterion_id].append(record.ref)
    rows: list[list[CellValue]] = []
    for result in opened.score.criteria:
        stored = opened.responses.get(result.id)
        response = stored.response if stored else Response()
        score: CellValue = (
            NOT_APPLICABLE
            if response.is_not_applicable
            else score_choice(opened.checklist.scale, response.score)
            if response.score is not None
            else None
        )
        rows.append(
            [
                result.id,
                result.clause_ref,
                opened.checklist.criterion(result.id).question,
                result.target,
                yes_no(result.essential),
                score,
                response.not_applicable or "",
                response.notes,
                response.finding.label if response.finding else "",
                response.finding_reason or "",
                _finding_now(result),
                joined(actions[result.id]),
                joined(evidence[result.id]),
                result.id,
                opened.version_of(result.id),
                CellValues.of(response).fingerprint(),
            ]
        )
    return rows


def _validations(sheet: Worksheet, data: ReportData, last: int) -> None:
    """Drop-downs: the checklist's levels with their labels plus N/A for the score, the
    classes for the override.

    A score typed as a bare number ("3") only warns, as import takes it; anything else that
    is not on the list import refuses with the cell's name.
    """
    scale = data.assessment.checklist.scale
    low, high = min(scale.values), scale.maximum
    score = DataValidation(
        type="list",
        formula1=score_list_ref(len(scale.values)),
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="Not on the scale",
        error=(
            f"Pick a level from the list, type its number ({low} to {high}), or pick "
            f"{NOT_APPLICABLE} and give the reason. Import refuses anything else."
        ),
        showInputMessage=True,
        promptTitle="Score",
        prompt=f"Pick a level, or type its number ({low} to {high}); {NOT_APPLICABLE} needs a reason in the next column.",
    )
    score.add(f"{letter('score')}2:{letter('score')}{last}")
    finding = DataValidation(
        type="list",
        formula1='"' + ",".join(FINDING_CHOICES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not a finding class",
        error="Pick a finding class from the list, or leave it empty to follow the score.",
    )
    finding.add(f"{letter('finding')}2:{letter('finding')}{last}")
    sheet.add_data_validation(score)
    sheet.add_data_validation(finding)


def _colours(sheet: Worksheet, data: ReportData, last: int) -> None:
    """Score against target, live as the client types: at target green, a major gap red,
    a smaller gap amber, N/A grey. The number is read from the front of the cell, so a
    picked "3 - ..." and a typed 3 colour the same."""
    s, t = letter("score"), letter("target")
    major_gap = data.assessment.checklist.scale.major_gap
    target_range = f"{s}2:{s}{last}"
    number = f'IFERROR(VALUE(LEFT(${s}2,FIND(" ",${s}2&" ")-1)),"")'
    rules = (
        (f'${s}2="{NOT_APPLICABLE}"', GREY),
        (f"AND(ISNUMBER({number}),{number}>=${t}2)", GREEN),
        (f"AND(ISNUMBER({number}),${t}2-{number}>={major_gap})", RED),
        (f"AND(ISNUMBER({number}),{number}<${t}2)", AMBER),
    )
    for formula, fill in rules:
        sheet.conditional_formatting.add(
            target_range, FormulaRule(formula=[formula], fill=fill, stopIfTrue=True)
        )


def _protect(sheet: Worksheet, last: int) -> None:
    """Open the response cells, lock the rest, hide the helpers; filtering and resizing stay."""
    for key in EDITABLE:
        for row in range(2, last + 1):
            sheet[f"{letter(key)}{row}"].protection = Protection(locked=False)
    for key in HELPERS:
        sheet.column_dimensions[letter(key)].hidden = True
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = False
    protection.formatRows = False
    protection.autoFilter = False
    protection.sort = False


def write_criteria_sheet(sheet: Worksheet, data: ReportData) -> None:
    """One row per criterion with its response, ready to be scored offline."""
    last = write_table(sheet, CRITERIA_COLUMNS, _rows(data), freeze="B2")
    _validations(sheet, data, last)
    _colours(sheet, data, last)
    _protect(sheet, last)


def write_meta_sheet(workbook: Workbook, data: ReportData, exported_at: datetime) -> None:
    """The very hidden sheet that ties the workbook to one assessment and checklist content."""
    record = data.assessment.record
    checklist = data.assessment.checklist
    values: dict[str, CellValue] = {
        "format": WORKBOOK_FORMAT,
        "assessment_id": record.id,
        "organization_id": record.organization_id,
        "organization": record.organization_name,
        "assessment": record.title,
        "checklist_id": checklist.id,
        "checklist_version": checklist.version,
        "checklist_hash": record.checklist_hash,
        "as_of": data.today.isoformat(),
        "exported_at": exported_at.astimezone(UTC).isoformat(timespec="seconds"),
    }
    sheet = workbook.create_sheet(META_SHEET)
    for row, key in enumerate(META_KEYS, start=1):
        put(sheet.cell(row, 1), key)
        put(sheet.cell(row, 2), values[key])
    for row, choice in enumerate(score_choices(checklist.scale), start=1):
        put(sheet.cell(row, SCORE_LIST_COLUMN), choice)
    sheet.sheet_state = "veryHidden"
    sheet.protection.sheet = True
