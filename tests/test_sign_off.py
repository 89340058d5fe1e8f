"""Signing off as final: the review shown first, the statement a not-ready verdict needs, and
the sign-off carried by the record, the history, portable files and reopening (both engines)."""

from __future__ import annotations

import textwrap

import pytest

from assessment.errors import AssessmentFileError, InvalidChange
from assessment.portable.assessment_file import dump_assessment, load_assessment_text
from assessment.scoring.verdict import Verdict
from assessment.services.assessments import get_assessment
from assessment.services.audit import events
from assessment.services.exchange import export_assessment, import_assessment
from assessment.services.sign_off import review_sign_off
from assessment.services.stage_moves import set_status
from assessment.workflow.stages import AssessmentStatus
from tests.conftest import SMALL_CHECKLIST
from tests.people import ADMIN

CHECKLIST = textwrap.indent(SMALL_CHECKLIST, "  ")

# Every criterion of the small checklist at its target, each backed by an approved note: ready.
READY_FILE = f"""\
format: iso10002-assessment/1
organization: {{name: Ready Ltd}}
title: Ready for the audit
status: in_review
checklist:
{CHECKLIST}
responses:
  "4.1.a": {{score: 3}}
  "4.1.b": {{score: 3}}
  "7.2.a": {{score: 4}}
evidence:
  - {{id: E1, kind: note, title: Seen, note: Policy seen, status: approved,
     criteria: ["4.1.a", "4.1.b", "7.2.a"]}}
"""

# Half answered, with a major gap and no action: not ready.
NOT_READY_FILE = READY_FILE.replace('"4.1.b": {score: 3}', '"4.1.b": {score: 1}').replace(
    '  "7.2.a": {score: 4}\n', ""
)


def imported(store, text: str) -> int:
    loaded = load_assessment_text(text, "sample.yaml")
    return import_assessment(store, ADMIN, loaded).assessment.id


def test_the_review_counts_what_is_unanswered_and_still_open(store):
    assessment_id = imported(store, NOT_READY_FILE)
    review = review_sign_off(store, ADMIN, assessment_id)
    assert (review.answered, review.total, review.unanswered) == (2, 3, 1)
    assert review.verdict is Verdict.NOT_READY
    assert review.open_nonconformities == ("4.1.b",)  # gap 2: a major one, with no action
    assert review.needs_statement
    assert any("4.1.b" in reason.message for reason in review.reasons)


def test_a_not_ready_sign_off_needs_a_statement_and_records_it(store):
    assessment_id = imported(store, NOT_READY_FILE)
    version = get_assessment(store, ADMIN, assessment_id).version
    with pytest.raises(InvalidChange, match="needs a statement"):
        set_status(store, ADMIN, assessment_id, AssessmentStatus.FINAL, expected_version=version)
    assert get_assessment(store, ADMIN, assessment_id).status is AssessmentStatus.IN_REVIEW
    signed = set_status(
        store,
        ADMIN,
        assessment_id,
        AssessmentStatus.FINAL,
        expected_version=version,
        statement="  Agreed as the baseline; gaps are in the plan ",
    )
    assert signed.status is AssessmentStatus.FINAL
    assert signed.sign_off is not None
    assert (signed.sign_off.by, signed.sign_off.verdict, signed.sign_off.statement) == (
        "tester",
        "not_ready",
        "Agreed as the baseline; gaps are in the plan",
    )
    assert signed.sign_off.at.tzinfo is not None
    trail = {e.field: e.after for e in events(store, ADMIN, assessment_id)}
    assert trail["signed_off_by"] == "tester"
    assert trail["sign_off_statement"] == "Agreed as the baseline; gaps are in the plan"


def test_a_ready_assessment_signs_off_without_a_statement(store):
    assessment_id = imported(store, READY_FILE)
    assert review_sign_off(store, ADMIN, assessment_id).verdict is Verdict.READY
    version = get_assessment(store, ADMIN, assessment_id).version
    signed = set_status(
        store, ADMIN, assessment_id, AssessmentStatus.FINAL, expected_version=version
    )
    assert signed.sign_off is not None
    assert (signed.sign_off.verdict, signed.sign_off.statement) == ("ready", None)


def test_reopening_clears_the_sign_off_and_the_history_keeps_it(store):
    assessment_id = imported(store, READY_FILE)
    record = get_assessment(store, ADMIN, assessment_id)
    record = set_status(
        store, ADMIN, assessment_id, AssessmentStatus.FINAL, expected_version=record.version
    )
    reopened = set_status(
        store,
        ADMIN,
        assessment_id,
        AssessmentStatus.IN_PROGRESS,
        expected_version=record.version,
        reason="New evidence for 7.2",
    )
    assert reopened.sign_off is None
    cleared = [e for e in events(store, ADMIN, assessment_id) if e.field == "signed_off_by"]
    assert [(e.before, e.after) for e in cleared] == [(None, "tester"), ("tester", None)]


def test_a_portable_file_carries_the_sign_off_both_ways(store):
    assessment_id = imported(store, NOT_READY_FILE)
    version = get_assessment(store, ADMIN, assessment_id).version
    set_status(
        store,
        ADMIN,
        assessment_id,
        AssessmentStatus.FINAL,
        expected_version=version,
        statement="Agreed as it stands",
    )
    text = dump_assessment(export_assessment(store, ADMIN, assessment_id))
    assert "signed_off:" in text
    again = imported(store, text.replace("name: Ready Ltd", "name: Ready Ltd copy"))
    copy = get_assessment(store, ADMIN, again)
    original = get_assessment(store, ADMIN, assessment_id)
    assert copy.sign_off == original.sign_off


def test_a_file_with_a_sign_off_that_does_not_fit_is_refused_with_its_line():
    text = NOT_READY_FILE + "signed_off: {by: Kim, at: 2026-11-30T10:00:00Z, verdict: not_ready}\n"
    with pytest.raises(AssessmentFileError) as refused:
        load_assessment_text(text, "sample.yaml")
    messages = [(f.line, f.message) for f in refused.value.faults]
    line = text.splitlines().index(
        "signed_off: {by: Kim, at: 2026-11-30T10:00:00Z, verdict: not_ready}"
    )
    assert (line + 1, "signed_off belongs to a final assessment; this one is in review") in [
        (n, m) for n, m in messages
    ]
    assert any("needs a statement" in m for _, m in messages)
