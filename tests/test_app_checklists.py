"""The Checklists page's "check a custom checklist" upload, headless (AppTest).

Streamlit 1.67's AppTest drives st.file_uploader (`set_value`), so the page is tested through
the real widget; `show_uploaded_checklist` is also run on its own for what a browser never sends.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from assessment.checklist.loader import checklist_from_text
from tests.conftest import REPO, SMALL_CHECKLIST, line_of, unescaped

# Three kinds of fault at once: an unknown key, a duplicate criterion id, a scale off its range.
FAULTY = (
    SMALL_CHECKLIST.replace("weight: 2\n", "wieght: 2\n", 1)
    .replace('id: "7.2.a"', 'id: "4.1.a"')
    .replace("pass_threshold: 3", "pass_threshold: 8")
)


@pytest.fixture(autouse=True)
def _builtin_folders_only(monkeypatch):
    """Only the built-in checklists/ folder is looked in, whatever the environment says."""
    monkeypatch.delenv("ISO10002_CHECKLISTS_DIR", raising=False)


def page() -> AppTest:
    app = AppTest.from_string(
        "from ui.pages import checklists_page\nchecklists_page.render()\n", default_timeout=30
    )
    app.run()
    assert not app.exception, app.exception
    return app


def upload(name: str, content: bytes) -> AppTest:
    app = page()
    app.file_uploader(key="checklists_upload").set_value((name, content, "application/yaml"))
    app.run()
    assert not app.exception, app.exception
    return app


def test_the_page_offers_an_upload_of_yaml_files():
    app = page()
    uploader = app.file_uploader(key="checklists_upload")
    assert set(uploader.allowed_type) == {".yaml", ".yml"}
    assert [t.label for t in app.tabs] == ["Available checklists", "Check a custom checklist"]
    assert not app.error
    assert not app.success


def test_a_valid_checklist_shows_its_figures_and_tree():
    app = upload("small.yaml", SMALL_CHECKLIST.encode())
    checklist = checklist_from_text(SMALL_CHECKLIST, "small.yaml")
    success = unescaped(app.success[0].value)
    assert "small.yaml is a valid checklist: **small** (Small test checklist)" in success
    assert "edition 2018, content version 1, 4 clauses, 3 criteria" in success
    assert checklist.content_hash in success
    metrics = {m.label: m.value for m in app.metric[4:]}  # the first four are the built-in one's
    assert metrics == {"Clauses": "4", "Criteria": "3", "Essential": "1", "Pass at": "3 of 5"}
    assert [s.value for s in app.subheader][-2:] == ["4 Principles", "7 Operation"]
    assert "7.2 Receipt · 1 criteria" in [unescaped(e.label) for e in app.expander]
    assert not app.error


def test_a_valid_checklist_says_how_to_make_it_available():
    app = upload("small.yaml", SMALL_CHECKLIST.encode())
    note = unescaped(app.info[0].value)
    assert "Nothing was saved" in note
    assert "save it as `small.yaml`" in note
    assert "`checklists/`" in note
    assert "ISO10002_CHECKLISTS_DIR" in note
    assert "already available" not in note


def test_every_fault_is_listed_with_its_line_and_nothing_is_loaded():
    app = upload("small.yaml", FAULTY.encode())
    assert app.error[0].value.startswith("This checklist has 3 faults; nothing was loaded.")
    table = app.dataframe[0].value
    assert list(table.columns) == ["Line", "Column", "Fault"]
    rows = {(row.Line, row.Fault) for row in table.itertuples()}
    first, second = line_of(FAULTY, 'id: "4.1.a"'), line_of(FAULTY, 'id: "4.1.a"', 2)
    assert rows == {
        (
            line_of(FAULTY, "wieght"),
            "criterion 4.1.b: unknown key 'wieght'; did you mean 'weight'?",
        ),
        (
            second,
            f"criterion id '4.1.a' is used twice (first on line {first})",
        ),
        (
            line_of(FAULTY, "pass_threshold: 8"),
            "scale: pass_threshold 8 is outside the scale (1 to 5)",
        ),
    }
    listing = app.code[0].value.splitlines()
    assert len(listing) == 3, "one line per fault, in file order"
    assert listing[0].startswith(f"small.yaml:{line_of(FAULTY, 'pass_threshold: 8')}:19: scale:")
    unknown = f"small.yaml:{line_of(FAULTY, 'wieght')}:13: criterion 4.1.b: unknown key 'wieght'"
    assert any(line.startswith(unknown) for line in listing)
    assert all(line.startswith("small.yaml:") for line in listing)
    assert not app.success, "no checklist is shown"
    assert not app.metric[4:], "only the built-in checklist's figures"


def test_a_file_named_otherwise_than_its_id_is_a_fault_as_on_the_command_line():
    app = upload("draft.yaml", SMALL_CHECKLIST.encode())
    assert app.error[0].value.startswith("This checklist has 1 fault; nothing was loaded.")
    assert "rename the file to 'small.yaml'" in app.dataframe[0].value["Fault"][0]
    assert app.code[0].value.startswith("draft.yaml:2:5: the file is named 'draft'")


def test_a_yml_file_is_checked_and_told_to_be_saved_as_yaml():
    app = upload("small.yml", SMALL_CHECKLIST.encode())
    assert app.success
    assert "rename it when you save it" in unescaped(app.info[0].value)


def test_a_yaml_syntax_error_is_a_fault_on_its_line():
    text = SMALL_CHECKLIST.replace("title: General", "title: General: more")
    app = upload("small.yaml", text.encode())
    table = app.dataframe[0].value
    assert table["Line"].tolist() == [line_of(text, "title: General: more")]
    assert table["Fault"][0].startswith("YAML syntax error")


@pytest.mark.parametrize(
    ("name", "content", "sentence"),
    [
        ("logo.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "is a binary file, not YAML"),
        ("latin.yaml", "title: Qualité\n".encode("latin-1"), "is not UTF-8 text"),
        ("empty.yaml", b"", "is empty"),
        ("blank.yaml", b"  \n\n", "is empty"),
    ],
    ids=["binary", "not utf-8", "empty", "blank"],
)
def test_a_file_that_cannot_be_a_checklist_is_one_plain_sentence(name, content, sentence):
    app = upload(name, content)
    message = unescaped(app.error[0].value)
    assert message.startswith(name)
    assert sentence in message
    assert not app.dataframe
    assert not app.code
    assert not app.success


def test_the_built_in_checklist_uploaded_is_recognised():
    content = (REPO / "checklists" / "iso10002-2018.yaml").read_bytes()
    app = upload("iso10002-2018.yaml", content)
    assert "139 criteria" in app.success[0].value
    assert "exactly this content is already available" in unescaped(app.info[0].value)
    assert [m.value for m in app.metric][4:6] == ["49", "139"]


def test_uploaded_text_is_escaped_as_markdown():
    text = SMALL_CHECKLIST.replace("title: Principles", "title: '**Bold** [x](http://e.test)'")
    app = upload("small.yaml", text.encode())
    assert not app.error
    assert r"4 \*\*Bold\*\* \[x\]\(http\://e\.test\)" in [s.value for s in app.subheader]


def test_the_built_in_tab_keeps_working_next_to_an_upload():
    app = upload("small.yaml", SMALL_CHECKLIST.encode())
    app.selectbox(key="checklists_choice").select("iso10002-2014").run()
    assert not app.exception, app.exception
    assert [m.value for m in app.metric][1] == "120"
    assert app.success, "the upload is still checked"


def _show(name: str, content: bytes) -> None:
    from ui.pages.checklists_page import show_uploaded_checklist

    show_uploaded_checklist(name, content)


def test_a_file_over_the_size_limit_is_refused_with_a_sentence():
    """The browser enforces the limit too; the page checks it for whatever reaches it."""
    content = SMALL_CHECKLIST.encode() + b"#" * (2 * 1024 * 1024)
    app = AppTest.from_function(_show, args=("small.yaml", content), default_timeout=30)
    app.run()
    assert not app.exception, app.exception
    message = unescaped(app.error[0].value)
    assert message.startswith("small.yaml is 2.0 MB; a checklist checked here may be at most 2 MB")
    assert not app.dataframe
