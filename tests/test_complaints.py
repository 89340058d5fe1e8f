"""The complaint register: read as exported, every bad cell located, personal data kept out,
and the indicators computed over a register whose figures were worked out by hand."""

from __future__ import annotations

import textwrap
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from assessment.complaints.fields import guess_mapping, looks_personal
from assessment.complaints.indicators import Period, compute, frame_of, load_indicators
from assessment.complaints.register import ColumnMapping, complaints_of, read_table
from assessment.complaints.values import DateOrder, read_moment
from assessment.errors import IndicatorFileError, RegisterRefused

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))

# Worked by hand below each indicator's test. 2026-03-02 is a Monday.
REGISTER = textwrap.dedent(
    """\
    Case ID,Date received,Channel,Acknowledged,Closed,Outcome,Reopened,Root cause,CSAT
    C1,02/03/2026 09:00,Phone,03/03/2026 10:00,12/03/2026 09:00,Upheld,no,Billing,4
    C2,06/03/2026 16:00,E-mail,10/03/2026 09:00,26/03/2026 16:00,Not upheld,no,Delivery,2
    C3,09/03/2026 09:00,Phone,13/03/2026 09:00,20/04/2026 09:00,Partly upheld,yes,Billing,
    C4,16/03/2026 09:00,Web,,,,no,,
    C5,30/03/2026 09:00,Phone,,,,no,,
    C6,10/02/2026 09:00,Phone,,,,no,,
    """
)
COLUMNS = {
    "reference": "Case ID",
    "received": "Date received",
    "channel": "Channel",
    "acknowledged": "Acknowledged",
    "closed": "Closed",
    "outcome": "Outcome",
    "reopened": "Reopened",
    "root_cause": "Root cause",
    "satisfaction": "CSAT",
}


