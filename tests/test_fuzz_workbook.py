"""No workbook brought back from a workshop makes the import raise anything but its refusal.

`read_workbook` either returns the preview (changes, and every bad cell as `Criteria!F12:
reason`) or raises `WorkbookRefused` with a plain message; applying a preview without faults
writes it or refuses it with one of the toolkit's errors. Inputs: a workbook exported by the
toolkit and then edited as a client might (any cell of the Criteria or hidden sheet set to any
kind of value, rows and columns deleted, inserted, copied or moved, sheets renamed or deleted),
its parts damaged inside the zip, the file's bytes damaged, and bytes that are no workbook.
Most cases use an assessment of a three-criterion checklist (a case costs a few tens of ms);
some use the demo's review of the full 2018 checklist. Profiles: tests/fuzz_settings.py.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from assessment.checklist.loader import checklist_from_text
from assessment.demo.builder import load_demo
from assessment.errors import UserError, WorkbookRefused
from assessment.reports.data import gather_report
from assessment.reports.excel_export import workbook_bytes
from assessment.reports.excel_import import read_workbook
from assessment.reports.excel_layout import CRITERIA, CRITERIA_HEADERS, EDITABLE, META_SHEET
from assessment.services.assessments import OpenAssessment, create_assessment, open_assessment
from assessment.services.organizations import create_organization
from assessment.services.responses import set_response
from assessment.services.workbooks import apply_workbook_changes
from assessment.storage.store import Store
from assessment.workflow.response import Response
from tests.conftest import SMALL_CHECKLIST
from tests.fuzz_inputs import mutated_bytes, odd_values, tricky_text
from tests.fuzz_settings import scaled
from tests.people import ADMIN

TODAY = date(2026, 3, 15)
CELL = re.compile(r"^[A-Z]{1,3}[1-9][0-9]*$")


@dataclass
class Exported:
    """A stored assessment and the workbook exported from it."""

    database: Path
    assessment_id: int
    workbook: bytes
    current: OpenAssessment

    def __repr__(self) -> str:  # what a failing case prints: not the whole workbook
        return f"Exported(assessment {self.assessment_id} in {self.database})"

    def _repr_pretty_(self, printer: object, cycle: bool) -> None:  # Hypothesis's printer
        printer.text(repr(self))  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exported]:
    folder = tmp_path_factory.mktemp("small")
    store = Store.open(f"sqlite:///{folder / 'small.db'}")
    organization = create_organization(store, ADMIN, "Acme Water")
    checklist = checklist_from_text(SMALL_CHECKLIST, "small.yaml")
    record = create_assessment(store, ADMIN, organization.id, checklist, "Gap analysis")
    set_response(store, ADMIN, record.id, "4.1.a", Response(3, None, "Policy"), expected_version=0)
    set_response(
        store, ADMIN, record.id, "7.2.a", Response(None, "no direct complaints"), expected_version=0
    )
    workbook = workbook_bytes(gather_report(store, ADMIN, record.id, today=TODAY))
    current = open_assessment(store, ADMIN, record.id, today=TODAY)
    store.dispose()
    return Exported(folder / "small.db", record.id, workbook, current)


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exported]:
    """The demo's review in progress (assessment 2): 139 criteria, many answered."""
    folder = tmp_path_factory.mktemp("demo")
    store = Store.open(f"sqlite:///{folder / 'demo.db'}")
    load_demo(store, ADMIN, today=TODAY)
    workbook = workbook_bytes(gather_report(store, ADMIN, 2, today=TODAY))
    current = open_assessment(store, ADMIN, 2, today=TODAY)
    store.dispose()
    return Exported(folder / "demo.db", 2, workbook, current)


# --- edits as a client makes them, in a spreadsheet program ----------------------------------

