"""Each page by role, headless (AppTest), on the demo data: a page shows only the controls the
acting user's role allows, and a refusal is a message, never a traceback."""

from __future__ import annotations

from collections import Counter

import pytest
from streamlit.testing.v1 import AppTest

from assessment.access.roles import Actor, Role
from assessment.services.actions import list_actions
from assessment.services.assessments import get_assessment, open_assessment
from assessment.services.evidence import list_evidence
from assessment.storage.store import Store
from tests.conftest import open_in_url, unescaped
from tests.people import ADMIN

KESTREL = "Kestrel Outdoor Supply (demo)"
REVIEW = 2  # the Kestrel review in progress
NOTE = "Your role (viewer) lets you read this assessment; scoring needs an assessor."


@pytest.fixture
def org(demo: Store) -> int:
    return get_assessment(demo, ADMIN, REVIEW).organization_id


def viewer(org: int) -> Actor:
    return Actor(name="Vera Viewer", roles={org: Role.VIEWER})


def page(module: str, actor: Actor, assessment_id: int | None = REVIEW) -> AppTest:
    app = AppTest.from_string(
        f"from ui.pages import {module}\n{module}.render()\n", default_timeout=60
    )
    app.session_state["identity_actor"] = actor
    if assessment_id is not None:
        open_in_url(app, assessment_id)
    return run(app)


def run(app: AppTest) -> AppTest:
    app = app.run()
    assert not app.exception, app.exception
    return app


def texts(app: AppTest) -> list[str]:
    return [
        unescaped(str(e.value))
        for kind in ("info", "success", "error", "warning", "caption")
        for e in getattr(app, kind)
    ]


def keyed(app: AppTest, kind: str) -> list[str]:
    return [w.key for w in app.get(kind) if getattr(w, "key", None)]


def edit_table(app: AppTest, rows: dict[int, dict]) -> AppTest:
    generation = app.session_state["actions_table"]["generation"]
    app.session_state[f"actions_editor_{generation}"] = {
        "edited_rows": rows,
        "added_rows": [],
        "deleted_rows": [],
    }
    return run(app.button(key="actions_save").click())


# --- a viewer reads everything and changes nothing ---------------------------------------------


def test_a_viewer_reads_the_scoring_page_without_save_controls(demo, org):
    app = page("scoring_page", viewer(org))
    assert NOTE in texts(app)
    assert not [k for k in keyed(app, "button") if k.endswith("_save")]
    assert app.button_group
    assert all(b.disabled for b in app.button_group)
    assert all(t.disabled for t in app.text_area)
    assert not app.get("file_uploader")  # no inline evidence either
    assert app.button(key="scoring_next_unanswered")  # moving around is reading


def test_a_viewer_sees_what_others_save_meanwhile(demo, org):
    from assessment.services.responses import set_response
    from assessment.workflow.response import Response

    app = page("scoring_page", viewer(org))
    opened = open_assessment(demo, ADMIN, REVIEW)
    clause = app.selectbox(key="scoring_clause_picker").value
    criterion = opened.checklist.clause(clause).criteria[0].id
    set_response(
        demo,
        ADMIN,
        REVIEW,
        criterion,
        Response(score=1, notes="Seen by the assessor"),
        expected_version=opened.version_of(criterion),
    )
    app = run(app)
    assert app.text_area(key=f"scoring_{REVIEW}_{criterion}_notes").value == "Seen by the assessor"


def test_a_viewer_sees_evidence_without_add_or_review_forms(demo, org):
    app = page("evidence_page", viewer(org))
    assert app.dataframe  # the records are listed
    assert not app.get("file_uploader")
    assert not app.tabs
    assert "evidence_status_save" not in keyed(app, "button")


def test_a_viewer_sees_the_board_and_a_read_only_table(demo, org):
    app = page("actions_page", viewer(org))
    assert [m for m in app.markdown if m.value.startswith("**Open**")]
    assert not app.button  # no move, no raise, no save
    assert not app.data_editor
    assert not app.get("form")  # no effectiveness check
    (table,) = app.dataframe[-1:]
    assert table.value["Ref"].tolist() == [a.ref for a in list_actions(demo, ADMIN, REVIEW)]


