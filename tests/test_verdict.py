"""The verdict (ready / conditional / not ready) and the reasons that hold it back."""

from __future__ import annotations

import textwrap

import pytest

from assessment.checklist.loader import checklist_from_text
from assessment.scoring.engine import score_assessment
from assessment.scoring.findings import Finding
from assessment.scoring.verdict import ReasonKind, Verdict
from assessment.workflow.corrective_action import ActionLink, ActionStatus
from assessment.workflow.response import Response

# Ten equal criteria c0..c9 in one clause, target 3; c9 is essential.
criteria = "\n".join(
    f"      - {{id: c{i}, question: q{', essential: true' if i == 9 else ''}}}" for i in range(10)
)
TEN = checklist_from_text(
    textwrap.dedent(
        """\
        format: iso10002-checklist/1
        id: ten
        title: Ten
        standard: ISO 10002
        edition: "test"
        version: 1
        clauses:
          - ref: "1"
            title: Only
            criteria:
        """
    )
    + criteria
    + "\n",
    "ten.yaml",
)


def scores(*changes: tuple[str, int | None], default: int = 3) -> dict[str, Response]:
    """Every criterion at `default`, except the (id, score) changes; None leaves it unanswered."""
    given: dict[str, Response] = {f"c{i}": Response(score=default) for i in range(10)}
    for cid, value in changes:
        if value is None:
            del given[cid]
        else:
            given[cid] = Response(score=value)
    return given


def action(status: ActionStatus, *criteria: str, aid: str = "A1") -> ActionLink:
    return ActionLink(aid, criteria, status)


OPEN, DONE, VERIFIED = ActionStatus.OPEN, ActionStatus.DONE, ActionStatus.VERIFIED

# (case, responses, actions, verdict, reason kinds in order, readiness)
CASES = [
    ("everything at target", scores(), [], Verdict.READY, [], 1),
    (
        "minor without action",
        scores(("c0", 2)),
        [],
        Verdict.CONDITIONAL,
        [ReasonKind.NONCONFORMITY_WITHOUT_ACTION],
        29 / 30,
    ),
    (
        "minor with an open action is fine",
        scores(("c0", 2)),
        [action(OPEN, "c0")],
        Verdict.READY,
        [],
        29 / 30,
    ),
    (
        "major without action",
        scores(("c0", 1)),
        [],
        Verdict.NOT_READY,
        [ReasonKind.NONCONFORMITY_WITHOUT_ACTION],
        28 / 30,
    ),
    (
        "major with an action not verified",
        scores(("c0", 1)),
        [action(DONE, "c0")],
        Verdict.NOT_READY,
        [ReasonKind.MAJOR_ACTION_NOT_VERIFIED],
        28 / 30,
    ),
    (
        "major with a verified action",
        scores(("c0", 1)),
        [action(VERIFIED, "c0")],
        Verdict.READY,
        [],
        28 / 30,
    ),
    (
        "essential below target",
        scores(("c9", 2)),
        [action(OPEN, "c9")],
        Verdict.CONDITIONAL,
        [ReasonKind.ESSENTIAL_BELOW_TARGET],
        29 / 30,
    ),
    (
        "readiness exactly at ready_at",
        scores(("c0", 2), ("c1", 2), ("c2", 2)),
        [action(OPEN, "c0", "c1", "c2")],
        Verdict.READY,
        [],
        0.9,
    ),
    (
        "readiness between the bars",
        scores(*[(f"c{i}", 2) for i in range(4)]),
        [action(OPEN, "c0", "c1", "c2", "c3")],
        Verdict.CONDITIONAL,
        [ReasonKind.READINESS_BELOW_READY],
        26 / 30,
    ),
    (
        "readiness below conditional",
        scores(default=2),
        [action(OPEN, *[f"c{i}" for i in range(10)])],
        Verdict.NOT_READY,
        [ReasonKind.READINESS_BELOW_CONDITIONAL, ReasonKind.ESSENTIAL_BELOW_TARGET],
        2 / 3,
    ),
    ("incomplete", scores(("c0", None)), [], Verdict.CONDITIONAL, [ReasonKind.INCOMPLETE], 0.9),
    (
        "incomplete and low",
        scores(*[(f"c{i}", None) for i in range(3)]),
        [],
        Verdict.NOT_READY,
        [ReasonKind.INCOMPLETE, ReasonKind.READINESS_BELOW_CONDITIONAL],
        0.7,
    ),
]


