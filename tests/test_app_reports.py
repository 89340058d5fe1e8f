"""The Reports page, headless (AppTest), on the demo data in a SQLite file of its own."""

from __future__ import annotations

import io

import openpyxl
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from assessment.services.assessments import open_assessment
from tests.conftest import open_in_url, unescaped
from tests.people import ADMIN


def page() -> AppTest:
    app = AppTest.from_string(
        "from ui.pages import reports_page\nreports_page.render()\n", default_timeout=60
    )
    app.run()
    assert not app.exception, app.exception
    return app


def choose(app: AppTest, assessment_id: int) -> AppTest:
    open_in_url(app, assessment_id)
    app.run()
    assert not app.exception, app.exception
    return app


def test_an_empty_database_says_what_to_do(data_dir):
    app = page()
    assert "no assessment to report on yet" in app.info[0].value


def test_the_preview_shows_the_verdict_and_its_reasons(demo):
    app = choose(page(), 2)
    metrics = {m.label: m.value for m in app.metric}
    overall = open_assessment(demo, ADMIN, 2).score.overall
    assert metrics["Verdict"] == overall.verdict.label
    assert metrics["Against the baseline"].startswith("+")
    reasons = unescaped(next(m.value for m in app.markdown if "What holds it back" in m.value))
    assert overall.reasons[0].message in reasons


def test_building_the_pdf_offers_it_for_download(demo):
    app = choose(page(), 2)
    app.button(key="reports_build_pdf").click().run()
    assert not app.exception, app.exception
    (download,) = [b for b in app.get("download_button") if "pdf" in b.proto.label]
    assert download.proto.label.startswith("Download kestrel-outdoor-supply-demo-")
    name, content, _ = app.session_state["reports_built"][(2, "pdf")]
    assert name.endswith(".pdf")
    first_page = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "Kestrel Outdoor Supply (demo)" in first_page


def test_a_workshop_workbook_comes_back_through_a_preview(demo):
    from assessment.reports.data import gather_report
    from assessment.reports.excel_export import workbook_bytes

    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(gather_report(demo, ADMIN, 2))))
    sheet = book["Criteria"]
    header = [c.value for c in sheet[1]]
    target = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("Score")].value is None)
    target[header.index("Score")].value = 3
    criterion = target[0].value
    out = io.BytesIO()
    book.save(out)

    app = choose(page(), 2)
    app.file_uploader(key="reports_workbook_upload_2").set_value(
        ("back.xlsx", out.getvalue(), "application/octet-stream")
    ).run()
    assert not app.exception, app.exception
    assert criterion in app.dataframe[-1].value["Change"].iloc[0]
    app.button(key="reports_apply").click().run()
    assert not app.exception, app.exception
    assert "Applied 1 change from back.xlsx" in unescaped(app.success[0].value)
    assert open_assessment(demo, ADMIN, 2).responses[criterion].response.score == 3


def test_a_workbook_with_a_bad_cell_applies_nothing(demo):
    from assessment.reports.data import gather_report
    from assessment.reports.excel_export import workbook_bytes

    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(gather_report(demo, ADMIN, 2))))
    sheet = book["Criteria"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("Score") + 1).value = 9
    out = io.BytesIO()
    book.save(out)
    app = choose(page(), 2)
    app.file_uploader(key="reports_workbook_upload_2").set_value(
        ("bad.xlsx", out.getvalue(), "application/octet-stream")
    ).run()
    error = unescaped(app.error[0].value)
    assert "Nothing will be applied" in error
    assert "Criteria!F2: 9 is not on the scale" in error
    assert [b for b in app.button if b.key == "reports_apply"] == []