def test_a_viewer_builds_reports_but_brings_no_workbook_back(demo, org):
    app = page("reports_page", viewer(org))
    assert [k for k in keyed(app, "button") if k.startswith("reports_build_")]
    assert not app.get("file_uploader")
    assert (
        "Your role (viewer) lets you read this assessment; bringing back a workbook needs an "
        "assessor." in texts(app)
    )
    app = run(app.button(key="reports_build_criteria.csv").click())
    assert [b for b in app.get("download_button") if "csv" in b.proto.label]


def test_a_viewer_reads_the_dashboard(demo, org):
    app = page("dashboard_page", viewer(org))
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Verdict"] == open_assessment(demo, ADMIN, REVIEW).score.overall.verdict.label
    assert app.get("plotly_chart")


# --- a contributor works on the actions assigned to them --------------------------------------


@pytest.fixture
def contributor(demo, org) -> tuple[Actor, str]:
    """A contributor named as the owner of exactly one open or in-progress demo action."""
    actions = list_actions(demo, ADMIN, REVIEW)
    counts = Counter(a.owner for a in actions)
    mine = next(
        a for a in actions if counts[a.owner] == 1 and a.status.value in ("open", "in_progress")
    )
    return Actor(name=mine.owner, roles={org: Role.CONTRIBUTOR}), mine.ref


def test_a_contributor_edits_the_work_on_their_action_only(demo, contributor):
    actor, ref = contributor
    app = page("actions_page", actor)
    assert not [k for k in keyed(app, "button") if k.startswith("actions_raise_")]
    assert not app.get("form")
    editor = app.data_editor[0]
    assert editor.value["Ref"].tolist() == [ref]
    others = app.dataframe[-1].value["Ref"].tolist()
    assert ref not in others
    assert len(others) == len(list_actions(demo, ADMIN, REVIEW)) - 1
    moves = [k for k in keyed(app, "button") if k.startswith("actions_move_")]
    assert moves
    assert all(k.startswith(f"actions_move_{ref}_") for k in moves)

    before = next(a for a in list_actions(demo, ADMIN, REVIEW) if a.ref == ref)
    app = edit_table(app, {0: {"Action plan": "Weekly call with the carrier", "Title": "Changed"}})
    assert f"Saved: {ref}." in texts(app)
    after = next(a for a in list_actions(demo, ADMIN, REVIEW) if a.ref == ref)
    assert after.action_plan == "Weekly call with the carrier"
    assert after.title == before.title  # not a column an assignee edits: left as it was
    assert not app.error


def test_a_contributor_moves_their_action_on_the_board(demo, contributor):
    actor, ref = contributor
    app = page("actions_page", actor)
    move = next(k for k in keyed(app, "button") if k.startswith(f"actions_move_{ref}_"))
    app = run(app.button(key=move).click())
    moved = next(a for a in list_actions(demo, ADMIN, REVIEW) if a.ref == ref)
    assert move.endswith(moved.status.value)
    assert moved.version == 2
    assert any(f"{ref} is now" in t for t in texts(app))


def test_a_contributor_adds_a_note_and_submits_it_for_review(demo, contributor):
    actor, _ = contributor
    app = page("evidence_page", actor)
    app.text_area(key="evidence_note_text_0").input("Carrier call minutes seen, 3 weeks")
    app.multiselect(key="evidence_note_criteria_0").select("4.1.a")
    app = run(app.button(key="evidence_add_note").click())
    added = list_evidence(demo, ADMIN, REVIEW)[-1]
    assert added.note == "Carrier call minutes seen, 3 weeks"
    assert added.created_by == actor.name
    assert added.status.value == "draft"
    # Only their draft is offered, and only for review: approving is a reviewer's.
    assert app.selectbox(key="evidence_status_ref").options == [
        f"{added.ref} · {added.title} (draft)"
    ]
    assert app.selectbox(key="evidence_status_target").options == ["In review"]
    app = run(app.button(key="evidence_status_save").click())
    assert list_evidence(demo, ADMIN, REVIEW)[-1].status.value == "in_review"


