"""Demo data, checked the way a new user would look at it: through the real services."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from assessment.checklist.loader import find_checklist
from assessment.demo.builder import (
    CLINICS,
    CONSULTANCY,
    RETAILER,
    DemoSummary,
    kestrel_baseline,
    kestrel_current,
    load_demo,
)
from assessment.errors import AssessmentFileError, InvalidChange
from assessment.portable.assessment_file import dump_assessment, load_assessment_text
from assessment.scoring.findings import Finding
from assessment.scoring.verdict import ReasonKind, Verdict
from assessment.services.actions import list_actions
from assessment.services.assessments import (
    AssessmentRecord,
    OpenAssessment,
    list_assessments,
    open_assessment,
)
from assessment.services.audit import events
from assessment.services.comparisons import compare_with_baseline
from assessment.services.evidence import list_evidence
from assessment.services.exchange import export_assessment
from assessment.services.organizations import archive_organization, list_organizations
from assessment.storage.store import Store
from assessment.workflow.corrective_action import ActionStatus
from assessment.workflow.stages import AssessmentStatus
from tests.conftest import SMALL_CHECKLIST, _postgres_store, row_counts
from tests.people import ADMIN, admin

TODAY = date(2026, 3, 15)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def loaded(request, tmp_path_factory, postgres_reason) -> Iterator[tuple[Store, DemoSummary]]:
    """One demo load on each engine, shared by the tests that only read it (loading is the slow part)."""
    if request.param == "sqlite":
        store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'iso10002.db'}")
        yield store, load_demo(store, ADMIN, today=TODAY)
        store.dispose()
    else:
        for store in _postgres_store(postgres_reason):  # drops its schema when resumed
            yield store, load_demo(store, ADMIN, today=TODAY)


@pytest.fixture
def demo_store(loaded: tuple[Store, DemoSummary]) -> Store:
    """The shared demo store, for a test that only reads it."""
    return loaded[0]


def records(store: Store, organization: str) -> list[AssessmentRecord]:
    return [r for r in list_assessments(store, ADMIN) if r.organization_name == organization]


def kestrel(store: Store) -> tuple[OpenAssessment, OpenAssessment]:
    """(last year's baseline, this year's review) of the retailer."""
    by_status = {r.status: r for r in records(store, RETAILER)}
    return (
        open_assessment(store, ADMIN, by_status[AssessmentStatus.FINAL].id),
        open_assessment(store, ADMIN, by_status[AssessmentStatus.IN_PROGRESS].id),
    )


def section(criterion_id: str) -> str:
    return criterion_id.split(".")[0]


def test_two_fictional_clients_of_a_consultancy(loaded):
    store, demo = loaded
    names = [o.name for o in list_organizations(store, ADMIN)]
    assert sorted(names) == sorted([RETAILER, CLINICS])
    assert all(name.endswith(" (demo)") for name in names)
    assert demo.organizations == (RETAILER, CLINICS)
    opened = [open_assessment(store, ADMIN, r.id) for r in list_assessments(store, ADMIN)]
    assert demo.assessments == len(opened) == 3
    assert demo.responses == sum(len(o.responses) for o in opened)
    assert demo.actions == sum(len(o.actions) for o in opened)
    assert all(any(CONSULTANCY in member for member in o.record.team) for o in opened)


def test_the_current_review_is_half_way_through_the_workshops(demo_store):
    _, current = kestrel(demo_store)
    record, overall = current.record, current.score.overall
    assert record.checklist_id == "iso10002-2018"
    assert record.status is AssessmentStatus.IN_PROGRESS
    assert record.start_date < TODAY < record.end_date <= TODAY + timedelta(days=42)
    assert 0.65 <= overall.completion <= 0.75
    unanswered = {c.id for c in current.score.criteria if not c.answered}
    assert {section(cid) for cid in unanswered} <= {"7", "8"}, "the later sections wait"
    assert all(
        current.score.clause(ref).answered == current.score.clause(ref).total for ref in "456"
    )


def test_answers_carry_notes_reasons_and_overrides(demo_store):
    _, current = kestrel(demo_store)
    responses = {cid: stored.response for cid, stored in current.responses.items()}
    not_applicable = [r for r in responses.values() if r.is_not_applicable]
    assert 4 <= len(not_applicable) <= 6
    scored = [r for r in responses.values() if r.score is not None]
    assert sum(bool(r.notes.strip()) for r in scored) >= 0.8 * len(scored)
    overrides = {cid: r for cid, r in responses.items() if r.finding is not None}
    assert 2 <= len(overrides) <= 3
    assert all(len(r.finding_reason or "") > 40 for r in overrides.values())
    assert Finding.OFI in {r.finding for r in overrides.values()}
    for record in list_assessments(demo_store, ADMIN):
        for stored in open_assessment(demo_store, ADMIN, record.id).responses.values():
            if stored.response.is_not_applicable:
                assert len(stored.response.not_applicable.strip()) > 40, "a specific reason"


def test_corrective_actions_have_owners_due_dates_and_some_are_overdue(loaded):
    store, demo = loaded
    _, current = kestrel(store)
    actions = list_actions(store, ADMIN, current.record.id)
    assert 8 <= len(actions) <= 12
    assert all(a.owner and a.due and a.criteria for a in actions)
    overdue = [a for a in actions if a.is_overdue(TODAY)]
    assert len(overdue) >= 3
    statuses = {a.status for a in actions}
    assert {ActionStatus.VERIFIED, ActionStatus.DONE, ActionStatus.OPEN} <= statuses
    gaps = {
        c.id for c in current.score.criteria if c.gap or (c.finding and c.finding.is_nonconformity)
    }
    assert all(
        set(a.criteria) & gaps
        for a in actions
        if a.status in {ActionStatus.OPEN, ActionStatus.IN_PROGRESS}
    )
    every_action = [
        a for r in list_assessments(store, ADMIN) for a in list_actions(store, ADMIN, r.id)
    ]
    assert demo.overdue_actions == sum(a.is_overdue(TODAY) for a in every_action) == len(overdue)


def test_the_baseline_is_last_years_final_gap_analysis(demo_store):
    baseline, current = kestrel(demo_store)
    assert current.record.baseline_id == baseline.record.id
    assert baseline.record.status is AssessmentStatus.FINAL
    assert baseline.record.end_date == date(2025, 3, 15)
    assert baseline.record.start_date < baseline.record.end_date
    assert "2025" in baseline.record.title
    assert baseline.score.overall.completion == 1.0
    assert 0.45 <= baseline.score.overall.readiness <= 0.60
    assert any(r.response.is_not_applicable for r in baseline.responses.values())
    assert {a.status for a in baseline.actions} <= {ActionStatus.DONE, ActionStatus.VERIFIED}


def test_the_comparison_shows_progress_with_a_couple_of_setbacks(demo_store):
    current, _baseline, comparison = compare_with_baseline(
        demo_store, ADMIN, kestrel(demo_store)[1].record.id
    )
    assert comparison.readiness_delta > 0
    answered = {c.ref for c in current.score.clauses if c.answered == c.total}
    deltas = {
        c.ref: c.delta for c in comparison.clauses if c.ref in answered and c.delta is not None
    }
    declined = sorted(ref for ref, delta in deltas.items() if delta < 0)
    improved = [ref for ref, delta in deltas.items() if delta > 0]
    assert 1 <= len(declined) <= 3, declined
    assert len(improved) > 5 * len(declined)
    assert all(deltas[ref] > 0 for ref in "456"), "every fully assessed section improved"


def test_the_verdict_is_not_ready_and_says_why(demo_store):
    _, current = kestrel(demo_store)
    overall = current.score.overall
    assert overall.verdict is not Verdict.READY
    kinds = {reason.kind for reason in overall.reasons}
    assert {ReasonKind.INCOMPLETE, ReasonKind.MAJOR_ACTION_NOT_VERIFIED} <= kinds


def test_the_second_client_has_only_just_begun(demo_store):
    (record,) = records(demo_store, CLINICS)
    opened = open_assessment(demo_store, ADMIN, record.id)
    assert record.status is AssessmentStatus.DRAFT
    assert record.baseline_id is None
    assert 10 <= len(opened.responses) <= 20
    assert {section(cid) for cid in opened.responses} == {"4", "5"}
    assert 1 <= len(list_actions(demo_store, ADMIN, record.id)) <= 3


def test_the_audit_trail_says_truthfully_who_loaded_it_and_when(store):
    before = datetime.now(UTC)
    load_demo(store, admin("Ana Ruiz (app)"), today=TODAY)
    after = datetime.now(UTC)
    for record in list_assessments(store, ADMIN):
        trail = events(store, ADMIN, record.id)
        loader = [e for e in trail if e.actor == "Ana Ruiz (app)"]
        assert [(e.field, e.after) for e in loader] == [("imported_from", "demo data")]
        assert before <= _utc(loader[0].at) <= after  # the real moment, not the story's
        assert trail[-1] == loader[0], "the loading comes after everything in the story"
    _, current = kestrel(store)
    assert any(e.field == "baseline_id" for e in events(store, ADMIN, current.record.id))


def _utc(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _team_name(member: str) -> str:
    return member.split(" (")[0]


def test_the_reviews_history_is_the_work_of_its_team_over_months(demo_store):
    _, current = kestrel(demo_store)
    record = current.record
    story = [e for e in events(demo_store, ADMIN, record.id) if e.field != "imported_from"]
    assert {e.actor for e in story} <= set(record.team), "only the assessment's own team"
    assert len({e.actor for e in story}) >= 3
    days = sorted({_utc(e.at).date() for e in story})
    assert len(days) >= 8, days
    assert days[0] == record.start_date
    assert (days[-1] - days[0]).days >= 60, "over months, not one second"
    assert days[-1] < TODAY, "nothing in the story happens after the loading"
    assert all(day.weekday() < 5 for day in days), "working days"
    by_criterion = {e.entity_key: e for e in story if e.entity == "response"}
    for criterion_id, stored in current.responses.items():
        assert stored.updated_by == by_criterion[criterion_id].actor
        assert _utc(stored.updated_at) == _utc(by_criterion[criterion_id].at)
    answered_by = {stored.updated_by for stored in current.responses.values()}
    assert {_team_name(m) for m in answered_by} == {
        "Priya Raman",
        "Tomás Lindqvist",
        "Grace Adeyemi",
    }


def test_last_years_answers_date_from_its_workshops_before_its_sign_off(demo_store):
    baseline, _ = kestrel(demo_store)
    record = baseline.record
    story = [e for e in events(demo_store, ADMIN, record.id) if e.field != "imported_from"]
    assert {e.actor for e in story} <= set(record.team)
    assert len({e.actor for e in story}) == 2
    assert all(record.start_date <= _utc(e.at).date() <= record.end_date for e in story), (
        "answered back then, nothing after its sign-off"
    )
    assert len({_utc(s.updated_at).date() for s in baseline.responses.values()}) >= 3


def test_the_clinics_draft_has_only_its_kick_off(demo_store):
    (record,) = records(demo_store, CLINICS)
    opened = open_assessment(demo_store, ADMIN, record.id)
    answered_on = {_utc(s.updated_at).date() for s in opened.responses.values()}
    assert answered_on == {record.start_date}
    assert TODAY - timedelta(days=7) <= record.start_date < TODAY
    assert {s.updated_by for s in opened.responses.values()} <= set(record.team)


def test_actions_and_evidence_are_credited_to_the_step_they_are_at(demo_store):
    _, current = kestrel(demo_store)
    trail = events(demo_store, ADMIN, current.record.id)
    created = {e.entity_key: e for e in trail if e.entity == "action" and e.field == "title"}
    for action in list_actions(demo_store, ADMIN, current.record.id):
        written = created[action.ref]
        if action.check is not None:  # written by whoever checked it, on that day
            assert (written.actor, _utc(written.at).date()) == (
                action.check.checked_by,
                action.check.checked_on,
            )
        assert current.record.start_date <= (action.raised_on or TODAY) < TODAY
        assert action.raised_on <= (action.closed_on or action.raised_on)
    records_ = list_evidence(demo_store, ADMIN, current.record.id)
    assert {r.created_by for r in records_} <= set(current.record.team)
    assert all(r.effective_date <= _utc(r.created_at).date() < TODAY for r in records_)


def test_the_same_day_gives_the_same_history(demo_store, tmp_path):
    other = Store.open(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        load_demo(other, ADMIN, today=TODAY)

        def story(store: Store) -> list[tuple[object, ...]]:
            return [
                (_utc(e.at), e.actor, e.entity, e.entity_key, e.field)
                for r in list_assessments(store, ADMIN)
                for e in events(store, ADMIN, r.id)
                if e.field != "imported_from"
            ]

        assert story(demo_store) == story(other)
    finally:
        other.dispose()


def test_a_second_load_is_refused_and_changes_nothing(store):
    first = load_demo(store, ADMIN)  # the real today: something is overdue right now too
    assert first.overdue_actions >= 3
    trail = events(store, ADMIN, list_assessments(store, ADMIN)[0].id)
    assert [e.field for e in trail if e.actor == ADMIN.name] == ["imported_from"]
    before = row_counts(store)
    with pytest.raises(InvalidChange, match=r"demo data is already loaded.*\(demo\)"):
        load_demo(store, ADMIN)
    assert row_counts(store) == before


def test_an_archived_demo_organization_still_counts_as_loaded(store):
    load_demo(store, ADMIN, today=TODAY)
    clinics = next(o for o in list_organizations(store, ADMIN) if o.name == CLINICS)
    archive_organization(store, ADMIN, clinics.id, expected_version=clinics.version)
    with pytest.raises(InvalidChange, match="already loaded"):
        load_demo(store, ADMIN, today=TODAY)


def test_a_replaced_checklist_that_does_not_fit_is_refused_before_writing(
    store, write_file, monkeypatch
):
    other = SMALL_CHECKLIST.replace("id: small", "id: iso10002-2018")
    path = write_file("lookup/iso10002-2018.yaml", other)
    monkeypatch.setenv("ISO10002_CHECKLISTS_DIR", str(path.parent))
    with pytest.raises(AssessmentFileError) as refused:
        load_demo(store, ADMIN, today=TODAY)
    assert "no criterion '4.2.a' in checklist iso10002-2018" in str(refused.value.faults)
    assert not any(row_counts(store).values())


def test_the_same_day_gives_the_same_data(demo_store, tmp_path):
    other = Store.open(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        load_demo(other, ADMIN, today=TODAY)
        exports = [
            [export_assessment(s, ADMIN, r.id).model_dump() for r in list_assessments(s, ADMIN)]
            for s in (demo_store, other)
        ]
    finally:
        other.dispose()
    assert exports[0] == exports[1]


def test_every_demo_assessment_passes_the_checks_of_a_users_file(demo_store):
    for record in list_assessments(demo_store, ADMIN):
        text = dump_assessment(export_assessment(demo_store, ADMIN, record.id))
        checked = load_assessment_text(text, f"{record.title}.yaml")
        assert checked.assessment.organization.name == record.organization_name


def test_dates_follow_today_even_on_a_leap_day():
    checklist = find_checklist("iso10002-2018")
    leap = date(2028, 2, 29)
    baseline, current = kestrel_baseline(checklist, leap), kestrel_current(checklist, leap)
    assert baseline.end_date == date(2027, 2, 28)
    assert baseline.title.endswith("2027")
    assert current.title.endswith("2028")
    assert current.start_date < leap < current.end_date


def test_the_command_line_loads_the_demo_once_and_compares_it(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from assessment.cli import cli

    monkeypatch.setenv("ISO10002_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    runner = CliRunner()
    first = runner.invoke(cli, ["demo"])
    assert first.exit_code == 0, first.output
    assert "3 assessments, 255 responses, 21 actions" in first.output
    again = runner.invoke(cli, ["demo"])
    assert again.exit_code == 1
    assert again.output.startswith("error: demo data is already loaded")

    current = next(
        line.split()[0]
        for line in runner.invoke(cli, ["assessments"]).output.splitlines()
        if "In progress" in line
    )
    compared = runner.invoke(cli, ["compare", current])
    assert compared.exit_code == 0, compared.output
    assert "against Complaints-handling gap analysis 2025" in compared.output
    assert "  4.3      Capability" in compared.output
    assert "-22.2 pt" in compared.output  # the staffing gap: one clause got worse
    assert "Overall readiness: 47.2% -> 58.1%" in compared.output
