"""A YAML syntax error names the line where the mistake is, in plain words.

PyYAML gives up where its parser got stuck, which for an unclosed quote or bracket can be
lines further down; each case below makes one common mistake in a valid file and checks that
the fault points at the mistake's own line and says what it is.
"""

from __future__ import annotations

import pytest

from assessment.checklist.loader import checklist_file_faults
from assessment.errors import AssessmentFileError
from assessment.files.sourcemap import load_text
from assessment.portable.assessment_file import load_assessment_text
from tests.conftest import REPO, SMALL_CHECKLIST, line_of

QUOTE = "a quoted value starts here and is never closed"
FURTHER = "this line is indented further than the line above it"
DOES_NOT_FIT = "the indentation of this line does not fit the lines above it"
TAB = "a tab is used for indentation here; YAML indents with spaces only"
NO_COLON = "this line has no ':' after its key"
COLON_IN_VALUE = "a ': ' inside a value; put the whole value in quotes"
AFTER_QUOTE = "the value goes on after its closing quote; put all of it inside the quotes"

# (case, text to replace, replacement, needle on the line the fault must name, message part)
CHECKLIST_CASES = [
    ("unclosed double quote", "title: Small test checklist", 'title: "unclosed', 'title: "unclosed', QUOTE),
    ("unclosed single quote", "question: Are they applied?", "question: 'Are they applied?", "'Are they applied?", QUOTE),
    ("unclosed quote at the end of the file", "target: 4", 'target: "4', 'target: "4', QUOTE),
    ("unclosed quote in a list", "evidence: [Policy]", 'evidence: ["Policy]', '["Policy]', QUOTE),
    ("key indented too far", "standard: ISO 10002", "  standard: ISO 10002", "  standard:", FURTHER),
    ("key indented too little", "        title: General", "       title: General", "title: General", DOES_NOT_FIT),
    ("list item indented too little", '          - id: "4.1.b"', '         - id: "4.1.b"', '- id: "4.1.b"', DOES_NOT_FIT),
    ("tab for indentation", "  pass_threshold: 3", "\tpass_threshold: 3", "pass_threshold", TAB),
    ("missing colon at the top", "version: 1", "version 1", "version 1", NO_COLON),
    ("missing colon nested", "major_gap: 2", "major_gap 2", "major_gap 2", NO_COLON),
    ("unclosed bracket", "evidence: [Policy]", "evidence: [Policy", "evidence: [Policy", "a '[' opens a list here and is never closed with ']'"),
    ("unclosed brace", "{value: 3, label: Done}", "{value: 3, label: Done", "label: Done", "a '{' opens a mapping here and is never closed with '}'"),
    ("colon inside a value", "title: General", "title: General: more", "title: General: more", COLON_IN_VALUE),
    ("text after the closing quote", 'edition: "2018"', 'edition: "2018" edition', 'edition: "2018"', AFTER_QUOTE),
    ("apostrophe inside single quotes", "question: Are they applied?", "question: 'Aren't they applied?'", "Aren't", "write an apostrophe as ''"),
    ("a second document", "version: 1\n", "version: 1\n---\n", "---", "a second YAML document starts here"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [c[1:] for c in CHECKLIST_CASES],
    ids=[c[0] for c in CHECKLIST_CASES],
)
def test_a_checklist_syntax_fault_names_the_line_of_the_mistake(
    write_file, old, new, needle, message
):
    assert old in SMALL_CHECKLIST, "the case must change the base text"
    text = SMALL_CHECKLIST.replace(old, new, 1)
    path = write_file("small.yaml", text)
    faults = checklist_file_faults(path)
    assert len(faults) == 1, [str(f) for f in faults]
    fault = faults[0]
    assert fault.message.startswith("YAML syntax error: ")
    assert message in fault.message
    assert fault.line == line_of(text, needle), str(fault)
    assert "<" not in fault.message  # none of the parser's words: <block end>, <scalar>
    assert "while parsing" not in fault.message


def test_the_unclosed_quote_of_the_report_is_named_on_its_own_line_and_column(write_file):
    text = SMALL_CHECKLIST.replace("title: Small test checklist", 'title: "unclosed')
    assert text.splitlines()[2] == 'title: "unclosed'
    path = write_file("small.yaml", text)
    assert [str(f) for f in checklist_file_faults(path)] == [
        f"{path}:3:8: YAML syntax error: {QUOTE}"
    ]


NORTHWIND = (REPO / "examples" / "northwind-2018.yaml").read_text(encoding="utf-8")

PORTABLE_CASES = [
    ("unclosed quote", "notes: Draft policy not yet approved}", 'notes: "Draft policy not yet approved}', "Draft policy", QUOTE),
    ("tab for indentation", '  "4.2.a"', '\t"4.2.a"', '"4.2.a"', TAB),
    ("missing colon", "scope: Residential", "scope Residential", "scope Residential", NO_COLON),
    ("impossible date", "due: 2026-12-15", "due: 2026-02-30", "2026-02-30", "'2026-02-30' is not a date on the calendar"),
    ("unclosed bracket", 'criteria: ["5.3.a"]', 'criteria: ["5.3.a"', '["5.3.a"', "a '[' opens a list here"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [c[1:] for c in PORTABLE_CASES],
    ids=[c[0] for c in PORTABLE_CASES],
)
def test_a_portable_file_gets_the_same_plain_words(old, new, needle, message):
    assert old in NORTHWIND, "the case must change the base text"
    text = NORTHWIND.replace(old, new, 1)
    with pytest.raises(AssessmentFileError) as refused:
        load_assessment_text(text, "northwind.yaml")
    faults = refused.value.faults
    assert len(faults) == 1, [str(f) for f in faults]
    assert message in faults[0].message
    assert faults[0].line == line_of(text, needle), str(faults[0])


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("a: 1\nb: 2026-13-01\n", 2, 4, "'2026-13-01' is not a date on the calendar"),
        ("2026-02-30: x\n", 1, 1, "'2026-02-30' is not a date on the calendar"),
        ("a: !important x\n", 1, 4, "YAML reads a value starting with '!' as a type tag"),
        ("a: *x\n", 1, 4, "YAML reads a value starting with '*' as a reference"),
        ("a: @x\n", 1, 4, "a value cannot start with '@' in YAML"),
        ('a: "C:\\x"\n', 1, 9, "a backslash inside double quotes starts an escape"),
    ],
)
def test_values_yaml_cannot_read_are_faults_on_their_line_never_exceptions(
    text, line, column, message
):
    faults = load_text(text, "f.yaml").faults
    assert [(f.line, f.column) for f in faults] == [(line, column)]
    assert message in faults[0].message


def test_a_quoted_value_over_several_lines_on_purpose_is_not_called_unclosed():
    text = 'a:\n  b: "one\n    two"\n  c: d: e\n'
    faults = load_text(text, "f.yaml").faults
    assert [(f.line, f.message) for f in faults] == [(4, f"YAML syntax error: {COLON_IN_VALUE}")]


def test_a_mistake_no_rule_knows_keeps_the_parsers_words_and_line():
    faults = load_text("a: 1\n...\nb: 2\n", "f.yaml").faults
    assert [(f.line, f.column) for f in faults] == [(3, 1)]
    assert faults[0].message.startswith("YAML syntax error: expected '<document start>'")
