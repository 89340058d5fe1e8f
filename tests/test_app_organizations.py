"""The Organizations page, headless (AppTest), on a SQLite file of its own.

Every check of what was written goes through the services, not through the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from assessment.access.roles import Actor, Role
from assessment.checklist.loader import find_checklist
from assessment.services.accounts import create_user
from assessment.services.assessments import (
    create_assessment,
    edit_assessment,
    get_assessment,
    list_assessments,
)
from assessment.services.audit import events
from assessment.services.memberships import members
from assessment.services.organizations import create_organization, list_organizations
from assessment.settings import database_url
from assessment.storage.store import Store
from assessment.workflow.stages import AssessmentStatus
from tests.conftest import unescaped
from tests.people import ADMIN, admin
from ui.components.assessment_settings import NO_BASELINE
from ui.components.selection import Choice

KESTREL = "Kestrel Outdoor Supply (demo)"
FINAL_BANNER = (
    "This assessment is final and read-only. "
    "Reopening it needs a reason and is recorded in the history."
)


def _app() -> None:
    """The page; or, when a test sets `test_sidebar`, only the sidebar's assessment picker
    (what Scoring and the other pages draw), to see what the page chose there."""
    import streamlit as st

    if st.session_state.get("test_sidebar"):
        from ui.components.database import app_store
        from ui.components.selection import selected_assessment

        selected_assessment(app_store())
        return
    from ui.pages import organizations_page

    organizations_page.render()


def page(actor: Actor | None = None, **state: object) -> AppTest:
    app = AppTest.from_function(_app, default_timeout=60)
    if actor is not None:
        app.session_state["identity_actor"] = actor
    for key, value in state.items():
        app.session_state[key] = value
    return run(app)


def run(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, app.exception
    return app


def click(app: AppTest, key: str) -> AppTest:
    button = app.button(key=key)
    assert not button.disabled, f"{key} is disabled"
    button.click()
    return run(app)


def shown(app: AppTest) -> str:
    """Every message, text and header on the page, as the user reads it."""
    kinds = ("header", "subheader", "markdown", "caption", "info", "success", "warning", "error")
    parts = [e.value for kind in kinds for e in getattr(app, kind)]
    return unescaped("\n".join(str(p) for p in parts))


def labels(app: AppTest) -> set[str]:
    return {b.label for b in app.button}


def sign_off(app: AppTest, assessment_id: int, statement: str) -> AppTest:
    """Open the sign-off dialog, confirm, give the statement a not-ready verdict needs, sign."""
    app = click(app, f"org_stage_{assessment_id}_final")
    app.text_area(key=f"sign_off_{assessment_id}_statement").input(statement)
    app.checkbox(key=f"sign_off_{assessment_id}_confirm").check()
    return click(run(app), f"sign_off_{assessment_id}_submit")


@pytest.fixture
def store(data_dir) -> Iterator[Store]:
    """The app's own database (the one the page opens), empty."""
    opened = Store.open(database_url())
    yield opened
    opened.dispose()


def one_organization(store: Store, name: str = "Northwind Utilities") -> int:
    return create_organization(store, ADMIN, name).id


def started(store: Store, organization_id: int, title: str = "Gap analysis", **fields) -> int:
    checklist = find_checklist("iso10002-2018")
    return create_assessment(store, ADMIN, organization_id, checklist, title, **fields).id


def settings_key(record_id: int, version: int) -> str:
    return f"org_edit_{record_id}_v{version}"


# --- organizations -------------------------------------------------------------------------------


def test_an_empty_database_offers_an_admin_to_create_one(store):
    app = page()
    assert "There are no organizations yet" in app.info[0].value
    assert "Portfolio" in app.info[0].value
    app.text_input(key="org_new_name").input("Northwind Utilities")
    app = click(app, "org_new_submit")
    assert "Created **Northwind Utilities**" in app.success[0].value
    assert [o.name for o in list_organizations(store, ADMIN)] == ["Northwind Utilities"]
    assert app.selectbox(key="org_choice").value == list_organizations(store, ADMIN)[0].id
    assert app.dataframe[0].value["Organization"].tolist() == ["Northwind Utilities"]
    assert app.header[0].value == "Northwind Utilities"
    assert "This organization has no assessments yet" in shown(app)


