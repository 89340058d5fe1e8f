"""The Excel workbook of one assessment: what a consultant hands over and takes into a workshop.

Sheets: Summary (readiness, completion, verdict and its reasons), Clauses, Criteria (the
responses, editable offline and read back by `excel_import`), Findings, Actions (overdue ones
highlighted) and Evidence. Every number comes from `ReportData`, so the workbook agrees with
the app and the PDF; every piece of text goes through `spreadsheet_safety`, so no note or title
can turn into a formula.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from openpyxl.styles import Alignment, Font
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from assessment.reports.data import ReportData
from assessment.reports.excel_criteria import write_criteria_sheet, write_meta_sheet
from assessment.reports.excel_layout import (
    ACTIONS,
    AMBER,
    CLAUSES,
    CRITERIA,
    DATE_FORMAT,
    EVIDENCE,
    FINDINGS,
    GREEN,
    PERCENT_FORMAT,
    RED,
    SUMMARY,
    WRAP_TOP,
    CellValue,
    Column,
    colour_rows,
    put,
    write_table,
)
from assessment.reports.excel_print import prepare_for_print
from assessment.reports.excel_registers import write_actions, write_evidence, write_findings
from assessment.reports.spreadsheet_safety import write_atomically
from assessment.scoring.numbers import percent
from assessment.scoring.verdict import Verdict
from assessment.workflow.corrective_action import OPEN_STATUSES

DISCLAIMER = (
    "A self-assessment of readiness against the guidance of ISO 10002. It is not a "
    "certification and does not claim conformity."
)
VERDICT_FILLS = {Verdict.READY: GREEN, Verdict.CONDITIONAL: AMBER, Verdict.NOT_READY: RED}


def _summary(sheet: Worksheet, data: ReportData) -> None:
    opened = data.assessment
    record, overall, checklist = opened.record, opened.score.overall, opened.checklist
    put(sheet["A1"], "ISO 10002 readiness self-assessment").font = Font(bold=True, size=14)
    disclaimer = put(sheet["A2"], DISCLAIMER)
    disclaimer.font, disclaimer.alignment = Font(italic=True), WRAP_TOP
    sheet.merge_cells("A2:B2")  # the sentence wraps across the page, not in the label column
    open_actions = [a for a in data.actions if a.status in OPEN_STATUSES]
    facts: list[tuple[str, CellValue, str | None]] = [
        ("Organization", record.organization_name, None),
        ("Assessment", record.title, None),
        ("Scope", record.scope, None),
        ("Team", "; ".join(record.team), None),
        ("Stage", record.status.label, None),
        ("Checklist", f"{checklist.title} ({checklist.id}, version {checklist.version})", None),
        ("Checklist content hash", record.checklist_hash, None),
        ("As of", data.today, DATE_FORMAT),
        ("Readiness", overall.readiness if overall.readiness is not None else "—", PERCENT_FORMAT),
        ("Completion", overall.completion, PERCENT_FORMAT),
        ("Verdict", overall.verdict.label, None),
        (
            "Evidence coverage",
            data.coverage.ratio if data.coverage.ratio is not None else "—",
            PERCENT_FORMAT,
        ),
        ("Corrective actions", len(data.actions), None),
        ("Open actions", len(open_actions), None),
        ("Overdue actions", len(data.overdue_actions()), None),
    ]
    if data.baseline is not None and data.comparison is not None:
        facts += [
            ("Baseline", data.baseline.record.title, None),
            ("Baseline readiness", percent(data.comparison.readiness_before), None),
        ]
    row = 4
    for row, (label, value, number_format) in enumerate(facts, start=4):
        put(sheet.cell(row, 1), label).font = Font(bold=True)
        sheet.cell(row, 1).alignment = WRAP_TOP
        cell = put(sheet.cell(row, 2), value, number_format)
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        if label == "Verdict":
            cell.fill = VERDICT_FILLS[overall.verdict]
            cell.font = Font(bold=True)
    # The scale first: it is short, so it stays on the first page beside the facts, and the
    # list of reasons, as long as it has to be, runs on.
    row += 2
    put(sheet.cell(row, 1), "Scale").font = Font(bold=True, size=12)
    for level in checklist.scale.levels:
        row += 1
        put(sheet.cell(row, 1), level.value).alignment = Alignment(
            horizontal="left", vertical="top"
        )
        put(
            sheet.cell(row, 2), f"{level.label}: {level.description}".rstrip(": ")
        ).alignment = WRAP_TOP
    row += 2
    heading = "What holds the verdict back" if overall.reasons else "Nothing holds the verdict back"
    put(sheet.cell(row, 1), heading).font = Font(bold=True, size=12)
    for reason in overall.reasons:
        row += 1
        put(
            sheet.cell(row, 1), reason.kind.value.replace("_", " ").capitalize()
        ).alignment = WRAP_TOP
        put(sheet.cell(row, 2), reason.message).alignment = WRAP_TOP
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 80


def _clauses(sheet: Worksheet, data: ReportData) -> None:
    columns = (
        Column("ref", "Ref", 9),
        Column("title", "Title", 60),
        Column("weight", "Weight", 8),
        Column("readiness", "Readiness", 11, number_format=PERCENT_FORMAT),
        Column("mean", "Mean score", 11, number_format="0.00"),
        Column("answered", "Answered", 10),
        Column("applicable", "Applicable", 11),
        Column("total", "Criteria", 9),
    )
    clauses = data.assessment.score.clauses
    rows = [
        [c.ref, c.title, c.weight, c.readiness, c.mean_score, c.answered, c.applicable, c.total]
        for c in clauses
    ]
    last = write_table(sheet, columns, rows)
    for row, clause in enumerate(clauses, start=2):
        sheet.cell(row, 2).alignment = Alignment(indent=clause.depth, vertical="top")
        if clause.depth == 0:
            for column in (1, 2):
                sheet.cell(row, column).font = Font(bold=True)
    rules = data.assessment.checklist.readiness
    colour_rows(
        sheet,
        f"D2:D{last}",
        [
            (f"AND(ISNUMBER($D2),$D2>={rules.ready_at})", GREEN),
            (f"AND(ISNUMBER($D2),$D2>={rules.conditional_at})", AMBER),
            ("ISNUMBER($D2)", RED),
        ],
    )


def build_workbook(data: ReportData, *, exported_at: datetime | None = None) -> Workbook:
    """The workbook in memory; `write_workbook` and `workbook_bytes` save it."""
    workbook = Workbook()
    summary = workbook.worksheets[0]  # the sheet a new workbook starts with (its active one)
    summary.title = SUMMARY
    _summary(summary, data)
    _clauses(workbook.create_sheet(CLAUSES), data)
    write_criteria_sheet(workbook.create_sheet(CRITERIA), data)
    write_findings(workbook.create_sheet(FINDINGS), data)
    write_actions(workbook.create_sheet(ACTIONS), data)
    write_evidence(workbook.create_sheet(EVIDENCE), data)
    write_meta_sheet(workbook, data, exported_at or datetime.now(UTC))
    for sheet in workbook.worksheets:
        if sheet.sheet_state == "visible":
            prepare_for_print(
                sheet, title=data.assessment.record.title, gridlines=sheet is not summary
            )
    workbook.properties.creator = "iso10002 readiness toolkit"
    return workbook


def workbook_bytes(data: ReportData) -> bytes:
    """The .xlsx file as bytes: what the app offers for download."""
    buffer = io.BytesIO()
    build_workbook(data).save(buffer)
    return buffer.getvalue()


def write_workbook(data: ReportData, out: Path) -> Path:
    """Save the workbook to `out` atomically (a temporary file, then a rename); returns `out`."""
    return write_atomically(Path(out), workbook_bytes(data))
