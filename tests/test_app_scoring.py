"""The Scoring page (workshop mode), headless (AppTest), each test on its own SQLite file."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from assessment.demo.builder import load_demo
from assessment.portable.assessment_file import load_assessment_file
from assessment.services.assessments import get_assessment, open_assessment
from assessment.services.audit import events
from assessment.services.evidence import list_evidence
from assessment.services.exchange import import_assessment
from assessment.services.responses import set_response
from assessment.settings import database_url
from assessment.storage.store import Store
from assessment.workflow.response import Response
from tests.conftest import REPO, unescaped
from tests.evidence_samples import MZ
from tests.people import ADMIN, admin
from ui.components.identity import local_user_name

# The Northwind example answers 4.1.a and 4.1.b, so its first criterion left open is 4.1.c.
OPEN = "4.1.c"


@pytest.fixture
def store(data_dir):
    opened = Store.open(database_url())
    yield opened
    opened.dispose()


@pytest.fixture
def northwind(store) -> int:
    loaded = load_assessment_file(REPO / "examples" / "northwind-2018.yaml")
    return import_assessment(store, admin("importer"), loaded).assessment.id


def page() -> AppTest:
    app = AppTest.from_string(
        "from ui.pages import scoring_page\nscoring_page.render()\n", default_timeout=60
    )
    app.run()
    assert not app.exception, app.exception
    return app


def run(changed) -> AppTest:
    """Run the page after a change to it or to one of its widgets (both have .run())."""
    app = changed.run()
    assert not app.exception, app.exception
    return app


def key(assessment_id: int, criterion_id: str, field: str) -> str:
    return f"scoring_{assessment_id}_{criterion_id}_{field}"


def pills(app: AppTest, assessment_id: int, criterion_id: str):
    (found,) = [b for b in app.button_group if b.key == key(assessment_id, criterion_id, "score")]
    return found


def errors(app: AppTest) -> list[str]:
    return [unescaped(e.value) for e in app.error]


def test_an_empty_database_points_to_the_portfolio(data_dir):
    app = page()
    assert "Portfolio page" in app.info[0].value
    assert not app.button_group


def test_the_page_opens_on_the_first_unanswered_clause_with_progress(store, northwind):
    app = page()
    opened = open_assessment(store, ADMIN, northwind)
    assert app.selectbox(key="scoring_clause_picker").value == "4.1"
    assert app.get("progress")[0].proto.value == int(opened.score.overall.completion * 100)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Verdict"] == opened.score.overall.verdict.label
    scale = pills(app, northwind, OPEN)
    assert scale.options[3] == "3 — Implemented and documented"
    assert pills(app, northwind, "4.1.a").value == 3  # the stored score is on screen


def test_scoring_a_criterion_stores_it_under_the_actor(store, northwind):
    app = page()
    pills(app, northwind, OPEN).select(4)
    app.text_area(key=key(northwind, OPEN, "notes")).input("Seen in the procedure")
    run(app)
    app = run(app.button(key=key(northwind, OPEN, "save")).click())
    stored = open_assessment(store, ADMIN, northwind).responses[OPEN]
    assert stored.response.score == 4
    assert stored.response.notes == "Seen in the procedure"
    assert stored.updated_by == local_user_name()
    assert {e.actor for e in events(store, ADMIN, northwind, criterion_id=OPEN)} == {
        local_user_name()
    }
    assert any(f"Saved {OPEN}" in unescaped(s.value) for s in app.success)


def test_not_applicable_without_a_reason_is_refused(store, northwind):
    app = page()
    app = run(app.toggle(key=key(northwind, OPEN, "na")).set_value(True))
    app = run(app.button(key=key(northwind, OPEN, "save")).click())
    assert any("not applicable needs a reason" in e for e in errors(app))
    assert OPEN not in open_assessment(store, ADMIN, northwind).responses
    app.text_input(key=key(northwind, OPEN, "na_reason")).input("We charge no fees")
    app = run(app.button(key=key(northwind, OPEN, "save")).click())
    stored = open_assessment(store, ADMIN, northwind).responses[OPEN].response
    assert stored.not_applicable == "We charge no fees"
    assert stored.score is None


def test_an_override_needs_its_reason(store, northwind):
    app = page()
    pills(app, northwind, OPEN).select(1)
    app.selectbox(key=key(northwind, OPEN, "finding")).select("ofi")
    app = run(app.button(key=key(northwind, OPEN, "save")).click())
    assert any("a finding override needs a reason" in e for e in errors(app))
    assert OPEN not in open_assessment(store, ADMIN, northwind).responses


def test_a_conflict_names_who_and_keeps_the_input(store, northwind):
    app = page()
    app = run(pills(app, northwind, OPEN).select(2))
    # Someone else saves the same criterion after the page read it.
    set_response(
        store, admin("Maria Nowak"), northwind, OPEN, Response(score=5), expected_version=0
    )
    app = run(app.button(key=key(northwind, OPEN, "save")).click())
    (conflict,) = [e for e in errors(app) if "Maria Nowak" in e]
    assert "since you opened it" in conflict
    assert pills(app, northwind, OPEN).value == 2  # the user's input is still on screen
    assert open_assessment(store, ADMIN, northwind).responses[OPEN].response.score == 5
    run(app)  # the conflict stays on screen across reruns
    assert any("Maria Nowak" in e for e in errors(app))
    app = run(app.button(key=key(northwind, OPEN, "reload")).click())
    assert pills(app, northwind, OPEN).value == 5
    assert not any("Maria Nowak" in e for e in errors(app))


def test_after_a_conflict_the_user_may_save_over_theirs(store, northwind):
    app = page()
    app = run(pills(app, northwind, OPEN).select(2))
    set_response(
        store, admin("Maria Nowak"), northwind, OPEN, Response(score=5), expected_version=0
    )
    app = run(app.button(key=key(northwind, OPEN, "save")).click())
    app = run(app.button(key=key(northwind, OPEN, "overwrite")).click())
    stored = open_assessment(store, ADMIN, northwind).responses[OPEN]
    assert (stored.response.score, stored.updated_by, stored.version) == (2, local_user_name(), 2)


def test_a_final_assessment_is_read_only(store):
    load_demo(store, ADMIN)
    app = page()
    kestrel = get_assessment(store, ADMIN, 1).organization_id
    run(app.sidebar.selectbox(key="selection_organization").select(kestrel))
    app = run(app.sidebar.selectbox(key="selection_assessment").select(1))
    assert any("final and read-only" in w.value for w in app.warning)
    saves = [b for b in app.button if b.key.endswith("_save")]
    assert saves
    assert all(b.disabled for b in saves)
    assert all(b.disabled for b in app.button_group)
    assert not app.get("file_uploader")


def test_next_unanswered_moves_to_the_next_clause_with_a_gap(store, northwind):
    opened = open_assessment(store, ADMIN, northwind)
    waiting = []
    for criterion in opened.checklist.criteria:
        ref = opened.checklist.clause_of(criterion.id).ref
        if criterion.id not in opened.responses and ref not in waiting:
            waiting.append(ref)
    app = page()
    assert app.selectbox(key="scoring_clause_picker").value == waiting[0]
    app = run(app.button(key="scoring_next_unanswered").click())
    assert app.selectbox(key="scoring_clause_picker").value == waiting[1]
    assert unescaped(app.markdown[1].value).startswith(f"## {waiting[1]} ")


def test_an_uploaded_program_is_refused_with_the_reason(store, northwind):
    app = page()
    uploader = app.get("file_uploader")[2]  # 4.1.a, 4.1.b, then 4.1.c
    assert uploader.key == key(northwind, OPEN, "ev0_file")
    app = run(uploader.set_value(("minutes.pdf", MZ, "application/pdf")))
    app = run(app.button(key=key(northwind, OPEN, "ev0_attach_file")).click())
    assert any("Windows program" in e and "never taken as evidence" in e for e in errors(app))
    assert list_evidence(store, ADMIN, northwind) == []


def test_a_link_is_attached_to_the_criterion(store, northwind):
    app = page()
    app.text_input(key=key(northwind, OPEN, "ev0_link")).input("https://example.org/policy")
    run(app)
    app = run(app.button(key=key(northwind, OPEN, "ev0_add_link")).click())
    (record,) = list_evidence(store, ADMIN, northwind, criterion_id=OPEN)
    assert record.url == "https://example.org/policy"
    assert record.created_by == local_user_name()
    assert app.text_input(key=key(northwind, OPEN, "ev1_link")).value == ""
