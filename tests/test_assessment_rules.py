"""Rules of an assessment that live in the core, whatever interface asks (both engines)."""

from __future__ import annotations

from datetime import date

import pytest

from assessment.access.roles import Actor, Role
from assessment.checklist.loader import find_checklist
from assessment.errors import InvalidChange, NotFound
from assessment.services import assessments as A
from assessment.services import organizations as O
from assessment.workflow.team import team_of, team_text
from tests.conftest import row_counts
from tests.people import ADMIN

CHECKLIST = find_checklist("iso10002-2018")


@pytest.fixture
def organization(store) -> int:
    return O.create_organization(store, ADMIN, "Acme Water").id


def test_an_end_date_before_the_start_date_is_refused_by_the_service(store, organization):
    with pytest.raises(InvalidChange, match="end date 2026-01-31 is before the start date"):
        A.create_assessment(
            store,
            ADMIN,
            organization,
            CHECKLIST,
            "Gap analysis",
            start_date=date(2026, 2, 1),
            end_date=date(2026, 1, 31),
        )
    record = A.create_assessment(
        store, ADMIN, organization, CHECKLIST, "Gap analysis", start_date=date(2026, 2, 1)
    )
    with pytest.raises(InvalidChange, match="is before the start date"):
        A.edit_assessment(
            store, ADMIN, record.id, expected_version=record.version, end_date=date(2026, 1, 1)
        )
    assert A.get_assessment(store, ADMIN, record.id).end_date is None


def test_an_assessment_starts_with_its_baseline_in_one_transaction(store, organization):
    earlier = A.create_assessment(store, ADMIN, organization, CHECKLIST, "Gap analysis 2025")
    record = A.create_assessment(
        store, ADMIN, organization, CHECKLIST, "Gap analysis 2026", baseline_id=earlier.id
    )
    assert record.baseline_id == earlier.id
    assert A.get_assessment(store, ADMIN, record.id).baseline_id == earlier.id


def test_a_baseline_out_of_reach_starts_nothing(store, organization):
    other = O.create_organization(store, ADMIN, "Other client").id
    theirs = A.create_assessment(store, ADMIN, other, CHECKLIST, "Theirs")
    lead = Actor(name="Lee", roles={organization: Role.LEAD_ASSESSOR})
    before = row_counts(store)
    with pytest.raises(NotFound):
        A.create_assessment(
            store, lead, organization, CHECKLIST, "Gap analysis", baseline_id=theirs.id
        )
    after = row_counts(store)
    assert {k: v for k, v in after.items() if k != "security_event"} == {
        k: v for k, v in before.items() if k != "security_event"
    }


@pytest.mark.parametrize(
    ("text", "team"),
    [
        ("Ana, Ben (lead, Acme) ,, Chi", ["Ana", "Ben (lead, Acme)", "Chi"]),
        ("  ", []),
        ("Dee (QA, [Site 2, North])", ["Dee (QA, [Site 2, North])"]),
        ("Eve )odd(, Fay", ["Eve )odd(, Fay"]),
    ],
)
def test_a_team_is_read_from_its_names_and_commas(text, team):
    assert team_of(text) == team
    assert team_of(team_text(team)) == team
