"""How a clause's answering state and its chart label are worked out, for every chart and table.

The scoring rules stay as they are (an unanswered criterion counts as 0); these helpers only
tell a reader "not assessed" apart from "scored 0", and give each clause one short label.
"""

from __future__ import annotations

import pytest

from assessment.checklist.loader import checklist_from_text, find_checklist
from assessment.scoring.engine import score_assessment
from assessment.scoring.labels import SHORT_TITLE, clause_label, short_title
from assessment.scoring.numbers import percent
from assessment.scoring.progress import AnswerState, Progress, readiness_text
from assessment.workflow.response import Response
from tests.conftest import SMALL_CHECKLIST

SMALL = checklist_from_text(SMALL_CHECKLIST, "small.yaml")


@pytest.mark.parametrize(
    ("answered", "applicable", "total", "state", "label"),
    [
        (0, 3, 3, AnswerState.NOT_ASSESSED, "not assessed"),
        (2, 5, 5, AnswerState.PARTLY, "partly answered: 2 of 5 answered"),
        (1, 2, 3, AnswerState.PARTLY, "partly answered: 1 of 3 answered"),  # one N/A, none scored
        (4, 4, 4, AnswerState.COMPLETE, "4 of 4 answered"),
        (3, 0, 3, AnswerState.NOT_APPLICABLE, "not applicable"),
    ],
)
def test_progress_states_and_their_words(
    answered: int, applicable: int, total: int, state: AnswerState, label: str
) -> None:
    progress = Progress(answered, applicable, total)
    assert progress.state is state
    assert progress.label == label
    assert progress.not_assessed is (state is AnswerState.NOT_ASSESSED)


def test_a_clause_nobody_answered_reads_not_assessed_though_it_scores_0() -> None:
    score = score_assessment(SMALL, {"4.1.a": Response(score=0), "4.1.b": Response(score=0)})
    scored_zero, untouched = score.clause("4.1"), score.clause("7.2")
    # The scoring is unchanged: both clauses have readiness 0 ...
    assert scored_zero.readiness == 0
    assert untouched.readiness == 0
    # ... but only the one answered shows it.
    assert scored_zero.progress.state is AnswerState.COMPLETE
    assert untouched.progress.state is AnswerState.NOT_ASSESSED
    assert readiness_text(scored_zero.readiness, scored_zero.progress) == percent(0.0)
    assert readiness_text(untouched.readiness, untouched.progress) == "not assessed"
    assert score.progress.label == "partly answered: 2 of 3 answered"


def test_partly_answered_parents_and_a_fresh_assessment() -> None:
    score = score_assessment(SMALL, {"4.1.a": Response(score=3)})
    assert score.clause("4").progress.label == "partly answered: 1 of 2 answered"
    assert score.clause("4.1").progress.state is AnswerState.PARTLY
    fresh = score_assessment(SMALL, {})
    assert fresh.progress.not_assessed
    assert all(c.progress.not_assessed for c in fresh.clauses)


def test_clause_labels_keep_the_ref_whole_so_4_1_and_4_10_differ() -> None:
    assert clause_label("4.1", "General") == "4.1 General"
    assert clause_label("4.10", "Confidentiality") == "4.10 Confidentiality"
    checklist = find_checklist("iso10002-2018")
    refs = [entry.clause.ref for entry in checklist.walk()]
    labels = [clause_label(e.clause.ref, e.clause.title) for e in checklist.walk()]
    assert len(set(labels)) == len(labels)
    assert [label.split(" ")[0] for label in labels] == refs


def test_long_titles_are_cut_at_a_word_not_on_a_linking_word() -> None:
    title = "Satisfaction with the complaints-handling process"
    assert short_title(title) == "Satisfaction…"
    assert short_title("Other managers involved in the complaints-handling process") == (
        "Other managers involved…"
    )
    assert short_title("Operation of complaints-handling process") == (
        "Operation of complaints-handling…"
    )
    assert short_title("  General  ") == "General"
    assert short_title("x" * 50, 10) == "x" * 9 + "…"
    for entry in find_checklist("iso10002-2018").walk():
        shown = short_title(entry.clause.title)
        assert len(shown) <= SHORT_TITLE
        assert entry.clause.title.startswith(shown.rstrip("…"))
        assert shown.rstrip("…").split()[-1].lower() not in {"of", "the", "and", "in", "with"}