def write(tmp_path: Path, text: str, name: str = "register.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def register(tmp_path: Path, text: str = REGISTER, **mapping):
    table = read_table(write(tmp_path, text))
    complaints, faults = complaints_of(table, ColumnMapping(columns=COLUMNS, **mapping))
    return complaints, faults


@pytest.fixture
def values(tmp_path):
    complaints, faults = register(tmp_path)
    assert faults == []
    frame = frame_of(complaints)
    indicators = {i.id: i for i in load_indicators().indicators}
    return {key: compute(indicator, frame, MARCH) for key, indicator in indicators.items()}


def test_acknowledgement_within_two_working_days(values):
    # C1 1 working day, C2 Fri -> Tue is 2 (Fri, Mon), C3 4: missed; C4 never, and its two
    # days were up on 18 March: missed; C5's are not up by 31 March: not judged. 2 of 4.
    found = values["acknowledged-on-time"]
    assert (found.value, found.counted, found.met) == (0.5, 4, False)
    assert (found.shown, found.target_shown) == ("50.0%", "at least 95.0%")


def test_resolution_time_median_and_90th_percentile(values):
    # Closed: C1 10.0 days, C2 20.0, C3 42.0 (closed in April, received in March).
    assert values["resolution-median"].value == pytest.approx(20.0)
    assert values["resolution-p90"].value == pytest.approx(20 + 0.8 * 22)  # 37.6
    assert values["resolution-median"].shown == "20.0 days"


def test_resolved_within_thirty_calendar_days(values):
    # C1 and C2 within, C3 not; C4 and C5 still have time on 31 March: 2 of 3.
    assert values["resolved-on-time"].value == pytest.approx(2 / 3)
    assert values["resolved-on-time"].counted == 3


def test_backlog_open_at_the_period_end_older_than_thirty_days(values):
    # Open at the end of March: C3 (closed in April), C4, C5 and C6 (February); only C6 is
    # older than 30 days (49.6). 1 of 4.
    assert (values["backlog-over-target"].value, values["backlog-over-target"].counted) == (
        0.25,
        4,
    )


def test_rates_outcomes_satisfaction_channels_and_causes(values):
    assert values["reopen-rate"].value == pytest.approx(1 / 3)  # C3 of the 3 closed
    assert values["escalation-rate"].value == 0.0  # no column: nobody escalated
    assert values["upheld-share"].value == pytest.approx(2 / 3)  # upheld, partly; not upheld
    assert values["satisfaction-with-handling"].value == pytest.approx(3.0)  # 4 and 2
    assert values["channels-used"].value == 3  # Phone, E-mail, Web
    assert values["top-cause-share"].value == pytest.approx(2 / 3)  # Billing: C1, C3


def test_every_bad_cell_is_a_fault_with_row_and_column_and_nothing_is_kept(tmp_path):
    bad = (
        REGISTER.replace("03/03/2026 10:00", "31/02/2026 10:00")
        .replace("Not upheld", "Maybe")
        .replace("C5,30/03/2026", "C1,30/03/2026")
        .replace("12/03/2026 09:00", "01/03/2026 09:00")
    )
    _complaints, faults = register(tmp_path, bad)
    shown = [str(f) for f in faults]
    assert shown == [
        "register.csv:2:4: Acknowledged: '31/02/2026 10:00' is not a date of the calendar (day-first)",
        "register.csv:2:5: Closed: 2026-03-01 09:00 UTC is before it was received",
        "register.csv:3:6: Outcome: 'Maybe' is not an outcome (upheld, partly upheld, not upheld)",
        "register.csv:6:1: Case ID: the same reference as row 2; each complaint once",
    ]


def test_an_excel_register_names_the_sheet_and_cell(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Complaints"
    sheet.append(["Ref", "Received", "Channel"])
    sheet.append(["A1", datetime(2026, 3, 2, 9, 0), "Phone"])
    sheet.append(["A2", "yesterday", "Phone"])
    path = tmp_path / "register.xlsx"
    book.save(path)
    columns = {"reference": "Ref", "received": "Received", "channel": "Channel"}
    complaints, faults = complaints_of(read_table(path), ColumnMapping(columns=columns))
    assert [str(f) for f in faults] == [
        "Complaints!B3: Received: 'yesterday' is not a date (use 2026-03-02 or 02/03/2026 09:15)"
    ]
    assert complaints[0].received == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_column_that_looks_like_personal_data_is_refused_until_it_is_left_out(tmp_path):
    text = "Ref,Received,Customer name,Contact\nA1,2026-03-02,Ana Ruiz,ana@example.org\n"
    with pytest.raises(RegisterRefused) as refused:
        complaints_of(
            read_table(write(tmp_path, text)),
            ColumnMapping(columns={"reference": "Ref", "received": "Received"}),
        )
    message = str(refused.value)
    assert "column 'Customer name' looks like personal data" in message
    assert "column 'Contact' looks like personal data (its values are e-mail addresses)" in message
    complaints, faults = complaints_of(
        read_table(write(tmp_path, text)),
        ColumnMapping(
            columns={"reference": "Ref", "received": "Received"},
            ignore=["Customer name", "Contact"],
        ),
    )
    assert faults == []
    assert "Ana" not in repr(complaints)
    assert "example.org" not in repr(complaints)


def test_references_may_be_kept_hashed(tmp_path):
    complaints, _ = register(tmp_path, hash_references=True)
    assert all(len(c.reference) == 32 and not c.reference.startswith("C") for c in complaints)


def test_the_mapping_is_guessed_from_common_headers():
    headers = [
        "Ticket ID",
        "Created At",
        "Channel",
        "Category",
        "First response",
        "Closed",
        "Outcome",
        "CSAT",
        "Customer email",
    ]
    assert guess_mapping(headers) == {
        "reference": "Ticket ID",
        "received": "Created At",
        "channel": "Channel",
        "category": "Category",
        "acknowledged": "First response",
        "closed": "Closed",
        "outcome": "Outcome",
        "satisfaction": "CSAT",
    }
    assert looks_personal("Customer email", []) is not None


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2026-03-02T09:15:00+01:00", DateOrder.DAY_FIRST, datetime(2026, 3, 2, 8, 15, tzinfo=UTC)),
        ("2026-03-02 09:15Z", DateOrder.DAY_FIRST, datetime(2026, 3, 2, 9, 15, tzinfo=UTC)),
        ("2026-03-02", DateOrder.DAY_FIRST, datetime(2026, 3, 2, tzinfo=UTC)),
        ("02/03/2026 09:15", DateOrder.DAY_FIRST, datetime(2026, 3, 2, 9, 15, tzinfo=UTC)),
        ("03/02/2026 09:15 PM", DateOrder.MONTH_FIRST, datetime(2026, 3, 2, 21, 15, tzinfo=UTC)),
        ("02.03.2026", DateOrder.DAY_FIRST, datetime(2026, 3, 2, tzinfo=UTC)),
    ],
)
def test_dates_in_the_formats_exports_use(text, order, expected):
    assert read_moment(text, UTC, order) == expected


def test_a_moment_without_an_offset_is_in_the_registers_time_zone(tmp_path):
    complaints, _ = register(tmp_path, timezone="Europe/Berlin")
    assert complaints[0].received == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # CET is UTC+1


def test_an_indicators_file_with_faults_is_refused_with_each_located(tmp_path):
    path = tmp_path / "indicators.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            format: iso10002-indicators/1
            checklist: iso10002-2018
            indicators:
              - id: ack
                title: Acknowledged
                measure: {kind: share_within, end: acknowledged, days: -1}
                target: {value: 0.9, better: higher}
              - id: ack
                title: Again
                measure: {kind: sparkle}
                target: {value: 1, better: more}
            """
        )
    )
    with pytest.raises(IndicatorFileError) as refused:
        load_indicators(path)
    lines = str(refused.value).splitlines()
    assert all(line.startswith(f"{path}:") for line in lines)
    assert any(":6:" in line and "days" in line for line in lines)
    assert any(":10:" in line and "kind" in line for line in lines)
    assert any(":11:" in line and "better" in line for line in lines)


def test_an_indicator_naming_a_criterion_its_checklist_lacks_is_refused_at_that_line(tmp_path):
    path = tmp_path / "indicators.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            format: iso10002-indicators/1
            checklist: iso10002-2018
            indicators:
              - id: ack
                title: Acknowledged
                measure: {kind: share_within, end: acknowledged, days: 2}
                target: {value: 0.9, better: higher}
                criteria: ["7.4.a", "7.4.z"]
            """
        )
    )
    with pytest.raises(IndicatorFileError) as refused:
        load_indicators(path)
    assert str(refused.value) == (
        f"{path}:8:25: criterion '7.4.z' is not in checklist iso10002-2018"
    )
