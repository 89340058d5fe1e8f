"""Evidence in the schema's history and in portable files: upgrades keep it, files carry it."""

from __future__ import annotations

import textwrap
from datetime import date

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import text

from assessment.checklist.loader import checklist_from_text
from assessment.cli import cli
from assessment.errors import AssessmentFileError
from assessment.portable.assessment_file import (
    dump_assessment,
    load_assessment_file,
    load_assessment_text,
)
from assessment.services import assessments as A
from assessment.services import evidence as E
from assessment.services import evidence_adding as EA
from assessment.services import organizations as O
from assessment.services.exchange import export_assessment, import_assessment
from assessment.storage.schema import alembic_config, current_revision, head_revision
from evidence.records import EvidenceStatus
from evidence.vault import FolderVault
from tests import evidence_samples as S
from tests.conftest import SMALL_CHECKLIST, line_of, store_url
from tests.people import ADMIN, admin

SMALL = checklist_from_text(SMALL_CHECKLIST, "small.yaml")


def test_db_upgrade_from_0001_keeps_evidence_rows(store, monkeypatch, tmp_path):
    organization = O.create_organization(store, admin("maria"), "Acme Water")
    record = A.create_assessment(store, admin("maria"), organization.id, SMALL, "Gap analysis")
    config = alembic_config(store.engine)
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    assert current_revision(store.engine) == "0001"
    digest = "ab" * 32
    with store.engine.begin() as connection:  # a row as revision 0001 knew it
        connection.execute(
            text(
                "INSERT INTO evidence (assessment_id, kind, title, criteria, sha256, created_at, version) "
                "VALUES (:a, 'file', 'Old procedure', :criteria, :sha, :at, 1)"
            ),
            {"a": record.id, "criteria": '["4.1.a"]', "sha": digest, "at": "2026-01-05 10:00:00"},
        )
    monkeypatch.setenv("DATABASE_URL", store_url(store))
    monkeypatch.setenv("ISO10002_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"upgraded from 0001 to {head_revision()}" in result.output
    (kept,) = E.list_evidence(store, ADMIN, record.id)
    assert (kept.title, kept.criteria, kept.sha256) == ("Old procedure", ("4.1.a",), digest)
    assert (kept.ref, kept.status, kept.description, kept.owner) == (
        f"E{kept.id}",
        EvidenceStatus.DRAFT,
        "",
        "",
    )
    # The next record of that assessment gets a reference of its own.
    added = EA.add_note(store, admin("maria"), record.id, "seen on site", ["4.1.a"])
    assert added.record.ref != kept.ref


@pytest.fixture
def with_evidence(store, tmp_path):
    vault = FolderVault(tmp_path / "evidence", max_bytes=1024 * 1024)
    organization = O.create_organization(store, admin("maria"), "Acme Water")
    record = A.create_assessment(store, admin("maria"), organization.id, SMALL, "Gap analysis")
    EA.add_file(
        store,
        admin("maria"),
        record.id,
        S.pdf(),
        "procedure.pdf",
        ["4.1.a"],
        owner="Quality",
        description="Signed by the board",
        effective_date=date(2026, 2, 1),
        valid_until=date(2027, 2, 1),
        vault=vault,
    )
    EA.add_link(
        store, admin("maria"), record.id, "https://example.org/policy", ["4.1.b"], title="Policy"
    )
    EA.add_note(store, admin("maria"), record.id, "Register seen on site", ["7.2.a"])
    E.set_status(store, admin("ana"), record.id, "E1", EvidenceStatus.APPROVED, expected_version=1)
    return record, vault


def test_portable_files_round_trip_evidence(store, with_evidence, tmp_path):
    record, vault = with_evidence
    exported = export_assessment(store, ADMIN, record.id)
    text_ = dump_assessment(exported)
    assert [e.id for e in exported.evidence] == ["E1", "E2", "E3"]
    first = exported.evidence[0]
    assert (first.kind, first.status, first.media_type, first.original_name, first.owner) == (
        "file",
        "approved",
        "application/pdf",
        "procedure.pdf",
        "Quality",
    )
    loaded = load_assessment_text(text_, "exported.yaml")
    imported = import_assessment(store, admin("deniz"), loaded, organization_name="Copy")
    again = dump_assessment(export_assessment(store, ADMIN, imported.assessment.id))
    assert again.replace("Copy", "Acme Water") == text_
    copies = E.list_evidence(store, ADMIN, imported.assessment.id)
    assert [(c.ref, c.status, c.created_by) for c in copies] == [
        ("E1", "approved", "deniz"),
        ("E2", "draft", "deniz"),
        ("E3", "draft", "deniz"),
    ]
    # The same vault holds the file: nothing is wrong. An empty vault: it is reported missing.
    assert E.verify_evidence(store, ADMIN, vault).ok
    result = E.verify_evidence(store, ADMIN, FolderVault(tmp_path / "elsewhere", max_bytes=1))
    assert [(p.problem, len(p.records)) for p in result.problems] == [("missing", 2)]


BASE = textwrap.dedent(
    """\
    format: iso10002-assessment/1
    checklist: small
    organization: {name: Acme Water}
    title: Gap analysis
    evidence:
      - {id: E1, kind: file, title: Procedure, criteria: ["4.1.a"], sha256: %s}
      - {id: E1, kind: link, title: Policy, criteria: ["9.9.z"], url: "ftp://example.org/x"}
      - {id: E3, kind: note, title: Seen, criteria: ["7.2.a"], url: "https://example.org"}
      - {id: E4, kind: file, title: Page, criteria: ["4.1.a"], sha256: %s, media_type: text/html}
      - {id: E5, kind: link, title: Old, criteria: ["4.1.b"], url: "https://example.org",
         effective_date: 2026-05-01, valid_until: 2026-04-01, status: expired}
    """
) % ("a" * 64, "b" * 64)


def test_evidence_in_a_portable_file_is_checked_with_lines(write_file):
    write_file("small.yaml", SMALL_CHECKLIST)
    path = write_file("acme.yaml", BASE)
    with pytest.raises(AssessmentFileError) as refused:
        load_assessment_file(path)
    assert [(f.line, f.message) for f in refused.value.faults] == [
        (
            line_of(BASE, "status: expired"),
            "evidence E5: 'status' must be 'draft', 'in_review', 'approved' or 'rejected' (got 'expired')",
        )
    ]
    # The shape is right apart from E5's status; fix it and see every content fault.
    fixed = BASE.replace(", status: expired", "")
    path.write_text(fixed)
    with pytest.raises(AssessmentFileError) as refused:
        load_assessment_file(path)
    messages = [(f.line, f.message) for f in refused.value.faults]
    second = line_of(fixed, "id: E1, kind: link")
    assert (second, "evidence id 'E1' is used twice (first on line 6)") in messages
    assert (second, "evidence E1: no criterion '9.9.z' in checklist small") in messages
    assert any(
        line == second and "only http and https links" in message for line, message in messages
    )
    note = line_of(fixed, "id: E3")
    assert (note, "evidence E3: a note record needs 'note'") in messages
    assert (note, "evidence E3: a note record has no 'url'") in messages
    page = line_of(fixed, "id: E4")
    assert (page, "evidence E4: files of type 'text/html' are not taken as evidence") in messages
    old = line_of(fixed, "valid_until: 2026-04-01")
    assert (
        old,
        "evidence E5: valid_until 2026-04-01 is before effective_date 2026-05-01",
    ) in messages
