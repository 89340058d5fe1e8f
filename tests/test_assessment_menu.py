"""The pickers' menu (assessment/services/assessment_menu.py): what it lists, what it finds,
and only what the actor may see; the sidebar's search box past the limit, headless."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from assessment.access.roles import Actor, Role
from assessment.checklist.loader import find_checklist
from assessment.services import assessment_menu as M
from assessment.services.assessments import archive_assessment, create_assessment
from assessment.services.organizations import create_organization, list_organizations
from tests.people import ADMIN

MORE = ("Birch Lane Dairy", "Cedar 100% Care", "dune_water", "Elm Row Rail")


def add_more(store) -> None:
    """The four organizations of MORE, each with an assessment."""
    checklist = find_checklist("iso10002-2018")
    for name in MORE:
        organization = create_organization(store, ADMIN, name)
        create_assessment(store, ADMIN, organization.id, checklist, f"{name} review")


@pytest.fixture
def six(demo):
    """The demo's two clients and four more, each with an assessment: {name: organization id}."""
    add_more(demo)
    return {o.name: o.id for o in list_organizations(demo, ADMIN)}


def test_under_the_limit_every_organization_is_listed_by_name_ignoring_case(demo, six):
    menu = M.assessment_menu(demo, ADMIN)
    assert list(menu.organizations.values()) == sorted(six, key=str.casefold)
    assert not menu.more_organizations


def test_past_the_limit_the_first_ones_are_listed_and_more_is_said(demo, six):
    menu = M.assessment_menu(demo, ADMIN, organization_limit=3)
    assert len(menu.organizations) == 3
    assert menu.more_organizations
    assert menu.current_work is not None, "the assessment being worked on is still found"


@pytest.fixture
def both(store):
    """The same four organizations and their assessments, on SQLite and on PostgreSQL."""
    add_more(store)
    return store


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("DAIRY", ["Birch Lane Dairy"]),
        ("100%", ["Cedar 100% Care"]),  # % is a character here, not a wildcard
        ("_", ["dune_water"]),  # and so is _
        ("  rail ", ["Elm Row Rail"]),
        ("nothing like it", []),
    ],
)
def test_a_search_finds_organizations_by_part_of_their_name(both, search, found):
    menu = M.assessment_menu(both, ADMIN, organization_search=search, organization_limit=2)
    assert list(menu.organizations.values()) == found
    assert not menu.more_organizations


def test_the_menu_holds_only_what_the_actor_may_see(demo, six):
    birch = six["Birch Lane Dairy"]
    reader = Actor(name="Rae", roles={birch: Role.VIEWER})
    menu = M.assessment_menu(
        demo, reader, assessment_ids=[1, 2, 3], organization_ids=list(six.values())
    )
    assert list(menu.organizations) == [birch]
    assert {r.organization_id for r in menu.candidates} == {birch}
    assert menu.current_work is not None
    assert menu.current_work.organization_id == birch


def test_an_organization_whose_assessments_are_all_archived_is_not_listed(demo, six):
    elm = six["Elm Row Rail"]
    (only,) = M.assessment_menu(demo, ADMIN, organization_ids=[elm]).of_organization(elm)
    archive_assessment(demo, ADMIN, only.id, expected_version=only.version)
    assert "Elm Row Rail" not in M.assessment_menu(demo, ADMIN).organizations.values()


def test_past_the_limit_the_sidebar_offers_a_search_that_finds_the_organization(
    demo, six, monkeypatch
):
    monkeypatch.setattr(M, "ORGANIZATION_LIMIT", 3)
    app = AppTest.from_string(
        "from ui.pages import dashboard_page\ndashboard_page.render()\n", default_timeout=60
    )
    app = app.run()
    assert not app.exception, app.exception
    assert any("The first 3 by name are listed" in c.value for c in app.sidebar.caption)
    box = app.sidebar.selectbox(key="selection_organization")
    assert "Elm Row Rail" not in box.options
    app = app.sidebar.text_input(key="selection_search").input("elm row").run()
    box = app.sidebar.selectbox(key="selection_organization")
    assert "Elm Row Rail" in box.options
    assert len(box.options) == 2, "the match, and the organization chosen now"
    app = box.select(six["Elm Row Rail"]).run()
    assert not app.exception, app.exception
    assert app.header[0].value.startswith("Elm Row Rail")


def test_past_the_limit_the_organizations_page_lists_a_page_and_finds_the_others(
    demo, six, monkeypatch
):
    from ui.pages import organizations_page

    monkeypatch.setattr(organizations_page, "ORGANIZATION_LIMIT", 3)
    app = AppTest.from_string(
        "from ui.pages import organizations_page\norganizations_page.render()\n",
        default_timeout=60,
    ).run()
    assert not app.exception, app.exception
    assert any("Showing the first 3 of 6 organizations, by name" in c.value for c in app.caption)
    table = app.dataframe[0].value
    assert list(table["Organization"]) == sorted(six, key=str.casefold)[:3]
    assert "Elm Row Rail" not in app.selectbox(key="org_choice").options
    app = app.text_input(key="org_search").input("elm row").run()
    assert not app.exception, app.exception
    assert list(app.dataframe[0].value["Organization"]) == ["Elm Row Rail"]
    picker = app.selectbox(key="org_choice")
    assert "Elm Row Rail" in picker.options
    app = picker.select(six["Elm Row Rail"]).run()
    assert not app.exception, app.exception
    assert "Elm Row Rail review" in app.dataframe[1].value.to_string()
    app = app.text_input(key="org_search").input("no such client").run()
    assert any("No organization's name holds 'no such client'" in c.value for c in app.caption)