def test_a_duplicate_name_is_a_plain_error(store):
    one_organization(store)
    app = page()
    app.text_input(key="org_new_name").input("  Northwind   Utilities ")
    app = click(app, "org_new_submit")
    message = unescaped(app.error[0].value)
    assert "The organization was not created" in message
    assert "an organization named 'Northwind Utilities' already exists" in message
    assert len(list_organizations(store, ADMIN)) == 1


def test_someone_without_organizations_is_told_to_ask(store):
    one_organization(store)
    app = page(Actor(name="Nobody", roles={}))
    assert "You do not belong to any organization yet" in app.info[0].value
    assert not app.button
    assert not app.selectbox


def test_rename_and_archive_an_organization(store):
    organization_id = one_organization(store)
    app = page()
    app.text_input(key=f"org_rename_{organization_id}_v1").input("Northwind Water")
    app = click(app, f"org_rename_{organization_id}_v1_submit")
    assert "Northwind Water" in app.success[0].value
    assert list_organizations(store, ADMIN)[0].name == "Northwind Water"
    app = click(app, f"org_archive_{organization_id}")
    assert "Archived **Northwind Water**" in app.success[0].value
    assert list_organizations(store, ADMIN) == []
    assert "Every organization you belong to is archived" in app.info[0].value
    app.toggle(key="org_show_archived").set_value(True)
    app = run(app)
    assert "Unarchive this organization" in labels(app)
    assert "no new assessment can be started" in shown(app)
    app = click(app, f"org_archive_{organization_id}")
    assert not list_organizations(store, ADMIN)[0].archived


# --- starting an assessment ----------------------------------------------------------------------


def test_start_an_assessment_on_a_chosen_edition_and_select_it(store):
    organization_id = one_organization(store)
    app = page()
    editions = app.selectbox(key=f"org_start_{organization_id}_checklist")
    assert "edition 2018" in editions.format_func(editions.value), "the newest is the default"
    older = next(o for o in editions.options if "edition 2014" in o)
    editions.set_value(editions.options.index(older))
    prefix = f"org_start_{organization_id}"
    app.text_input(key=f"{prefix}_title").input("Gap analysis 2026")
    app.text_area(key=f"{prefix}_scope").input("Head office only")
    app.text_input(key=f"{prefix}_team").input("Ana Lima, Ben Okafor ,")
    app.date_input(key=f"{prefix}_start").set_value(date(2026, 3, 2))
    app.date_input(key=f"{prefix}_end").set_value(date(2026, 3, 20))
    app = click(app, f"{prefix}_submit")
    (record,) = list_assessments(store, ADMIN, organization_id)
    assert record.title == "Gap analysis 2026"
    assert record.checklist_id == "iso10002-2014"
    assert record.scope == "Head office only"
    assert record.team == ("Ana Lima", "Ben Okafor")
    assert (record.start_date, record.end_date) == (date(2026, 3, 2), date(2026, 3, 20))
    assert record.status is AssessmentStatus.DRAFT
    success = unescaped(app.success[0].value)
    assert "Started **Gap analysis 2026**" in success
    assert "open Scoring" in success
    assert app.get("page_link"), "a link to the Scoring page"
    assert app.session_state["selection_chosen"].assessment_id == record.id
    assert app.dataframe[1].value["Title"].tolist() == ["Gap analysis 2026"]
    assert app.selectbox(key=f"org_assessment_choice_{organization_id}").value == record.id
    # The sidebar picker the other pages draw opens the new assessment.
    app.session_state["test_sidebar"] = True
    app = run(app)
    assert app.sidebar.selectbox(key="selection_organization").value == organization_id
    assert app.sidebar.selectbox(key="selection_assessment").value == record.id


def test_start_with_a_baseline_and_refuse_an_empty_title(store):
    organization_id = one_organization(store)
    earlier = started(store, organization_id, "Gap analysis 2025")
    app = page()
    prefix = f"org_start_{organization_id}"
    app = click(app, f"{prefix}_submit")
    assert "an assessment needs a title" in unescaped(app.error[0].value)
    assert len(list_assessments(store, ADMIN, organization_id)) == 1
    app.text_input(key=f"{prefix}_title").input("Gap analysis 2026")
    app.selectbox(key=f"{prefix}_baseline").set_value(earlier)
    app = click(app, f"{prefix}_submit")
    newer = max(list_assessments(store, ADMIN, organization_id), key=lambda a: a.id)
    assert newer.title == "Gap analysis 2026"
    assert newer.baseline_id == earlier
    assert app.dataframe[1].value["Baseline"].tolist() == ["", "Gap analysis 2025"]


