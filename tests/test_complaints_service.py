"""The complaint register through the services and the command line, on SQLite and
PostgreSQL: all rows or none, re-imports update, roles apply, the figures are the hand-made ones."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from assessment.access.roles import Actor, Role
from assessment.cli import cli
from assessment.complaints.indicators import Period
from assessment.errors import PermissionDenied, RegisterRefused
from assessment.services import organizations as O
from assessment.services.complaints import complaint_indicators, import_register
from assessment.storage.tables import AuditEvent, ComplaintRow
from tests.conftest import row_counts, store_url
from tests.people import ADMIN
from tests.test_complaints import MARCH, REGISTER


@pytest.fixture
def acme(store):
    return O.create_organization(store, ADMIN, "Acme Water").id


@pytest.fixture
def register_file(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(REGISTER, encoding="utf-8")
    return path


def by_id(values):
    return {v.indicator.id: v for v in values}


def test_an_import_is_measured_and_a_second_import_updates_rather_than_duplicates(
    store, acme, register_file
):
    first = import_register(store, ADMIN, acme, register_file)  # mapping guessed from headers
    assert (first.rows, first.added, first.updated) == (6, 6, 0)
    found = by_id(complaint_indicators(store, ADMIN, acme, MARCH))
    assert found["acknowledged-on-time"].value == 0.5
    assert found["resolution-median"].value == pytest.approx(20.0)
    assert found["backlog-over-target"].value == 0.25
    assert found["escalation-rate"].shown == "not in the register"  # no such column
    register_file.write_text(
        REGISTER.replace(
            "C5,30/03/2026 09:00,Phone,,", "C5,30/03/2026 09:00,Phone,30/03/2026 11:00,"
        )
    )
    again = import_register(store, ADMIN, acme, register_file)
    assert (again.added, again.updated) == (0, 6)
    assert row_counts(store)["complaint"] == 6
    with store.transaction() as session:
        history = session.scalars(
            select(AuditEvent.after)
            .where(AuditEvent.entity == "complaint_register", AuditEvent.organization_id == acme)
            .order_by(AuditEvent.id)
        ).all()
    assert len(history) == 2
    assert history[-1].startswith("register.csv: 6 complaints (0 added, 6 updated), SHA-256 ")


def test_a_register_with_a_bad_cell_changes_nothing(store, acme, register_file):
    import_register(store, ADMIN, acme, register_file)
    before = row_counts(store)
    register_file.write_text(REGISTER.replace("Billing,4", "Billing,9"), encoding="utf-8")
    with pytest.raises(RegisterRefused) as refused:
        import_register(store, ADMIN, acme, register_file)
    assert "register.csv:2:9: CSAT: '9' is not from 1 to 5" in str(refused.value)
    assert "nothing was imported" in str(refused.value)
    assert row_counts(store) == before


def test_only_those_who_manage_assessments_import_and_only_members_see_figures(
    store, acme, register_file
):
    viewer = Actor(name="Vi", roles={acme: Role.VIEWER})
    with pytest.raises(PermissionDenied):
        import_register(store, viewer, acme, register_file)
    import_register(store, ADMIN, acme, register_file)
    assert complaint_indicators(store, viewer, acme, MARCH)
    stranger = Actor(name="St", roles={})
    with pytest.raises(Exception, match="no organization"):
        complaint_indicators(store, stranger, acme, MARCH)


def test_the_command_line_imports_lists_faults_and_prints_the_indicators(
    store, acme, register_file, tmp_path, monkeypatch
):
    monkeypatch.setenv("DATABASE_URL", store_url(store))
    runner = CliRunner()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        REGISTER.replace("Not upheld", "Maybe").replace("C5,30", "C1,30"), encoding="utf-8"
    )
    refused = runner.invoke(cli, ["complaints", "import", "Acme Water", str(bad)])
    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        "reading bad.csv ...",
        "error: bad.csv: 2 cell(s) cannot be read; nothing was imported",
        "bad.csv:3:6: Outcome: 'Maybe' is not an outcome (upheld, partly upheld, not upheld)",
        "bad.csv:6:1: Case ID: the same reference as row 2; each complaint once",
    ]
    assert row_counts(store)["complaint"] == 0
    done = runner.invoke(cli, ["complaints", "import", "Acme Water", str(register_file)])
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith("imported 6 complaints into Acme Water (6 added, 0 updated)")
    shown = runner.invoke(
        cli,
        [
            "complaints",
            "indicators",
            str(acme),
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--json",
        ],
    )
    assert shown.exit_code == 0, shown.stderr
    figures = {i["id"]: i for i in json.loads(shown.stdout)["indicators"]}
    assert figures["acknowledged-on-time"]["value"] == 0.5
    assert figures["acknowledged-on-time"]["criteria"] == ["7.4.a", "4.15.a", "4.15.b"]
    assert figures["escalation-rate"]["value"] is None
    table = runner.invoke(cli, ["complaints", "indicators", "Acme Water", "--to", "2026-03-31"])
    assert "Acknowledged within the target time" in table.output
    assert Period(date(2025, 4, 1), date(2026, 3, 31)).__str__() in table.output


def test_the_demo_register_tells_its_story_in_figures(store):
    from datetime import timedelta

    from assessment.demo.builder import load_demo

    today = date(2026, 12, 6)
    summary = load_demo(store, ADMIN, today=today)
    assert 3000 < summary.complaints < 4500
    kestrel = next(o.id for o in O.list_organizations(store, ADMIN) if "Kestrel" in o.name)

    def quarter(months_ago: int):
        end = today - timedelta(days=30 * months_ago)
        return by_id(
            complaint_indicators(store, ADMIN, kestrel, Period(end - timedelta(days=90), end))
        )

    strained, recent = quarter(6), quarter(0)  # the short-staffed quarter, and the last one
    assert strained["resolution-median"].value > recent["resolution-median"].value + 4
    assert strained["resolved-on-time"].value < recent["resolved-on-time"].value - 0.1
    assert not strained["resolved-on-time"].met
    assert recent["channels-used"].value == 5
    assert recent["escalation-rate"].shown != "not in the register"
    # The customer-name column of the export was left out, not stored.
    with store.transaction() as session:
        stored = " ".join(
            str(v)
            for v in session.execute(select(ComplaintRow)).scalars().first().__dict__.values()
        )
    assert "Walker" not in stored
    assert "Singh" not in stored
