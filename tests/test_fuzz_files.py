"""No input makes the checklist loader or the portable assessment reader raise a traceback.

Whatever the bytes, a file either loads or is refused with `ChecklistError` /
`AssessmentFileError`, whose every fault names the file, a line and a column inside it, and
says in words what is wrong. Inputs: the real checklists and example files edited the way
people edit them (keys deleted, doubled, renamed or swapped, values of the wrong type or odd
values, lines lost, doubled or swapped, stray characters), damaged bytes, arbitrary data trees
and the YAML shapes parsers find hardest (deep nesting, aliases, tags). The profiles are in
tests/fuzz_settings.py.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import event, example, given
from hypothesis import strategies as st

from assessment.checklist.loader import checklist_from_text, load_checklist
from assessment.errors import AssessmentFileError, ChecklistError, FileFaults
from assessment.portable.assessment_file import load_assessment_bytes, load_assessment_text
from tests.conftest import REPO, SMALL_CHECKLIST
from tests.fuzz_inputs import (
    alias_bomb,
    hard_yaml,
    keys_of,
    mutated_bytes,
    mutated_text,
    mutated_tree,
    nested,
    serialized,
    trees,
)

NAME = "upload.yaml"
CHECKLIST_2018 = (REPO / "checklists" / "iso10002-2018.yaml").read_text(encoding="utf-8")
CHECKLISTS = [SMALL_CHECKLIST, CHECKLIST_2018]
NORTHWIND = (REPO / "examples" / "northwind-2018.yaml").read_text(encoding="utf-8")
# An assessment that uses every part of the format, its checklist embedded (so it reads alone).
FULL_ASSESSMENT = textwrap.dedent(
    """\
        format: iso10002-assessment/1
        organization: {name: Acme Water}
        title: Review 2026
        scope: Retail customers
        status: final
        team: [Ana Kowalska, Tomás Ruiz]
        start_date: 2026-01-05
        end_date: 2026-02-20
        signed_off: {by: Ana Kowalska, at: "2026-02-20T10:00:00+00:00", verdict: conditional, statement: Two gaps remain}
        responses:
          "4.1.a": {score: 3, notes: Policy approved in May}
          "4.1.b": {not_applicable: "applied by our parent company"}
          "7.2.a": {score: 1, finding: minor, finding_reason: one channel only}
        actions:
          - id: A1
            criteria: ["7.2.a"]
            title: Log phone complaints
            owner: Ana
            due: 2027-01-31
            priority: high
            status: verified
            raised_on: 2026-01-10
            closed_on: 2026-02-01
            check: {checked_on: 2026-02-10, checked_by: Tomás Ruiz, effective: true, note: Sampled 20 calls}
        evidence:
          - {id: E1, kind: file, title: Procedure, criteria: ["4.1.a"], sha256: "%s", original_name: procedure.pdf, size: 1200, media_type: application/pdf, status: approved, effective_date: 2026-01-01, valid_until: 2027-01-01}
          - {id: E2, kind: link, title: Web page, criteria: ["7.2.a"], url: "https://example.org/complaints"}
          - {id: E3, kind: note, title: Interview, criteria: ["4.1.b"], note: Spoke to the manager, owner: Ana}
        checklist:
        """
) % ("ab" * 32) + textwrap.indent(SMALL_CHECKLIST, "  ")
ASSESSMENTS = [NORTHWIND, FULL_ASSESSMENT]

LINE_BREAKS = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")


def assert_located(error: FileFaults, name: str, text: str | None) -> None:
    """Every fault is on a real line and column of the file and says something."""
    assert error.faults, "a refusal without a single fault says nothing"
    for fault in error.faults:
        assert fault.line >= 1, fault
        assert fault.column >= 1, fault
        assert fault.message.strip(), fault
        if text is not None and fault.file == name:
            assert fault.line <= len(LINE_BREAKS.split(text)), (fault, "past the end")


def check_checklist_text(text: str) -> None:
    try:
        checklist_from_text(text, NAME)
    except ChecklistError as error:
        event("refused")
        assert_located(error, NAME, text)
    else:
        event("loaded")


def check_assessment_text(text: str) -> None:
    try:
        load_assessment_text(text, NAME)
    except AssessmentFileError as error:
        event("refused")
        assert_located(error, NAME, text)
    else:
        event("loaded")


def check_assessment_bytes(content: bytes) -> None:
    try:
        load_assessment_bytes(content, NAME)
    except AssessmentFileError as error:
        event("refused")
        try:
            text: str | None = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = None
        assert_located(error, NAME, text)


def parsed(texts: list[str]) -> list[object]:
    return [yaml.safe_load(text) for text in texts]


CHECKLIST_DATA = parsed(CHECKLISTS)
ASSESSMENT_DATA = parsed(ASSESSMENTS)
CHECKLIST_KEYS = set().union(*map(keys_of, CHECKLIST_DATA))
ASSESSMENT_KEYS = set().union(*map(keys_of, ASSESSMENT_DATA))


def mutated_files(seeds: list[object]) -> st.SearchStrategy[str]:
    return st.sampled_from(seeds).flatmap(mutated_tree).flatmap(serialized)


# --- the checklist loader --------------------------------------------------------------------


def test_the_seeds_are_valid():
    """The files mutated below load as they are, so what the tests see is the mutation's."""
    for text in CHECKLISTS:
        checklist_from_text(text, NAME)
    for text in ASSESSMENTS:
        load_assessment_text(text, NAME)


