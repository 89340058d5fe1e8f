"""The corrective-action workflow, on SQLite and PostgreSQL, and its metrics."""

from __future__ import annotations

import textwrap
import threading
from datetime import date

import pytest

from assessment.checklist.loader import checklist_from_text
from assessment.errors import AssessmentFileError, AssessmentLocked, ConflictError, InvalidChange
from assessment.portable.assessment_file import assessment_to_data, load_assessment_text
from assessment.scoring.findings import Finding
from assessment.services import actions as X
from assessment.services import assessments as A
from assessment.services import organizations as O
from assessment.services.action_raising import raise_from_finding
from assessment.services.audit import events
from assessment.services.exchange import export_assessment, import_assessment
from assessment.services.responses import set_response
from assessment.services.stage_moves import set_status
from assessment.workflow.corrective_action import (
    ActionRecord,
    ActionStatus,
    EffectivenessCheck,
    Priority,
    RootCauseMethod,
    load_by_owner,
    open_by_week,
)
from assessment.workflow.response import Response
from assessment.workflow.stages import AssessmentStatus
from tests.conftest import SMALL_CHECKLIST, line_of
from tests.people import ADMIN, admin

SMALL = checklist_from_text(SMALL_CHECKLIST, "small.yaml")
CHECK = EffectivenessCheck(date(2026, 12, 1), "Maria Nowak", True, "Sampled 20 complaints")


@pytest.fixture
def assessment(store):
    organization = O.create_organization(store, admin("maria"), "Acme Water")
    record = A.create_assessment(store, admin("maria"), organization.id, SMALL, "Gap analysis")
    set_response(store, admin("maria"), record.id, "7.2.a", Response(0), expected_version=0)
    set_response(store, admin("maria"), record.id, "4.1.a", Response(2), expected_version=0)
    return record


def test_an_action_goes_from_open_to_verified_through_its_check(store, assessment):
    action = X.create_action(
        store,
        admin("maria"),
        assessment.id,
        "One register for every channel",
        criteria=["7.2.a"],
        owner="Deniz",
        due=date(2026, 12, 15),
        finding=Finding.MAJOR,
        correction="Logged last week's phone complaints by hand",
        root_cause="Phone agents had no access to the register",
        root_cause_method=RootCauseMethod.FIVE_WHYS,
        action_plan="Give agents access and train them",
        priority=Priority.HIGH,
    )
    assert (action.ref, action.status, action.version) == ("A1", ActionStatus.OPEN, 1)
    assert action.raised_on == date.today()
    action = X.move_action(
        store, admin("deniz"), assessment.id, "A1", ActionStatus.IN_PROGRESS, expected_version=1
    )
    action = X.move_action(
        store,
        admin("deniz"),
        assessment.id,
        "A1",
        ActionStatus.DONE,
        expected_version=2,
        today=date(2026, 11, 30),
    )
    assert action.closed_on == date(2026, 11, 30)
    action = X.check_effectiveness(
        store, admin("maria"), assessment.id, "A1", CHECK, expected_version=3
    )
    assert action.status is ActionStatus.VERIFIED
    assert action.check == CHECK
    trail = [
        (e.actor, e.field, e.after)
        for e in events(store, ADMIN, assessment.id)
        if e.entity == "action"
    ]
    assert ("deniz", "status", "done") in trail
    assert ("maria", "status", "verified") in trail
    assert ("maria", "check_note", "Sampled 20 complaints") in trail


@pytest.mark.parametrize(
    ("moves", "target", "message"),
    [
        ([], ActionStatus.VERIFIED, "becomes verified through an effectiveness check"),
        (
            [ActionStatus.DONE],
            ActionStatus.VERIFIED,
            "becomes verified through an effectiveness check",
        ),
        ([ActionStatus.DONE], ActionStatus.OPEN, "it can move to in progress, not to open"),
    ],
)
def test_forbidden_moves_are_refused(store, assessment, moves, target, message):
    X.create_action(store, admin("maria"), assessment.id, "Fix it", criteria=["7.2.a"])
    for version, status in enumerate(moves, start=1):
        X.move_action(store, admin("maria"), assessment.id, "A1", status, expected_version=version)
    with pytest.raises(InvalidChange, match=message):
        X.move_action(
            store, admin("maria"), assessment.id, "A1", target, expected_version=len(moves) + 1
        )
    assert X.list_actions(store, ADMIN, assessment.id)[0].version == len(moves) + 1


