"""The workbook's contract between export and import, and the helpers every sheet writes with.

The offline workshop round trip depends on export and import agreeing on sheet names, column
headers, the hidden helper columns and how a response is compared. All of that lives here, so
neither side can drift from the other.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from assessment.checklist.model import Scale
from assessment.reports.spreadsheet_safety import restore, xlsx_text
from assessment.scoring.findings import Finding
from assessment.workflow.response import Response

WORKBOOK_FORMAT = "iso10002-workbook/1"
META_SHEET = "_iso10002"  # very hidden: which assessment and checklist the workbook holds
SUMMARY, CLAUSES, CRITERIA, FINDINGS, ACTIONS, EVIDENCE = (
    "Summary",
    "Clauses",
    "Criteria",
    "Findings",
    "Actions",
    "Evidence",
)
# What the workbook writes into a cell: text, numbers, dates, flags or nothing.
CellValue = str | int | float | bool | date | datetime | None
NOT_APPLICABLE = "N/A"
NOT_APPLICABLE_WORDS = frozenset({"n/a", "na", "not applicable"})
# A score as the drop-down offers it and the cell shows it: the number, then what it means.
SCORE_SEPARATOR = " - "
# What a person picks in the finding override drop-down; the stored values are taken too.
FINDING_CHOICES = {f.label: f for f in Finding}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    wrap: bool = False
    number_format: str | None = None


# The Criteria sheet. Import finds columns by header, so a client may reorder them; the
# editable ones are the five response fields, the last three are hidden helpers.
CRITERIA_COLUMNS = (
    Column("id", "ID", 8),
    Column("clause", "Clause", 7),
    Column("question", "Question", 50, wrap=True),
    Column("target", "Target", 7),
    Column("essential", "Essential", 9),
    Column("score", "Score", 16, wrap=True),
    Column("not_applicable", "N/A reason", 22, wrap=True),
    Column("notes", "Notes", 40, wrap=True),
    Column("finding", "Finding override", 16, wrap=True),
    Column("finding_reason", "Finding reason", 22, wrap=True),
    Column("finding_now", "Finding at export", 16, wrap=True),
    Column("actions", "Actions", 10, wrap=True),
    Column("evidence", "Evidence", 12, wrap=True),
    Column("key", "Key (do not edit)", 12),
    Column("version", "Version (do not edit)", 10),
    Column("fingerprint", "Fingerprint (do not edit)", 12),
)
EDITABLE = ("score", "not_applicable", "notes", "finding", "finding_reason")
HELPERS = ("key", "version", "fingerprint")
REQUIRED = ("id", *EDITABLE, *HELPERS)
CRITERIA_HEADERS = {c.key: c.header for c in CRITERIA_COLUMNS}

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", start_color="1F4E78", end_color="1F4E78")
HEADER_BORDER = Border(bottom=Side(style="thin", color="000000"))
GREEN = PatternFill("solid", start_color="C6EFCE", end_color="C6EFCE")
AMBER = PatternFill("solid", start_color="FFEB9C", end_color="FFEB9C")
RED = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
GREY = PatternFill("solid", start_color="E7E6E6", end_color="E7E6E6")
BLUE = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
# Shared style objects: openpyxl interns styles, but building one per cell costs a third of
# the export time.
TOP = Alignment(vertical="top")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0.0%"


def score_choice(scale: Scale, value: int) -> str:
    """A score in the form the drop-down offers, such as "3 - Implemented and documented";
    import reads it back, and a bare number too."""
    return f"{value}{SCORE_SEPARATOR}{scale.label(value)}"


def score_choices(scale: Scale) -> list[str]:
    """Every level of the scale in drop-down form, lowest first, then N/A."""
    return [*(score_choice(scale, value) for value in sorted(scale.values)), NOT_APPLICABLE]


def put(cell: Cell | MergedCell, value: CellValue, number_format: str | None = None) -> Cell:
    """Write one value: text always as neutralized text, never as a formula or an error code.

    openpyxl would store a string starting with "=" as a formula and "#N/A" as an error, so the
    type is set by hand after the value. Only the first cell of a merged range holds a value;
    the others refuse one (openpyxl makes their value read-only).
    """
    if isinstance(cell, MergedCell):
        raise ValueError(f"cell {cell.coordinate} is inside a merged range: it takes no value")
    if isinstance(value, str):
        text = xlsx_text(value)
        cell.value = text or None  # an empty string would come back as "" or None by reader
        if text:
            cell.data_type = "s"
    elif isinstance(value, datetime):
        cell.value = naive_utc(value)
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    else:
        cell.value = value
    if number_format:
        cell.number_format = number_format
    return cell


def naive_utc(moment: datetime) -> datetime:
    """Excel has no time zones: aware times are shown in UTC (SQLite gives naive UTC already)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def write_table(
    sheet: Worksheet,
    columns: Sequence[Column],
    rows: Iterable[Sequence[CellValue]],
    *,
    first_row: int = 1,
    freeze: str | None = None,
) -> int:
    """A styled header, the rows, widths, a filter and frozen panes; returns the last row.

    The header row repeats on every printed page; `excel_print` does the rest of the page
    setup once the sheet is complete."""
    for index, column in enumerate(columns, start=1):
        cell = put(sheet.cell(first_row, index), column.header)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    last = first_row
    for last, values in enumerate(rows, start=first_row + 1):
        for index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = put(sheet.cell(last, index), value, column.number_format)
            cell.alignment = WRAP_TOP if column.wrap else TOP
    end = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A{first_row}:{end}{max(last, first_row)}"
    sheet.freeze_panes = freeze or f"A{first_row + 1}"
    sheet.print_title_rows = f"{first_row}:{first_row}"
    return last