def test_a_contributor_adds_evidence_while_scoring_but_scores_nothing(demo, contributor):
    actor, _ = contributor
    app = page("scoring_page", actor)
    assert "scoring needs an assessor" in " ".join(texts(app))
    assert not [k for k in keyed(app, "button") if k.endswith("_save")]
    assert app.get("file_uploader")


# --- an assessor scores ------------------------------------------------------------------------


def test_an_assessor_scores_and_it_is_stored(demo, org):
    actor = Actor(name="Ann Assessor", roles={org: Role.ASSESSOR})
    app = page("scoring_page", actor)
    assert not [t for t in texts(app) if "lets you read" in t]
    opened = open_assessment(demo, ADMIN, REVIEW)
    clause = app.selectbox(key="scoring_clause_picker").value
    criterion = next(
        c.id for c in opened.checklist.clause(clause).criteria if c.id not in opened.responses
    )
    (pills,) = [b for b in app.button_group if b.key == f"scoring_{REVIEW}_{criterion}_score"]
    run(pills.select(2))
    app = run(app.button(key=f"scoring_{REVIEW}_{criterion}_save").click())
    stored = open_assessment(demo, ADMIN, REVIEW).responses[criterion]
    assert (stored.response.score, stored.updated_by) == (2, "Ann Assessor")


# --- refusals between two runs, and people who reach nothing -----------------------------------


def test_a_role_withdrawn_between_two_runs_is_a_message(demo, org, contributor):
    actor, ref = contributor
    app = page("actions_page", actor)
    move = next(k for k in keyed(app, "button") if k.startswith(f"actions_move_{ref}_"))
    # The button was drawn for the assignee; the click arrives after they became a viewer.
    app.session_state["identity_actor"] = Actor(name=actor.name, roles={org: Role.VIEWER})
    app = run(app.button(key=move).click())
    (error,) = [unescaped(e.value) for e in app.error]
    assert f"Action {ref} was not moved" in error
    assert "the viewer role does not allow it" in error
    assert next(a for a in list_actions(demo, ADMIN, REVIEW) if a.ref == ref).version == 1


@pytest.mark.parametrize(
    ("module", "message"),
    [
        ("scoring_page", "no assessment to score yet"),
        ("evidence_page", "There are no assessments yet"),
        ("actions_page", "There are no assessments yet"),
        ("dashboard_page", "Nothing to show yet"),
        ("reports_page", "no assessment to report on yet"),
    ],
)
def test_someone_of_another_organization_sees_the_empty_state(demo, module, message):
    app = page(module, Actor(name="Otto Other", roles={999: Role.ADMIN}), assessment_id=None)
    assert any(message in t for t in texts(app))


def test_the_portfolio_of_someone_in_no_organization_asks_for_an_administrator(demo):
    app = page("portfolio_page", Actor(name="Nina Newcomer"), assessment_id=None)
    assert "You do not belong to any organization yet; ask an administrator to add you." in texts(
        app
    )
    assert not app.button
    assert not app.get("file_uploader")
    assert not app.dataframe


def test_an_empty_portfolio_offers_the_demo_to_administrators_only(data_dir):
    app = page("portfolio_page", Actor(name="Nina Newcomer"), assessment_id=None)
    assert not app.button
    assert "ask an administrator to add you" in " ".join(texts(app))
    app = page("portfolio_page", Actor.local_admin("Ada Admin"), assessment_id=None)
    assert app.button[0].label == "Load demo data"


def test_a_viewer_sees_their_portfolio_without_import(demo, org):
    app = page("portfolio_page", viewer(org), assessment_id=None)
    assert set(app.dataframe[0].value["Organization"]) == {KESTREL}
    assert not app.get("file_uploader")
    assert not app.expander