def test_an_end_before_the_start_starts_nothing(store):
    organization_id = one_organization(store)
    app = page()
    prefix = f"org_start_{organization_id}"
    app.text_input(key=f"{prefix}_title").input("Backwards")
    app.date_input(key=f"{prefix}_start").set_value(date(2026, 3, 20))
    app.date_input(key=f"{prefix}_end").set_value(date(2026, 3, 2))
    app = click(app, f"{prefix}_submit")
    assert "before the start date" in app.error[0].value
    assert list_assessments(store, ADMIN, organization_id) == []


# --- one assessment's settings -------------------------------------------------------------------


def test_stages_from_draft_to_final_and_reopening_with_a_reason(store):
    organization_id = one_organization(store)
    assessment_id = started(store, organization_id)
    app = page()
    assert "Stage: **● Draft** → ○ In progress → ○ In review → ○ Final" in shown(app)
    for target in ("in_progress", "in_review"):
        app = click(app, f"org_stage_{assessment_id}_{target}")
        assert get_assessment(store, ADMIN, assessment_id).status.value == target
    app = sign_off(app, assessment_id, "Agreed as the baseline gap analysis")
    assert get_assessment(store, ADMIN, assessment_id).status is AssessmentStatus.FINAL
    assert FINAL_BANNER in [w.value for w in app.warning]
    assert "Save changes" not in labels(app), "a final assessment cannot be edited"
    assert "Set baseline" not in labels(app)
    reopen = app.button(key=f"org_stage_{assessment_id}_in_progress")
    assert reopen.label == "Reopen"
    assert reopen.disabled, "no reason yet"
    app.text_input(key=f"org_reopen_reason_{assessment_id}").input("   ")
    app = run(app)
    assert app.button(key=f"org_stage_{assessment_id}_in_progress").disabled
    app.text_input(key=f"org_reopen_reason_{assessment_id}").input("Evidence for 8.4 arrived late")
    app = run(app)
    app = click(app, f"org_stage_{assessment_id}_in_progress")
    assert get_assessment(store, ADMIN, assessment_id).status is AssessmentStatus.IN_PROGRESS
    assert FINAL_BANNER not in [w.value for w in app.warning]
    reasons = [e.after for e in events(store, ADMIN, assessment_id) if e.field == "status_reason"]
    assert reasons == ["Evidence for 8.4 arrived late"]


def test_edit_the_title_and_set_a_baseline(store):
    organization_id = one_organization(store)
    earlier = started(store, organization_id, "Gap analysis 2025")
    current = started(store, organization_id, "Gap analysis 2026")
    app = page()
    assert app.selectbox(key=f"org_assessment_choice_{organization_id}").value == current
    key = settings_key(current, 1)
    app.text_input(key=f"{key}_title").input("Gap analysis spring 2026")
    app = click(app, f"{key}_submit")
    assert "Saved **Gap analysis spring 2026**: title." in unescaped(app.success[0].value)
    record = get_assessment(store, ADMIN, current)
    assert (record.title, record.version) == ("Gap analysis spring 2026", 2)
    app.selectbox(key=f"org_baseline_{current}_v2").set_value(earlier)
    app = click(app, f"org_baseline_set_{current}")
    assert get_assessment(store, ADMIN, current).baseline_id == earlier
    assert "Gap analysis 2025" in app.dataframe[1].value["Baseline"].tolist()
    app.selectbox(key=f"org_baseline_{current}_v3").set_value(NO_BASELINE)
    app = click(app, f"org_baseline_set_{current}")
    assert get_assessment(store, ADMIN, current).baseline_id is None


def test_saving_one_field_keeps_team_names_that_hold_commas(demo):
    """The demo names each team member with a role and an employer in brackets."""
    (record,) = [a for a in list_assessments(demo, ADMIN) if a.organization_name != KESTREL]
    assert any("," in name for name in record.team)
    app = page(selection_chosen=Choice(record.organization_id, record.id))  # chosen elsewhere
    key = settings_key(record.id, record.version)
    assert app.text_input(key=f"{key}_team").value == ", ".join(record.team)
    app.text_input(key=f"{key}_title").input("Self-assessment 2026, first round")
    app = click(app, f"{key}_submit")
    saved = get_assessment(demo, ADMIN, record.id)
    assert saved.title == "Self-assessment 2026, first round"
    assert saved.team == record.team
    key = settings_key(record.id, saved.version)
    app.text_input(key=f"{key}_team").input(f"{', '.join(record.team)}, Ana (scribe, Acme)")
    app = click(app, f"{key}_submit")
    assert get_assessment(demo, ADMIN, record.id).team == (*record.team, "Ana (scribe, Acme)")


