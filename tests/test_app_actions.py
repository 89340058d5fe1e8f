"""The corrective-actions page, headless (AppTest), on the demo data in a SQLite file of its own."""

from __future__ import annotations

from datetime import date

from streamlit.testing.v1 import AppTest

from assessment.scoring.verdict import ReasonKind
from assessment.services.actions import list_actions, move_action, update_action
from assessment.services.assessments import open_assessment
from assessment.storage.store import Store
from assessment.workflow.corrective_action import ActionStatus
from tests.conftest import open_in_url, unescaped
from tests.people import ADMIN, admin

KESTREL = "Kestrel Outdoor Supply (demo)"


def page(assessment_id: int | None = None) -> AppTest:
    app = AppTest.from_string(
        "from ui.pages import actions_page\nactions_page.render()\n", default_timeout=60
    )
    if assessment_id is not None:
        open_in_url(app, assessment_id)
    app.run()
    assert not app.exception, app.exception
    return app


def versions(store: Store) -> dict[str, tuple]:
    return {a.ref: (a.version, a.title, a.criteria, a.owner) for a in list_actions(store, ADMIN, 2)}


def edit(app: AppTest, rows: dict[int, dict]) -> AppTest:
    generation = app.session_state["actions_table"]["generation"]
    app.session_state[f"actions_editor_{generation}"] = {
        "edited_rows": rows,
        "added_rows": [],
        "deleted_rows": [],
    }
    app.button(key="actions_save").click().run()
    assert not app.exception, app.exception
    return app


def test_an_empty_database_points_to_the_portfolio(data_dir):
    app = page()
    assert "Portfolio page" in app.info[0].value
    assert not app.button


def test_the_board_highlights_overdue_actions(demo):
    app = page(2)
    overdue = sorted(a.ref for a in list_actions(demo, ADMIN, 2) if a.is_overdue(date.today()))
    assert len(overdue) == 4
    texts = [m.value for m in app.markdown]
    marked = [t for t in texts if t.startswith(":red[**Overdue**")]
    assert len(marked) == 4
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Overdue"] == "4"
    for status in ("Open", "In progress", "Done", "Verified"):
        assert any(t.startswith(f"**{status}**") for t in texts)
    assert app.data_editor(key="actions_editor_0").value["Ref"].tolist()[0] == "A1"


def test_one_click_raises_an_action_from_a_finding(demo):
    app = page(2)
    reason = next(
        r
        for r in open_assessment(demo, ADMIN, 2).score.overall.reasons
        if r.kind is ReasonKind.NONCONFORMITY_WITHOUT_ACTION
    )
    before = len(list_actions(demo, ADMIN, 2))
    app.button(key="actions_raise_" + "_".join(reason.criteria)).click().run()
    assert not app.exception, app.exception
    actions = list_actions(demo, ADMIN, 2)
    assert len(actions) == before + 1
    assert actions[-1].criteria == reason.criteria
    assert actions[-1].ref in unescaped(app.success[0].value)
    raise_key = "actions_raise_" + "_".join(reason.criteria)
    assert raise_key not in [b.key for b in app.button]


def test_invalid_table_edits_are_refused_with_their_refs(demo):
    app = page(2)
    before = versions(demo)
    edit(app, {0: {"Title": "  "}, 1: {"Criteria": "4.6.a, 99.9.z"}})
    errors = [unescaped(e.value) for e in app.error]
    assert any("A1" in e and "needs a title" in e for e in errors), errors
    assert any("A2" in e and "no criterion 99.9.z" in e for e in errors), errors
    assert not app.success
    assert versions(demo) == before


def test_a_valid_edit_saves_and_a_refused_row_does_not(demo):
    app = page(2)
    edit(app, {0: {"Owner": "New owner"}, 1: {"Title": ""}})
    assert "Saved: A1." in app.success[0].value
    assert "A2" in unescaped(app.error[0].value)
    actions = {a.ref: a for a in list_actions(demo, ADMIN, 2)}
    assert actions["A1"].owner == "New owner"
    assert actions["A1"].version == 2
    assert actions["A2"].version == 1


def test_a_stale_edit_names_who_changed_the_action(demo):
    app = page(2)
    update_action(demo, admin("Ana from audit"), 2, "A1", expected_version=1, owner="Someone else")
    edit(app, {0: {"Owner": "My choice"}})
    message = unescaped(app.error[0].value)
    assert "A1" in message
    assert "Ana from audit" in message
    assert list_actions(demo, ADMIN, 2)[0].owner == "Someone else"


def test_moving_an_action_on_the_board(demo):
    app = page(2)
    app.button(key="actions_move_A2_in_progress").click().run()
    assert not app.exception, app.exception
    assert "A2 is now in progress" in unescaped(app.success[0].value)
    assert list_actions(demo, ADMIN, 2)[1].status.value == "in_progress"


def test_a_final_assessment_is_read_only(demo):
    app = page(1)
    assert "final and read-only" in app.warning[0].value
    assert not app.button
    assert not app.data_editor
    assert not app.get("form")
    assert app.dataframe  # the actions are still shown


def check_form(app: AppTest, name: str = "actions_check_form_0") -> dict[str, object]:
    """The check form's widgets by their part of the key (ref, by, note...)."""
    widgets = [*app.selectbox, *app.text_input, *app.text_area]
    return {w.key.removeprefix(f"{name}_"): w for w in widgets if w.key.startswith(f"{name}_")}


def test_an_effectiveness_check_verifies_a_done_action(demo):
    app = page(2)
    form = check_form(app)
    form["by"].input("Q. Auditor")
    form["note"].input("Sampled 10 cases: all on time")
    app.button(key="FormSubmitter:actions_check_form_0-Record the check").click().run()
    assert not app.exception, app.exception
    assert "A7 is now verified" in unescaped(app.success[0].value)
    check = next(a for a in list_actions(demo, ADMIN, 2) if a.ref == "A7").check
    assert check is not None
    assert check.effective
    assert check.checked_by == "Q. Auditor"


def test_a_recorded_check_empties_the_form_before_the_next_action(demo):
    """The picker moves on to the next done action; the first one's note must not go with it."""
    moved = next(a for a in list_actions(demo, ADMIN, 2) if a.status.value == "in_progress")
    move_action(demo, ADMIN, 2, moved.ref, ActionStatus.DONE, expected_version=moved.version)
    first, other = [a for a in list_actions(demo, ADMIN, 2) if a.status.value == "done"]
    app = page(2)
    form = check_form(app)
    assert form["ref"].value == first.ref
    form["by"].input("Q. Auditor")
    form["note"].input("Sampled 10 cases: all on time")
    app.button(key="FormSubmitter:actions_check_form_0-Record the check").click().run()
    assert not app.exception, app.exception
    form = check_form(app, "actions_check_form_1")
    assert form["ref"].value == other.ref
    assert (form["by"].value, form["note"].value) == ("", "")
    app.button(key="FormSubmitter:actions_check_form_1-Record the check").click().run()
    assert not app.exception, app.exception
    still = next(a for a in list_actions(demo, ADMIN, 2) if a.ref == other.ref)
    assert still.status is ActionStatus.DONE, "an empty form verified nothing"
    assert any("not recorded" in e.value for e in app.error)
