"""`iso10002 evidence ...` as a user runs it, on SQLite and PostgreSQL: plain errors, exit codes."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from assessment.checklist.loader import checklist_from_text
from assessment.cli import cli
from assessment.services import assessments as A
from assessment.services import organizations as O
from assessment.services.responses import set_response
from assessment.workflow.response import Response
from evidence.vault import FolderVault
from tests import evidence_samples as S
from tests.conftest import SMALL_CHECKLIST, row_counts, store_url
from tests.people import admin

SMALL = checklist_from_text(SMALL_CHECKLIST, "small.yaml")


@pytest.fixture
def setup(store, tmp_path, monkeypatch):
    """The configured database is the test's store; the vault is in tmp_path/data."""
    monkeypatch.setenv("DATABASE_URL", store_url(store))
    monkeypatch.setenv("ISO10002_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ISO10002_EVIDENCE_MAX_MB", raising=False)
    organization = O.create_organization(store, admin("maria"), "Acme Water")
    record = A.create_assessment(store, admin("maria"), organization.id, SMALL, "Gap analysis")
    return store, record.id, tmp_path / "data" / "evidence"


def run(*args: str):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output + result.stderr
    return result


def test_add_list_status_get_verify(setup, tmp_path):
    store, aid, _vault_dir = setup
    set_response(store, admin("maria"), aid, "4.1.a", Response(score=3), expected_version=0)
    set_response(store, admin("maria"), aid, "4.1.b", Response(score=2), expected_version=0)
    procedure = tmp_path / "procedure.pdf"
    procedure.write_bytes(S.pdf())
    soon = (date.today() + timedelta(days=7)).isoformat()

    added = run(
        "evidence",
        "add",
        aid,
        procedure,
        "--criteria",
        "4.1.a,7.2.a",
        "--valid-until",
        soon,
        "--owner",
        "Ana",
    )
    assert added.exit_code == 0, added.stderr
    assert added.output.startswith("added E1 'procedure.pdf' (PDF document, ")
    assert f"to assessment {aid} for 4.1.a, 7.2.a; status draft" in added.output
    link = run(
        "evidence",
        "add",
        aid,
        "--link",
        "https://example.org/policy",
        "--criteria",
        "4.1.b",
        "--title",
        "Policy",
    )
    note = run(
        "evidence",
        "add",
        aid,
        "--note",
        "Register seen on site",
        "--criteria",
        "4.1.a",
        "--criteria",
        "4.1.b",
    )
    assert (link.exit_code, note.exit_code) == (0, 0)
    assert "added E3 'Register seen on site' (note)" in note.output

    assert run("evidence", "status", aid, "E1", "approved").output == (
        f"evidence E1 of assessment {aid}: draft -> approved\n"
    )
    listed = run("evidence", "list", aid)
    assert listed.exit_code == 0
    lines = listed.output.splitlines()
    assert lines[0].split() == [
        "ref",
        "kind",
        "status",
        "title",
        "criteria",
        "valid",
        "until",
        "content",
    ]
    assert lines[2].split()[:4] == ["E1", "file", "approved", "procedure.pdf"]
    assert (
        "Evidence coverage: 1 of 2 criteria scored above 0 has approved, unexpired evidence (50.0%)"
        in listed.output
    )
    assert "  without: 4.1.b" in listed.output
    assert f"Expiring within 30 days: E1 ({soon})" in listed.output
    data = json.loads(run("evidence", "list", aid, "--json").output)
    assert [e["ref"] for e in data["evidence"]] == ["E1", "E2", "E3"]
    assert data["coverage"] == {"scored": 2, "supported": 1, "ratio": 0.5, "unsupported": ["4.1.b"]}
    assert data["expiring"] == ["E1"]

    out = tmp_path / "out"
    out.mkdir()
    got = run("evidence", "get", aid, "E1", "--out", out)
    assert got.exit_code == 0, got.stderr
    assert (out / "procedure.pdf").read_bytes() == procedure.read_bytes()

    verified = run("evidence", "verify")
    assert verified.exit_code == 0
    assert verified.output.startswith("ok: every file is intact (1 file record, 1 file in ")