def test_a_stale_edit_names_who_changed_the_assessment(store):
    organization_id = one_organization(store)
    assessment_id = started(store, organization_id)
    app = page()
    edit_assessment(store, admin("Ana from audit"), assessment_id, expected_version=1, scope="X")
    key = settings_key(assessment_id, 1)
    app.text_input(key=f"{key}_title").input("Mine")
    app = click(app, f"{key}_submit")
    message = unescaped(app.error[0].value)
    assert "Not saved" in message
    assert "Ana from audit" in message
    assert get_assessment(store, ADMIN, assessment_id).title == "Gap analysis"


def test_archive_and_unarchive_an_assessment(store):
    organization_id = one_organization(store)
    assessment_id = started(store, organization_id)
    app = page()
    app = click(app, f"org_archive_assessment_{assessment_id}")
    assert get_assessment(store, ADMIN, assessment_id).archived
    assert "Archived **Gap analysis**" in app.success[0].value
    assert "1 archived" in app.info[0].value
    app.toggle(key="org_show_archived_assessments").set_value(True)
    app = run(app)
    assert app.dataframe[1].value["Archived"].tolist() == [True]
    app = click(app, f"org_archive_assessment_{assessment_id}")
    assert not get_assessment(store, ADMIN, assessment_id).archived


# --- roles ---------------------------------------------------------------------------------------


def test_a_viewer_sees_everything_and_can_change_nothing(demo):
    kestrel = next(o.id for o in list_organizations(demo, ADMIN) if o.name == KESTREL)
    app = page(Actor(name="Vera Viewer", roles={kestrel: Role.VIEWER}))
    assert app.header[0].value == md(KESTREL)
    assert not app.button, [b.label for b in app.button]
    assert not app.get("form")
    assert [t.label for t in app.tabs] == ["Assessments", "Team"]
    assert len(app.dataframe[1].value) == len(list_assessments(demo, ADMIN, kestrel))
    text = shown(app)
    assert "Your role here: viewer" in text
    assert "changing it needs a lead assessor" in text
    assert "**Title:**" in text


def md(text: str) -> str:
    from ui.components.markdown import md_escape

    return md_escape(text)


def _in_review(store: Store) -> tuple[int, int]:
    organization_id = one_organization(store)
    assessment_id = started(store, organization_id)
    app = page()
    for target in ("in_progress", "in_review"):
        app = click(app, f"org_stage_{assessment_id}_{target}")
    return organization_id, assessment_id


def test_an_assessor_cannot_sign_off_and_a_lead_assessor_can(store):
    organization_id, assessment_id = _in_review(store)
    assessor = page(Actor(name="Asa Assessor", roles={organization_id: Role.ASSESSOR}))
    assert "Sign off as final…" not in labels(assessor)
    assert not assessor.button
    lead = page(Actor(name="Lee Lead", roles={organization_id: Role.LEAD_ASSESSOR}))
    assert {"Sign off as final…", "Back to in progress", "Save changes"} <= labels(lead)
    assert "Create organization" not in labels(lead), "only a system administrator creates"
    assert "Archive this organization" not in labels(lead)
    lead = sign_off(lead, assessment_id, "Signed off as it stands")
    record = get_assessment(store, ADMIN, assessment_id)
    assert record.status is AssessmentStatus.FINAL
    assert [e.actor for e in events(store, ADMIN, assessment_id)][-1] == "Lee Lead"


# --- the team ------------------------------------------------------------------------------------


