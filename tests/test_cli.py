"""The `iso10002` command line, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
import yaml
from click.testing import CliRunner

from assessment.cli import cli
from assessment.portable.assessment_file import load_assessment_file
from assessment.storage.schema import head_revision
from assessment.workflow.stages import AssessmentStatus
from tests.conftest import REPO, SMALL_CHECKLIST, line_of

ASSESSMENT = textwrap.dedent(
    """\
    format: iso10002-assessment/1
    checklist: small
    organization: {name: Acme Water}
    title: Gap analysis
    responses:
      "4.1.a": {score: 3}
      "4.1.b": {score: 2}
      "7.2.a": {not_applicable: "no complaints are received directly"}
    """
)


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def assessment_file(write_file):
    write_file("small.yaml", SMALL_CHECKLIST)
    return write_file("acme.yaml", ASSESSMENT)


def test_validate_builtin_checklists_and_mapping():
    paths = sorted(str(p) for p in (REPO / "checklists").rglob("*.yaml"))
    result = invoke("checklist", "validate", *paths)
    assert result.exit_code == 0, result.output
    assert result.output.count("ok  ") == len(paths) == 4  # two checklists, a mapping, indicators


def test_validate_reports_every_fault_on_stderr_and_fails(write_file):
    good = write_file("small.yaml", SMALL_CHECKLIST)
    text = SMALL_CHECKLIST.replace("weight: 2\n", "weight: -2\n", 1).replace(
        "target: 4", "target: 8"
    )
    bad = write_file("bad/small.yaml", text)
    result = CliRunner().invoke(cli, ["checklist", "validate", str(good), str(bad)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{bad}:{line_of(text, 'weight: -2')}:21: criterion 4.1.b: 'weight' must be greater than 0 (got -2)",
        f"{bad}:{line_of(text, 'target: 8')}:21: criterion 7.2.a: target 8 is outside the scale (1 to 5)",
        "1 of 2 files has faults",
    ]
    assert f"ok  {good}" in result.stdout
    assert "Traceback" not in result.output


def test_show_prints_the_tree_with_counts():
    result = invoke("checklist", "show", "iso10002-2018")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert any(line.split()[:3] == ["7", "Operation", "of"] for line in lines)
    row = next(line for line in lines if line.strip().startswith("5.4.2 "))
    assert row.startswith("    5.4.2")  # depth shown by indentation
    assert "49 clauses (43 leaf clauses), 139 criteria" in result.output


def test_show_unknown_id_is_a_plain_error():
    result = CliRunner().invoke(cli, ["checklist", "show", "no-such-list"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no checklist with id 'no-such-list'")


def test_score_table(assessment_file):
    result = invoke("score", str(assessment_file))
    assert result.exit_code == 0
    # 4.1: (1*1 + 2*(2/3))/3 = 7/9; 7.2 is all N/A, so the overall is section 4 alone.
    assert "Overall readiness: 77.8%" in result.output
    assert "Verdict:           Conditional" in result.output
    assert "Minor nonconformity on 4.1.b has no corrective action" in result.output


def test_score_json(assessment_file):
    result = invoke("score", str(assessment_file), "--json")
    data = json.loads(result.output)
    assert data["overall"]["readiness"] == pytest.approx(7 / 9, abs=1e-12)  # not rounded
    assert data["overall"]["completion"] == 1
    assert data["overall"]["verdict"] == "conditional"
    assert [r["kind"] for r in data["overall"]["reasons"]] == [
        "readiness_below_ready",
        "nonconformity_without_action",
        "unsupported_score",
    ]
    unsupported = data["overall"]["reasons"][-1]
    assert unsupported["criteria"] == ["4.1.a"]  # at target, but no record in the file shows it
    clauses = {c["ref"]: c for c in data["clauses"]}
    assert clauses["7.2"]["readiness"] is None
    assert clauses["7"]["readiness"] is None
    assert clauses["4.1"] == {
        "ref": "4.1",
        "title": "General",
        "depth": 1,
        "readiness": pytest.approx(7 / 9),
        "mean_score": 2.5,
        "answered": 2,
        "applicable": 2,
        "total": 2,
    }
    criteria = {c["id"]: c for c in data["criteria"]}
    assert (
        criteria["4.1.b"]["score"],
        criteria["4.1.b"]["target"],
        criteria["4.1.b"]["gap"],
        criteria["4.1.b"]["finding"],
    ) == (2, 3, 1, "minor")
    assert criteria["7.2.a"]["finding"] is None
    assert criteria["7.2.a"]["not_applicable"]
    assert data["checklist"]["hash"].startswith("sha256:")


def test_score_with_checklist_option(write_file):
    checklist = write_file("elsewhere/small.yaml", SMALL_CHECKLIST)
    path = write_file("acme.yaml", ASSESSMENT.replace("checklist: small", "checklist: not-here"))
    result = invoke("score", str(path), "--checklist", str(checklist), "--json")
    assert json.loads(result.output)["overall"]["verdict"] == "conditional"


def test_score_refuses_a_broken_file_with_lines(assessment_file):
    text = ASSESSMENT.replace('"4.1.b": {score: 2}', '"4.1.b": {score: 9}')
    assessment_file.write_text(text)
    result = CliRunner().invoke(cli, ["score", str(assessment_file)])
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"{assessment_file}:{line_of(text, 'score: 9')}:20: response 4.1.b: score 9 is outside the scale (0 to 5)\n"
    )


MIGRATE_2014 = textwrap.dedent(
    """\
    format: iso10002-assessment/1
    checklist: iso10002-2014
    organization: {name: Acme Water}
    title: Review 2019
    status: final
    responses:
      "4.2.a": {score: 4, notes: leaflet in every branch}
      "4.2.c": {score: 2}
      "5.1.a": {not_applicable: "we are a sole trader"}
      "7.2.a": {score: 1, finding: major, finding_reason: no register at all}
    actions:
      - {id: A1, criteria: ["7.2.a", "4.2.c"], title: Start a register}
    """
)


def test_migrate_2014_to_2018(write_file, tmp_path):
    source = write_file("old.yaml", MIGRATE_2014)
    out = tmp_path / "new.yaml"
    result = CliRunner().invoke(
        cli, ["migrate", str(source), "--to", "iso10002-2018", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    new = yaml.safe_load(out.read_text())
    assert new["checklist"] == "iso10002-2018"
    assert (
        load_assessment_file(out).assessment.status is AssessmentStatus.DRAFT
    )  # a new edition starts over
    # Visibility (2014 4.2) became Transparency (2018 4.4); Commitment 5.1 became 5.2.
    assert new["responses"]["4.4.a"] == {"score": 4, "notes": "leaflet in every branch"}
    assert new["responses"]["5.2.a"] == {"not_applicable": "we are a sole trader"}
    assert new["responses"]["7.2.a"]["finding"] == "major"
    assert new["actions"][0]["criteria"] == ["7.2.a"]
    assert "carried 3 answers to iso10002-2018" in result.stderr
    assert "4.2.c: iso10002-2018 has no counterpart for 4.2.c" in result.stderr
    assert "action A1 no longer links to 4.2.c" in result.stderr
    assert "criteria of iso10002-2018 have no earlier answer and start unanswered" in result.stderr
    # the result is itself a valid assessment on the new edition
    assert invoke("score", str(out)).exit_code == 0


@pytest.mark.parametrize(
    "entry", [[sys.executable, "-m", "assessment"], [str(REPO / ".venv/bin/iso10002")]]
)
def test_entry_points_run(entry):
    if not (entry[0].startswith(sys.executable) or (REPO / ".venv/bin/iso10002").exists()):
        pytest.skip("the iso10002 script is installed by `python3 tasks.py test`")
    result = subprocess.run(
        [*entry, "checklist", "list"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "iso10002-2018" in result.stdout
    assert "iso10002-2014" in result.stdout


def test_db_upgrade_creates_then_reports_up_to_date(tmp_path, monkeypatch):
    monkeypatch.setenv("ISO10002_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    head = head_revision()
    first = invoke("db", "upgrade")
    assert first.exit_code == 0
    assert f"upgraded from empty to {head}" in first.output
    assert (tmp_path / "data" / "iso10002.db").exists()
    assert f"is up to date (revision {head})" in invoke("db", "upgrade").output
    assert f"revision: {head} (newest: {head})" in invoke("db", "status").output


def test_db_upgrade_on_an_unreachable_server_is_a_plain_error(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody:secret@127.0.0.1:9/none")
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "error: cannot upgrade the database at postgresql+psycopg://nobody:***@127.0.0.1:9/none"
    )
    assert "secret" not in result.stderr


@pytest.mark.parametrize(
    ("status", "valid_until", "unsupported"),
    [
        ("approved", "2999-12-31", False),
        ("approved", "2000-01-01", True),  # expired
        ("draft", "2999-12-31", True),  # not approved yet
    ],
)
def test_an_approved_current_record_in_the_file_supports_a_score(
    assessment_file, status, valid_until, unsupported
):
    text = assessment_file.read_text() + (
        "evidence:\n"
        f"  - {{id: E1, kind: note, title: Procedure seen, criteria: ['4.1.a'], note: Section 2,"
        f" status: {status}, valid_until: {valid_until}}}\n"
    )
    assessment_file.write_text(text)
    result = invoke("score", str(assessment_file), "--json")
    kinds = [r["kind"] for r in json.loads(result.output)["overall"]["reasons"]]
    assert ("unsupported_score" in kinds) is unsupported


def test_a_logo_that_is_not_an_image_is_a_plain_error_not_a_traceback(tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"not an image")
    result = CliRunner().invoke(
        cli,
        [
            "report",
            str(REPO / "examples" / "northwind-2018.yaml"),
            "--format",
            "pdf",
            "--out",
            str(tmp_path / "pack.pdf"),
            "--logo",
            str(logo),
        ],
    )
    assert result.exit_code == 1
    assert "cannot use" in result.output
    assert "Traceback" not in result.output
