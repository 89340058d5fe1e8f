"""Portable files in and out of the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
import yaml
from click.testing import CliRunner

from assessment.cli import cli
from assessment.errors import AssessmentFileError, InvalidChange
from assessment.portable.assessment_file import (
    assessment_to_data,
    dump_assessment,
    load_assessment_file,
    load_assessment_text,
)
from assessment.services import exchange
from assessment.services.assessments import open_assessment
from assessment.services.audit import events
from assessment.services.exchange import export_assessment, import_assessment
from assessment.services.organizations import (
    archive_organization,
    create_organization,
    list_organizations,
)
from tests.conftest import REPO, SMALL_CHECKLIST, line_of, row_counts, store_url
from tests.people import ADMIN, admin

NORTHWIND = REPO / "examples" / "northwind-2018.yaml"


def test_file_import_export_import_gives_identical_data(store, tmp_path):
    loaded = load_assessment_file(NORTHWIND)
    first = import_assessment(store, admin("maria"), loaded, source="northwind-2018.yaml")
    exported = export_assessment(store, ADMIN, first.assessment.id)
    assert assessment_to_data(exported) == assessment_to_data(loaded.assessment)

    path = tmp_path / "again.json"
    path.write_text(dump_assessment(exported, as_json=True), encoding="utf-8")
    second = import_assessment(store, admin("deniz"), load_assessment_file(path))
    again = export_assessment(store, ADMIN, second.assessment.id)
    assert dump_assessment(again) == dump_assessment(exported)
    assert again.checklist == "iso10002-2018"  # named, not embedded: the built-in one matches

    opened = [open_assessment(store, ADMIN, r.assessment.id) for r in (first, second)]
    assert opened[0].score.to_dict() == opened[1].score.to_dict()
    assert first.organization_created
    assert not second.organization_created
    assert [o.name for o in list_organizations(store, ADMIN)] == ["Northwind Utilities"]


def test_a_checklist_that_is_not_built_in_travels_inside_the_file(store, write_file):
    write_file("small.yaml", SMALL_CHECKLIST)
    path = write_file(
        "acme.yaml",
        textwrap.dedent(
            """\
            format: iso10002-assessment/1
            checklist: small
            organization: {name: Acme Water}
            title: Gap analysis
            status: final
            responses:
              "4.1.a": {score: 3}
              "7.2.a": {not_applicable: "no complaints are received directly"}
            """
        ),
    )
    result = import_assessment(store, admin("maria"), load_assessment_file(path))
    exported = export_assessment(store, ADMIN, result.assessment.id)
    assert isinstance(exported.checklist, dict)
    assert exported.checklist["id"] == "small"
    assert exported.status.value == "final"
    # The embedded file needs nothing beside it to be read back, and scores the same.
    reread = load_assessment_text(dump_assessment(exported), "elsewhere.yaml")
    assert reread.checklist.content_hash == load_assessment_file(path).checklist.content_hash
    assert assessment_to_data(reread.assessment) == assessment_to_data(exported)


def test_import_is_audited_with_its_source(store):
    result = import_assessment(
        store, admin("maria"), load_assessment_file(NORTHWIND), source="northwind-2018.yaml"
    )
    trail = events(store, ADMIN, result.assessment.id)
    assert {e.actor for e in trail} == {"maria"}
    assert any(e.field == "imported_from" and e.after == "northwind-2018.yaml" for e in trail)
    scored = [e for e in trail if e.entity == "response" and e.field == "score"]
    assert len(scored) == 11  # 12 responses, one of them N/A


def test_a_failure_half_way_writes_nothing(store, monkeypatch):
    create_organization(store, admin("maria"), "Northwind Utilities")
    before = row_counts(store)
    calls = []
    real = exchange.add_action

    def fail_on_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(exchange, "add_action", fail_on_second)
    with pytest.raises(RuntimeError, match="disk full"):
        import_assessment(store, admin("maria"), load_assessment_file(NORTHWIND))
    assert len(calls) == 2  # responses and the first action had been written when it failed
    assert row_counts(store) == before


KILLER = """
import os, signal, sys
from assessment.services import exchange
real, calls = exchange.add_action, []
def die_on_second(*args, **kwargs):
    calls.append(1)
    if len(calls) == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(*args, **kwargs)
