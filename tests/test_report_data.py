"""What every report is built from: one ReportData, from the database or straight from a file."""

from __future__ import annotations

from datetime import date

from assessment.demo.builder import load_demo
from assessment.portable.assessment_file import load_assessment_file
from assessment.reports.data import gather_report, gather_report_from_file
from assessment.services.exchange import import_assessment
from tests.conftest import REPO
from tests.people import ADMIN, admin

TODAY = date(2026, 11, 21)


def test_a_file_reports_exactly_as_its_imported_copy(store):
    loaded = load_assessment_file(REPO / "examples" / "northwind-2018.yaml")
    from_file = gather_report_from_file(loaded, today=TODAY)
    stored = import_assessment(store, admin("maria"), loaded)
    from_database = gather_report(store, ADMIN, stored.assessment.id, today=TODAY)
    assert from_file.assessment.score == from_database.assessment.score
    assert [a.title for a in from_file.actions] == [a.title for a in from_database.actions]
    assert from_file.baseline is None


def test_the_demo_review_reports_its_baseline_and_largest_gaps(store):
    load_demo(store, ADMIN, today=TODAY)
    data = gather_report(store, ADMIN, 2, today=TODAY)
    assert data.baseline is not None
    assert data.baseline.record.status.value == "final"
    assert data.comparison.readiness_delta > 0
    gaps = data.largest_gaps()
    assert len(gaps) == 10
    assert [g.gap for g in gaps] == sorted((g.gap for g in gaps), reverse=True)
    assert {a.ref for a in data.overdue_actions()} == {"A1", "A2", "A3", "A4"}
    assert not data.is_final
