"""The scoring rules (docs/scoring.md, "Attainment and gap", "Readiness", "Findings"), checked
against results worked out by hand."""

from __future__ import annotations

import textwrap
from fractions import Fraction as F

import pytest

from assessment.checklist.loader import checklist_from_text
from assessment.errors import InvalidInput
from assessment.scoring.engine import score_assessment
from assessment.scoring.findings import Finding
from assessment.workflow.response import Response

# Section A (weight 1) has sub-clauses A.1 (weight 1: a1 weight 1, a2 weight 2) and A.2
# (weight 3: a3 with target 4). Section B (weight 3) has criteria of its own (b1, b2) and a
# sub-clause B.1 (b3, essential). Default scale 0-5, pass threshold 3, major gap 2.
TREE = checklist_from_text(
    textwrap.dedent(
        """\
        format: iso10002-checklist/1
        id: tree
        title: Tree
        standard: ISO 10002
        edition: "test"
        version: 1
        clauses:
          - ref: A
            title: Section A
            clauses:
              - ref: A.1
                title: A one
                criteria:
                  - {id: a1, question: q}
                  - {id: a2, question: q, weight: 2}
              - ref: A.2
                title: A two
                weight: 3
                criteria:
                  - {id: a3, question: q, target: 4}
          - ref: B
            title: Section B
            weight: 3
            criteria:
              - {id: b1, question: q}
              - {id: b2, question: q}
            clauses:
              - ref: B.1
                title: B one
                criteria:
                  - {id: b3, question: q, essential: true}
        """
    ),
    "tree.yaml",
)

NA = "not relevant here"


def responses(**given: int | str | None) -> dict[str, Response]:
    """a1=3 scores 3; a2="na" marks N/A; leaving a criterion out leaves it unanswered."""
    return {
        cid: Response(not_applicable=NA) if value == "na" else Response(score=value)
        for cid, value in given.items()
    }


# (case, responses, expected readiness of A.1, A.2, A, B.1, B, overall; completion)
READINESS_CASES = [
    (
        "all at target",
        responses(a1=3, a2=3, a3=4, b1=3, b2=3, b3=3),
        {"A.1": 1, "A.2": 1, "A": 1, "B.1": 1, "B": 1},
        1,
        1,
    ),
    (
        "mixed scores with weights",
        responses(a1=3, a2=0, a3=2, b1=5, b2=1, b3=3),
        # A.1 = (1*1 + 2*0)/3; A.2 = 2/4; A = (1*A.1 + 3*A.2)/4; B = (1 + 1/3 + B.1)/3; overall = (A + 3B)/4
        {"A.1": F(1, 3), "A.2": F(1, 2), "A": F(11, 24), "B.1": 1, "B": F(7, 9)},
        F(67, 96),
        1,
    ),
    (
        "above target is capped at full attainment",
        responses(a1=5, a2=5, a3=5, b1=5, b2=5, b3=5),
        {"A.1": 1, "A.2": 1, "A": 1, "B.1": 1, "B": 1},
        1,
        1,
    ),
    (
        "N/A leaves the mean",
        responses(a1=3, a2="na", a3=2, b1=3, b2=3, b3=3),
        {"A.1": 1, "A.2": F(1, 2), "A": F(5, 8), "B.1": 1, "B": 1},
        F(29, 32),
        1,
    ),
    (
        "all-N/A clause drops out of its parent",
        responses(a1=3, a2=0, a3="na", b1=3, b2=3, b3=3),
        {"A.1": F(1, 3), "A.2": None, "A": F(1, 3), "B.1": 1, "B": 1},
        F(5, 6),
        1,
    ),
    (
        "unanswered counts as zero",
        responses(a1=3, b1=3),
        {"A.1": F(1, 3), "A.2": 0, "A": F(1, 12), "B.1": 0, "B": F(1, 3)},
        F(13, 48),
        F(2, 6),
    ),
    ("nothing answered", responses(), {"A.1": 0, "A.2": 0, "A": 0, "B.1": 0, "B": 0}, 0, 0),
    (
        "section weight ignores question count",
        responses(a1=0, a2=0, a3=0, b1=3, b2=3, b3="na"),
        # B (two criteria) weighs 3, A (three criteria) weighs 1, whatever they hold
        {"A.1": 0, "A.2": 0, "A": 0, "B.1": None, "B": 1},
        F(3, 4),
        1,
    ),
    (
        "everything N/A",
        responses(a1="na", a2="na", a3="na", b1="na", b2="na", b3="na"),
        {"A.1": None, "A.2": None, "A": None, "B.1": None, "B": None},
        None,
        1,
    ),
]