def test_a_check_needs_a_done_action_and_a_note_or_evidence(store, assessment):
    X.create_action(store, admin("maria"), assessment.id, "Fix it", criteria=["7.2.a"])
    with pytest.raises(InvalidChange, match="only a done action can be checked"):
        X.check_effectiveness(store, admin("maria"), assessment.id, "A1", CHECK, expected_version=1)
    X.move_action(store, admin("maria"), assessment.id, "A1", ActionStatus.DONE, expected_version=1)
    bare = EffectivenessCheck(date(2026, 12, 1), "Maria", True)
    with pytest.raises(InvalidChange, match="needs a note or linked evidence"):
        X.check_effectiveness(store, admin("maria"), assessment.id, "A1", bare, expected_version=2)
    ghost = EffectivenessCheck(date(2026, 12, 1), "Maria", True, evidence=(999,))
    with pytest.raises(InvalidChange, match="no evidence record 999"):
        X.check_effectiveness(store, admin("maria"), assessment.id, "A1", ghost, expected_version=2)


def test_a_check_that_finds_it_not_effective_reopens_the_action(store, assessment):
    X.create_action(store, admin("maria"), assessment.id, "Fix it", criteria=["7.2.a"])
    X.move_action(store, admin("maria"), assessment.id, "A1", ActionStatus.DONE, expected_version=1)
    failed = EffectivenessCheck(date(2026, 12, 1), "Maria", False, "Two complaints still unlogged")
    action = X.check_effectiveness(
        store, admin("maria"), assessment.id, "A1", failed, expected_version=2
    )
    assert action.status is ActionStatus.IN_PROGRESS
    assert action.closed_on is None
    assert action.check == failed


def test_reopening_a_verified_action_needs_a_reason(store, assessment):
    X.create_action(store, admin("maria"), assessment.id, "Fix it", criteria=["7.2.a"])
    X.move_action(store, admin("maria"), assessment.id, "A1", ActionStatus.DONE, expected_version=1)
    X.check_effectiveness(store, admin("maria"), assessment.id, "A1", CHECK, expected_version=2)
    with pytest.raises(InvalidChange, match="needs a reason"):
        X.move_action(
            store, admin("maria"), assessment.id, "A1", ActionStatus.IN_PROGRESS, expected_version=3
        )
    action = X.move_action(
        store,
        admin("maria"),
        assessment.id,
        "A1",
        ActionStatus.IN_PROGRESS,
        expected_version=3,
        reason="It recurred",
    )
    assert action.status is ActionStatus.IN_PROGRESS
    assert any(
        e.field == "status_reason" and e.after == "It recurred"
        for e in events(store, ADMIN, assessment.id)
    )


def test_a_stale_edit_is_refused_and_names_who_changed_it(store, assessment):
    X.create_action(store, admin("maria"), assessment.id, "Fix it", criteria=["7.2.a"])
    X.update_action(store, admin("deniz"), assessment.id, "A1", expected_version=1, owner="Deniz")
    with pytest.raises(ConflictError, match="changed by deniz"):
        X.update_action(
            store, admin("maria"), assessment.id, "A1", expected_version=1, owner="Maria"
        )
    assert X.list_actions(store, ADMIN, assessment.id)[0].owner == "Deniz"