@pytest.mark.parametrize(
    ("given", "actions", "verdict", "kinds", "readiness"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_verdict_and_reasons(given, actions, verdict, kinds, readiness):
    overall = score_assessment(TEN, given, actions).overall
    assert overall.readiness == pytest.approx(readiness)
    assert overall.verdict is verdict
    assert [r.kind for r in overall.reasons] == kinds


def test_override_to_opportunity_needs_no_action():
    given = scores(("c0", 1))
    given["c0"] = Response(score=1, finding=Finding.OFI, finding_reason="a one-off slip, fixed")
    assert score_assessment(TEN, given).overall.verdict is Verdict.READY


def test_override_to_major_blocks_even_at_target():
    given = scores()
    given["c3"] = Response(score=3, finding=Finding.MAJOR, finding_reason="register back-filled")
    overall = score_assessment(TEN, given).overall
    assert overall.verdict is Verdict.NOT_READY
    assert overall.reasons[0].criteria == ("c3",)
    assert overall.reasons[0].message == "Major nonconformity on c3 has no corrective action"


def test_reasons_name_the_criteria_and_numbers():
    given = scores(("c9", 1), ("c4", None))
    reasons = score_assessment(
        TEN, given, [action(ActionStatus.IN_PROGRESS, "c9", aid="A7")]
    ).overall.reasons
    messages = [r.message for r in reasons]
    assert messages == [
        "1 of 10 criteria is not yet assessed: c4",
        "Overall readiness 83.3% is below the 90.0% needed for ready",
        "Essential criterion c9 scores 1, below its target of 3",
        "Action A7 on the major nonconformity c9 is in progress, not yet verified",
    ]


def test_everything_not_applicable_is_not_ready():
    given = {f"c{i}": Response(not_applicable="outsourced") for i in range(10)}
    overall = score_assessment(TEN, given).overall
    assert overall.readiness is None
    assert overall.verdict is Verdict.NOT_READY
    assert [r.kind for r in overall.reasons] == [ReasonKind.NOTHING_APPLICABLE]


@pytest.mark.parametrize(
    ("supported", "verdict", "unsupported"),
    [
        (None, Verdict.READY, None),  # evidence not considered (a bare scoring run)
        ({f"c{i}" for i in range(10)}, Verdict.READY, None),
        ({f"c{i}" for i in range(8)}, Verdict.CONDITIONAL, ("c8", "c9")),
        (set(), Verdict.CONDITIONAL, tuple(f"c{i}" for i in range(10))),
    ],
)
def test_a_score_at_target_without_a_record_is_unsupported(supported, verdict, unsupported):
    overall = score_assessment(TEN, scores(), supported=supported).overall
    assert overall.verdict is verdict
    found = [r for r in overall.reasons if r.kind is ReasonKind.UNSUPPORTED_SCORE]
    if unsupported is None:
        assert found == []
    else:
        (reason,) = found
        assert reason.criteria == unsupported
        assert reason.message.startswith(f"{len(unsupported)} scores at or above target have no")


@pytest.mark.parametrize(
    ("supported", "message"),
    [
        (9, "1 score at or above target has no approved, current record to show it: c9"),
        (8, "2 scores at or above target have no approved, current record to show them: c8, c9"),
    ],
)
def test_the_unsupported_reason_agrees_with_its_count(supported, message):
    records = {f"c{i}" for i in range(supported)}
    reasons = score_assessment(TEN, scores(), supported=records).overall.reasons
    assert [r.message for r in reasons if r.kind is ReasonKind.UNSUPPORTED_SCORE] == [message]


@pytest.mark.parametrize(
    ("answered", "message"),
    [(9, "1 of 10 criteria is not yet assessed: c9"), (8, "2 of 10 criteria are not yet assessed")],
)
def test_the_incomplete_reason_agrees_with_its_count(answered, message):
    given = scores(*((f"c{i}", None) for i in range(answered, 10)))
    (reason,) = [
        r for r in score_assessment(TEN, given).overall.reasons if r.kind is ReasonKind.INCOMPLETE
    ]
    assert reason.message.startswith(message)


def test_a_score_below_target_needs_no_record_to_be_unsupported():
    overall = score_assessment(TEN, scores(("c0", 1)), supported={"c1"}).overall
    (reason,) = [r for r in overall.reasons if r.kind is ReasonKind.UNSUPPORTED_SCORE]
    assert "c0" not in reason.criteria
    assert "c1" not in reason.criteria
