"""Lost updates on assessments and organizations, on SQLite and PostgreSQL.

Two people edit the same record: both read version 1, both pass the version check, and the
other commits first. The second write must be refused as a conflict (its UPDATE is conditional
on the version it read), and the other's change must survive. The test makes that interleaving
happen for certain: the first writer's version check lets the other writer run to its commit,
in a thread of its own, before it returns.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from assessment.checklist.loader import find_checklist
from assessment.errors import ConflictError
from assessment.services import assessment_rows, versions
from assessment.services import assessments as A
from assessment.services import organizations as O
from assessment.services.stage_moves import set_status
from assessment.workflow.stages import AssessmentStatus
from tests.people import admin

ANA, BEN = admin("Ana"), admin("Ben")


@pytest.fixture
def records(store):
    organization = O.create_organization(store, ANA, "Acme Water")
    checklist = find_checklist("iso10002-2018")
    earlier = A.create_assessment(store, ANA, organization.id, checklist, "Gap analysis 2025")
    record = A.create_assessment(
        store, ANA, organization.id, checklist, "Gap analysis 2026", team=("Ana", "Ben")
    )
    return organization, earlier, record


def interleaved(monkeypatch, module, other: Callable[[], object]) -> list[object]:
    """Make `module`'s next version check run `other` (another person's write, committed in a
    thread of its own) before it checks; returns what `other` returned (or raised)."""
    real = versions.check_version
    outcome: list[object] = []
    started = threading.Event()

    def run() -> None:
        try:
            outcome.append(other())
        except Exception as error:  # the test looks at it
            outcome.append(error)

    def check(*args, **kwargs):
        if not started.is_set():  # the first writer's check; the other's runs unchanged
            started.set()
            thread = threading.Thread(target=run)
            thread.start()
            thread.join(timeout=30)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "check_version", check)
    return outcome


def written_by_the_other(outcome: list[object]) -> object:
    assert len(outcome) == 1
    assert not isinstance(outcome[0], Exception), outcome[0]
    return outcome[0]


def test_two_edits_of_an_assessments_details(store, records, monkeypatch):
    _, _, record = records
    outcome = interleaved(
        monkeypatch,
        assessment_rows,
        lambda: A.edit_assessment(store, BEN, record.id, expected_version=1, scope="Ben's scope"),
    )
    with pytest.raises(ConflictError, match="changed by Ben"):
        A.edit_assessment(store, ANA, record.id, expected_version=1, title="Ana's title")
    written_by_the_other(outcome)
    now = A.get_assessment(store, ANA, record.id)
    assert (now.scope, now.title) == ("Ben's scope", "Gap analysis 2026")


def test_a_stage_move_against_an_edit(store, records, monkeypatch):
    _, _, record = records
    outcome = interleaved(
        monkeypatch,
        assessment_rows,
        lambda: A.edit_assessment(store, BEN, record.id, expected_version=1, title="Renamed"),
    )
    with pytest.raises(ConflictError):
        set_status(store, ANA, record.id, AssessmentStatus.IN_PROGRESS, expected_version=1)
    written_by_the_other(outcome)
    now = A.get_assessment(store, ANA, record.id)
    assert (now.title, now.status) == ("Renamed", AssessmentStatus.DRAFT)


def test_a_baseline_against_a_stage_move(store, records, monkeypatch):
    _, earlier, record = records
    outcome = interleaved(
        monkeypatch,
        assessment_rows,
        lambda: set_status(store, BEN, record.id, AssessmentStatus.IN_PROGRESS, expected_version=1),
    )
    with pytest.raises(ConflictError):
        A.set_baseline(store, ANA, record.id, earlier.id, expected_version=1)
    written_by_the_other(outcome)
    now = A.get_assessment(store, ANA, record.id)
    assert (now.baseline_id, now.status) == (None, AssessmentStatus.IN_PROGRESS)


def test_two_team_changes(store, records, monkeypatch):
    _, _, record = records
    outcome = interleaved(
        monkeypatch,
        assessment_rows,
        lambda: A.edit_assessment(
            store, BEN, record.id, expected_version=1, team=["Ana", "Ben", "Chi"]
        ),
    )
    with pytest.raises(ConflictError):
        A.edit_assessment(store, ANA, record.id, expected_version=1, team=["Ana"])
    written_by_the_other(outcome)
    assert A.get_assessment(store, ANA, record.id).team == ("Ana", "Ben", "Chi")


def test_two_renames_of_an_organization(store, records, monkeypatch):
    organization, _, _ = records
    outcome = interleaved(
        monkeypatch,
        O,
        lambda: O.rename_organization(
            store, BEN, organization.id, "Acme Water plc", expected_version=1
        ),
    )
    with pytest.raises(ConflictError, match="changed by Ben"):
        O.rename_organization(store, ANA, organization.id, "Acme Waters", expected_version=1)
    written_by_the_other(outcome)
    assert O.get_organization(store, ANA, organization.id).name == "Acme Water plc"


def test_a_write_based_on_an_old_version_is_refused_before_anything_is_written(store, records):
    _, _, record = records
    A.edit_assessment(store, BEN, record.id, expected_version=1, scope="first")
    with pytest.raises(ConflictError, match="changed by Ben"):
        A.edit_assessment(store, ANA, record.id, expected_version=1, scope="second")
    assert A.get_assessment(store, ANA, record.id).scope == "first"