SCORE_TEXTS = [
    "3 - Implemented and documented",
    "3 - Something else",
    "9 - Nine",
    "3 – Implemented and documented",
    "3",
    "3.0",
    "3.5",
    "-0",
    "١",
    "N/A",
    "n/a ",
    "Infinity",
    "NaN",
    "sNaN",
    "1e999999999",
    "9" * 5_000,
    "9" * 5_000 + " - Nine",
    "=F3",
    "#N/A",
    "major",
    "Minor",
    "observation",
]
cell_values = st.one_of(
    st.sampled_from(SCORE_TEXTS),
    odd_values.filter(lambda v: not isinstance(v, list | dict)),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    tricky_text,
    st.datetimes(min_value=datetime(1900, 3, 1)),
    st.times(),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3650)),
    st.booleans(),
)


# What a client does to a workbook, most often first: fill in a response cell.
EDITS = [*["response"] * 8, "cell", "blank", "row", "column", "copy row", "meta", "sheet"]
RESPONSE_HEADERS = {CRITERIA_HEADERS[key] for key in EDITABLE}


def _set(sheet: openpyxl.worksheet.worksheet.Worksheet, row: int, column: int, value) -> None:
    try:
        sheet.cell(row, column).value = value
    except (ValueError, TypeError, IllegalCharacterError):  # openpyxl does not take it
        event("value not writable")