def colour_rows(sheet: Worksheet, cells: str, rules: Sequence[tuple[str, PatternFill]]) -> None:
    """Conditional fills: the first rule whose formula holds colours the cell (stopIfTrue)."""
    for formula, fill in rules:
        sheet.conditional_formatting.add(
            cells, FormulaRule(formula=[formula], fill=fill, stopIfTrue=True)
        )


def yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def joined(items: Iterable[str]) -> str:
    return ", ".join(items)


# --- comparing a response with what came back from a workbook --------------------------------


def cell_text(text: str | None) -> str:
    """Text as it comes back from a cell this toolkit wrote: the apostrophe taken off, line
    ends as Excel keeps them, surrounding blanks dropped. Export and import both compare
    through this, so an untouched cell never shows up as a change."""
    if text is None:
        return ""
    return restore(text.replace("\r\n", "\n").replace("\r", "\n")).strip()


@dataclass(frozen=True)
class CellValues:
    """The five editable cells of a Criteria row, as the workbook shows them.

    Kept apart as the cells are (N/A in the score cell, its reason beside it), so that even a
    combination no response can hold, such as a reason without N/A, counts as an edit.
    """

    score: int | None
    not_applicable: bool
    not_applicable_reason: str
    notes: str
    finding: Finding | None
    finding_reason: str

    @classmethod
    def of(cls, response: Response | None) -> CellValues:
        """What an exported row shows for a stored response, read back as import reads it."""
        response = response or Response()
        return cls(
            response.score,
            response.is_not_applicable,
            cell_text(xlsx_text(response.not_applicable or "")),
            cell_text(xlsx_text(response.notes)),
            response.finding,
            cell_text(xlsx_text(response.finding_reason or "")),
        )

    def fingerprint(self) -> str:
        """A short hash of the row as exported: import compares it to tell the client's edits
        from the rows they left alone (which are never imported)."""
        canonical = json.dumps(
            [
                self.score,
                self.not_applicable,
                self.not_applicable_reason,
                self.notes,
                self.finding.value if self.finding else None,
                self.finding_reason,
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(canonical.encode()).hexdigest()[:20]