@pytest.mark.parametrize(
    ("given", "clauses", "overall", "completion"),
    [c[1:] for c in READINESS_CASES],
    ids=[c[0] for c in READINESS_CASES],
)
def test_readiness_and_completion(given, clauses, overall, completion):
    result = score_assessment(TREE, given)
    for ref, expected in clauses.items():
        got = result.clause(ref).readiness
        assert got == (None if expected is None else pytest.approx(float(expected))), ref
    assert result.readiness == (None if overall is None else pytest.approx(float(overall)))
    assert result.overall.completion == pytest.approx(float(completion))


def test_clause_counts_and_mean_score():
    result = score_assessment(TREE, responses(a1=3, a2="na", a3=2, b1=5, b3=1))
    a, b = result.clause("A"), result.clause("B")
    assert (a.total, a.answered, a.applicable, a.mean_score) == (3, 3, 2, pytest.approx(2.5))
    assert (b.total, b.answered, b.applicable, b.mean_score) == (3, 2, 3, pytest.approx(3.0))
    assert [c.ref for c in result.clauses] == ["A", "A.1", "A.2", "B", "B.1"]
    assert [c.depth for c in result.clauses] == [0, 1, 1, 0, 1]


# (case, criterion, response, expected attainment, gap, finding)
CRITERION_CASES = [
    ("at target", "a1", Response(score=3), 1, 0, Finding.CONFORMING),
    ("one below: minor", "a1", Response(score=2), F(2, 3), 1, Finding.MINOR),
    ("two below: major", "a1", Response(score=1), F(1, 3), 2, Finding.MAJOR),
    ("zero: major", "a1", Response(score=0), 0, 3, Finding.MAJOR),
    ("above target", "a1", Response(score=5), 1, 0, Finding.CONFORMING),
    ("target 4, score 3: minor", "a3", Response(score=3), F(3, 4), 1, Finding.MINOR),
    ("target 4, score 2: major", "a3", Response(score=2), F(1, 2), 2, Finding.MAJOR),
    ("target 4, score 4", "a3", Response(score=4), 1, 0, Finding.CONFORMING),
    ("not assessed", "a1", None, 0, None, None),
    ("N/A", "a1", Response(not_applicable=NA), None, None, None),
    (
        "override to minor",
        "a1",
        Response(score=1, finding=Finding.MINOR, finding_reason="isolated lapse"),
        F(1, 3),
        2,
        Finding.MINOR,
    ),
    (
        "override to opportunity",
        "a1",
        Response(score=3, finding=Finding.OFI, finding_reason="could be faster"),
        1,
        0,
        Finding.OFI,
    ),
    (
        "override to major at target",
        "a1",
        Response(score=3, finding=Finding.MAJOR, finding_reason="records forged"),
        1,
        0,
        Finding.MAJOR,
    ),
    (
        "override to conforming",
        "a1",
        Response(score=2, finding=Finding.CONFORMING, finding_reason="fixed on the day"),
        F(2, 3),
        1,
        Finding.CONFORMING,
    ),
]


@pytest.mark.parametrize(
    ("cid", "response", "attainment", "gap", "finding"),
    [c[1:] for c in CRITERION_CASES],
    ids=[c[0] for c in CRITERION_CASES],
)
def test_criterion_attainment_gap_and_finding(cid, response, attainment, gap, finding):
    given = {cid: response} if response else {}
    result = score_assessment(TREE, given).criterion(cid)
    assert result.attainment == (None if attainment is None else pytest.approx(float(attainment)))
    assert result.gap == gap
    assert result.finding == finding
    assert result.finding_overridden == bool(response and response.finding)


def test_override_keeps_its_reason():
    given = {"a1": Response(score=1, finding=Finding.MINOR, finding_reason="isolated lapse")}
    assert score_assessment(TREE, given).criterion("a1").finding_reason == "isolated lapse"


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"score": 3, "not_applicable": NA}, "either scored or not applicable"),
        ({"not_applicable": "  "}, "needs a reason"),
        ({"score": 1, "finding": Finding.MINOR}, "override needs a reason"),
    ],
)
def test_response_refuses_contradictions(kwargs, problem):
    with pytest.raises(InvalidInput, match=problem):
        Response(**kwargs)