def test_two_concurrent_edits_one_wins_one_is_told(store, assessment):
    X.create_action(store, admin("maria"), assessment.id, "Fix it", criteria=["7.2.a"])
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def edit(actor: str) -> None:
        barrier.wait()
        try:
            outcomes.append(
                X.update_action(
                    store, admin(actor), assessment.id, "A1", expected_version=1, owner=actor
                )
            )
        except ConflictError as error:
            outcomes.append(error)

    threads = [threading.Thread(target=edit, args=(name,)) for name in ("maria", "deniz")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [o for o in outcomes if isinstance(o, ActionRecord)]
    told = [o for o in outcomes if isinstance(o, ConflictError)]
    assert len(won) == 1
    assert len(told) == 1
    assert won[0].owner in str(told[0])
    assert X.list_actions(store, ADMIN, assessment.id)[0].version == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"criteria": ["9.9.z"]}, "no criterion 9.9.z"),
        ({"title": "   "}, "needs a title"),
        ({"status": "done"}, "cannot edit status"),
        ({"due": "next week"}, "must be a date"),
    ],
)
def test_bad_edits_are_refused_and_change_nothing(store, assessment, changes, message):
    X.create_action(store, admin("maria"), assessment.id, "Fix it", criteria=["7.2.a"])
    with pytest.raises(InvalidChange, match=message):
        X.update_action(store, admin("maria"), assessment.id, "A1", expected_version=1, **changes)
    (action,) = X.list_actions(store, ADMIN, assessment.id)
    assert (action.title, action.criteria, action.version) == ("Fix it", ("7.2.a",), 1)


def test_raising_from_a_finding_carries_the_worst_finding(store, assessment):
    action = raise_from_finding(store, admin("maria"), assessment.id, ["4.1.a", "7.2.a"])
    assert action.finding is Finding.MAJOR  # 7.2.a scores 0 against 3; 4.1.a only minor
    assert action.title == "Address the major nonconformity on 4.1.a, 7.2.a"
    with pytest.raises(InvalidChange, match="has no finding to act on"):
        raise_from_finding(store, admin("maria"), assessment.id, ["4.1.b"])


def test_raising_again_for_a_criterion_that_has_an_action_is_refused_unless_asked(
    store, assessment
):
    first = raise_from_finding(store, admin("maria"), assessment.id, ["7.2.a"])
    X.move_action(
        store,
        admin("maria"),
        assessment.id,
        first.ref,
        ActionStatus.IN_PROGRESS,
        expected_version=1,
    )
    with pytest.raises(InvalidChange) as refused:
        raise_from_finding(store, admin("maria"), assessment.id, ["4.1.a", "7.2.a"])
    assert str(refused.value) == (
        "7.2.a already has a corrective action: "
        "A1 'Address the major nonconformity on 7.2.a' (in progress, on 7.2.a)"
    )
    assert [a.ref for a in X.list_actions(store, ADMIN, assessment.id)] == ["A1"]  # nothing added
    second = raise_from_finding(store, admin("maria"), assessment.id, ["7.2.a"], again=True)
    assert (second.ref, second.criteria) == ("A2", ("7.2.a",))


def test_the_refusal_names_every_action_already_there(store, assessment):
    X.create_action(store, admin("maria"), assessment.id, "Fix intake", criteria=["7.2.a"])
    X.create_action(store, admin("maria"), assessment.id, "Principles", criteria=["4.1.a", "4.1.b"])
    with pytest.raises(InvalidChange) as refused:
        raise_from_finding(store, admin("maria"), assessment.id, ["4.1.a", "7.2.a"])
    assert str(refused.value) == (
        "4.1.a, 7.2.a already have corrective actions: A1 'Fix intake' (open, on 7.2.a); "
        "A2 'Principles' (open, on 4.1.a)"
    )
    assert refused.value.existing == ("A1", "A2")


def test_an_action_title_keeps_no_terminal_escapes(store, assessment):
    action = X.create_action(
        store, admin("maria"), assessment.id, "Fix\x1b[2J it\u202e", owner="Ana\x07"
    )
    assert (action.title, action.owner) == ("Fix[2J it", "Ana")


def test_a_final_assessment_locks_its_actions(store, assessment):
    X.create_action(store, admin("maria"), assessment.id, "Fix it", criteria=["7.2.a"])
    version = assessment.version
    for status in (
        AssessmentStatus.IN_PROGRESS,
        AssessmentStatus.IN_REVIEW,
        AssessmentStatus.FINAL,
    ):
        version = set_status(
            store,
            admin("maria"),
            assessment.id,
            status,
            expected_version=version,
            statement="Signed off for the test",
        ).version
    with pytest.raises(AssessmentLocked):
        X.update_action(store, admin("maria"), assessment.id, "A1", expected_version=1, owner="x")
    with pytest.raises(AssessmentLocked):
        X.create_action(store, admin("maria"), assessment.id, "Another")


