"""The evidence page, headless (AppTest), on the demo data in a SQLite file of its own."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from assessment.services.evidence import list_evidence
from assessment.services.evidence_adding import add_file
from assessment.services.evidence_metrics import expiring
from assessment.services.vault_access import open_vault
from tests.conftest import open_in_url, unescaped
from tests.evidence_samples import MZ
from tests.people import ADMIN, admin

KESTREL = "Kestrel Outdoor Supply (demo)"
TEXT = b"Complaints log sample, week 12: 41 received, 39 acknowledged within 2 days.\n"


def page(assessment_id: int | None = None) -> AppTest:
    app = AppTest.from_string(
        "from ui.pages import evidence_page\nevidence_page.render()\n", default_timeout=60
    )
    if assessment_id is not None:
        open_in_url(app, assessment_id)
    app.run()
    assert not app.exception, app.exception
    return app


def upload(app: AppTest, name: str, content: bytes, criterion: str = "4.1.a") -> AppTest:
    app.file_uploader(key="evidence_upload_0").set_value((name, content, "text/plain"))
    app.multiselect(key="evidence_file_criteria_0").select(criterion)
    app.button(key="evidence_add_file").click().run()
    assert not app.exception, app.exception
    return app


def test_an_empty_database_points_to_the_portfolio(data_dir):
    app = page()
    assert "Portfolio page" in app.info[0].value
    assert not app.file_uploader


def test_the_limit_and_accepted_types_are_shown_near_the_uploader(demo):
    captions = " ".join(c.value for c in page(2).caption)
    assert "At most 50.0 MB per file" in captions
    assert "PDF document" in captions


def test_uploading_a_small_text_file_stores_it(demo):
    before = len(list_evidence(demo, ADMIN, 2))
    app = upload(page(2), "log.txt", TEXT)
    assert "Added E61" in unescaped(app.success[0].value)
    records = list_evidence(demo, ADMIN, 2)
    assert len(records) == before + 1
    assert records[-1].original_name == "log.txt"
    assert records[-1].criteria == ("4.1.a",)


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [("tool.exe", MZ, "program"), ("empty.txt", b"", "the file is empty")],
)
def test_refused_files_say_why_and_store_nothing(demo, name, content, why):
    before = len(list_evidence(demo, ADMIN, 2))
    app = upload(page(2), name, content)
    message = unescaped(app.error[0].value)
    assert "was not added, nothing was stored" in message
    assert why in message.lower()
    assert len(list_evidence(demo, ADMIN, 2)) == before
    assert not app.success


def test_a_checked_file_can_be_downloaded(demo):
    add_file(demo, admin("tester"), 2, TEXT, "log.txt", ["4.1.a"])
    app = page(2)
    app.button(key="evidence_check_E61").click().run()
    assert not app.exception, app.exception
    assert not app.error
    assert app.get("download_button")


def test_a_tampered_file_shows_the_integrity_error_and_no_download(demo):
    added = add_file(demo, admin("tester"), 2, TEXT, "log.txt", ["4.1.a"])
    open_vault().path_for(added.record.sha256).write_bytes(b"something else entirely\n")
    app = page(2)
    app.button(key="evidence_check_E61").click().run()
    assert not app.exception, app.exception
    message = unescaped(app.error[0].value)
    assert "E61" in message
    assert "not served" in message
    assert "altered" in message
    assert not app.get("download_button")


def test_expiring_records_appear_as_a_warning(demo):
    soon = expiring(demo, ADMIN, 2, date.today())
    assert soon
    warning = unescaped(page(2).warning[0].value)
    assert f"{len(soon)} records expire within 30 days" in warning
    for record in soon:
        assert record.ref in warning


def test_a_final_assessment_is_read_only(demo):
    app = page(1)
    assert "final and read-only" in app.warning[0].value
    assert not app.file_uploader
    assert not app.button
    assert not app.text_input


def test_withdrawing_an_approval_needs_a_reason(demo):
    app = page(2)
    app.selectbox(key="evidence_status_ref").select("E1").run()
    app.button(key="evidence_status_save").click().run()
    assert "needs a reason" in unescaped(app.error[0].value)
    app.text_input(key="evidence_status_reason").input("Superseded by the new log").run()
    app.button(key="evidence_status_save").click().run()
    assert not app.exception, app.exception
    assert "E1 is now in review" in unescaped(app.success[0].value)
    assert list_evidence(demo, ADMIN, 2)[0].status.value == "in_review"
