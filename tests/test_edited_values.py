"""Edits whose values are of the wrong kind are refused with a reason and change nothing.

The services take an edit's values as the caller gives them; a date that is not a date, or a
team or list of criteria that is not a list, is a refusal the person is told about, never a
crash deep in the database or a team of single letters.
"""

from __future__ import annotations

from datetime import date

import pytest

from assessment.checklist.loader import checklist_from_text
from assessment.errors import InvalidChange
from assessment.services import actions as X
from assessment.services import assessments as A
from assessment.services import organizations as O
from tests.conftest import SMALL_CHECKLIST
from tests.people import admin

SMALL = checklist_from_text(SMALL_CHECKLIST, "small.yaml")
MARIA = admin("maria")


@pytest.fixture
def assessment(store):
    organization = O.create_organization(store, MARIA, "Acme Water")
    return A.create_assessment(
        store, MARIA, organization.id, SMALL, "Gap analysis", team=["Ana", "Ben"]
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start_date": "2026-03-01"}, "the start date must be a date"),
        ({"end_date": 20260301}, "the end date must be a date"),
        ({"team": "Ana, Ben"}, "a team must be a list of names"),
        ({"team": 3}, "a team must be a list of names"),
    ],
)
def test_an_assessment_edit_of_the_wrong_kind_is_refused(store, assessment, changes, message):
    with pytest.raises(InvalidChange, match=message):
        A.edit_assessment(store, MARIA, assessment.id, expected_version=1, **changes)
    record = A.get_assessment(store, MARIA, assessment.id)
    assert (record.start_date, record.end_date, record.team, record.version) == (
        None,
        None,
        ("Ana", "Ben"),
        1,
    )


def test_an_assessment_edit_with_real_dates_and_a_team_list_is_saved(store, assessment):
    record = A.edit_assessment(
        store,
        MARIA,
        assessment.id,
        expected_version=1,
        start_date=date(2026, 3, 1),
        team=("Ana", "Chi"),
    )
    assert (record.start_date, record.team) == (date(2026, 3, 1), ("Ana", "Chi"))


def test_action_criteria_that_are_not_a_list_are_refused(store, assessment):
    X.create_action(store, MARIA, assessment.id, "Fix it", criteria=["7.2.a"])
    with pytest.raises(InvalidChange, match="criteria must be a list of criterion ids"):
        X.update_action(store, MARIA, assessment.id, "A1", expected_version=1, criteria=7)
    (action,) = X.list_actions(store, MARIA, assessment.id)
    assert (action.criteria, action.version) == (("7.2.a",), 1)
