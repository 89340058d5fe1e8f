"""The chosen organization and assessment (ui/components/selection.py), presentation mode
(ui/components/presentation.py, ui/components/scoring_focus.py) and the portfolio's rows that open an assessment,
headless (AppTest) on the demo data."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from assessment.access.roles import Actor
from assessment.services.assessments import get_assessment, open_assessment
from assessment.services.preferences import Preference, preference_on
from tests.conftest import open_in_url, unescaped
from tests.people import ADMIN
from ui.components.identity import local_user_name
from ui.components.selection import Choice

BASELINE, REVIEW, DRAFT = 1, 2, 3


def run(changed) -> AppTest:
    """Run the page after a change to it or to one of its widgets (both have .run())."""
    app = changed.run()
    assert not app.exception, app.exception
    return app


def page(module: str) -> AppTest:
    return AppTest.from_string(
        f"from ui.pages import {module}\n{module}.render()\n", default_timeout=60
    )


def test_a_link_opens_its_assessment_and_the_url_names_the_organization(demo):
    app = page("dashboard_page")
    open_in_url(app, BASELINE)
    app = run(app)
    organization = get_assessment(demo, ADMIN, BASELINE).organization_id
    assert app.header[0].value.startswith("Kestrel Outdoor Supply")
    assert app.sidebar.selectbox(key="selection_assessment").value == BASELINE
    assert app.query_params == {"org": str(organization), "assessment": str(BASELINE)}


def test_without_a_link_the_session_choice_wins_over_the_default(demo):
    app = page("history_page")
    app.session_state["selection_chosen"] = Choice(2, DRAFT)
    app = run(app)
    assert app.sidebar.selectbox(key="selection_assessment").value == DRAFT
    assert app.query_params["assessment"] == str(DRAFT)


def test_picking_another_organization_opens_its_assessment_being_worked_on(demo):
    app = run(page("reports_page"))  # opens the review in progress first
    assert app.sidebar.selectbox(key="selection_assessment").value == REVIEW
    alder = get_assessment(demo, ADMIN, DRAFT).organization_id
    app = run(app.sidebar.selectbox(key="selection_organization").select(alder))
    assert app.header[0].value.startswith("Alder Vale")
    assert app.query_params["assessment"] == str(DRAFT)


def test_a_link_to_another_clients_assessment_opens_nothing_of_theirs(demo):
    kestrel = get_assessment(demo, ADMIN, REVIEW).organization_id
    alder = get_assessment(demo, ADMIN, DRAFT).organization_id
    app = page("dashboard_page")
    app.session_state["identity_actor"] = Actor(name="Vic", roles={alder: "viewer"})
    app.query_params.update({"org": str(kestrel), "assessment": str(REVIEW)})
    app = run(app)
    assert app.header[0].value.startswith("Alder Vale")
    assert any("not open to you" in w.value for w in app.warning)
    assert "Kestrel" not in " ".join(str(e.value) for e in app.markdown)


def test_presentation_mode_saves_a_score_on_the_click_and_is_remembered(demo):
    app = page("scoring_page")
    open_in_url(app, REVIEW)
    app = run(app)
    app = run(app.toggle(key="presentation_toggle").set_value(True))
    focused = app.session_state["focus_criterion"][REVIEW]
    before = open_assessment(demo, ADMIN, REVIEW)
    assert focused not in before.responses, "it opens on an unanswered criterion"
    app = run(app.button(key="focus_score_3").click())
    after = open_assessment(demo, ADMIN, REVIEW)
    assert after.responses[focused].response.score == 3
    assert any(
        f"Saved {focused}: 3 — Implemented and documented" in unescaped(s.value)
        for s in app.success
    )
    local = Actor.local_admin(local_user_name())
    assert preference_on(demo, local, Preference.PRESENTATION_MODE)
    again = page("scoring_page")  # a new session of the same person
    open_in_url(again, REVIEW)
    again = run(again)
    assert again.toggle(key="presentation_toggle").value is True


def test_presentation_mode_moves_with_next_and_previous(demo):
    app = page("scoring_page")
    open_in_url(app, REVIEW)
    app.session_state["presentation_on"] = True
    app = run(app)
    ids = [c.id for c in open_assessment(demo, ADMIN, REVIEW).checklist.criteria]
    first = app.session_state["focus_criterion"][REVIEW]
    app = run(app.button(key="focus_next").click())
    assert app.session_state["focus_criterion"][REVIEW] == ids[ids.index(first) + 1]
    app = run(app.button(key="focus_previous").click())
    assert app.session_state["focus_criterion"][REVIEW] == first


def test_a_conflicting_save_in_presentation_mode_keeps_both_answers_on_screen(demo):
    from assessment.services.responses import set_response
    from assessment.workflow.response import Response

    app = page("scoring_page")
    open_in_url(app, REVIEW)
    app.session_state["presentation_on"] = True
    app = run(app)
    focused = app.session_state["focus_criterion"][REVIEW]
    set_response(demo, ADMIN, REVIEW, focused, Response(score=1), expected_version=0)
    app = run(app.button(key="focus_score_4").click())
    stored = open_assessment(demo, ADMIN, REVIEW).responses[focused]
    assert stored.response.score == 1, "someone else's answer is never overwritten silently"
    error = unescaped(" ".join(e.value for e in app.error))
    assert "Not saved" in error
    assert "1 — Ad hoc" in error
    assert "4 — Measured and managed" in error


def test_a_selected_portfolio_row_offers_to_open_its_assessment(demo):
    app = run(page("portfolio_page"))
    table = app.dataframe[0].value
    row = table["Assessment"].tolist().index(get_assessment(demo, ADMIN, BASELINE).title)
    app.session_state["portfolio_table"] = {"selection": {"rows": [row], "columns": []}}
    app = run(app)
    keys = [b.key for b in app.button]
    assert f"portfolio_open_dashboard_{BASELINE}" in keys
    assert f"portfolio_open_scoring_{BASELINE}" in keys