@st.composite
def edited_workbook(draw: st.DrawFn, content: bytes) -> bytes:
    """The workbook after a few edits of the kind a client makes, saved by openpyxl."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(EDITS))
        if kind in {"response", "cell", "row", "column", "copy row"} and (
            CRITERIA in workbook.sheetnames
        ):
            sheet = workbook[CRITERIA]
        elif META_SHEET in workbook.sheetnames:
            sheet = workbook[META_SHEET]
        else:
            sheet = workbook.worksheets[0]
        rows, columns = max(sheet.max_row, 1), max(sheet.max_column, 1)
        row = draw(st.integers(1, rows + 1))
        column = draw(st.integers(1, columns + 1))
        if kind == "response":
            editable = [c.column for c in sheet[1] if c.value in RESPONSE_HEADERS] or [column]
            row = draw(st.integers(2, max(rows, 2)))  # rows may all be deleted
            _set(sheet, row, draw(st.sampled_from(editable)), draw(cell_values))
        elif kind in {"cell", "meta"}:
            _set(sheet, row, column, draw(cell_values))
        elif kind == "blank":
            _set(sheet, row, column, None)
        elif kind == "row":
            action = draw(st.sampled_from(["delete", "insert"]))
            count = draw(st.integers(1, 3))
            (sheet.delete_rows if action == "delete" else sheet.insert_rows)(row, count)
        elif kind == "column":
            action = draw(st.sampled_from(["delete", "insert", "swap"]))
            if action == "swap":
                other = draw(st.integers(1, columns))
                for r in range(1, rows + 1):
                    a, b = sheet.cell(r, column), sheet.cell(r, other)
                    a.value, b.value = b.value, a.value
            else:
                (sheet.delete_cols if action == "delete" else sheet.insert_cols)(column)
        elif kind == "copy row":
            target = draw(st.integers(1, rows + 1))
            for c in range(1, columns + 1):
                sheet.cell(target, c).value = sheet.cell(row, c).value
        elif kind == "sheet":
            name = draw(st.sampled_from(workbook.sheetnames))
            if draw(st.booleans()) and len(workbook.sheetnames) > 1:
                del workbook[name]
            else:
                new = draw(
                    st.one_of(st.sampled_from([CRITERIA, META_SHEET, "Sheet1"]), tricky_text)
                )
                try:
                    workbook[name].title = new
                except ValueError:
                    event("title not writable")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- damage inside the file -----------------------------------------------------------------


@st.composite
def damaged_part(draw: st.DrawFn, content: bytes) -> bytes:
    """The workbook with one part (a sheet, the shared strings, the workbook's index...)
    damaged or removed, and zipped again."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    name = draw(st.sampled_from(sorted(parts)))
    if draw(st.integers(0, 4)) == 0:
        del parts[name]
    else:
        parts[name] = draw(mutated_bytes(parts[name]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts.items():
            archive.writestr(part, data)
    return out.getvalue()


def workbooks(content: bytes) -> st.SearchStrategy[bytes]:
    return st.one_of(
        edited_workbook(content),
        edited_workbook(content),
        damaged_part(content),
        mutated_bytes(content),
        st.binary(),
    )


# --- the property ------------------------------------------------------------------------------


def check_import(exported: Exported, content: bytes, scratch: Path) -> None:
    """Read the workbook; when its preview has no fault, apply it to a copy of the database."""
    try:
        changes = read_workbook(content, exported.current)
    except WorkbookRefused as error:
        event("refused")
        assert str(error).strip()  # noqa: PT017 - either outcome is allowed; a refusal says why
        return
    checklist = exported.current.checklist
    for fault in changes.faults:
        assert fault.sheet == CRITERIA, fault
        assert CELL.match(fault.cell), fault
        assert fault.message.strip(), fault
        assert str(fault)
    for change in changes.changes:
        assert checklist.has_criterion(change.criterion_id)
        assert CELL.match(change.cell), change
        assert str(change)
    assert all(checklist.has_criterion(cid) for cid in changes.missing)
    if changes.faults or not changes.changes:
        event("faults shown" if changes.faults else "nothing to import")
        return
    event("applied")
    copy = scratch / "applied.db"
    shutil.copy(exported.database, copy)
    store = Store.open(f"sqlite:///{copy}")
    try:
        apply_workbook_changes(store, ADMIN, exported.assessment_id, changes)
    except UserError as error:
        assert str(error).strip()  # noqa: PT017 - either outcome is allowed; a refusal says why
    finally:
        store.dispose()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scratch")


@scaled(0.4)
@given(data=st.data())
def test_a_workbook_of_a_small_assessment_imports_or_is_refused_cell_by_cell(
    small: Exported, scratch: Path, data: st.DataObject
):
    content = data.draw(workbooks(small.workbook), label="workbook")
    check_import(small, content, scratch)


@scaled(0.1)
@given(data=st.data())
def test_a_workbook_of_the_full_checklist_imports_or_is_refused_cell_by_cell(
    review: Exported, scratch: Path, data: st.DataObject
):
    content = data.draw(
        st.one_of(edited_workbook(review.workbook), damaged_part(review.workbook)),
        label="workbook",
    )
    check_import(review, content, scratch)


def edited_cells(content: bytes, cells: dict[str, object]) -> bytes:
    """The workbook with Criteria cells set (by the exported layout: F is the score)."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    for ref, value in cells.items():
        workbook[CRITERIA][ref] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- cases the fuzzing found (each raised an exception before its fix) ------------------------


@pytest.mark.parametrize(
    ("score", "said"),
    [
        ("9" * 5_000 + " - Nine", "is not a score"),  # was ValueError: over 4,300 digits
        ("sNaN", "'sNaN' is not a score"),  # was ValueError: signalling NaN
        ("-sNaN", "'-sNaN' is not a score"),
    ],
)
def test_a_score_cell_python_cannot_read_as_a_number_is_a_fault_on_its_cell(
    small: Exported, score: str, said: str
):
    changes = read_workbook(edited_cells(small.workbook, {"F2": score}), small.current)
    (fault,) = changes.faults
    assert (fault.sheet, fault.cell) == (CRITERIA, "F2")
    assert said in fault.message
    assert not changes.changes


@pytest.mark.parametrize("score", ["9" * 5_000, "9" * 5_000 + ".5"])
def test_a_score_of_thousands_of_digits_is_quoted_by_its_start_only(small: Exported, score: str):
    changes = read_workbook(edited_cells(small.workbook, {"F2": score}), small.current)
    (fault,) = changes.faults
    assert (fault.sheet, fault.cell) == (CRITERIA, "F2")
    assert "…" in fault.message, fault.message[:300]
    assert len(fault.message) < 200, fault.message[:300]


def test_a_workbook_that_needs_a_later_zip_version_is_refused_as_not_a_workbook(small: Exported):
    damaged = bytearray(small.workbook)
    damaged[damaged.find(b"PK\x01\x02") + 6] = 64  # "version needed to extract": 6.4
    with pytest.raises(WorkbookRefused, match="not an Excel workbook"):  # was NotImplementedError
        read_workbook(bytes(damaged), small.current)
