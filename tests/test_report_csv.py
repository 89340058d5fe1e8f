"""CSV exports of criteria and actions, and the one rule that keeps user text from running as a
formula in a spreadsheet (shared with the Excel workbook)."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from assessment.demo.builder import load_demo
from assessment.reports.csv_export import (
    ACTIONS_HEADER,
    CRITERIA_HEADER,
    write_actions_csv,
    write_criteria_csv,
)
from assessment.reports.data import gather_report
from assessment.reports.spreadsheet_safety import (
    neutralize,
    restore,
    starts_like_formula,
    write_atomically,
    xlsx_text,
)
from assessment.services.actions import create_action
from assessment.services.responses import set_response
from assessment.storage.store import Store
from assessment.workflow.response import Response
from tests.people import ADMIN, admin

TODAY = date(2026, 3, 15)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = Store.open(f"sqlite:///{path}")
    load_demo(store, ADMIN, today=TODAY)
    store.dispose()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Store]:
    copy = tmp_path / "iso10002.db"
    shutil.copy(demo_file, copy)
    opened = Store.open(f"sqlite:///{copy}")
    yield opened
    opened.dispose()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


# --- the neutralizer --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\rcmd", "'\rcmd"),
        ("\tplain", "'\tplain"),
        ("  =1+1", "'  =1+1"),
        ("\n\n@x", "'\n\n@x"),
        ("\uff1dSUM(1)", "'\uff1dSUM(1)"),  # a full-width equals sign
        ("'=already quoted", "''=already quoted"),
        ("Ordinary text", "Ordinary text"),
        ("'quoted, not a formula", "'quoted, not a formula"),
        ("a = b + c - d @ e", "a = b + c - d @ e"),
        ("", ""),
        ("   ", "   "),
    ],
)
def test_text_that_would_run_as_a_formula_gets_an_apostrophe(text, cell) -> None:
    assert neutralize(text) == cell
    assert restore(cell) == text


@pytest.mark.parametrize("value", [3, -3, 0.5, -0.25, True, None, date(2026, 1, 31)])
def test_numbers_dates_and_empty_values_stay_as_they_are(value) -> None:
    assert neutralize(value) is value


def test_restore_leaves_text_the_user_typed_alone() -> None:
    for text in ("'hello", "''", "plain", "-"):
        assert restore(neutralize(text)) == text
    assert restore("'hello") == "'hello"  # not our apostrophe: nothing follows it to neutralize


def test_xlsx_text_drops_what_xml_cannot_carry_before_judging_the_start() -> None:
    assert xlsx_text("\x01=cmd") == "'=cmd"
    assert xlsx_text("a\x00b\x0bc\ufffe") == "abc"
    assert len(xlsx_text("x" * 40_000)) == 32_767
    assert not starts_like_formula("x=1")


def test_write_atomically_replaces_and_cleans_up(tmp_path) -> None:
    target = tmp_path / "report.csv"
    target.write_text("old")
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]


# --- the CSV files ----------------------------------------------------------------------------


def test_the_criteria_csv_has_the_header_and_one_row_per_criterion(demo, tmp_path) -> None:
    data = gather_report(demo, ADMIN, 2, today=TODAY)
    path = write_criteria_csv(data, tmp_path / "criteria.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the accents right
    with path.open(encoding="utf-8-sig", newline="") as handle:
        assert tuple(next(csv.reader(handle))) == CRITERIA_HEADER
    rows = read_csv(path)
    opened = data.assessment
    assert [r["criterion_id"] for r in rows] == [c.id for c in opened.checklist.criteria]
    for row, result in zip(rows, opened.score.criteria, strict=True):
        stored = opened.responses.get(result.id)
        assert row["score"] == ("" if result.score is None else str(result.score))
        assert row["not_applicable"] == ("yes" if result.not_applicable else "no")
        assert row["target"] == str(result.target)
        assert row["finding"] == (result.finding.value if result.finding else "")
        assert row["notes"] == (neutralize(stored.response.notes) if stored else "")
        assert row["not_applicable_reason"] == (
            (stored.response.not_applicable or "") if stored else ""
        )


def test_the_actions_csv_has_the_header_and_marks_overdue_actions(demo, tmp_path) -> None:
    data = gather_report(demo, ADMIN, 2, today=TODAY)
    path = write_actions_csv(data, tmp_path / "actions.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        assert tuple(next(csv.reader(handle))) == ACTIONS_HEADER
    rows = read_csv(path)
    assert [r["ref"] for r in rows] == [a.ref for a in data.actions]
    assert {r["ref"] for r in rows if r["overdue"] == "yes"} == {
        a.ref for a in data.overdue_actions()
    }
    for row, action in zip(rows, data.actions, strict=True):
        assert row["owner"] == action.owner
        assert row["due"] == (action.due.isoformat() if action.due else "")
        assert row["status"] == action.status.value
    assert any("–" in r["owner"] for r in rows)  # non-ASCII text survives the encoding


PAYLOADS = ["=1+1", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_like_notes_are_neutralized_in_the_criteria_csv(demo, tmp_path, payload) -> None:
    set_response(
        demo, admin("deniz"), 2, "4.1.a", Response(None, payload, notes=payload), expected_version=1
    )
    rows = read_csv(
        write_criteria_csv(gather_report(demo, ADMIN, 2, today=TODAY), tmp_path / "c.csv")
    )
    row = rows[0]
    assert row["criterion_id"] == "4.1.a"
    assert row["notes"].replace("\r\n", "\r") == "'" + payload
    assert row["not_applicable_reason"].replace("\r\n", "\r") == "'" + payload
    for values in rows:
        assert not any(starts_like_formula(v) for v in values.values()), values


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if p[0] in "=+-@"])
def test_formula_like_titles_and_owners_are_neutralized_in_the_actions_csv(
    demo, tmp_path, payload
) -> None:
    create_action(
        demo,
        admin("deniz"),
        2,
        payload,
        criteria=["4.1.a"],
        owner=payload,
        correction=payload,
        action_plan=payload,
    )
    rows = read_csv(
        write_actions_csv(gather_report(demo, ADMIN, 2, today=TODAY), tmp_path / "a.csv")
    )
    added = rows[-1]
    for field in ("title", "owner", "correction", "action_plan"):
        assert added[field] == "'" + payload, field
    for values in rows:
        assert not any(starts_like_formula(v) for v in values.values()), values


def test_a_csv_is_rfc_4180_and_opens_with_the_csv_module(demo, tmp_path) -> None:
    set_response(
        demo,
        admin("deniz"),
        2,
        "4.1.a",
        Response(3, notes='Two lines,\n"quoted" and commas, Tomás'),
        expected_version=1,
    )
    path = write_criteria_csv(gather_report(demo, ADMIN, 2, today=TODAY), tmp_path / "c.csv")
    assert b"\r\n" in path.read_bytes()
    text = path.read_bytes().decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text, newline="")))
    assert row["notes"] == 'Two lines,\n"quoted" and commas, Tomás'
