"""The Complaint performance page, headless (AppTest): the demo register measured, filtered,
and a register imported through the page, refused with its bad cells or taken."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from assessment.demo.builder import load_demo
from assessment.services import organizations as O
from assessment.settings import database_url
from assessment.storage.store import Store
from tests.conftest import row_counts, unescaped
from tests.people import ADMIN
from tests.test_complaints import REGISTER

SCRIPT = "from ui.pages import complaints_page\ncomplaints_page.render()\n"


@pytest.fixture
def demo_with_register(data_dir) -> Iterator[Store]:
    store = Store.open(database_url())
    load_demo(store, ADMIN)  # with Kestrel's register
    yield store
    store.dispose()


def run(thing) -> AppTest:
    """Run the app, or the app of a widget just used; it must not raise."""
    app = thing.run()
    assert not app.exception, app.exception
    return app


def indicator(app: AppTest, title: str) -> dict:
    table = app.table[0].value
    return table[table["Indicator"] == title].iloc[0].to_dict()


def test_the_demo_register_is_measured_against_targets_with_its_criteria(demo_with_register):
    app = run(AppTest.from_string(SCRIPT, default_timeout=60))
    assert unescaped(app.header[0].value) == "Kestrel Outdoor Supply (demo)"
    acknowledged = indicator(app, "Acknowledged within the target time")
    assert acknowledged["Target"] == "at least 95.0%"
    assert acknowledged["Met"] == "no"
    assert acknowledged["Criteria"] == "7.4.a, 4.15.a, 4.15.b"
    assert [s.value for s in app.subheader] == [
        "Complaints by month and channel",
        "Acknowledgement time",
        "Backlog at the end of the period",
        "Recurring causes",
        "Resolution time",
        "Outcomes",
        "Satisfaction with the handling",
    ]
    assert any(
        c.value.endswith("complaints received from 07 Dec 2025 to 06 Dec 2026.")
        or "complaints received from" in c.value
        for c in app.caption
    )


def test_choosing_the_post_channel_shows_its_slow_acknowledgement(demo_with_register):
    app = run(AppTest.from_string(SCRIPT, default_timeout=60))
    everyone = float(indicator(app, "Acknowledged within the target time")["Value"].rstrip("%"))
    app = run(app.multiselect(key="complaints_channels").select("Post"))
    post = indicator(app, "Acknowledged within the target time")
    assert float(post["Value"].rstrip("%")) < everyone - 30
    assert post["Complaints"] < 400  # letters are a small share of the complaints


def test_a_register_with_a_bad_row_is_refused_with_the_cell_and_a_good_one_is_taken(demo):
    alder = next(o.id for o in O.list_organizations(demo, ADMIN) if "Alder" in o.name)
    app = AppTest.from_string(SCRIPT, default_timeout=60)
    app.query_params["org"] = str(alder)
    app = run(app)
    assert any("has no complaint register yet" in i.value for i in app.info)
    bad = REGISTER.replace("Billing,4", "Billing,9").encode()
    app = run(app.get("file_uploader")[0].upload("clinic-register.csv", bad, "text/csv"))
    assert app.selectbox(key="register_field_received").value == "Date received"  # guessed
    app = run(app.button(key="register_import_button").click())
    assert unescaped(app.error[0].value).startswith(
        "Not imported: clinic-register.csv: 1 cell(s) cannot be read"
    )
    assert "clinic-register.csv:2:9: CSAT: '9' is not from 1 to 5" in app.code[0].value
    assert row_counts(demo)["complaint"] == 0
    good = REGISTER.encode()
    app = run(app.get("file_uploader")[0].upload("clinic-register.csv", good, "text/csv"))
    app = run(app.button(key="register_import_button").click())
    assert not app.error
    assert row_counts(demo)["complaint"] == 6
