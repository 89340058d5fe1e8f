"""The app's entry point and the portfolio page, headless (AppTest) on a SQLite file in tmp_path."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from streamlit.testing.v1 import AppTest

from assessment.portable.assessment_file import MAX_UPLOAD_BYTES
from assessment.settings import database_url
from assessment.storage.schema import current_revision, head_revision
from tests.conftest import REPO, unescaped

NORTHWIND = REPO / "examples" / "northwind-2018.yaml"

# Every test here starts the whole app on an empty SQLite database of its own.
pytestmark = pytest.mark.usefixtures("data_dir")


def start() -> AppTest:
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    return app


def texts(app: AppTest) -> str:
    parts = [
        e.value
        for kind in ("markdown", "info", "success", "error", "warning")
        for e in getattr(app, kind)
    ]
    return "\n".join(str(p) for p in parts)


def test_first_start_creates_the_database_and_offers_demo_data(data_dir):
    app = start()
    assert app.title[0].value == "Portfolio"
    assert (data_dir / "iso10002.db").exists()
    assert current_revision(create_engine(database_url())) == head_revision()
    assert "There is nothing here yet" in app.info[0].value
    assert app.button[0].label == "Load demo data"


def test_loading_the_demo_shows_live_data():
    app = start()
    app.button[0].click().run()
    assert not app.exception, app.exception
    assert "Demo data loaded" in unescaped(app.success[0].value)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Organizations"] == "2"
    assert int(metrics["Overdue actions"]) >= 3
    table = app.dataframe[0].value
    assert table["Organization"].str.endswith("(demo)").all()
    assert "In progress" in set(table["Stage"])


def test_uploading_a_portable_file_imports_it():
    app = start()
    app.file_uploader[0].set_value(
        ("northwind.yaml", NORTHWIND.read_bytes(), "application/yaml")
    ).run()
    app.button(key="portfolio_import_button").click().run()
    assert not app.exception, app.exception
    assert "Imported 'Complaints-handling gap analysis 2026' for Northwind Utilities" in unescaped(
        app.success[0].value
    )
    table = app.dataframe[0].value
    assert list(table["Assessment"]) == ["Complaints-handling gap analysis 2026"]
    assert list(table["Open"]) == [2]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.yaml", b"  \n", "empty.yaml:1:1: the file is empty"),
        ("big.yaml", b"x" * (MAX_UPLOAD_BYTES + 1), "may be at most 5 MB"),
        ("latin1.yaml", "title: Caf\u00e9\n".encode("latin-1"), "is not UTF-8 text"),
        (
            "wrong.yaml",
            b"format: iso10002-assessment/1\nchecklist: iso10002-2018\n",
            "wrong.yaml:1:1:",
        ),
        (
            "bad.yaml",
            NORTHWIND.read_bytes().replace(b'"8.6.a": {score: 0}', b'"8.6.a": {score: 7}'),
            "score 7 is outside the scale",
        ),
        (
            # A real, valid checklist file named by its server path: the file must not reach it.
            "path.yaml",
            NORTHWIND.read_bytes().replace(
                b"checklist: iso10002-2018",
                f"checklist: {REPO / 'checklists' / 'iso10002-2018.yaml'}".encode(),
            ),
            "path.yaml:3:12: checklist: '/",
        ),
    ],
)
def test_a_rejected_upload_says_why_and_changes_nothing(name, content, message, data_dir):
    app = start()
    app.file_uploader[0].set_value((name, content, "application/yaml")).run()
    app.button(key="portfolio_import_button").click().run()
    assert not app.exception, app.exception
    error = app.error[0].value
    assert "nothing was changed" in error
    assert message in unescaped(error)
    with create_engine(database_url()).connect() as connection:
        assert connection.scalar(text("select count(*) from assessment")) == 0
    assert app.info, "the welcome stays: still nothing imported"


def test_a_database_that_cannot_be_opened_is_a_plain_message(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setenv("ISO10002_DATA_DIR", str(blocker))
    app = start()
    assert app.error, "an error message is shown"
    assert "ISO10002_DATA_DIR" in app.error[0].value
    assert "Traceback" not in texts(app)
