"""Every kind of checklist fault is reported with its file, line and a plain message."""

from __future__ import annotations

import pytest

from assessment.checklist.loader import checklist_file_faults, load_checklist
from tests.conftest import SMALL_CHECKLIST, line_of

# (case, text to replace, replacement, needle for the expected line, occurrence, message part)
CASES = [
    (
        "yaml syntax",
        "title: General",
        "title: General: more",
        "title: General: more",
        1,
        "YAML syntax error: a ': ' inside a value; put the whole value in quotes",
    ),
    (
        "yaml unclosed bracket",
        "title: General",
        "title: [General",
        "title: [General",
        1,
        "YAML syntax error: a '[' opens a list here and is never closed with ']'",
    ),
    (
        "unknown key with suggestion",
        "weight: 2\n",
        "wieght: 2\n",
        "wieght",
        1,
        "criterion 4.1.b: unknown key 'wieght'; did you mean 'weight'?",
    ),
    (
        "unknown top-level key",
        "version: 1\n",
        "version: 1\nauthor: me\n",
        "author: me",
        1,
        "unknown key 'author'",
    ),
    (
        "wrong type",
        "weight: 2\n",
        "weight: heavy\n",
        "weight: heavy",
        1,
        "criterion 4.1.b: 'weight' must be a number (got 'heavy')",
    ),
    ("unquoted ref", 'ref: "7.2"', "ref: 7.2", "ref: 7.2", 1, "'ref' must be text in quotes"),
    (
        "bool expected",
        "essential: true",
        "essential: often",
        "essential: often",
        1,
        "'essential' must be true or false",
    ),
    (
        "missing required key",
        "\n            question: Are they applied?",
        "",
        'id: "4.1.b"',
        1,
        "criterion 4.1.b: missing required key 'question'",
    ),
    (
        "missing top-level key",
        "title: Small test checklist\n",
        "",
        "format:",
        1,
        "missing required key 'title'",
    ),
    (
        "duplicate criterion id",
        'id: "7.2.a"',
        'id: "4.1.a"',
        'id: "4.1.a"',
        2,
        "criterion id '4.1.a' is used twice (first on line 25)",
    ),
    (
        "duplicate clause ref",
        'ref: "7.2"',
        'ref: "4.1"',
        'ref: "4.1"',
        2,
        "clause ref '4.1' is used twice (first on line 22)",
    ),
    (
        "zero weight",
        "weight: 2\n",
        "weight: 0\n",
        "weight: 0",
        1,
        "criterion 4.1.b: 'weight' must be greater than 0 (got 0)",
    ),
    (
        "negative clause weight",
        "    weight: 2\n    clauses",
        "    weight: -1\n    clauses",
        "weight: -1",
        1,
        "clause 7: 'weight' must be greater than 0 (got -1)",
    ),
    (
        "target above scale",
        "target: 4",
        "target: 6",
        "target: 6",
        1,
        "criterion 7.2.a: target 6 is outside the scale (1 to 5)",
    ),
    (
        "target zero",
        "target: 4",
        "target: 0",
        "target: 0",
        1,
        "criterion 7.2.a: target 0 is outside the scale (1 to 5)",
    ),
    (
        "empty clause",
        '    criteria:\n          - id: "7.2.a"\n            question: Is every complaint recorded?\n            essential: true\n            target: 4\n',
        "\n",
        'ref: "7.2"',
        1,
        "clause 7.2 has neither criteria nor sub-clauses",
    ),
    (
        "duplicated scale level",
        "{value: 2, label: Partly}",
        "{value: 1, label: Partly}",
        "{value: 1, label: Partly}",
        1,
        "scale: level 1 is given twice (first on line 10)",
    ),
    (
        "non-contiguous scale",
        "{value: 2, label: Partly}",
        "{value: 7, label: Partly}",
        "levels:",
        1,
        "scale: levels must be whole numbers with no gaps; 2, 6 missing",
    ),
    (
        "scale not starting at 0",
        "{value: 0, label: None}",
        "{value: 6, label: None}",
        "levels:",
        1,
        "scale: levels must start at 0",
    ),
    (
        "pass threshold outside scale",
        "pass_threshold: 3",
        "pass_threshold: 8",
        "pass_threshold: 8",
        1,
        "scale: pass_threshold 8 is outside the scale (1 to 5)",
    ),
    (
        "ready below conditional",
        "ready_at: 0.90",
        "ready_at: 0.60",
        "ready_at: 0.60",
        1,
        "readiness: ready_at (0.6) is below conditional_at (0.75)",
    ),
    (
        "duplicate yaml key",
        "version: 1\n",
        "version: 1\nversion: 2\n",
        "version: 2",
        1,
        "duplicate key 'version' (first given on line 6)",
    ),
    (
        "wrong format",
        "format: iso10002-checklist/1",
        "format: iso10002-assessment/1",
        "format:",
        1,
        "this is not a checklist",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "needle", "occurrence", "message"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_fault_names_file_line_and_problem(write_file, old, new, needle, occurrence, message):
    assert old in SMALL_CHECKLIST, "the case must change the base text"
    text = SMALL_CHECKLIST.replace(old, new, 1)
    path = write_file("small.yaml", text)
    faults = checklist_file_faults(path)
    expected_line = line_of(text, needle, occurrence)
    matching = [f for f in faults if message in f.message]
    assert matching, f"no fault says {message!r}; got {[str(f) for f in faults]}"
    assert matching[0].file == str(path)
    assert matching[0].line == expected_line
    assert str(matching[0]).startswith(f"{path}:{expected_line}:")


def test_base_checklist_is_valid(write_file):
    assert checklist_file_faults(write_file("small.yaml", SMALL_CHECKLIST)) == []


def test_file_name_must_match_id(write_file):
    path = write_file("other-name.yaml", SMALL_CHECKLIST)
    faults = checklist_file_faults(path)
    assert [str(f) for f in faults] == [
        f"{path}:{line_of(SMALL_CHECKLIST, 'id: small')}:5: the file is named 'other-name' but its id is 'small'; rename the file to 'small.yaml' or change the id"
    ]


def test_every_fault_is_reported_in_one_pass(write_file):
    text = (
        SMALL_CHECKLIST.replace("weight: 2\n", "wieght: 2\n")
        .replace('id: "7.2.a"', 'id: "4.1.a"')
        .replace("target: 4", "target: 9")
        .replace("pass_threshold: 3", "pass_threshold: 0")
        .replace("version: 1", "version: one")
    )
    faults = checklist_file_faults(write_file("small.yaml", text))
    messages = " | ".join(f.message for f in faults)
    for part in [
        "unknown key 'wieght'",
        "used twice",
        "target 9",
        "pass_threshold 0",
        "'version' must be a whole number",
    ]:
        assert part in messages
    assert [f.line for f in faults] == sorted(f.line for f in faults), "faults come in file order"


def test_empty_and_non_mapping_files(write_file):
    assert "the file is empty" in str(checklist_file_faults(write_file("small.yaml", "")))
    faults = checklist_file_faults(write_file("small.yaml", "- just\n- a list\n"))
    assert "a checklist must be a mapping" in faults[0].message


def test_not_utf8(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_bytes(b"title: caf\xe9\n")
    assert "not UTF-8" in checklist_file_faults(path)[0].message


def test_missing_file_is_a_fault_not_an_exception(tmp_path):
    faults = checklist_file_faults(tmp_path / "nowhere.yaml")
    assert "cannot read the file" in faults[0].message


def test_defaults_apply_when_scale_and_readiness_are_left_out(write_file):
    start, end = SMALL_CHECKLIST.index("scale:"), SMALL_CHECKLIST.index("clauses:")
    text = SMALL_CHECKLIST[:start] + SMALL_CHECKLIST[end:]
    checklist = load_checklist(write_file("small.yaml", text))
    assert checklist.scale.values == [0, 1, 2, 3, 4, 5]
    assert checklist.scale.label(3) == "Implemented and documented"
    assert (checklist.readiness.ready_at, checklist.readiness.conditional_at) == (0.90, 0.75)


def test_content_hash_ignores_comments_and_layout_but_not_content(write_file):
    first = load_checklist(write_file("a/small.yaml", SMALL_CHECKLIST))
    reformatted = "# a comment\n" + SMALL_CHECKLIST.replace(
        "readiness: {ready_at: 0.90, conditional_at: 0.75}",
        "readiness:\n  ready_at: 0.9\n  conditional_at: 0.75",
    )
    second = load_checklist(write_file("b/small.yaml", reformatted))
    changed = load_checklist(
        write_file(
            "c/small.yaml",
            SMALL_CHECKLIST.replace("Are they applied?", "Are they applied everywhere?"),
        )
    )
    assert first.content_hash == second.content_hash
    assert first.content_hash != changed.content_hash
