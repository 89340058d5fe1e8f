"""The registers of the workbook: Findings, Actions and Evidence, one row per record.

Read-only in the workshop (import reads only the Criteria sheet); their colours are conditional
formatting on values computed as of the report's day, so an overdue action or an expired record
shows as ReportData judged it.
"""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from assessment.reports.data import ReportData
from assessment.reports.excel_layout import (
    AMBER,
    BLUE,
    DATETIME_FORMAT,
    GREEN,
    GREY,
    RED,
    Column,
    colour_rows,
    joined,
    write_table,
    yes_no,
)
from assessment.scoring.findings import Finding
from evidence.records import EvidenceStatus

# Keyed by a result's finding, which may be None (not judged): such results are left out.
FINDING_ORDER: dict[Finding | None, int] = {Finding.MAJOR: 0, Finding.MINOR: 1, Finding.OFI: 2}


def write_findings(sheet: Worksheet, data: ReportData) -> None:
    """Nonconformities and opportunities for improvement, the most serious first."""
    columns = (
        Column("id", "ID", 8),
        Column("clause", "Clause", 7),
        Column("question", "Question", 45, wrap=True),
        Column("score", "Score", 7),
        Column("target", "Target", 7),
        Column("gap", "Gap", 6),
        Column("finding", "Finding", 16, wrap=True),
        Column("overridden", "Set by hand", 8, wrap=True),
        Column("reason", "Reason", 30, wrap=True),
        Column("actions", "Actions", 10, wrap=True),
        Column("notes", "Notes", 40, wrap=True),
    )
    opened = data.assessment
    results = sorted(
        (c for c in opened.score.criteria if c.finding in FINDING_ORDER),
        key=lambda c: FINDING_ORDER[c.finding],
    )
    rows = []
    for result in results:
        stored = opened.responses.get(result.id)
        rows.append(
            [
                result.id,
                result.clause_ref,
                opened.checklist.criterion(result.id).question,
                result.score,
                result.target,
                result.gap,
                result.finding.label if result.finding else "",
                yes_no(result.finding_overridden),
                result.finding_reason or "",
                joined(a.ref for a in data.actions if result.id in a.criteria),
                stored.response.notes if stored else "",
            ]
        )
    last = write_table(sheet, columns, rows)
    colour_rows(
        sheet,
        f"G2:G{max(last, 2)}",
        [
            (f'$G2="{Finding.MAJOR.label}"', RED),
            (f'$G2="{Finding.MINOR.label}"', AMBER),
            (f'$G2="{Finding.OFI.label}"', BLUE),
        ],
    )


def write_actions(sheet: Worksheet, data: ReportData) -> None:
    columns = (
        Column("ref", "Ref", 7),
        Column("title", "Title", 26, wrap=True),
        Column("criteria", "Criteria", 12, wrap=True),
        Column("finding", "Finding", 16, wrap=True),
        Column("priority", "Priority", 9),
        Column("owner", "Owner", 16, wrap=True),
        Column("due", "Due", 11),
        Column("status", "Status", 12, wrap=True),
        Column("overdue", "Overdue", 9),
        Column("raised", "Raised on", 11),
        Column("closed", "Closed on", 11),
        Column("correction", "Correction", 24, wrap=True),
        Column("root_cause", "Root cause", 24, wrap=True),
        Column("method", "Root-cause method", 12, wrap=True),
        Column("plan", "Action plan", 24, wrap=True),
        Column("checked_on", "Checked on", 11),
        Column("checked_by", "Checked by", 14, wrap=True),
        Column("effective", "Effective", 9),
        Column("check_note", "Check note", 24, wrap=True),
    )
    rows = []
    for a in data.actions:
        check = a.check
        rows.append(
            [
                a.ref,
                a.title,
                joined(a.criteria),
                a.finding.label if a.finding else "",
                a.priority.value.capitalize(),
                a.owner,
                a.due,
                a.status.label,
                yes_no(a.is_overdue(data.today)),
                a.raised_on,
                a.closed_on,
                a.correction,
                a.root_cause,
                a.root_cause_method.label if a.root_cause_method else "",
                a.action_plan,
                check.checked_on if check else None,
                check.checked_by if check else "",
                yes_no(check.effective) if check else "",
                check.note if check else "",
            ]
        )
    last = write_table(sheet, columns, rows, freeze="C2")
    colour_rows(sheet, f"A2:S{max(last, 2)}", [('$I2="Yes"', RED)])


def write_evidence(sheet: Worksheet, data: ReportData) -> None:
    columns = (
        Column("ref", "Ref", 7),
        Column("kind", "Kind", 7),
        Column("title", "Title", 26, wrap=True),
        Column("criteria", "Criteria", 12, wrap=True),
        Column("status", "Status", 11, wrap=True),
        Column("owner", "Owner", 16, wrap=True),
        Column("effective", "Effective date", 11),
        Column("valid", "Valid until", 11),
        Column("sha256", "SHA-256", 18, wrap=True),  # 64 characters: four lines
        Column("size", "Size (bytes)", 10),
        Column("type", "Media type", 14, wrap=True),
        Column("file", "File name", 18, wrap=True),
        Column("url", "Link", 22, wrap=True),
        Column("description", "Description", 28, wrap=True),
        Column("note", "Note", 22, wrap=True),
        Column("added_by", "Added by", 14, wrap=True),
        Column("added_at", "Added at (UTC)", 17, number_format=DATETIME_FORMAT),
    )
    rows = [
        [
            e.ref,
            e.kind.value,
            e.title,
            joined(e.criteria),
            e.status_on(data.today).label,
            e.owner,
            e.effective_date,
            e.valid_until,
            e.sha256 or "",
            e.size,
            e.media_type or "",
            e.original_name or "",
            e.url or "",
            e.description,
            e.note or "",
            e.created_by,
            e.created_at,
        ]
        for e in data.evidence
    ]
    last = write_table(sheet, columns, rows, freeze="C2")
    colour_rows(
        sheet,
        f"E2:E{max(last, 2)}",
        [
            (f'$E2="{EvidenceStatus.APPROVED.label}"', GREEN),
            (f'$E2="{EvidenceStatus.EXPIRED.label}"', RED),
            (f'$E2="{EvidenceStatus.REJECTED.label}"', GREY),
            (f'$E2="{EvidenceStatus.IN_REVIEW.label}"', AMBER),
        ],
    )
