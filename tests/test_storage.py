"""Storage and the service layer, on SQLite and on PostgreSQL (the `store` fixture runs both)."""

from __future__ import annotations

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from assessment.checklist.loader import checklist_from_text, find_checklist
from assessment.errors import AssessmentLocked, ConflictError, InvalidChange, NotFound
from assessment.scoring.findings import Finding
from assessment.services import assessments as A
from assessment.services import organizations as O
from assessment.services.audit import events
from assessment.services.responses import set_response
from assessment.services.stage_moves import set_status
from assessment.storage.schema import current_revision, head_revision, upgrade_database
from assessment.storage.tables import Base
from assessment.workflow.response import Response
from assessment.workflow.stages import AssessmentStatus
from tests.conftest import SMALL_CHECKLIST
from tests.people import ADMIN, admin

SMALL = checklist_from_text(SMALL_CHECKLIST, "small.yaml")


@pytest.fixture
def assessment(store):
    organization = O.create_organization(store, admin("maria"), "Acme Water")
    return A.create_assessment(
        store, admin("maria"), organization.id, SMALL, "Gap analysis", scope="Retail"
    )


def test_migrations_build_the_schema_and_are_idempotent(store):
    head = head_revision()
    assert current_revision(store.engine) == head
    tables = set(inspect(store.engine).get_table_names())
    assert {
        "organization",
        "assessment",
        "response",
        "corrective_action",
        "evidence",
        "audit_event",
        "checklist_snapshot",
    } <= tables
    assert upgrade_database(store.engine) == (head, head)


def test_the_migrations_build_exactly_the_schema_the_code_declares(store):
    """Every table and column the code uses exists because a migration made it, on both engines."""
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_organizations(store):
    acme = O.create_organization(store, admin("maria"), "  Acme   Water ")
    assert acme.name == "Acme Water"
    with pytest.raises(InvalidChange, match="already exists"):
        O.create_organization(store, admin("maria"), "Acme Water")
    with pytest.raises(InvalidChange, match="needs a name"):
        O.create_organization(store, admin("maria"), "   ")
    renamed = O.rename_organization(
        store, admin("deniz"), acme.id, "Acme Water plc", expected_version=1
    )
    with pytest.raises(ConflictError, match="changed by deniz"):
        O.rename_organization(store, admin("maria"), acme.id, "Acme", expected_version=1)
    O.archive_organization(store, admin("maria"), acme.id, expected_version=renamed.version)
    assert O.list_organizations(store, ADMIN) == []
    assert [o.name for o in O.list_organizations(store, ADMIN, include_archived=True)] == [
        "Acme Water plc"
    ]
    with pytest.raises(NotFound):
        O.get_organization(store, ADMIN, 999)


def test_assessment_pins_its_checklist_snapshot(store, assessment):
    changed = checklist_from_text(
        SMALL_CHECKLIST.replace("Are they applied?", "Changed?"), "small.yaml"
    )
    later = A.create_assessment(store, admin("maria"), assessment.organization_id, changed, "Later")
    first, second = (
        A.open_assessment(store, ADMIN, assessment.id),
        A.open_assessment(store, ADMIN, later.id),
    )
    assert first.checklist.criterion("4.1.b").question == "Are they applied?"
    assert second.checklist.criterion("4.1.b").question == "Changed?"
    assert first.record.checklist_hash != second.record.checklist_hash


def test_responses_are_scored_versioned_and_audited(store, assessment):
    set_response(
        store, admin("maria"), assessment.id, "4.1.a", Response(score=3), expected_version=0
    )
    set_response(
        store,
        admin("maria"),
        assessment.id,
        "4.1.b",
        Response(score=1, finding=Finding.MINOR, finding_reason="one site"),
        expected_version=0,
    )
    stored = set_response(
        store,
        admin("deniz"),
        assessment.id,
        "4.1.a",
        Response(score=2, notes="re-checked"),
        expected_version=1,
    )
    assert stored.version == 2
    opened = A.open_assessment(store, ADMIN, assessment.id)
    assert opened.version_of("4.1.a") == 2
    assert opened.responses["4.1.a"].updated_by == "deniz"
    # 4.1: (1 * 2/3 + 2 * 1/3) / 3 = 4/9; 7.2 unanswered: 0; overall (1 * 4/9 + 2 * 0) / 3
    assert opened.score.clause("4.1").readiness == pytest.approx(4 / 9)
    assert opened.score.readiness == pytest.approx(4 / 27)
    assert opened.score.criterion("4.1.b").finding is Finding.MINOR
    trail = [
        (e.actor, e.field, e.before, e.after)
        for e in events(store, ADMIN, assessment.id, criterion_id="4.1.a")
    ]
    assert trail == [
        ("maria", "score", None, 3),
        ("deniz", "score", 3, 2),
        ("deniz", "notes", "", "re-checked"),
    ]