def test_verify_lists_each_problem_and_exits_1(setup, tmp_path):
    _store, aid, vault_dir = setup
    for name, content in (("a.txt", b"first\n"), ("b.txt", b"second\n")):
        (tmp_path / name).write_bytes(content)
        assert run("evidence", "add", aid, tmp_path / name, "--criteria", "4.1.a").exit_code == 0
    vault = FolderVault(vault_dir, max_bytes=1024)
    first, second = (
        vault.path_for(hashlib.sha256(c).hexdigest()) for c in (b"first\n", b"second\n")
    )
    first.chmod(0o644)
    first.write_bytes(b"first, edited\n")
    second.unlink()
    result = run("evidence", "verify")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(
        f"missing: file {second.parent.name}{second.name} is missing from the vault: assessment {aid} E2 'b.txt'"
    )
    assert lines[1].startswith(f"altered: file {first.parent.name}{first.name} was altered")
    assert lines[1].endswith(f"assessment {aid} E1 'a.txt'")
    assert lines[2].startswith("2 problems found: 2 file records, 1 file in")
    got = run("evidence", "get", aid, "E1", "--out", tmp_path / "copy.txt")
    assert got.exit_code == 1
    assert "was altered" in got.stderr
    assert "not served" in got.stderr
    assert not (tmp_path / "copy.txt").exists()


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        (
            ["--criteria", "4.1.a"],
            S.MZ,
            "error: this file is a Windows program or library (MZ/PE header)",
        ),
        (["--criteria", "4.1.a"], b"", "error: the file is empty"),
        (["--criteria", "4.1.a"], b"#!/bin/sh\necho\n", "error: this file is a script"),
        (
            ["--criteria", "9.9.z"],
            b"text\n",
            "error: no criterion 9.9.z in this assessment's checklist",
        ),
        (
            ["--criteria", "4.1.a", "--link", "https://x.org"],
            b"text\n",
            "error: give exactly one of PATH, --link URL or --note TEXT (got PATH and --link)",
        ),
    ],
)
def test_refused_adds_print_one_plain_error_and_change_nothing(
    setup, tmp_path, args, content, message
):
    store, aid, vault_dir = setup
    path = tmp_path / "upload.pdf"
    path.write_bytes(content)
    before = row_counts(store)
    result = run("evidence", "add", aid, path, *args)
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert len(result.stderr.splitlines()) == 1
    assert row_counts(store) == before
    assert S.files(vault_dir) == {}


def test_the_size_limit_comes_from_the_environment(setup, tmp_path, monkeypatch):
    _store, aid, vault_dir = setup
    monkeypatch.setenv("ISO10002_EVIDENCE_MAX_MB", "0.001")  # 1,048 bytes
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 2000)
    result = run("evidence", "add", aid, path, "--criteria", "4.1.a")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: the file is 2.0 KB, more than the 1.0 KB an evidence file may be "
        "(set ISO10002_EVIDENCE_MAX_MB to change the limit)\n"
    )
    assert S.files(vault_dir) == {}


def test_other_errors_are_plain_too(setup, tmp_path):
    _store, aid, _vault_dir = setup
    assert run("evidence", "list", 999).stderr == "error: no assessment with id 999\n"
    missing = run("evidence", "add", aid, tmp_path / "nope.pdf", "--criteria", "4.1.a")
    assert missing.stderr == f"error: there is no file {tmp_path / 'nope.pdf'}\n"
    folder = run("evidence", "add", aid, tmp_path, "--criteria", "4.1.a")
    assert "is not a file" in folder.stderr
    assert run("evidence", "status", aid, "E1", "approved").stderr == (
        "error: no evidence E1 in assessment 'Gap analysis'\n"
    )
    bad_date = run(
        "evidence", "add", aid, "--note", "x", "--criteria", "4.1.a", "--valid-until", "31/12/2026"
    )
    assert bad_date.exit_code == 2
    assert "Invalid value for '--valid-until'" in bad_date.stderr


def test_with_an_s3_store_files_go_to_the_bucket_and_verify_checks_it(
    setup, s3_settings, s3_endpoint, tmp_path
):
    from tests.object_store import client, objects

    _store, aid, vault_dir = setup
    bucket = s3_settings["ISO10002_EVIDENCE_URL"].removeprefix("s3://").split("/")[0]
    for name, content in (("a.txt", b"first\n"), ("b.txt", b"second\n")):
        (tmp_path / name).write_bytes(content)
        assert run("evidence", "add", aid, tmp_path / name, "--criteria", "4.1.a").exit_code == 0
    first, second = (hashlib.sha256(c).hexdigest() for c in (b"first\n", b"second\n"))
    assert objects(s3_endpoint, bucket, "evidence/") == {
        f"{first[:2]}/{first[2:]}": b"first\n",
        f"{second[:2]}/{second[2:]}": b"second\n",
    }
    assert not vault_dir.exists()  # nothing in the data folder
    verified = run("evidence", "verify")
    assert verified.exit_code == 0
    assert verified.output.startswith(
        f"ok: every file is intact (2 file records, 2 files in s3://{bucket}/evidence/ checked"
    )
    client(s3_endpoint).put_object(
        Bucket=bucket, Key=f"evidence/{first[:2]}/{first[2:]}", Body=b"first, edited\n"
    )
    result = run("evidence", "verify")
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith(f"altered: file {first} was altered")
    got = run("evidence", "get", aid, "E1", "--out", tmp_path / "copy.txt")
    assert got.exit_code == 1
    assert "not served" in got.stderr
    assert not (tmp_path / "copy.txt").exists()
