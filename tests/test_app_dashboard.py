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
    app = AppTest.from_string("from ui import dashboard\ndashboard.render()\n", default_timeout=60)
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
    assert radar_names == ["Ready at", "Baseline", "Now"]
    assert any(t["type"] == "treemap" for spec in specs for t in spec["data"])


def test_chart_labels_show_checklist_text_as_text():
    from assessment.checklist_loader import checklist_from_text
    from assessment.scoring import score_assessment
    from tests.conftest import SMALL_CHECKLIST
    from ui.charts import clause_treemap

    hostile = SMALL_CHECKLIST.replace(
        "title: General", "title: <a href='javascript:alert(1)'>x</a>"
    )
    score = score_assessment(checklist_from_text(hostile, "hostile.yaml"), {})
    labels = clause_treemap(score).data[0].labels
    assert "4.1 &lt;a href='javascript:alert(1)'&gt;x&lt;/a&gt;" in labels