def test_stale_write_is_refused_and_names_who_changed_it(store, assessment):
    set_response(
        store, admin("maria"), assessment.id, "4.1.a", Response(score=3), expected_version=0
    )
    set_response(
        store, admin("deniz"), assessment.id, "4.1.a", Response(score=4), expected_version=1
    )
    with pytest.raises(ConflictError) as caught:
        set_response(
            store, admin("maria"), assessment.id, "4.1.a", Response(score=1), expected_version=1
        )
    assert caught.value.changed_by == "deniz"
    assert "changed by deniz" in str(caught.value)
    assert A.open_assessment(store, ADMIN, assessment.id).responses["4.1.a"].response.score == 4


def test_two_concurrent_writers_one_wins_one_is_told(store, assessment):
    set_response(
        store, admin("maria"), assessment.id, "4.1.a", Response(score=3), expected_version=0
    )
    barrier, outcomes = threading.Barrier(2), []

    def write(actor: str, score: int) -> None:
        barrier.wait()
        try:
            set_response(
                store,
                admin(actor),
                assessment.id,
                "4.1.a",
                Response(score=score),
                expected_version=1,
            )
            outcomes.append(("saved", actor))
        except ConflictError as error:
            outcomes.append(("conflict", error.changed_by))

    threads = [
        threading.Thread(target=write, args=(name, s)) for name, s in (("ana", 4), ("ben", 5))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["conflict", "saved"]
    winner = next(who for kind, who in outcomes if kind == "saved")
    assert next(who for kind, who in outcomes if kind == "conflict") == winner
    stored = A.open_assessment(store, ADMIN, assessment.id).responses["4.1.a"]
    assert (stored.updated_by, stored.version) == (winner, 2)


def test_two_first_answers_at_once_one_is_told(store, assessment):
    barrier, outcomes = threading.Barrier(2), []

    def write(actor: str) -> None:
        barrier.wait()
        try:
            set_response(
                store, admin(actor), assessment.id, "7.2.a", Response(score=2), expected_version=0
            )
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=write, args=(name,)) for name in ("ana", "ben")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]


@pytest.mark.parametrize(
    ("criterion", "response", "problem"),
    [
        ("9.9.z", Response(score=3), "no criterion '9.9.z'"),
        ("4.1.a", Response(score=6), "score 6 is outside the scale"),
    ],
)
def test_bad_responses_are_refused_and_change_nothing(
    store, assessment, criterion, response, problem
):
    with pytest.raises(InvalidChange, match=problem):
        set_response(store, admin("maria"), assessment.id, criterion, response, expected_version=0)
    assert A.open_assessment(store, ADMIN, assessment.id).responses == {}
    assert [e.field for e in events(store, ADMIN, assessment.id)] == ["created"]


def test_stages_final_locks_and_reopening_needs_a_reason(store, assessment):
    version = assessment.version
    with pytest.raises(InvalidChange, match="can move to: in progress"):
        set_status(
            store, admin("maria"), assessment.id, AssessmentStatus.FINAL, expected_version=version
        )
    for stage in (AssessmentStatus.IN_PROGRESS, AssessmentStatus.IN_REVIEW, AssessmentStatus.FINAL):
        version = set_status(
            store,
            admin("maria"),
            assessment.id,
            stage,
            expected_version=version,
            statement="Signed off for the test",
        ).version
    with pytest.raises(AssessmentLocked):
        set_response(
            store, admin("maria"), assessment.id, "4.1.a", Response(score=3), expected_version=0
        )
    with pytest.raises(AssessmentLocked):
        A.edit_assessment(
            store, admin("maria"), assessment.id, title="New", expected_version=version
        )
    with pytest.raises(InvalidChange, match="needs a reason"):
        set_status(
            store,
            admin("maria"),
            assessment.id,
            AssessmentStatus.IN_PROGRESS,
            expected_version=version,
        )
    reopened = set_status(
        store,
        admin("lead"),
        assessment.id,
        AssessmentStatus.IN_PROGRESS,
        expected_version=version,
        reason="client sent new records",
    )
    assert reopened.status is AssessmentStatus.IN_PROGRESS
    last = events(store, ADMIN, assessment.id)[-2:]
    assert [(e.actor, e.field, e.before, e.after) for e in last] == [
        ("lead", "status", "final", "in_progress"),
        ("lead", "status_reason", None, "client sent new records"),
    ]


