"""The dashboard page, headless (AppTest), on the demo data."""

from __future__ import annotations

import json
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from assessment.services.actions import list_actions
from assessment.services.assessments import list_assessments, open_assessment
from tests.people import ADMIN


def page() -> AppTest:
    app = AppTest.from_string(
        "from ui.pages import dashboard_page\ndashboard_page.render()\n", default_timeout=60
    )
    app.run()
    assert not app.exception, app.exception
    return app


def figures(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def test_an_empty_database_points_to_the_portfolio(data_dir):
    assert "Portfolio page" in page().info[0].value


def test_the_dashboard_shows_the_chosen_assessment(demo):
    app = page()
    kestrel = next(r for r in list_assessments(demo, ADMIN) if r.id == 2).organization_id
    app.sidebar.selectbox(key="selection_organization").select(kestrel).run()
    app.sidebar.selectbox(key="selection_assessment").select(2).run()
    assert not app.exception, app.exception
    opened = open_assessment(demo, ADMIN, 2)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Verdict"] == opened.score.overall.verdict.label
    overdue = [a for a in list_actions(demo, ADMIN, 2) if a.is_overdue(date.today())]
    assert metrics["Overdue"] == str(len(overdue))
    specs = figures(app)
    gauge = specs[0]["data"][0]
    assert gauge["value"] == pytest.approx(opened.score.readiness * 100)
    radar_names = [trace["name"] for trace in specs[1]["data"]]
    # Section 8 has nothing answered in the demo review: a sector of its own, not a 0.
    assert radar_names == ["Not assessed", "Ready at", "Baseline", "Now"]
    assert any(t["type"] == "treemap" for spec in specs for t in spec["data"])


def test_chart_labels_show_checklist_text_as_text():
    from assessment.checklist.loader import checklist_from_text
    from assessment.scoring.engine import score_assessment
    from tests.conftest import SMALL_CHECKLIST
    from ui.components.charts import clause_treemap

    hostile = SMALL_CHECKLIST.replace(
        "title: General", "title: <a href='javascript:alert(1)'>x</a>"
    )
    score = score_assessment(checklist_from_text(hostile, "hostile.yaml"), {})
    labels = clause_treemap(score).data[0].labels
    shown = next(label for label in labels if label.startswith("4.1 "))
    assert shown.startswith("4.1 &lt;a")
    assert "<a" not in "".join(labels)


def _demo_score(demo, assessment_id: int):
    opened = open_assessment(demo, ADMIN, assessment_id)
    return opened.score, opened.checklist


def test_clause_bars_are_categories_in_checklist_order_with_ref_and_title(demo):
    from ui.components.charts import clause_bars

    score, checklist = _demo_score(demo, 2)
    figure = clause_bars(score, checklist)
    axis = figure.layout.yaxis
    assert axis.type == "category"
    order = list(axis.categoryarray)
    refs = [label.split(" ", 1)[0] for label in order]
    assert refs[:16] == [*(f"4.{n}" for n in range(1, 16)), "5.1"]
    assert "4.10 Confidentiality" in order
    assert order.index("4.10 Confidentiality") == order.index("4.9 Information integrity") + 1
    assert "5.4" not in refs, "a parent clause is shown through its sub-clauses"
    assert list(figure.data[0].y) == order


def test_clauses_nobody_answered_are_drawn_as_not_assessed_not_as_zero(demo):
    from ui.components.charts import NOT_ASSESSED_TEXT, clause_bars, clause_treemap

    score, checklist = _demo_score(demo, 2)
    figure = clause_bars(score, checklist)
    readiness, hatch = figure.data
    assert hatch.name == "Not assessed"
    silent = [y for y, x in zip(readiness.y, readiness.x, strict=True) if x is None]
    assert silent, "the demo review has clauses nobody has answered yet"
    notes = {a.y for a in figure.layout.annotations if a.text == NOT_ASSESSED_TEXT}
    assert notes == set(silent)
    assert all(t != "0.0%" for y, t in zip(readiness.y, readiness.text, strict=True) if y in notes)
    partly = [t for t in readiness.text if "answered" in t]
    assert partly, "a partly answered clause says how much is answered"
    tree = clause_treemap(score).data[0]
    grey = {
        ref for ref, colour in zip(tree.ids, tree.marker.colors, strict=True) if colour == "#bdbdbd"
    }
    assert "8.1" in grey
    assert "4.1" not in grey
