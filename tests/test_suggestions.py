"""Suggested scores from the complaint register: the rule, and the Scoring page where the
assessor sees the figures beside the criterion, takes the suggestion or not, and the history
records that it was taken."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from assessment.complaints.indicators import Indicator, Period, Value
from assessment.complaints.suggestions import score_for, suggestions
from assessment.demo.builder import load_demo
from assessment.services.assessments import open_assessment
from assessment.services.audit import events
from assessment.services.responses import SUGGESTION_ACCEPTED
from assessment.settings import database_url
from assessment.storage.store import Store
from tests.conftest import unescaped
from tests.people import ADMIN

REVIEW = 2  # the demo's review in progress


def indicator(better: str = "higher", criteria: tuple[str, ...] = ("7.4.a",)) -> Indicator:
    return Indicator.model_validate(
        {
            "id": "ack",
            "title": "Acknowledged on time",
            "measure": {"kind": "share_within", "end": "acknowledged", "days": 2},
            "target": {"value": 0.95, "better": better},
            "criteria": list(criteria),
        }
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.97, 4), (0.95, 4), (0.90, 3), (0.8551, 3), (0.75, 2), (0.70, 1), (0.2, 1), (None, None)],
)
def test_the_suggested_score_follows_how_far_the_figure_is_from_its_target(value, expected):
    # 0.95 met; 0.90 is 5.3% short (<= 10%); 0.75 is 21% short (<= 25%); 0.70 is 26% short.
    assert score_for(Value(indicator(), value, 100, 0.95), top=5) == expected


def test_the_weakest_figure_limits_the_criterion_and_the_reason_names_each():
    period = Period(date(2026, 1, 1), date(2026, 12, 31))
    met = Value(indicator(), 0.97, 200, 0.95)
    short = Value(indicator("lower"), 0.40, 150, 0.05)  # far above a "lower is better" target
    found = suggestions([met, short], period, top=5)["7.4.a"]
    assert found.score == 1
    assert found.reason == (
        "Acknowledged on time: 97.0% against at least 95.0% (200 complaints); "
        "Acknowledged on time: 40.0% against at most 5.0% (150 complaints)"
    )


@pytest.fixture
def demo_register(data_dir) -> Iterator[Store]:
    store = Store.open(database_url())
    load_demo(store, ADMIN)
    yield store
    store.dispose()


def test_the_scoring_page_shows_the_figures_and_records_a_taken_suggestion(demo_register):
    app = AppTest.from_string(
        "from ui.pages import scoring_page\nscoring_page.render()\n", default_timeout=60
    )
    app.session_state["selection_assessment"] = REVIEW
    app.session_state["scoring_clause"] = "7.4"
    app = app.run()
    assert not app.exception, app.exception
    boxes = [unescaped(i.value) for i in app.info if "From the complaint register" in i.value]
    assert boxes, [i.value for i in app.info]
    assert "Acknowledged within the target time: " in boxes[0]
    assert "against at least 95.0%" in boxes[0]
    take = next(b for b in app.button if b.key == f"scoring_{REVIEW}_7.4.a_use_suggestion")
    suggested = int(take.label.rsplit(" ", 1)[1])
    app = take.click().run()
    assert not app.exception, app.exception
    app = app.button(key=f"scoring_{REVIEW}_7.4.a_save").click().run()
    assert not app.exception, app.exception
    stored = open_assessment(demo_register, ADMIN, REVIEW).responses["7.4.a"]
    assert stored.response.score == suggested
    taken = [
        e
        for e in events(demo_register, ADMIN, REVIEW, criterion_id="7.4.a")
        if e.field == SUGGESTION_ACCEPTED
    ]
    assert len(taken) == 1
    assert taken[0].after.startswith("Acknowledged within the target time: ")