exchange.add_action = die_on_second
from assessment.cli import cli
cli(["import", sys.argv[1]], prog_name="iso10002")
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_an_import_killed_half_way_leaves_nothing_behind(store, tmp_path):
    before = row_counts(store)
    child = subprocess.run(
        [sys.executable, "-c", KILLER, str(NORTHWIND)],
        env={**os.environ, "DATABASE_URL": store_url(store), "ISO10002_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == -9, child.stderr
    assert row_counts(store) == before
    # and the database is fine afterwards
    result = import_assessment(store, admin("maria"), load_assessment_file(NORTHWIND))
    assert open_assessment(store, ADMIN, result.assessment.id).record.title.startswith("Complaints")


def test_importing_into_an_archived_organization_is_refused(store):
    organization = create_organization(store, admin("maria"), "Northwind Utilities")
    archive_organization(store, admin("maria"), organization.id, expected_version=1)
    before = row_counts(store)
    with pytest.raises(InvalidChange, match="archived"):
        import_assessment(store, admin("maria"), load_assessment_file(NORTHWIND))
    assert row_counts(store) == before


def test_import_under_another_organization_name(store):
    result = import_assessment(
        store, admin("maria"), load_assessment_file(NORTHWIND), organization_name="Southwind Water"
    )
    assert result.assessment.organization_name == "Southwind Water"


MISMATCHED = textwrap.dedent(
    """\
    format: iso10002-assessment/1
    checklist: iso10002-2018
    organization: {name: Acme Water}
    title: Gap analysis
    responses:
      "4.1.a": {score: 3}
      "4.99.z": {score: 2}
      "7.2.a": {score: 9}
    actions:
      - {id: A1, title: Fix it, criteria: ["9.9.9"]}
    """
)


@pytest.mark.parametrize(
    ("needle", "message"),
    [
        ('"4.99.z"', "no criterion '4.99.z' in checklist iso10002-2018"),
        ('"7.2.a"', "score 9 is outside the scale (0 to 5)"),
        ("A1", "action A1: no criterion '9.9.9'"),
    ],
)
def test_a_mismatched_file_is_refused_with_its_lines(needle, message, write_file):
    path = write_file("mismatch.yaml", MISMATCHED)
    with pytest.raises(AssessmentFileError) as refused:
        load_assessment_file(path)
    faults = [f for f in refused.value.faults if message in f.message]
    assert faults, [str(f) for f in refused.value.faults]
    assert faults[0].line == line_of(MISMATCHED, needle)
    assert faults[0].file == str(path)


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    monkeypatch.setenv("ISO10002_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_import_export_round_trip(cli_env):
    imported = invoke("import", str(NORTHWIND))
    assert imported.exit_code == 0, imported.output
    assert "as assessment 1 'Complaints-handling gap analysis 2026'" in imported.output
    assert "12 responses, 2 actions" in imported.output

    listed = invoke("assessments")
    assert "Northwind Utilities" in listed.output
    assert "Draft" in listed.output

    out = cli_env / "export.yaml"
    assert invoke("export", "1", "--out", str(out)).exit_code == 0
    assert invoke("import", str(out)).exit_code == 0
    again = cli_env / "again.yaml"
    assert invoke("export", "2", "--out", str(again)).exit_code == 0
    assert again.read_text() == out.read_text()
    assert yaml.safe_load(out.read_text())["responses"]["7.9.c"] == {
        "not_applicable": "No ombudsman scheme covers our sector in this country"
    }
    to_stdout = invoke("export", "1", "--out", "-")
    assert to_stdout.output == out.read_text()


def test_cli_refuses_a_bad_file_with_lines_and_changes_nothing(cli_env, write_file):
    assert invoke("import", str(NORTHWIND)).exit_code == 0
    path = write_file("mismatch.yaml", MISMATCHED)
    refused = CliRunner().invoke(cli, ["import", str(path)])
    assert refused.exit_code == 1
    assert f"{path}:{line_of(MISMATCHED, chr(34) + '4.99.z')}:" in refused.output
    assert "Traceback" not in refused.output
    listed = invoke("assessments")
    assert listed.output.count("Northwind Utilities") == 1
    assert "Acme Water" not in listed.output


def test_cli_unknown_assessment_is_a_plain_error(cli_env):
    result = CliRunner().invoke(cli, ["export", "42", "--out", str(cli_env / "x.yaml")])
    assert result.exit_code == 1
    assert result.output.strip() == "error: no assessment with id 42"
    assert not (cli_env / "x.yaml").exists()


def test_cli_show_scores_a_stored_assessment_as_the_file_scores(cli_env):
    invoke("import", str(NORTHWIND))
    from_database = invoke("show", "1").output
    from_file = invoke("score", str(NORTHWIND)).output
    assert "Northwind Utilities — Complaints-handling gap analysis 2026 (draft)" in from_database
    # the same scores whether read from the file or from the database
    assert from_database.split("\n", 1)[1] == from_file.split("\n", 1)[1]
