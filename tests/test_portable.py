"""Portable assessment files: read, checked against their checklist, written back."""

from __future__ import annotations

import json
import textwrap

import pytest

from assessment.errors import AssessmentFileError
from assessment.portable.assessment_file import (
    dump_assessment,
    load_assessment_file,
    load_assessment_text,
)
from assessment.scoring.findings import Finding
from tests.conftest import SMALL_CHECKLIST, line_of

VALID = textwrap.dedent(
    """\
    format: iso10002-assessment/1
    checklist: small
    organization: {name: Acme Water}
    title: Gap analysis 2026
    scope: Retail customers
    team: [Ana Kowalska, Tomás Ruiz]
    responses:
      "4.1.a": {score: 3, notes: Policy approved in May}
      "4.1.b": {not_applicable: "principles are applied by our parent company"}
      "7.2.a": {score: 1, finding: minor, finding_reason: one channel only}
    actions:
      - {id: A1, criteria: ["7.2.a"], title: Log phone complaints, owner: Ana, due: 2027-01-31, status: in_progress}
    """
)


@pytest.fixture
def folder(write_file):
    write_file("small.yaml", SMALL_CHECKLIST)
    return write_file


def test_valid_file_loads_with_its_checklist_from_the_same_folder(folder):
    loaded = load_assessment_file(folder("acme.yaml", VALID))
    assert loaded.checklist.id == "small"
    a = loaded.assessment
    assert a.organization.name == "Acme Water"
    assert a.responses["7.2.a"].finding is Finding.MINOR
    assert a.scoring_responses()["4.1.b"].is_not_applicable
    assert a.action_links()[0].criteria == ("7.2.a",)