def test_an_admin_adds_a_user_as_assessor_and_changes_the_role(store, cheap_passwords):
    organization_id = one_organization(store)
    create_user(
        store,
        ADMIN,
        username="asa",
        display_name="Asa Assessor",
        password="a long enough password",
    )
    app = page()
    key = f"org_add_member_{organization_id}"
    app.selectbox(key=f"{key}_user").set_value("asa")
    assert app.selectbox(key=f"{key}_role").value is Role.ASSESSOR
    app = click(app, f"{key}_submit")
    assert "**Asa Assessor** (asa) is now assessor here." in unescaped(app.success[0].value)
    assert [(m.username, m.role) for m in members(store, ADMIN, organization_id)] == [
        ("asa", Role.ASSESSOR)
    ]
    team = app.dataframe[1].value
    assert team[["Name", "Role"]].values.tolist() == [["Asa Assessor", "Assessor"]]
    assert "Every active user account already has a role here." in shown(app)
    role_key = f"org_member_role_{organization_id}_asa_assessor"
    app.selectbox(key=role_key).set_value(Role.LEAD_ASSESSOR)
    app = click(app, f"org_member_change_{organization_id}")
    assert members(store, ADMIN, organization_id)[0].role is Role.LEAD_ASSESSOR
    app = click(app, f"org_member_remove_{organization_id}")
    assert members(store, ADMIN, organization_id) == []
    assert "No one has a role in this organization yet" in shown(app)


def test_a_lead_assessor_types_a_user_name_and_makes_no_admins(store, cheap_passwords):
    organization_id = one_organization(store)
    create_user(store, ADMIN, username="cora", display_name="Cora", password="a long password!")
    lead = Actor(name="Lee Lead", roles={organization_id: Role.LEAD_ASSESSOR})
    app = page(lead)
    key = f"org_add_member_{organization_id}"
    assert Role.ADMIN not in app.selectbox(key=f"{key}_role").options
    app.text_input(key=f"{key}_user").input("nobody-here")
    app = click(app, f"{key}_submit")
    assert "There is no user named 'nobody-here'" in unescaped(app.error[0].value)
    app.text_input(key=f"{key}_user").input("cora")
    app.selectbox(key=f"{key}_role").set_value(Role.CONTRIBUTOR)
    app = click(app, f"{key}_submit")
    assert [(m.username, m.role) for m in members(store, ADMIN, organization_id)] == [
        ("cora", Role.CONTRIBUTOR)
    ]
    assert "Lead assessor** may do everything an assessor may do" in shown(app)


# --- hostile text --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", "**bold** _it_ [x](y)"])
def test_hostile_names_appear_literally(store, name):
    organization_id = one_organization(store, name)
    started(store, organization_id, f"Title {name}", team=(name,), scope=name)
    app = page()
    assert app.header[0].value == md(name)
    assert unescaped(app.header[0].value) == name
    assert app.dataframe[0].value["Organization"].tolist() == [name]
    app.text_input(key=f"org_rename_{organization_id}_v1").input(f"{name} 2")
    app = click(app, f"org_rename_{organization_id}_v1_submit")
    assert f"The organization is now **{name} 2**." in unescaped(app.success[0].value)
    assert md(name) in app.success[0].value, "escaped, so it is not markup"
    app = click(app, f"org_archive_assessment_{list_assessments(store, ADMIN)[0].id}")
    assert f"Archived **Title {name}**" in unescaped(app.success[0].value)


def test_signing_off_shows_the_figures_and_needs_a_confirmation_and_a_statement(store):
    _, assessment_id = _in_review(store)
    app = click(page(), f"org_stage_{assessment_id}_final")
    assert get_assessment(store, ADMIN, assessment_id).status is AssessmentStatus.IN_REVIEW
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Verdict"] == "Not ready"
    assert metrics["Unanswered criteria"] == "139"
    assert metrics["Completion"] == "0.0%"
    assert "0 of 139** criteria answered" in "\n".join(m.value for m in app.markdown)
    submit = f"sign_off_{assessment_id}_submit"
    assert app.button(key=submit).disabled, "nothing confirmed yet"
    app.checkbox(key=f"sign_off_{assessment_id}_confirm").check()
    app = run(app)
    assert app.button(key=submit).disabled, "a not-ready verdict needs a statement"
    app.text_area(key=f"sign_off_{assessment_id}_statement").input("Agreed as the baseline")
    app = click(run(app), submit)
    record = get_assessment(store, ADMIN, assessment_id)
    assert record.status is AssessmentStatus.FINAL
    assert record.sign_off is not None
    assert record.sign_off.statement == "Agreed as the baseline"
    assert f"Signed off as final by **{record.sign_off.by}** on" in shown(app)
    assert "Agreed as the baseline" in shown(app)