@given(mutated_files(CHECKLIST_DATA))
@example("format: iso10002-checklist/1\nscale: {levels: 5}\nclauses: []\n")
@example("scale:\n  levels: [{value: 0, label: a}, {value: 1000000000000000, label: b}]\n")
def test_checklist_edited_data_loads_or_is_refused_with_located_faults(text: str):
    check_checklist_text(text)


@given(st.sampled_from(CHECKLISTS).flatmap(mutated_text))
def test_checklist_edited_text_loads_or_is_refused_with_located_faults(text: str):
    check_checklist_text(text)


@given(st.one_of(trees(CHECKLIST_KEYS).flatmap(serialized), st.text(), hard_yaml))
@example(nested(2_000))
@example("[" * 2_000)
@example("a: &a [*a]")
@example(alias_bomb(9))
def test_any_text_as_a_checklist_is_refused_with_located_faults(text: str):
    check_checklist_text(text)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("files")


@given(
    content=st.one_of(
        st.binary(),
        st.sampled_from(CHECKLISTS).map(str.encode).flatmap(mutated_bytes),
    )
)
def test_checklist_file_of_any_bytes_loads_or_is_refused(folder: Path, content: bytes):
    path = folder / "iso10002-2018.yaml"
    path.write_bytes(content)
    try:
        load_checklist(path)
    except ChecklistError as error:
        try:
            text: str | None = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = None
        assert_located(error, str(path), text)


# --- the portable assessment file --------------------------------------------------------------


@given(mutated_files(ASSESSMENT_DATA))
def test_assessment_edited_data_loads_or_is_refused_with_located_faults(text: str):
    check_assessment_text(text)


@given(st.sampled_from(ASSESSMENTS).flatmap(mutated_text))
def test_assessment_edited_text_loads_or_is_refused_with_located_faults(text: str):
    check_assessment_text(text)


@given(st.one_of(trees(ASSESSMENT_KEYS).flatmap(serialized), st.text(), hard_yaml))
def test_any_text_as_an_assessment_is_refused_with_located_faults(text: str):
    check_assessment_text(text)


@given(
    st.one_of(
        st.binary(),
        st.sampled_from(ASSESSMENTS).map(str.encode).flatmap(mutated_bytes),
    )
)
def test_assessment_upload_of_any_bytes_loads_or_is_refused(content: bytes):
    check_assessment_bytes(content)