def test_the_verdict_waits_for_the_major_action_to_be_verified(store, assessment):
    X.create_action(store, admin("maria"), assessment.id, "Fix it", criteria=["7.2.a"])
    X.move_action(store, admin("maria"), assessment.id, "A1", ActionStatus.DONE, expected_version=1)
    reasons = [
        r.message for r in A.open_assessment(store, ADMIN, assessment.id).score.overall.reasons
    ]
    assert "Action A1 on the major nonconformity 7.2.a is done, not yet verified" in reasons
    X.check_effectiveness(store, admin("maria"), assessment.id, "A1", CHECK, expected_version=2)
    reasons = [
        r.message for r in A.open_assessment(store, ADMIN, assessment.id).score.overall.reasons
    ]
    assert not any("A1" in r for r in reasons)


def record(ref: str, status: ActionStatus, owner: str = "", due=None, raised=None, closed=None):
    return ActionRecord(
        0, 0, ref, ref, (), owner, due, status, 1, raised_on=raised, closed_on=closed
    )


def test_overdue_and_load_by_owner():
    today = date(2026, 11, 21)
    actions = [
        record("A1", ActionStatus.OPEN, "Ana", due=date(2026, 11, 20)),
        record(
            "A2", ActionStatus.IN_PROGRESS, "Ana", due=date(2026, 11, 21)
        ),  # due today: not late
        record("A3", ActionStatus.DONE, "Ana", due=date(2026, 1, 1)),  # done: never overdue
        record("A4", ActionStatus.OPEN, "Ben", due=date(2026, 1, 1)),
        record("A5", ActionStatus.OPEN, "Ben", due=date(2026, 2, 1)),
        record("A6", ActionStatus.OPEN, ""),
    ]
    assert [a.ref for a in actions if a.is_overdue(today)] == ["A1", "A4", "A5"]
    assert [(o.owner, o.open, o.overdue) for o in load_by_owner(actions, today)] == [
        ("Ben", 2, 2),
        ("Ana", 2, 1),
        ("(no owner)", 1, 0),
    ]


def test_open_actions_by_week_for_the_burn_down():
    actions = [
        record("A1", ActionStatus.DONE, raised=date(2026, 11, 2), closed=date(2026, 11, 10)),
        record("A2", ActionStatus.OPEN, raised=date(2026, 11, 4)),
        record("A3", ActionStatus.VERIFIED, raised=date(2026, 11, 12), closed=date(2026, 11, 13)),
        record("A4", ActionStatus.OPEN, raised=date(2026, 11, 20)),
    ]
    # weeks start on Monday 2 Nov; each count is taken at the end of its week (Sunday)
    assert open_by_week(actions, date(2026, 11, 2), date(2026, 11, 22)) == [
        (date(2026, 11, 2), 2),  # A1, A2 open on Sun 8 Nov
        (date(2026, 11, 9), 1),  # A1 closed 10 Nov; A3 raised and closed within the week
        (date(2026, 11, 16), 2),  # A2, A4
    ]


ACTIONS_FILE = textwrap.dedent(
    """\
    format: iso10002-assessment/1
    checklist: iso10002-2018
    organization: {name: Acme Water}
    title: Gap analysis
    responses:
      "7.2.a": {score: 1}
    actions:
      - id: A1
        title: One register for every channel
        criteria: ["7.2.a"]
        finding: major
        correction: Logged last week's phone complaints by hand
        root_cause: Phone agents had no access to the register
        root_cause_method: fishbone
        action_plan: Give agents access and train them
        owner: Deniz
        due: 2026-12-15
        priority: high
        status: verified
        raised_on: 2026-10-01
        closed_on: 2026-11-15
        check: {checked_on: 2026-12-01, checked_by: Maria, effective: true, note: Sampled 20 complaints}
      - {id: A2, title: Train branch staff, status: verified}
    """
)


