"""docs/api.md tells the truth: its example script is the file that runs, that script does what
the page says, and the page's services table and error family match the code."""

from __future__ import annotations

import csv
import importlib
import inspect
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import assessment.errors
from assessment.access.roles import Actor
from assessment.checklist.loader import find_checklist
from assessment.cli import cli
from assessment.scoring.numbers import percent
from assessment.scoring.verdict import Verdict
from assessment.services.assessments import list_assessments
from assessment.storage.store import Store
from tests.conftest import REPO

DOC = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
SCRIPT = REPO / "examples" / "api_example.py"
EXAMPLE_FILE = REPO / "examples" / "northwind-2018.yaml"


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", DOC, flags=re.MULTILINE | re.DOTALL)


def test_the_page_shows_the_example_script_as_it_is():
    assert blocks("python") == [SCRIPT.read_text(encoding="utf-8")]


def test_the_error_family_on_the_page_is_the_one_in_errors_py():
    tree = next(b for b in blocks("text") if b.startswith("UserError"))
    parents: list[str] = []
    drawn: dict[str, str | None] = {}
    for line in tree.splitlines():
        depth = (len(line) - len(line.lstrip())) // 2
        name = line.split()[0]
        parents[depth:] = [name]
        drawn[name] = parents[depth - 1] if depth else None
    real = {
        name: (None if cls is assessment.errors.UserError else cls.__bases__[0].__name__)
        for name, cls in inspect.getmembers(assessment.errors, inspect.isclass)
        if issubclass(cls, assessment.errors.UserError)
    }
    assert drawn == real


def _services_table() -> dict[str, set[str]]:
    rows = re.findall(r"^\| `assessment\.services\.(\w+)` \| (.*) \|$", DOC, flags=re.MULTILINE)
    return {module: set(re.findall(r"`([a-z_][a-z0-9_]*)`", calls)) for module, calls in rows}


def test_the_services_table_names_every_public_call_and_nothing_else():
    table = _services_table()
    public = {}
    for path in sorted((REPO / "assessment" / "services").glob("*.py")):
        module = importlib.import_module(f"assessment.services.{path.stem}")
        calls = {
            n for n in getattr(module, "__all__", ()) if inspect.isfunction(getattr(module, n))
        }
        if calls:
            public[path.stem] = calls
    assert table == public


def _run_example(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """Run the script as a user would, on a data folder of its own named by the settings."""
    out = tmp_path / "out"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "ISO10002_AS", "ISO10002_CHECKLISTS_DIR"}
    }
    env |= {"PYTHONPATH": str(REPO), "ISO10002_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(out)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    return lines, out


@pytest.fixture(scope="module")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Path]:
    return _run_example(tmp_path_factory.mktemp("api-example"))


def test_the_example_scores_the_file_as_the_score_command_does(example_run):
    printed, _ = example_run
    result = CliRunner().invoke(cli, ["score", str(EXAMPLE_FILE), "--json"])
    assert result.exit_code == 0, result.output
    overall = json.loads(result.output)["overall"]
    assert printed["file readiness"] == percent(overall["readiness"])
    assert printed["file completion"] == percent(overall["completion"])
    assert printed["file verdict"] == Verdict(overall["verdict"]).label
    assert printed["stored readiness"] == printed["file readiness"]


def test_the_example_loads_checklists_by_id_and_from_a_file(example_run):
    printed, _ = example_run
    for checklist_id in ("iso10002-2018", "iso10002-2014"):
        count = len(find_checklist(checklist_id).criteria)
        shown = next(v for k, v in printed.items() if k.startswith(f"checklist {checklist_id}"))
        assert shown == f"{count} criteria"


def test_the_example_stores_in_the_database_the_settings_name(example_run):
    printed, out = example_run
    database = out.parent / "data" / "iso10002.db"
    assert database.exists()
    assert not (out / "iso10002.db").exists()
    store = Store.open(f"sqlite:///{database}")
    try:
        stored = list_assessments(store, Actor.local_admin("test"))
    finally:
        store.dispose()
    assert [(r.organization_name, r.title) for r in stored] == [
        ("Example Co", "First look"),
        ("Northwind Utilities", "Complaints-handling gap analysis 2026"),
    ]
    assert printed["organizations"] == "Example Co, Northwind Utilities"
    for record in stored:
        assert printed[f"assessment {record.id}"] == f"{record.title} ({record.organization_name})"


def test_the_example_viewer_sees_one_organization_and_may_not_start_an_assessment(example_run):
    printed, _ = example_run
    assert printed["viewer sees"] == "Example Co"
    key, message = next((k, v) for k, v in printed.items() if k.startswith("viewer refused"))
    assert key == "viewer refused (PermissionDenied)"
    assert "the viewer role does not allow it" in message


def test_the_example_writes_every_report(example_run):
    printed, out = example_run
    pdf = (out / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    workbook = openpyxl.load_workbook(out / "report.xlsx")
    assert "Criteria" in workbook.sheetnames
    with (out / "report-criteria.csv").open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert len(rows) - 1 == len(find_checklist("iso10002-2018").criteria)
    with (out / "report-actions.csv").open(encoding="utf-8-sig", newline="") as stream:
        actions = list(csv.reader(stream))
    assert len(actions) - 1 == 2  # A1 and A2 of the Northwind file
    for name in ("report.pdf", "report.xlsx", "report-criteria.csv", "report-actions.csv"):
        assert printed[f"wrote {name}"] == f"{(out / name).stat().st_size} bytes"