# (case, replace, with, needle of the expected line, message part)
FAULTS = [
    (
        "unknown criterion",
        '"4.1.a": {score: 3',
        '"9.9.z": {score: 3',
        '"9.9.z"',
        "response 9.9.z: no criterion '9.9.z' in checklist small",
    ),
    (
        "score off the scale",
        "{score: 3, notes",
        "{score: 7, notes",
        "score: 7",
        "response 4.1.a: score 7 is outside the scale (0 to 5)",
    ),
    (
        "score and N/A together",
        '{not_applicable: "principles',
        '{score: 2, not_applicable: "principles',
        "score: 2, not_applicable",
        "response 4.1.b: give either a score or not_applicable, not both",
    ),
    (
        "N/A without reason",
        '{not_applicable: "principles are applied by our parent company"}',
        '{not_applicable: ""}',
        'not_applicable: ""',
        "response 4.1.b: not applicable needs a reason",
    ),
    (
        "override without reason",
        "finding: minor, finding_reason: one channel only",
        "finding: minor",
        "finding: minor",
        "response 7.2.a: a finding set by hand needs a finding_reason",
    ),
    (
        "unknown finding class",
        "finding: minor,",
        "finding: tiny,",
        "finding: tiny",
        "response 7.2.a: 'finding' must be 'major', 'minor', 'ofi' or 'conforming'",
    ),
    (
        "action on unknown criterion",
        'criteria: ["7.2.a"]',
        'criteria: ["7.2.x"]',
        '"7.2.x"',
        "action A1: no criterion '7.2.x' in checklist small",
    ),
    (
        "bad date",
        "due: 2027-01-31",
        "due: end of January",
        "due: end",
        "action A1: 'due' must be a date written YYYY-MM-DD",
    ),
    (
        "unknown action status",
        "status: in_progress",
        "status: nearly",
        "status: nearly",
        "action A1: 'status' must be",
    ),
    (
        "unknown key",
        "scope: Retail customers",
        "scoop: Retail customers",
        "scoop",
        "unknown key 'scoop'; did you mean 'scope'?",
    ),
    (
        "unknown checklist",
        "checklist: small",
        "checklist: nosuch",
        "checklist: nosuch",
        "checklist: no checklist with id 'nosuch'",
    ),
    (
        "not an assessment",
        "format: iso10002-assessment/1",
        "format: iso10002-checklist/1",
        "format:",
        "this is not an assessment file",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"), [c[1:] for c in FAULTS], ids=[c[0] for c in FAULTS]
)
def test_faults_name_the_line(folder, old, new, needle, message):
    assert old in VALID
    text = VALID.replace(old, new, 1)
    path = folder("acme.yaml", text)
    with pytest.raises(AssessmentFileError) as caught:
        load_assessment_file(path)
    found = [f for f in caught.value.faults if message in f.message]
    assert found, [str(f) for f in caught.value.faults]
    assert (found[0].file, found[0].line) == (str(path), line_of(text, needle))


def test_embedded_checklist_faults_point_into_the_embedded_part(folder):
    embedded = textwrap.indent(SMALL_CHECKLIST.replace("target: 4", "target: 9"), "  ")
    text = VALID.replace("checklist: small\n", "checklist:\n" + embedded)
    path = folder("acme.yaml", text)
    with pytest.raises(AssessmentFileError) as caught:
        load_assessment_file(path)
    assert [(f.line, f.message) for f in caught.value.faults] == [
        (line_of(text, "target: 9"), "criterion 7.2.a: target 9 is outside the scale (1 to 5)")
    ]


def test_embedded_checklist_is_used(folder):
    embedded = textwrap.indent(SMALL_CHECKLIST.replace("Small test checklist", "Embedded"), "  ")
    text = VALID.replace("checklist: small\n", "checklist:\n" + embedded)
    assert load_assessment_file(folder("acme.yaml", text)).checklist.title == "Embedded"


def test_json_file_is_read_and_faults_have_lines(folder):
    data = {
        "format": "iso10002-assessment/1",
        "checklist": "small",
        "organization": {"name": "Acme"},
        "title": "JSON",
        "responses": {"4.1.a": {"score": 3}, "7.2.a": {"score": 11}},
    }
    text = json.dumps(data, indent=2)
    path = folder("acme.json", text)
    with pytest.raises(AssessmentFileError) as caught:
        load_assessment_file(path)
    assert [f.line for f in caught.value.faults] == [line_of(text, '"score": 11')]


def test_round_trip_through_yaml_and_json(folder, tmp_path):
    loaded = load_assessment_file(folder("acme.yaml", VALID))
    checklist_path = tmp_path / "small.yaml"
    for as_json in (False, True):
        text = dump_assessment(loaded.assessment, as_json=as_json)
        again = load_assessment_text(text, "again", checklist_path=checklist_path)
        assert again.assessment == loaded.assessment


NOT_AN_ID = "is not a checklist id; a file names an installed checklist by its id"


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("{checklist}", NOT_AN_ID),  # the absolute path of a valid checklist file
        ("../folder/small.yaml", NOT_AN_ID),
        ("/dev/zero", NOT_AN_ID),  # used to hang the upload
        ("C:\\\\checklists\\\\small", NOT_AN_ID),
        # Once read from the working folder; now an id that no checklist folder has.
        ("small.yaml", "no checklist with id 'small.yaml'"),
    ],
)
def test_a_file_names_its_checklist_by_id_never_by_path(folder, reference, message, monkeypatch):
    """A portable file comes from elsewhere: what it names must stay inside the checklist folders."""
    checklist = folder("small.yaml", SMALL_CHECKLIST)
    monkeypatch.chdir(checklist.parent)
    value = reference.format(checklist=checklist)
    text = VALID.replace("checklist: small", f"checklist: '{value}'")
    for load in (
        lambda: load_assessment_text(text, "upload.yaml"),
        lambda: load_assessment_file(folder("sub/acme.yaml", text)),
    ):
        with pytest.raises(AssessmentFileError) as caught:
            load()
        (fault,) = caught.value.faults
        assert fault.line == line_of(text, "checklist:")
        assert message in fault.message


def test_an_installed_checklist_is_found_by_id_from_an_upload():
    text = VALID.replace("checklist: small", "checklist: iso10002-2018").split("responses:")[0]
    assert load_assessment_text(text, "upload.yaml").checklist.id == "iso10002-2018"