def test_a_verified_action_without_its_check_is_refused_with_its_line():
    with pytest.raises(AssessmentFileError) as refused:
        load_assessment_text(ACTIONS_FILE, "actions.yaml")
    (fault,) = refused.value.faults
    assert fault.line == line_of(ACTIONS_FILE, "id: A2")
    assert "action A2: verified needs an effectiveness check" in fault.message


def test_every_action_field_round_trips_through_the_database(store):
    text = ACTIONS_FILE.replace("  - {id: A2, title: Train branch staff, status: verified}\n", "")
    assert "A2" not in text
    loaded = load_assessment_text(text, "actions.yaml")
    result = import_assessment(store, admin("maria"), loaded)
    exported = export_assessment(store, ADMIN, result.assessment.id)
    assert assessment_to_data(exported) == assessment_to_data(loaded.assessment)
    (action,) = X.list_actions(store, ADMIN, result.assessment.id)
    assert action.root_cause_method is RootCauseMethod.FISHBONE
    assert action.check == EffectivenessCheck(
        date(2026, 12, 1), "Maria", True, "Sampled 20 complaints"
    )


def test_the_action_commands(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from assessment.cli import cli
    from tests.conftest import REPO

    monkeypatch.setenv("ISO10002_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(cli, list(args))

    assert run("import", str(REPO / "examples" / "northwind-2018.yaml")).exit_code == 0
    raised = run("action", "raise", "1", "-c", "8.6.a", "--owner", "Ana", "--due", "2020-01-31")
    assert raised.output == "raised A3: Address the major nonconformity on 8.6.a\n"
    listed = run("action", "list", "1").output
    row = next(line for line in listed.splitlines() if line.startswith("A3 "))
    assert row.split() == [
        "A3",
        "Address",
        "the",
        "major",
        "nonconformity",
        "on",
        "8.6.a",
        "8.6.a",
        "Ana",
        "2020-01-31",
        "medium",
        "Open",
        "(OVERDUE)",
    ]
    assert "Ana             1        1" in listed  # owner load: one open, one overdue
    assert run("action", "move", "1", "A3", "done").output == "A3 is now done\n"
    checked = run("action", "check", "1", "A3", "--effective", "--by", "Maria", "--note", "Seen")
    assert checked.output == "A3 is now verified\n"
    refused = run("action", "move", "1", "A3", "open")
    assert refused.exit_code == 1
    assert (
        refused.output == "error: action A3 is verified; it can move to in progress, not to open\n"
    )
    twice = run("action", "raise", "1", "-c", "8.6.a")
    assert twice.exit_code == 1
    assert twice.output == (
        "error: no action was raised: 8.6.a already has a corrective action: "
        "A3 'Address the major nonconformity on 8.6.a' (verified, on 8.6.a) "
        "(add --again to raise another anyway)\n"
    )
    assert "A4 " not in run("action", "list", "1").output
    again = run("action", "raise", "1", "-c", "8.6.a", "--again", "--priority", "high")
    assert again.output == "raised A4: Address the major nonconformity on 8.6.a\n"
    a4 = next(
        line for line in run("action", "list", "1").output.splitlines() if line.startswith("A4 ")
    )
    assert "high" in a4.split(), "the priority given is kept when raised from a finding"


def test_the_burndown_command_counts_open_actions_per_week(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from assessment.cli import cli
    from tests.conftest import REPO

    monkeypatch.setenv("ISO10002_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    runner = CliRunner()
    runner.invoke(cli, ["import", str(REPO / "examples" / "northwind-2018.yaml")])
    runner.invoke(cli, ["action", "raise", "1", "--title", "Train the branches"])
    lines = runner.invoke(cli, ["action", "burndown", "1", "--weeks", "3"]).output.splitlines()
    assert len(lines) == 3
    # the example's two actions carry no raised-on date (open all along); the new one is raised today
    assert [line.split()[3] for line in lines] == ["2", "2", "3"]
