"""The portfolio service: what each user sees, and figures that follow every change without
scoring the whole portfolio again."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from assessment.access.roles import Actor, Role
from assessment.checklist.loader import checklist_from_text
from assessment.errors import ConflictError
from assessment.services import assessments as A
from assessment.services import organizations as O
from assessment.services import portfolio as P
from assessment.services.actions import create_action, list_actions, move_action
from assessment.services.responses import set_response
from assessment.workflow.corrective_action import ActionStatus
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


def test_open_and_overdue_counts_follow_the_actions_rule(store, three):
    """The portfolio counts in the database what each action's `is_overdue` says: due before
    today and not done; due today is not late; an action without a due date never is."""
    acme, borealis, _ = three
    day = timedelta(days=1)
    plan = [  # (due, stage it is moved to)
        (TODAY - 10 * day, None),
        (TODAY - day, ActionStatus.IN_PROGRESS),
        (TODAY, None),
        (TODAY + day, None),
        (None, None),
        (TODAY - 5 * day, ActionStatus.DONE),
    ]
    for number, (due, stage) in enumerate(plan, start=1):
        made = create_action(store, ADMIN, acme.id, f"Action {number}", due=due)
        if stage is not None:
            move_action(store, ADMIN, acme.id, made.ref, stage, expected_version=made.version)
    create_action(store, ADMIN, borealis.id, "Late elsewhere", due=TODAY - 3 * day)

    entries = {e.record.id: e for e in P.portfolio(store, ADMIN, today=TODAY)}
    for record in (acme, borealis):
        actions = list_actions(store, ADMIN, record.id)
        expected_open = sum(a.status is not ActionStatus.DONE for a in actions)
        expected_overdue = sum(a.is_overdue(TODAY) for a in actions)
        entry = entries[record.id]
        assert (entry.open_actions, entry.overdue_actions) == (expected_open, expected_overdue)
    assert (entries[acme.id].open_actions, entries[acme.id].overdue_actions) == (5, 2)
    assert (entries[borealis.id].open_actions, entries[borealis.id].overdue_actions) == (1, 1)


def test_while_nothing_changes_the_list_is_not_read_again(store, three, monkeypatch):
    P.portfolio(store, ADMIN, today=TODAY)
    listed: list[int] = []
    real_list = P.list_assessments
    monkeypatch.setattr(
        P, "list_assessments", lambda *a, **k: listed.append(1) or real_list(*a, **k)
    )
    P.portfolio(store, ADMIN, today=TODAY)
    assert listed == [], "nothing changed: the kept list is shown"
    acme = three[0]
    create_action(store, ADMIN, acme.id, "Log phone complaints", due=TODAY - timedelta(days=1))
    entry = next(e for e in P.portfolio(store, ADMIN, today=TODAY) if e.record.id == acme.id)
    assert listed == [1]
    assert (entry.open_actions, entry.overdue_actions) == (1, 1)


def test_a_renamed_organization_shows_under_its_new_name_at_once(store, three):
    P.portfolio(store, ADMIN, today=TODAY)
    acme = O.get_organization(store, ADMIN, three[0].organization_id)
    O.rename_organization(store, ADMIN, acme.id, "Acme Water Ltd", expected_version=acme.version)
    names = {e.record.organization_name for e in P.portfolio(store, ADMIN, today=TODAY)}
    assert "Acme Water Ltd" in names
    assert "Acme Water" not in names


def test_a_kept_list_is_never_shown_to_someone_who_may_see_less(store, three):
    P.portfolio(store, ADMIN, today=TODAY)
    acme = three[0]
    viewer = Actor(name="Vi", roles={acme.organization_id: Role.VIEWER})
    assert [e.record.id for e in P.portfolio(store, viewer, today=TODAY)] == [acme.id]


def test_each_committed_change_counts_once_and_a_refused_one_not_at_all(store, three):
    acme, borealis = three[0], three[1]
    before = A.get_assessment(store, ADMIN, acme.id).change_count
    other = A.get_assessment(store, ADMIN, borealis.id).change_count
    # One transaction, several events (score, notes): one more.
    set_response(
        store, ADMIN, acme.id, "4.1.a", Response(score=3, notes="Seen"), expected_version=0
    )
    assert A.get_assessment(store, ADMIN, acme.id).change_count == before + 1
    with pytest.raises(ConflictError):  # a stale version: refused, nothing written
        set_response(store, ADMIN, acme.id, "4.1.a", Response(score=4), expected_version=0)
    assert A.get_assessment(store, ADMIN, acme.id).change_count == before + 1
    assert A.get_assessment(store, ADMIN, borealis.id).change_count == other


def test_the_organization_listing_counts_active_assessments_of_visible_clients(store, three):
    acme, borealis, _ = three
    checklist = checklist_from_text(SMALL_CHECKLIST, "small.yaml")
    A.create_assessment(store, ADMIN, acme.organization_id, checklist, "Acme Water 2027")
    A.archive_assessment(store, ADMIN, borealis.id, expected_version=borealis.version)
    listing = O.organization_listing(store, ADMIN, limit=10)
    assert [o.name for o in listing.records] == ["Acme Water", "Borealis Rail", "Cobalt Clinics"]
    assert (listing.total, listing.more) == (3, False)
    assert listing.active_assessments == {
        acme.organization_id: 2,
        three[2].organization_id: 1,
    }
    viewer = Actor(name="Vi", roles={acme.organization_id: Role.VIEWER})
    seen = O.organization_listing(store, viewer, limit=10)
    assert ([o.name for o in seen.records], seen.active_assessments) == (
        ["Acme Water"],
        {acme.organization_id: 2},
    )


def test_the_organization_listing_gives_a_page_by_name_the_total_and_finds_by_part_of_a_name(
    store, three
):
    for name in ("Acme 50% Holdings", "Acme_Parts", "Zeta Foods"):
        O.create_organization(store, ADMIN, name)
    first = O.organization_listing(store, ADMIN, limit=2)
    assert [o.name for o in first.records] == ["Acme 50% Holdings", "Acme Water"]
    assert (first.total, first.more) == (6, True)
    found = O.organization_listing(store, ADMIN, search="acme", limit=2)
    assert (len(found.records), found.total) == (2, 3)
    literal = O.organization_listing(store, ADMIN, search="50%", limit=10)
    assert [o.name for o in literal.records] == ["Acme 50% Holdings"]  # % is not a wildcard
    underscore = O.organization_listing(store, ADMIN, search="e_p", limit=10)
    assert [o.name for o in underscore.records] == ["Acme_Parts"]
    none = O.organization_listing(store, ADMIN, search="nowhere", limit=10)
    assert (none.records, none.total, none.more) == ((), 0, False)
