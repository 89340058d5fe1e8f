"""Reading a workbook back from an offline workshop: a preview of the changes, or every fault.

A client scores offline in the Criteria sheet of an exported workbook. `read_workbook` compares
it with the assessment as stored now and returns `WorkbookChanges`: per criterion, the old and
the new response, and every invalid cell as `Sheet!Cell: reason`. Nothing is written here;
`apply_workbook_changes` (assessment/services/workbooks.py) writes all the changes in one transaction, and only when
there is no fault at all, so a half-imported workshop never exists.

A workbook is refused outright when it is not one of ours, belongs to another assessment, or was
made against other checklist content. Per row, the hidden fingerprint tells the client's edits
from the rows they left alone (those are never imported, so a change made in the app since the
export survives), and the hidden version tells an edit based on an old response (a conflict,
reported on its cell) from one based on the current response.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from assessment.errors import WorkbookRefused
from assessment.reports.excel_cells import (
    CellError,
    RowReader,
    check_rules,
    first_difference,
    new_response,
    read_cell_values,
)
from assessment.reports.excel_criteria import META_KEYS
from assessment.reports.excel_layout import (
    CRITERIA,
    CRITERIA_HEADERS,
    META_SHEET,
    REQUIRED,
    WORKBOOK_FORMAT,
    CellValues,
    cell_text,
)
from assessment.reports.excel_preview import (
    CellFault,
    FieldChange,
    ResponseChange,
    WorkbookChanges,
    conflict_fault,
)
from assessment.services.assessments import OpenAssessment
from assessment.text_limits import quoted

__all__ = [
    "CellFault",
    "FieldChange",
    "ResponseChange",
    "WorkbookChanges",
    "read_workbook",
]

# An exported workbook of 139 criteria is about 60 KB; these limits only stop a wrong file (or
# a zip bomb) from eating the server's memory.
MAX_WORKBOOK_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 10_000


# --- opening the file -----------------------------------------------------------------------


def _read_bytes(source: Path | str | bytes) -> bytes:
    if isinstance(source, bytes):
        content = source
    else:
        path = Path(source)
        try:
            if path.stat().st_size > MAX_WORKBOOK_BYTES:
                raise WorkbookRefused(_too_large())
            content = path.read_bytes()
        except OSError as error:
            raise WorkbookRefused(f"cannot read {path}: {error.strerror or error}") from None
    if len(content) > MAX_WORKBOOK_BYTES:
        raise WorkbookRefused(_too_large())
    return content


def _too_large() -> str:
    return f"the file is larger than {MAX_WORKBOOK_BYTES // (1024 * 1024)} MB; an exported workbook is far smaller: is it the right file?"


def _open(content: bytes) -> Workbook:
    not_xlsx = (
        "this file is not an Excel workbook (.xlsx); if you saved it from another program, "
        "choose the format 'Excel 2007-365 (.xlsx)'"
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        # NotImplementedError: a part says it needs a later zip version than Python reads.
        raise WorkbookRefused(not_xlsx) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise WorkbookRefused("this file unpacks to far more than any exported workbook; refused")
    try:
        # data_only=False: formulas are read as formulas (and refused), never evaluated.
        return load_workbook(io.BytesIO(content), data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise WorkbookRefused(not_xlsx) from None


def _meta(workbook: Workbook) -> dict[str, str]:
    if META_SHEET not in workbook.sheetnames:
        raise WorkbookRefused(
            "this workbook was not exported by the toolkit (its hidden sheet is missing); "
            "export a workbook from the assessment and fill in that one"
        )
    sheet = workbook[META_SHEET]
    found = {
        cell_text(str(key)): cell_text(str(value)) if value is not None else ""
        for key, value in sheet.iter_rows(min_row=1, max_col=2, values_only=True)
        if key is not None
    }
    if found.get("format") != WORKBOOK_FORMAT or not set(META_KEYS) <= set(found):
        raise WorkbookRefused(
            f"this workbook's hidden sheet is not in the format {WORKBOOK_FORMAT}; export a new workbook"
        )
    return found


def _check_belongs(meta: dict[str, str], current: OpenAssessment) -> None:
    record = current.record
    if meta["assessment_id"] != str(record.id) or meta["organization_id"] != str(
        record.organization_id
    ):
        raise WorkbookRefused(
            f"this workbook belongs to assessment {meta['assessment_id']} "
            f"({quoted(meta['assessment'])} of {quoted(meta['organization'])}), not to "
            f"assessment {record.id} ({quoted(record.title)} of {quoted(record.organization_name)}); "
            "import it into the assessment it was exported from"
        )
    if meta["checklist_hash"] != record.checklist_hash:
        raise WorkbookRefused(
            f"this workbook was exported against other checklist content ({meta['checklist_id']} "
            f"version {meta['checklist_version']}, {meta['checklist_hash']}) than the assessment "
            f"uses now ({current.checklist.id} version {current.checklist.version}, "
            f"{record.checklist_hash}); export a new workbook"
        )


def _columns(sheet: Worksheet) -> dict[str, int]:
    """Find the columns by their headers, so a client may reorder or add columns."""
    wanted = {header.lower(): key for key, header in CRITERIA_HEADERS.items()}
    found: dict[str, int] = {}
    for cell in sheet[1]:
        if isinstance(cell.value, str):
            key = wanted.get(cell_text(cell.value).lower())
            if key is not None and key not in found:
                found[key] = cell.column
    missing = [CRITERIA_HEADERS[k] for k in REQUIRED if k not in found]
    if missing:
        raise WorkbookRefused(
            f"the {CRITERIA} sheet has no column headed {', '.join(repr(m) for m in missing)} "
            "in its first row; columns may be moved but not renamed or deleted"
        )
    return found


@dataclass
class _Reading:
    current: OpenAssessment
    columns: dict[str, int]
    faults: list[CellFault]
    seen: dict[str, int]
    changes: list[ResponseChange]


def _identify(row: RowReader, reading: _Reading) -> tuple[str, int, str]:
    """The criterion, exported version and fingerprint of a row; a fault when they are off."""
    checklist = reading.current.checklist
    shown, key = row.text("id"), row.text("key")
    if not key:
        if shown and checklist.has_criterion(shown):
            row.fault("id", f"a row added by hand for {shown}: fill in its exported row instead")
        elif shown:
            row.fault(
                "id",
                f"unknown criterion {quoted(shown)}: checklist {checklist.id} has no such criterion, and rows cannot be added",
            )
        else:
            row.fault("id", "a row without a criterion id: rows cannot be added")
        raise CellError
    if not checklist.has_criterion(key):
        row.fault(
            "key", f"unknown criterion {quoted(key)} in a hidden column: export a new workbook"
        )
        raise CellError
    if key in reading.seen:
        row.fault(
            "id", f"{key} is listed twice (rows {reading.seen[key]} and {row.row}): delete the copy"
        )
        raise CellError
    reading.seen[key] = row.row
    if shown != key:
        row.fault(
            "id",
            f"the criterion id was changed from {key} to {quoted(shown)}: ids cannot be changed, put {key} back",
        )
        raise CellError
    version, fingerprint = row.text("version"), row.text("fingerprint")
    if not version.isdigit() or len(fingerprint) != 20:
        row.fault("version", "a hidden helper cell was changed: export a new workbook")
        raise CellError
    return key, int(version), fingerprint


def _read_row(row: RowReader, reading: _Reading) -> None:
    criterion_id, exported_version, exported_fingerprint = _identify(row, reading)
    new = read_cell_values(row, reading.current.checklist)
    if new.fingerprint() == exported_fingerprint:
        return  # left alone in the workshop: not imported, whatever the app holds now
    check_rules(row, new)
    stored = reading.current.responses.get(criterion_id)
    old = CellValues.of(stored.response if stored else None)
    if new == old:
        return  # the app already holds exactly this
    cell = first_difference(row, new, old)
    current_version = reading.current.version_of(criterion_id)
    if current_version != exported_version:
        reading.faults.append(
            conflict_fault(
                criterion_id,
                cell,
                exported_version,
                current_version,
                stored.updated_by if stored else None,
                stored.updated_at if stored else None,
            )
        )
        return
    reading.changes.append(
        ResponseChange(
            criterion_id,
            cell,
            stored.response if stored else None,
            new_response(new, old, stored.response if stored else None),
            exported_version,
        )
    )


def read_workbook(source: Path | str | bytes, current: OpenAssessment) -> WorkbookChanges:
    """Compare a workshop workbook with the assessment as stored now (`open_assessment`).

    Returns the preview: every change, and every invalid cell as a `CellFault`. Raises
    WorkbookRefused when the file is not a workbook exported by the toolkit, belongs to
    another assessment, or was made against other checklist content.
    """
    workbook = _open(_read_bytes(source))
    meta = _meta(workbook)
    _check_belongs(meta, current)
    if CRITERIA not in workbook.sheetnames:
        raise WorkbookRefused(f"the workbook has no {CRITERIA} sheet: it holds the responses")
    sheet = workbook[CRITERIA]
    if sheet.max_row > MAX_ROWS:
        raise WorkbookRefused(
            f"the {CRITERIA} sheet runs to row {sheet.max_row}; an exported one has a row per "
            f"criterion ({len(current.checklist.criteria)}): delete the rows below the table"
        )
    reading = _Reading(current, _columns(sheet), [], {}, [])
    for number in range(2, sheet.max_row + 1):
        row = RowReader(sheet, number, reading.columns, reading.faults)
        if row.is_blank():
            continue
        try:
            _read_row(row, reading)
        except CellError:
            continue
    order = {c.id: index for index, c in enumerate(current.checklist.criteria)}
    return WorkbookChanges(
        assessment_id=current.record.id,
        checklist_hash=current.record.checklist_hash,
        exported_at=meta["exported_at"],
        changes=tuple(sorted(reading.changes, key=lambda c: order[c.criterion_id])),
        faults=tuple(reading.faults),
        missing=tuple(c for c in order if c not in reading.seen),
    )
