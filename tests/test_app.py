"""The app, run headless with Streamlit's AppTest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest


@pytest.fixture(autouse=True)
def _own_data_folder(tmp_path, monkeypatch):
    """Each test gets an empty SQLite database of its own."""
    monkeypatch.setenv("ISO10002_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)


def page(module: str) -> AppTest:
    """One page of the app, run on its own (component-level AppTest)."""
    return AppTest.from_string(
        f"from ui.pages import {module}\n{module}.render()\n", default_timeout=30
    )


def run_app() -> AppTest:
    app = page("checklists_page")
    app.run()
    assert not app.exception, app.exception
    return app


def test_checklist_page_shows_the_2018_tree():
    app = run_app()
    assert app.title[0].value == "Checklists"
    assert app.selectbox[0].value == "iso10002-2018"
    assert [m.value for m in app.metric][:3] == ["49", "139", "39"]
    subheaders = [s.value for s in app.subheader]
    assert subheaders[:2] == ["4 Guiding principles", "5 Complaints-handling framework"]
    assert any(e.label.startswith("7.2 Receipt of complaint") for e in app.expander)


def test_choosing_the_2014_edition_shows_its_clauses():
    app = run_app()
    app.selectbox[0].select("iso10002-2014").run()
    assert not app.exception
    assert any(e.label.startswith("4.2 Visibility") for e in app.expander)
    assert [m.value for m in app.metric][1] == "120"


def test_criteria_show_their_tags_and_records():
    app = run_app()
    captions = [c.value for c in app.caption]
    assert "target 3 · weight 2 · **essential**" in captions
    assert any(
        m.value.startswith("*Records that show it:*") and "Complaints register" in m.value
        for m in app.markdown
    )


def test_checklist_text_is_escaped_as_markdown():
    from ui.components.markdown import md_escape

    assert md_escape("**bold** [link](http://x) <b>") == r"\*\*bold\*\* \[link\]\(http\://x\) \<b\>"