def test_edit_archive_and_baseline(store, assessment):
    edited = A.edit_assessment(
        store,
        admin("maria"),
        assessment.id,
        scope="All customers",
        team=("Maria", "Deniz"),
        expected_version=1,
    )
    assert (edited.scope, edited.team, edited.version) == ("All customers", ("Maria", "Deniz"), 2)
    with pytest.raises(InvalidChange, match="cannot edit status"):
        A.edit_assessment(store, admin("maria"), assessment.id, status="final", expected_version=2)
    later = A.create_assessment(
        store, admin("maria"), assessment.organization_id, SMALL, "Re-assessment"
    )
    linked = A.set_baseline(store, admin("maria"), later.id, assessment.id, expected_version=1)
    assert linked.baseline_id == assessment.id
    other = O.create_organization(store, admin("maria"), "Other Ltd")
    foreign = A.create_assessment(store, admin("maria"), other.id, SMALL, "Elsewhere")
    with pytest.raises(InvalidChange, match="same organization"):
        A.set_baseline(store, admin("maria"), later.id, foreign.id, expected_version=linked.version)
    A.archive_assessment(store, admin("maria"), assessment.id, expected_version=2)
    assert [a.title for a in A.list_assessments(store, ADMIN, assessment.organization_id)] == [
        "Re-assessment"
    ]


def test_audit_events_cannot_be_changed_even_with_raw_sql(store, assessment):
    for statement in ("UPDATE audit_event SET actor = 'mallory'", "DELETE FROM audit_event"):
        with pytest.raises(DatabaseError, match="append-only"), store.engine.begin() as connection:
            connection.execute(text(statement))
    assert [e.actor for e in events(store, ADMIN, assessment.id)] == ["maria"]


def test_the_real_2018_checklist_round_trips_through_a_snapshot(store):
    organization = O.create_organization(store, admin("maria"), "Big Co")
    checklist = find_checklist("iso10002-2018")
    created = A.create_assessment(store, admin("maria"), organization.id, checklist, "Full")
    opened = A.open_assessment(store, ADMIN, created.id)
    assert opened.checklist == checklist
    assert opened.checklist.content_hash == checklist.content_hash
    assert opened.score.overall.completion == 0


def test_open_assessment_parses_each_pinned_checklist_once(store, assessment):
    first = A.open_assessment(store, ADMIN, assessment.id).checklist
    second = A.open_assessment(store, ADMIN, assessment.id).checklist
    assert first is second
    assert A.list_assessments(store, ADMIN, assessment.organization_id)[0].checklist_id == "small"


def test_upgrading_keeps_existing_actions_and_dates_them(store):
    """Data made under revision 0001 survives 0002, and its actions get their raised-on date."""
    from alembic import command

    from assessment.services.actions import create_action, list_actions
    from assessment.storage.schema import alembic_config

    organization = O.create_organization(store, admin("maria"), "Acme Water")
    record = A.create_assessment(store, admin("maria"), organization.id, SMALL, "Gap analysis")
    create_action(
        store, admin("maria"), record.id, "Fix the register", criteria=["7.2.a"], owner="Ana"
    )
    config = alembic_config(store.engine)
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    assert current_revision(store.engine) == "0001"
    upgrade_database(store.engine)
    (action,) = list_actions(store, ADMIN, record.id)
    assert (action.ref, action.title, action.owner) == ("A1", "Fix the register", "Ana")
    assert action.raised_on is not None
    assert action.priority == "medium"
