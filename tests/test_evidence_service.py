"""Evidence records on SQLite and PostgreSQL: add, refuse, review, expire, measure, verify."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from assessment.checklist.loader import checklist_from_text
from assessment.errors import (
    AssessmentLocked,
    ConflictError,
    EvidenceIntegrityError,
    EvidenceRefused,
    InvalidChange,
    NotFound,
)
from assessment.services import assessments as A
from assessment.services import evidence as E
from assessment.services import evidence_adding as EA
from assessment.services import organizations as O
from assessment.services.audit import events
from assessment.services.evidence_metrics import evidence_coverage, expiring
from assessment.services.responses import set_response
from assessment.services.stage_moves import set_status
from assessment.workflow.response import Response
from assessment.workflow.stages import AssessmentStatus
from evidence.records import EvidenceKind, EvidenceStatus
from evidence.vault import FolderVault
from tests import evidence_samples as S
from tests.conftest import SMALL_CHECKLIST, row_counts
from tests.people import ADMIN, admin

SMALL = checklist_from_text(SMALL_CHECKLIST, "small.yaml")
TODAY = date(2026, 11, 21)
LIMIT = 64 * 1024


@pytest.fixture
def vault(tmp_path):
    return FolderVault(tmp_path / "data" / "evidence", max_bytes=LIMIT)


@pytest.fixture
def assessment(store):
    organization = O.create_organization(store, admin("maria"), "Acme Water")
    return A.create_assessment(store, admin("maria"), organization.id, SMALL, "Gap analysis")


def add_text(store, vault, assessment, text=b"register extract\n", name="register.txt", **kw):
    criteria = kw.pop("criteria", ["4.1.a"])
    return EA.add_file(
        store, admin("maria"), assessment.id, text, name, criteria, vault=vault, **kw
    )


def evidence_events(store, assessment_id):
    return [
        (e.actor, e.entity_key, e.field, e.before, e.after)
        for e in events(store, ADMIN, assessment_id)
        if e.entity == "evidence"
    ]


def test_files_links_and_notes_are_recorded_with_their_metadata(store, vault, assessment):
    pdf = S.pdf()
    added = EA.add_file(
        store,
        admin("maria"),
        assessment.id,
        pdf,
        "Complaints procedure v3.pdf",
        ["4.1.a", "7.2.a"],
        owner="Quality office",
        effective_date=date(2026, 3, 1),
        valid_until=date(2027, 3, 1),
        vault=vault,
    )
    record = added.record
    assert (record.ref, record.kind, record.status) == ("E1", EvidenceKind.FILE, "draft")
    assert record.title == record.original_name == "Complaints procedure v3.pdf"
    assert (record.size, record.media_type) == (len(pdf), "application/pdf")
    assert record.criteria == ("4.1.a", "7.2.a")
    assert (record.created_by, record.updated_by, record.version) == ("maria", "maria", 1)
    assert added.notices == ()
    assert vault.read(record.sha256) == pdf

    link = EA.add_link(
        store, admin("deniz"), assessment.id, "https://intranet.example.org/p", ["4.1.b"]
    )
    note = EA.add_note(
        store, admin("deniz"), assessment.id, "Register seen on site.\nAll logged.", ["7.2.a"]
    )
    assert (link.record.ref, link.record.url, link.record.title) == (
        "E2",
        "https://intranet.example.org/p",
        "https://intranet.example.org/p",
    )
    assert (note.record.ref, note.record.title) == ("E3", "Register seen on site.")
    assert [r.ref for r in E.list_evidence(store, ADMIN, assessment.id)] == ["E1", "E2", "E3"]
    assert [r.ref for r in E.list_evidence(store, ADMIN, assessment.id, criterion_id="7.2.a")] == [
        "E1",
        "E3",
    ]
    trail = evidence_events(store, assessment.id)
    assert ("maria", "E1", "sha256", None, record.sha256) in trail
    assert ("maria", "E1", "criteria", None, ["4.1.a", "7.2.a"]) in trail
    assert ("deniz", "E2", "url", None, "https://intranet.example.org/p") in trail
    assert ("deniz", "E3", "status", None, "draft") in trail


BAD_UPLOADS = [
    (
        "oversized",
        lambda: b"x" * (LIMIT + 1),
        "x.txt",
        {},
        EvidenceRefused,
        "more than the 64.0 KB",
    ),
    ("empty", lambda: b"", "x.txt", {}, EvidenceRefused, "empty"),
    ("windows exe", lambda: S.MZ, "setup.exe", {}, EvidenceRefused, "Windows program"),
    ("exe named pdf", lambda: S.MZ, "procedure.pdf", {}, EvidenceRefused, "Windows program"),
    ("elf", lambda: S.ELF, "tool", {}, EvidenceRefused, r"\(ELF\)"),
    ("script", lambda: b"#!/bin/bash\necho hi\n", "run.txt", {}, EvidenceRefused, "script"),
    (
        "html",
        lambda: b"<html><script>alert(1)</script></html>",
        "page.html",
        {},
        EvidenceRefused,
        "markup",
    ),
    ("zip", lambda: S.tar(), "bundle.tar", {}, EvidenceRefused, "archive"),
    ("docm", lambda: S.docx(macros=True), "x.docm", {}, EvidenceRefused, "macro"),
    (
        "unknown criterion",
        lambda: b"fine\n",
        "x.txt",
        {"criteria": ["9.9.z"]},
        InvalidChange,
        "no criterion 9.9.z",
    ),
    ("no criterion", lambda: b"fine\n", "x.txt", {"criteria": []}, InvalidChange, "at least one"),
    (
        "dates out of order",
        lambda: b"fine\n",
        "x.txt",
        {"effective_date": date(2026, 5, 1), "valid_until": date(2026, 4, 1)},
        InvalidChange,
        "before the effective date",
    ),
]


@pytest.mark.parametrize(
    ("case", "make", "name", "options", "error", "message"),
    BAD_UPLOADS,
    ids=[b[0] for b in BAD_UPLOADS],
)
def test_a_refused_upload_changes_nothing(
    store, vault, assessment, case, make, name, options, error, message
):
    add_text(store, vault, assessment, b"already here\n", "first.txt")
    before_files, before_rows = S.files(vault.root), row_counts(store)
    with pytest.raises(error, match=message):
        add_text(store, vault, assessment, make(), name, **options)
    assert S.files(vault.root) == before_files
    assert row_counts(store) == before_rows


def test_a_duplicate_in_the_same_assessment_is_refused_and_stored_once_elsewhere(
    store, vault, assessment
):
    first = add_text(store, vault, assessment).record
    before_files, before_rows = S.files(vault.root), row_counts(store)
    with pytest.raises(EvidenceRefused, match=r"already evidence E1 'register\.txt'.*link E1"):
        add_text(store, vault, assessment, name="copy of register.txt", criteria=["4.1.b"])
    assert (S.files(vault.root), row_counts(store)) == (before_files, before_rows)

    other = A.create_assessment(store, admin("maria"), assessment.organization_id, SMALL, "Second")
    again = add_text(store, vault, other)
    assert again.record.sha256 == first.sha256
    assert "stored once" in again.notices[-1]
    assert S.files(vault.root) == before_files  # one file, two records


def test_links_and_notes_are_checked(store, vault, assessment):
    EA.add_link(store, admin("maria"), assessment.id, "https://example.org/a", ["4.1.a"])
    before = row_counts(store)
    for url, message in [
        ("javascript:alert(1)", "only http and https"),
        ("https://example.org/a", "already evidence E1"),
    ]:
        with pytest.raises(EvidenceRefused, match=message):
            EA.add_link(store, admin("maria"), assessment.id, url, ["4.1.a"])
    with pytest.raises(EvidenceRefused, match="a note needs some text"):
        EA.add_note(store, admin("maria"), assessment.id, "  \n ", ["4.1.a"])
    assert row_counts(store) == before


def test_a_path_traversal_name_is_only_a_cleaned_label(store, vault, assessment, tmp_path):
    added = add_text(store, vault, assessment, b"root:x:0:0\n", "../../etc/passwd")
    assert added.record.original_name == "passwd"
    assert any("cleaned to 'passwd'" in n for n in added.notices)
    assert list(S.files(vault.root)) == [f"{added.record.sha256[:2]}/{added.record.sha256[2:]}"]
    assert not (tmp_path / "etc").exists()
    assert not (vault.root.parent.parent / "etc").exists()


def test_a_pdf_named_exe_is_kept_as_a_pdf(store, vault, assessment):
    added = add_text(store, vault, assessment, S.pdf(), "procedure.exe")
    assert added.record.media_type == "application/pdf"
    assert added.record.download_name == "procedure.pdf"
    assert any("ends in .exe" in n for n in added.notices)


def test_a_tampered_or_missing_file_is_detected_on_read_and_by_verify(store, vault, assessment):
    good = add_text(store, vault, assessment, b"good\n", "good.txt").record
    bad = add_text(store, vault, assessment, b"will be altered\n", "bad.txt").record
    gone = add_text(store, vault, assessment, b"will vanish\n", "gone.txt").record
    assert E.read_file(store, ADMIN, assessment.id, "E1", vault=vault)[1] == b"good\n"
    assert E.verify_evidence(store, ADMIN, vault).ok

    path = vault.path_for(bad.sha256)
    path.chmod(0o644)
    path.write_bytes(b"will be altered, and was\n")
    vault.path_for(gone.sha256).unlink()
    with pytest.raises(EvidenceIntegrityError, match=r"evidence E2 'bad\.txt'.*was altered"):
        E.read_file(store, ADMIN, assessment.id, "E2", vault=vault)
    with pytest.raises(EvidenceIntegrityError, match=r"evidence E3 'gone\.txt'.*is missing"):
        E.read_file(store, ADMIN, assessment.id, "E3", vault=vault)
    result = E.verify_evidence(store, ADMIN, vault)
    assert not result.ok
    assert [(p.problem, p.sha256, p.records) for p in result.problems] == [
        ("missing", gone.sha256, ((assessment.id, "E3", "gone.txt"),)),
        ("altered", bad.sha256, ((assessment.id, "E2", "bad.txt"),)),
    ]
    assert result.records == 3
    assert result.report.checked == 2
    assert good.sha256 not in {p.sha256 for p in result.problems}
    EA.add_link(store, admin("maria"), assessment.id, "https://example.org", ["4.1.a"])
    with pytest.raises(InvalidChange, match="is a link, not a file"):
        E.read_file(store, ADMIN, assessment.id, "E4", vault=vault)
    with pytest.raises(NotFound, match="no evidence E9"):
        E.read_file(store, ADMIN, assessment.id, "E9", vault=vault)


def test_status_changes_are_checked_versioned_and_audited(store, vault, assessment):
    record = add_text(store, vault, assessment).record
    review = E.set_status(
        store, admin("maria"), assessment.id, "E1", EvidenceStatus.IN_REVIEW, expected_version=1
    )
    assert (review.status, review.version, review.updated_by) == ("in_review", 2, "maria")
    with pytest.raises(ConflictError, match="changed by maria"):
        E.set_status(
            store, admin("deniz"), assessment.id, "E1", EvidenceStatus.APPROVED, expected_version=1
        )
    with pytest.raises(InvalidChange, match="rejecting evidence E1 needs a reason"):
        E.set_status(
            store, admin("deniz"), assessment.id, "E1", EvidenceStatus.REJECTED, expected_version=2
        )
    approved = E.set_status(
        store, admin("deniz"), assessment.id, "E1", EvidenceStatus.APPROVED, expected_version=2
    )
    with pytest.raises(InvalidChange, match="approved; it can move to in review, rejected"):
        E.set_status(
            store, admin("deniz"), assessment.id, "E1", EvidenceStatus.DRAFT, expected_version=3
        )
    with pytest.raises(
        InvalidChange, match="withdrawing the approval of evidence E1 needs a reason"
    ):
        E.set_status(
            store, admin("deniz"), assessment.id, "E1", EvidenceStatus.IN_REVIEW, expected_version=3
        )
    with pytest.raises(InvalidChange, match="by its valid-until date, not by hand"):
        E.set_status(
            store, admin("deniz"), assessment.id, "E1", EvidenceStatus.EXPIRED, expected_version=3
        )
    E.set_status(
        store,
        admin("ana"),
        assessment.id,
        "E1",
        EvidenceStatus.REJECTED,
        expected_version=approved.version,
        reason="the extract is from another site",
    )
    trail = [t for t in evidence_events(store, assessment.id) if t[2].startswith("status")]
    assert trail == [
        ("maria", "E1", "status", None, "draft"),
        ("maria", "E1", "status", "draft", "in_review"),
        ("deniz", "E1", "status", "in_review", "approved"),
        ("ana", "E1", "status", "approved", "rejected"),
        ("ana", "E1", "status_reason", None, "the extract is from another site"),
    ]
    assert E.get_evidence(store, ADMIN, assessment.id, "E1").version == record.version + 3


def test_metadata_edits_are_checked_and_audited(store, vault, assessment):
    add_text(store, vault, assessment)
    edited = E.update_evidence(
        store,
        admin("deniz"),
        assessment.id,
        "E1",
        expected_version=1,
        title="  Register   extract ",
        criteria=["4.1.a", "4.1.b"],
        valid_until=date(2027, 1, 31),
    )
    assert (edited.title, edited.criteria, edited.version) == (
        "Register extract",
        ("4.1.a", "4.1.b"),
        2,
    )
    with pytest.raises(InvalidChange, match="cannot edit sha256"):
        E.update_evidence(
            store, admin("deniz"), assessment.id, "E1", expected_version=2, sha256="0" * 64
        )
    with pytest.raises(InvalidChange, match="before the effective date"):
        E.update_evidence(
            store,
            admin("deniz"),
            assessment.id,
            "E1",
            expected_version=2,
            effective_date=date(2027, 6, 1),
        )
    assert ("deniz", "E1", "valid_until", None, "2027-01-31") in evidence_events(
        store, assessment.id
    )


def test_a_final_assessment_takes_no_evidence_but_can_be_read(store, vault, assessment):
    add_text(store, vault, assessment)
    version = assessment.version
    for stage in (AssessmentStatus.IN_PROGRESS, AssessmentStatus.IN_REVIEW, AssessmentStatus.FINAL):
        version = set_status(
            store,
            admin("maria"),
            assessment.id,
            stage,
            expected_version=version,
            statement="Signed off for the test",
        ).version
    with pytest.raises(AssessmentLocked):
        add_text(store, vault, assessment, b"late\n", "late.txt")
    with pytest.raises(AssessmentLocked):
        E.set_status(
            store, admin("maria"), assessment.id, "E1", EvidenceStatus.APPROVED, expected_version=1
        )
    assert E.read_file(store, ADMIN, assessment.id, "E1", vault=vault)[1] == b"register extract\n"


def _approve(store, assessment_id, ref):
    E.set_status(
        store, admin("auditor"), assessment_id, ref, EvidenceStatus.APPROVED, expected_version=1
    )


def test_expired_follows_from_valid_until(store, vault, assessment):
    yesterday, today = TODAY - timedelta(days=1), TODAY
    add_text(store, vault, assessment, b"a\n", "a.txt", valid_until=yesterday)
    add_text(store, vault, assessment, b"b\n", "b.txt", valid_until=today)
    add_text(store, vault, assessment, b"c\n", "c.txt")
    for ref in ("E1", "E2", "E3"):
        _approve(store, assessment.id, ref)
    records = {r.ref: r for r in E.list_evidence(store, ADMIN, assessment.id)}
    assert records["E1"].status is EvidenceStatus.APPROVED  # stored as approved...
    assert records["E1"].status_on(TODAY) is EvidenceStatus.EXPIRED  # ...seen as expired
    assert records["E2"].status_on(TODAY) is EvidenceStatus.APPROVED  # valid through the day
    assert records["E2"].status_on(TODAY + timedelta(days=1)) is EvidenceStatus.EXPIRED
    assert records["E3"].status_on(date(2099, 1, 1)) is EvidenceStatus.APPROVED


def test_coverage_expiring_and_supported_criteria_by_hand(store, vault, assessment):
    # Scores: 4.1.a 3, 4.1.b 2, 7.2.a 0 -> two criteria scored above 0 need evidence.
    for cid, score in (("4.1.a", 3), ("4.1.b", 2), ("7.2.a", 0)):
        set_response(
            store, admin("maria"), assessment.id, cid, Response(score=score), expected_version=0
        )
    days = timedelta
    add_text(
        store, vault, assessment, b"1\n", "1.txt", criteria=["4.1.a"], valid_until=TODAY + days(10)
    )
    add_text(
        store, vault, assessment, b"2\n", "2.txt", criteria=["4.1.b"], valid_until=TODAY - days(1)
    )
    add_text(store, vault, assessment, b"3\n", "3.txt", criteria=["4.1.b"])  # draft
    add_text(
        store, vault, assessment, b"4\n", "4.txt", criteria=["7.2.a"], valid_until=TODAY + days(30)
    )
    add_text(
        store, vault, assessment, b"5\n", "5.txt", criteria=["7.2.a"], valid_until=TODAY + days(31)
    )
    add_text(
        store, vault, assessment, b"6\n", "6.txt", criteria=["4.1.b"], valid_until=TODAY + days(5)
    )
    for ref in ("E1", "E2", "E4"):
        _approve(store, assessment.id, ref)
    E.set_status(
        store,
        admin("auditor"),
        assessment.id,
        "E6",
        EvidenceStatus.REJECTED,
        expected_version=1,
        reason="x",
    )

    # Supported (approved, unexpired): E1 -> 4.1.a; E4 -> 7.2.a. E2 expired, E3 draft, E6 rejected.
    coverage = evidence_coverage(store, ADMIN, assessment.id, TODAY)
    # Scored above 0: 4.1.a, 4.1.b; supported among them: 4.1.a -> 1 of 2.
    assert (coverage.scored, coverage.supported, coverage.unsupported) == (2, 1, ("4.1.b",))
    assert coverage.ratio == 0.5
    # Valid today and ending within 30 days: E1 (+10), E4 (+30, inclusive); not E2 (expired),
    # E5 (+31), E6 (rejected), E3 (no date).
    assert [r.ref for r in expiring(store, ADMIN, assessment.id, TODAY)] == ["E1", "E4"]
    # Eleven days on, E1 has expired too.
    later = TODAY + days(11)
    assert evidence_coverage(store, ADMIN, assessment.id, later).supported == 0
    assert evidence_coverage(store, ADMIN, assessment.id, later).unsupported == ("4.1.a", "4.1.b")


def test_coverage_without_scores_is_not_a_number(store, assessment):
    coverage = evidence_coverage(store, ADMIN, assessment.id, TODAY)
    assert (coverage.scored, coverage.supported, coverage.ratio) == (0, 0, None)


def test_two_people_adding_at_the_same_moment_both_get_a_reference(store, assessment, monkeypatch):
    """Both pick E1 before either stores it; the database refuses the second, which retries."""
    barrier, chosen, outcomes = threading.Barrier(2, timeout=20), [], []
    real_next_ref = E.next_ref

    def next_ref(*args):
        ref = real_next_ref(*args)
        chosen.append(ref)
        if len(chosen) <= 2:
            barrier.wait()  # both have chosen before either inserts
        return ref

    monkeypatch.setattr(E, "next_ref", next_ref)

    def add(actor: str) -> None:
        try:
            outcomes.append(
                EA.add_note(store, admin(actor), assessment.id, f"seen by {actor}", ["4.1.a"])
            )
        except Exception as error:  # reported below, not lost in the thread
            outcomes.append(error)

    threads = [threading.Thread(target=add, args=(name,)) for name in ("ana", "ben")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert chosen[:2] == ["E1", "E1"]  # the race did happen
    assert sorted(o.record.ref for o in outcomes) == ["E1", "E2"]
    assert len(chosen) == 3  # one of them tried again


def test_the_stored_verdict_lists_a_score_without_an_approved_record(store, assessment):
    today = date(2026, 11, 21)
    set_response(store, admin("maria"), assessment.id, "4.1.a", Response(3), expected_version=0)

    def unsupported() -> tuple[str, ...]:
        reasons = A.open_assessment(store, ADMIN, assessment.id, today=today).score.overall.reasons
        return next((r.criteria for r in reasons if r.kind.value == "unsupported_score"), ())

    assert unsupported() == ("4.1.a",)
    added = EA.add_note(
        store,
        admin("maria"),
        assessment.id,
        "Policy seen, signed",
        ["4.1.a"],
        valid_until=date(2027, 1, 1),
    )
    assert unsupported() == ("4.1.a",)  # a draft record does not back a score yet
    E.set_status(
        store,
        admin("maria"),
        assessment.id,
        added.record.ref,
        EvidenceStatus.APPROVED,
        expected_version=added.record.version,
    )
    assert unsupported() == ()
    # once the record expires, the score is unsupported again
    later = A.open_assessment(store, ADMIN, assessment.id, today=date(2027, 1, 2)).score.overall
    assert any(r.kind.value == "unsupported_score" for r in later.reasons)
