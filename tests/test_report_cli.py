"""`iso10002 report` and `iso10002 import-xlsx`, as a user runs them."""

from __future__ import annotations

import csv

import openpyxl
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from assessment.cli import cli
from tests.conftest import REPO

NORTHWIND = REPO / "examples" / "northwind-2018.yaml"


@pytest.fixture
def runner(tmp_path, monkeypatch):
    monkeypatch.setenv("ISO10002_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    runner = CliRunner()
    assert runner.invoke(cli, ["import", str(NORTHWIND)]).exit_code == 0
    return runner


def test_reports_of_a_stored_assessment_and_of_a_file(runner, tmp_path):
    pdf = tmp_path / "readiness.pdf"
    result = runner.invoke(cli, ["report", "1", "--format", "pdf", "--out", str(pdf)])
    assert result.exit_code == 0, result.output
    assert "Northwind Utilities" in PdfReader(pdf).pages[0].extract_text()

    book = tmp_path / "from-file.xlsx"
    result = runner.invoke(cli, ["report", str(NORTHWIND), "--format", "xlsx", "--out", str(book)])
    assert result.exit_code == 0, result.output
    assert "Criteria" in openpyxl.load_workbook(book).sheetnames

    result = runner.invoke(
        cli, ["report", "1", "--format", "csv", "--out", str(tmp_path / "nw.csv")]
    )
    assert result.exit_code == 0, result.output
    with (tmp_path / "nw-actions.csv").open(encoding="utf-8-sig", newline="") as handle:
        titles = [row[1] for row in csv.reader(handle)][1:]
    assert titles == [
        "Automatic acknowledgement for e-mail complaints",
        "Approve and publish the complaints policy",
    ]


def _fill(book, criterion: str, score: object) -> None:
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["Criteria"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == criterion:
            row[header.index("Score")].value = score
    workbook.save(book)


def test_a_workbook_filled_offline_comes_back(runner, tmp_path):
    book = tmp_path / "workshop.xlsx"
    assert (
        runner.invoke(cli, ["report", "1", "--format", "xlsx", "--out", str(book)]).exit_code == 0
    )
    _fill(book, "4.3.a", 4)
    result = runner.invoke(cli, ["import-xlsx", "1", str(book), "--yes"])
    assert result.exit_code == 0, result.output
    assert "4.3.a: score: (empty) → 4" in result.output
    assert "applied 1 change to assessment" in result.output
    shown = runner.invoke(cli, ["show", "1", "--json"]).output
    assert '"id": "4.3.a"' in shown


def test_a_bad_cell_is_named_and_nothing_is_applied(runner, tmp_path):
    book = tmp_path / "workshop.xlsx"
    runner.invoke(cli, ["report", "1", "--format", "xlsx", "--out", str(book)])
    _fill(book, "4.3.a", 4)
    _fill(book, "4.3.b", 9)
    result = runner.invoke(cli, ["import-xlsx", "1", str(book), "--yes"])
    assert result.exit_code == 1
    assert "Criteria!F" in result.output
    assert "9 is not on the scale" in result.output
    assert "Traceback" not in result.output
    again = runner.invoke(
        cli, ["report", "1", "--format", "csv", "--out", str(tmp_path / "after.csv")]
    )
    assert again.exit_code == 0
    with (tmp_path / "after-criteria.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = {row[0]: row for row in csv.reader(handle)}
    header = rows["criterion_id"]
    assert rows["4.3.a"][header.index("score")] == ""  # the valid cell was not applied either
