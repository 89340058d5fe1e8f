"""The portfolio service: what each user sees, and figures that follow every change without
scoring the whole portfolio again."""

from __future__ import annotations

from datetime import date

import pytest

from assessment.access.roles import Actor, Role
from assessment.checklist.loader import checklist_from_text
from assessment.services import assessments as A
from assessment.services import organizations as O
from assessment.services import portfolio as P
from assessment.services.responses import set_response
from assessment.workflow.response import Response
from tests.conftest import SMALL_CHECKLIST
from tests.people import ADMIN

TODAY = date(2026, 11, 22)


@pytest.fixture
def three(store):
    """Three organizations with one assessment each."""
    checklist = checklist_from_text(SMALL_CHECKLIST, "small.yaml")
    made = []
    for name in ("Acme Water", "Borealis Rail", "Cobalt Clinics"):
        organization = O.create_organization(store, ADMIN, name)
        made.append(A.create_assessment(store, ADMIN, organization.id, checklist, f"{name} 2026"))
    return made


def test_a_user_sees_only_the_assessments_of_their_organizations(store, three):
    acme, borealis, _ = three
    actor = Actor(
        name="Ana",
        roles={acme.organization_id: Role.VIEWER, borealis.organization_id: Role.ASSESSOR},
    )
    seen = [e.record.title for e in P.portfolio(store, actor, today=TODAY)]
    assert seen == ["Acme Water 2026", "Borealis Rail 2026"]
    assert len(P.portfolio(store, ADMIN, today=TODAY)) == 3
    assert P.portfolio(store, Actor(name="Nobody"), today=TODAY) == []


def test_a_score_rescores_only_its_assessment_and_shows_at_once(store, three, monkeypatch):
    first = {e.record.id: e for e in P.portfolio(store, ADMIN, today=TODAY)}
    assert all(e.completion == 0 for e in first.values())

    opened: list[int] = []
    real_open = P.open_assessment

    def counting_open(store_, actor, assessment_id, **kwargs):
        opened.append(assessment_id)
        return real_open(store_, actor, assessment_id, **kwargs)

    monkeypatch.setattr(P, "open_assessment", counting_open)
    P.portfolio(store, ADMIN, today=TODAY)
    assert opened == [], "nothing changed: every figure comes from the cache"

    target = three[1]
    set_response(store, ADMIN, target.id, "4.1.a", Response(score=5), expected_version=0)
    after = {e.record.id: e for e in P.portfolio(store, ADMIN, today=TODAY)}
    assert opened == [target.id]
    assert after[target.id].completion > 0
    assert after[target.id].readiness != first[target.id].readiness
    assert [after[a.id].completion for a in three if a.id != target.id] == [0, 0]


def test_an_edit_of_the_assessment_itself_or_another_day_rescores_it(store, three, monkeypatch):
    P.portfolio(store, ADMIN, today=TODAY)
    opened: list[int] = []
    real_open = P.open_assessment
    monkeypatch.setattr(
        P,
        "open_assessment",
        lambda s, a, i, **k: opened.append(i) or real_open(s, a, i, **k),
    )
    A.edit_assessment(store, ADMIN, three[0].id, expected_version=three[0].version, scope="All")
    P.portfolio(store, ADMIN, today=TODAY)
    assert opened == [three[0].id]
    P.portfolio(store, ADMIN, today=date(2026, 11, 23))  # evidence may have expired overnight
    assert sorted(opened[1:]) == sorted(a.id for a in three)
