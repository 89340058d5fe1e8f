"""Before and after: an assessment against its baseline."""

from __future__ import annotations

from fractions import Fraction

import pytest

from assessment.checklist.loader import checklist_from_text
from assessment.errors import InvalidChange
from assessment.portable.assessment_file import load_assessment_file
from assessment.scoring.comparison import Change, compare_scores
from assessment.scoring.engine import score_assessment
from assessment.services import assessments as A
from assessment.services import organizations as O
from assessment.services.comparisons import compare_with_baseline
from assessment.services.exchange import import_assessment
from assessment.services.responses import set_response
from assessment.workflow.response import Response
from tests.conftest import REPO, SMALL_CHECKLIST
from tests.people import ADMIN, admin

SMALL = checklist_from_text(SMALL_CHECKLIST, "small.yaml")
NA = Response(not_applicable="not here")


@pytest.mark.parametrize(
    ("before", "after", "change", "delta"),
    [
        (Response(1), Response(3), Change.IMPROVED, 2),
        (Response(4), Response(2), Change.DECLINED, -2),
        (Response(3), Response(3), Change.UNCHANGED, 0),
        (None, Response(2), Change.NEWLY_ASSESSED, None),
        (Response(2), None, Change.NO_LONGER_ASSESSED, None),
        (None, None, Change.UNCHANGED, None),
        (NA, Response(2), Change.NOT_COMPARABLE, None),
        (Response(2), NA, Change.NOT_COMPARABLE, None),
        (NA, NA, Change.UNCHANGED, None),
    ],
)
def test_each_kind_of_criterion_change(before, after, change, delta):
    def scored(response):
        return score_assessment(SMALL, {"4.1.a": response} if response else {}, [])

    result = compare_scores(scored(after), scored(before)).criteria[0]
    assert result.id == "4.1.a"
    assert result.change is change
    assert result.delta == delta


def test_clause_readiness_deltas_are_hand_checkable():
    # target 3 everywhere; 4.1 weights: 4.1.a 1, 4.1.b 2; section 7 weight 2
    baseline = score_assessment(SMALL, {"4.1.a": Response(3), "4.1.b": Response(0)}, [])
    current = score_assessment(
        SMALL, {"4.1.a": Response(3), "4.1.b": Response(3), "7.2.a": Response(0)}, []
    )
    comparison = compare_scores(current, baseline)
    clause = {c.ref: c for c in comparison.clauses}
    assert Fraction(clause["4.1"].before).limit_denominator(100) == Fraction(1, 3)
    assert clause["4.1"].after == 1
    assert Fraction(clause["4.1"].delta).limit_denominator(100) == Fraction(2, 3)
    # 7.2.a unanswered in the baseline: readiness 0 then and now, so no change
    assert clause["7.2"].before == 0
    assert clause["7.2"].delta == 0
    assert [c.id for c in comparison.changed()] == ["4.1.b", "7.2.a"]
    assert comparison.readiness_delta == pytest.approx(current.readiness - baseline.readiness)


def test_a_linked_baseline_is_compared_in_the_database(store):
    organization = O.create_organization(store, admin("maria"), "Acme Water")
    old = A.create_assessment(store, admin("maria"), organization.id, SMALL, "2025")
    new = A.create_assessment(store, admin("maria"), organization.id, SMALL, "2026")
    set_response(store, admin("maria"), old.id, "4.1.a", Response(1), expected_version=0)
    set_response(store, admin("maria"), new.id, "4.1.a", Response(3), expected_version=0)
    with pytest.raises(InvalidChange, match="has no baseline"):
        compare_with_baseline(store, ADMIN, new.id)
    A.set_baseline(store, admin("maria"), new.id, old.id, expected_version=new.version)
    current, baseline, comparison = compare_with_baseline(store, ADMIN, new.id)
    assert (current.record.id, baseline.record.id) == (new.id, old.id)
    assert comparison.criteria[0].change is Change.IMPROVED
    assert comparison.readiness_delta > 0


def test_a_baseline_of_another_organization_is_refused(store):
    acme = O.create_organization(store, admin("maria"), "Acme Water")
    other = O.create_organization(store, admin("maria"), "Other Water")
    mine = A.create_assessment(store, admin("maria"), acme.id, SMALL, "2026")
    theirs = A.create_assessment(store, admin("maria"), other.id, SMALL, "2026")
    with pytest.raises(InvalidChange, match="same organization"):
        compare_with_baseline(store, ADMIN, mine.id, theirs.id)


def test_an_older_edition_baseline_is_followed_through_the_mapping(store):
    old = import_assessment(
        store, admin("maria"), load_assessment_file(REPO / "examples" / "northwind-2014.yaml")
    )
    new = import_assessment(
        store, admin("maria"), load_assessment_file(REPO / "examples" / "northwind-2018.yaml")
    )
    _, _, comparison = compare_with_baseline(store, ADMIN, new.assessment.id, old.assessment.id)
    criteria = {c.id: c for c in comparison.criteria}
    # 2014's 4.2.a (score 3) is 2018's 4.4.a; 2014's 7.2.a (score 1) is 2018's 7.2.a (score 2)
    assert criteria["4.4.a"].before == 3
    assert criteria["7.2.a"].before == 1
    assert criteria["7.2.a"].change is Change.IMPROVED
    # 2014's clause 4.2 became 2018's 4.4; 2018's 4.2 is new, so it has no "before"
    clauses = {c.ref: c for c in comparison.clauses}
    assert clauses["4.4"].before is not None
    assert clauses["4.2"].before is None
