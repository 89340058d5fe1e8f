"""Assessments: create, list, open with scores, edit, archive, set the baseline (their stages
move in services/stage_moves.py).

An assessment pins its checklist by content hash and keeps a snapshot of it, so editing the
YAML later never changes a past result. A final assessment is locked; reopening it needs a
reason and is audited like every other change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from assessment import text_limits as limits
from assessment.access.roles import Actor, Permission
from assessment.checklist.model import Checklist
from assessment.errors import InvalidChange
from assessment.scoring.engine import AssessmentScore, score_assessment
from assessment.scoring.findings import Finding
from assessment.services.assessment_rows import (
    change_field,
    check_row_version,
    editable_row,
    link_baseline,
    log_event,
    lost_race,
    snapshot_checklist,
    store_snapshot,
)
from assessment.services.evidence_support import supported_criteria
from assessment.services.guard import reachable_assessment, reachable_organization
from assessment.services.organizations import get_row as organization_row
from assessment.services.versions import versioned_write
from assessment.storage.store import Store
from assessment.storage.tables import (
    ActionRow,
    Assessment,
    ChecklistSnapshot,
    Organization,
    ResponseRow,
)
from assessment.timestamps import as_utc
from assessment.workflow.corrective_action import ActionLink, ActionStatus
from assessment.workflow.response import Response
from assessment.workflow.stages import AssessmentStatus, SignOff

# The public surface (tests/test_services_contract.py holds it to the contract).
EDITABLE_FIELDS = ("title", "scope", "team", "start_date", "end_date")

__all__ = [
    "EDITABLE_FIELDS",
    "AssessmentRecord",
    "OpenAssessment",
    "StoredResponse",
    "archive_assessment",
    "create_assessment",
    "edit_assessment",
    "get_assessment",
    "list_assessments",
    "open_assessment",
    "set_baseline",
]


@dataclass(frozen=True)
class AssessmentRecord:
    id: int
    organization_id: int
    organization_name: str
    title: str
    scope: str
    status: AssessmentStatus
    team: tuple[str, ...]
    start_date: date | None
    end_date: date | None
    baseline_id: int | None
    archived: bool
    checklist_id: str
    checklist_hash: str
    version: int
    sign_off: SignOff | None = None  # set while the assessment is final
    change_count: int = 0  # committed transactions that changed it: moves with every change


@dataclass(frozen=True)
class StoredResponse:
    response: Response
    version: int
    updated_by: str
    updated_at: datetime


@dataclass(frozen=True)
class OpenAssessment:
    """An assessment with its checklist, responses, actions and scores: what a page shows."""

    record: AssessmentRecord
    checklist: Checklist
    responses: dict[str, StoredResponse]
    actions: tuple[ActionLink, ...]
    score: AssessmentScore

    def version_of(self, criterion_id: str) -> int:
        """The version to send with the next write of this response (0: never answered)."""
        stored = self.responses.get(criterion_id)
        return stored.version if stored else 0


# What a record is made of, read as plain columns: a list of thousands of assessments is built
# from rows several times faster than from ORM objects, and the record needs nothing more.
RECORD_COLUMNS = (
    *Assessment.__table__.columns,
    Organization.name.label("organization_name"),
    ChecklistSnapshot.checklist_id,
)


def record_from_row(
    row: Assessment | Row[Any], organization_name: str, checklist_id: str | None
) -> AssessmentRecord:
    return AssessmentRecord(
        id=row.id,
        organization_id=row.organization_id,
        organization_name=organization_name,
        title=row.title,
        scope=row.scope,
        status=AssessmentStatus(row.status),
        team=tuple(row.team),
        start_date=row.start_date,
        end_date=row.end_date,
        baseline_id=row.baseline_id,
        archived=row.archived,
        checklist_id=checklist_id or "?",
        checklist_hash=row.checklist_hash,
        version=row.version,
        sign_off=_sign_off(row),
        change_count=row.change_count,
    )


def _sign_off(row: Assessment | Row[Any]) -> SignOff | None:
    if row.signed_off_by is None or row.signed_off_at is None:
        return None
    return SignOff(
        row.signed_off_by,
        as_utc(row.signed_off_at),
        row.sign_off_verdict or "",
        row.sign_off_statement,
    )


def assessment_record(session: Session, row: Assessment) -> AssessmentRecord:
    checklist_id = session.scalar(
        select(ChecklistSnapshot.checklist_id).where(
            ChecklistSnapshot.content_hash == row.checklist_hash
        )
    )
    return record_from_row(row, organization_row(session, row.organization_id).name, checklist_id)


def _check_dates(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        raise InvalidChange(
            f"the end date {end.isoformat()} is before the start date {start.isoformat()}"
        )


def _given_date(value: object, name: str) -> date | None:
    """A date as an edit gives it (its values come as the caller typed them): a date, or None."""
    if value is None or isinstance(value, date):
        return value
    raise InvalidChange(f"the {name} must be a date")


def _clean_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise InvalidChange("an assessment needs a title")
    return limits.within("an assessment's title", cleaned, limits.TITLE)


def _clean_team(team: Iterable[object]) -> list[str]:
    return [limits.within("a team member's name", str(member), limits.NAME) for member in team]


def add_assessment(
    session: Session,
    actor: str,
    organization: Organization,
    checklist: Checklist,
    title: str,
    *,
    scope: str = "",
    team: tuple[str, ...] = (),
    start_date: date | None = None,
    end_date: date | None = None,
    status: AssessmentStatus = AssessmentStatus.DRAFT,
    at: datetime | None = None,
) -> Assessment:
    """Insert one assessment inside the caller's transaction, with its checklist snapshot
    (created at `at` when the data says when, else now)."""
    if organization.archived:
        raise InvalidChange(f"organization '{organization.name}' is archived")
    store_snapshot(session, checklist)
    _check_dates(start_date, end_date)
    row = Assessment(
        organization_id=organization.id,
        checklist_hash=checklist.content_hash,
        title=_clean_title(title),
        scope=scope,
        team=_clean_team(team),
        start_date=start_date,
        end_date=end_date,
        status=AssessmentStatus(status).value,
        **({"created_at": at} if at is not None else {}),
    )
    session.add(row)
    session.flush()
    log_event(session, actor, row, "created", None, row.title, at=at)
    return row


def create_assessment(
    store: Store,
    actor: Actor,
    organization_id: int,
    checklist: Checklist,
    title: str,
    *,
    scope: str = "",
    team: tuple[str, ...] = (),
    start_date: date | None = None,
    end_date: date | None = None,
    baseline_id: int | None = None,
) -> AssessmentRecord:
    """Start an assessment (with its baseline, when one is named), in one transaction."""
    _clean_title(title)  # refuse an empty title before opening a transaction
    with store.transaction() as session:
        organization = reachable_organization(
            session,
            store,
            actor,
            organization_id,
            Permission.MANAGE_ASSESSMENTS,
            what="start an assessment",
        )
        # Every check before the first write: a refusal is logged in a transaction of its own,
        # which SQLite would make wait for this one once it has written.
        baseline = (
            reachable_assessment(
                session, store, actor, baseline_id, Permission.VIEW, what="compare with it"
            )
            if baseline_id is not None
            else None
        )
        row = add_assessment(
            session,
            actor.name,
            organization,
            checklist,
            title,
            scope=scope,
            team=team,
            start_date=start_date,
            end_date=end_date,
        )
        if baseline is not None:
            link_baseline(session, actor.name, row, baseline)
        return assessment_record(session, row)


def list_assessments(
    store: Store,
    actor: Actor,
    organization_id: int | None = None,
    *,
    include_archived: bool = False,
) -> list[AssessmentRecord]:
    """One organization's assessments, or those of every organization the actor belongs to
    when none is named (one query)."""
    with store.transaction() as session:
        if organization_id is not None:
            reachable_organization(
                session, store, actor, organization_id, Permission.VIEW, what="see its assessments"
            )
        query = (
            select(*RECORD_COLUMNS)
            .join(Organization, Organization.id == Assessment.organization_id)
            .join(ChecklistSnapshot, ChecklistSnapshot.content_hash == Assessment.checklist_hash)
        )
        if organization_id is not None:
            query = query.where(Assessment.organization_id == organization_id)
        visible = actor.visible_organizations()
        if visible is not None:
            query = query.where(Assessment.organization_id.in_(visible))
        if not include_archived:
            query = query.where(Assessment.archived.is_(False))
        rows = session.execute(query.order_by(Organization.name, Assessment.id))
        return [record_from_row(row, row.organization_name, row.checklist_id) for row in rows]


def get_assessment(store: Store, actor: Actor, assessment_id: int) -> AssessmentRecord:
    with store.transaction() as session:
        row = reachable_assessment(
            session, store, actor, assessment_id, Permission.VIEW, what="see this assessment"
        )
        return assessment_record(session, row)


def load_parts(
    session: Session, row: Assessment
) -> tuple[Checklist, dict[str, StoredResponse], tuple[ActionLink, ...]]:
    """The checklist, responses and actions of one assessment: three indexed queries."""
    checklist = snapshot_checklist(session, row.checklist_hash)
    responses = {
        r.criterion_id: StoredResponse(
            Response(
                r.score,
                r.not_applicable,
                r.notes,
                Finding(r.finding) if r.finding else None,
                r.finding_reason,
            ),
            r.version,
            r.updated_by,
            r.updated_at,
        )
        for r in session.scalars(select(ResponseRow).where(ResponseRow.assessment_id == row.id))
    }
    actions = tuple(
        ActionLink(a.ref, tuple(a.criteria), ActionStatus(a.status), a.title)
        for a in session.scalars(
            select(ActionRow).where(ActionRow.assessment_id == row.id).order_by(ActionRow.id)
        )
    )
    return checklist, responses, actions


def open_assessment(
    store: Store, actor: Actor, assessment_id: int, *, today: date | None = None
) -> OpenAssessment:
    """Everything one assessment page needs, scored; its cost does not grow with the portfolio.

    The verdict weighs the evidence as it stands on `today` (records expire).
    """
    with store.transaction() as session:
        row = reachable_assessment(
            session, store, actor, assessment_id, Permission.VIEW, what="see this assessment"
        )
        checklist, responses, actions = load_parts(session, row)
        record_ = assessment_record(session, row)
        supported = supported_criteria(session, row.id, today or date.today())
    scores = score_assessment(
        checklist,
        {k: v.response for k, v in responses.items()},
        actions,
        supported=supported,
    )
    return OpenAssessment(record_, checklist, responses, actions, scores)


def edit_assessment(
    store: Store, actor: Actor, assessment_id: int, *, expected_version: int, **changes: object
) -> AssessmentRecord:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidChange(
            f"cannot edit {', '.join(sorted(unknown))}; editable: {', '.join(EDITABLE_FIELDS)}"
        )
    if "title" in changes:
        changes["title"] = _clean_title(str(changes["title"]))
    if "team" in changes:
        team = changes["team"]
        if isinstance(team, str) or not isinstance(team, Iterable):  # a str would split in letters
            raise InvalidChange("a team must be a list of names")
        changes["team"] = _clean_team(team)
    with versioned_write(store, lost_race(assessment_id)) as session:
        row = editable_row(
            session,
            store,
            actor,
            assessment_id,
            Permission.MANAGE_ASSESSMENTS,
            what="edit the assessment",
        )
        check_row_version(session, row, expected_version)
        _check_dates(
            _given_date(changes.get("start_date", row.start_date), "start date"),
            _given_date(changes.get("end_date", row.end_date), "end date"),
        )
        for field, value in changes.items():
            change_field(session, actor.name, row, field, value)
        return assessment_record(session, row)


def archive_assessment(
    store: Store, actor: Actor, assessment_id: int, *, expected_version: int, archived: bool = True
) -> AssessmentRecord:
    with versioned_write(store, lost_race(assessment_id)) as session:
        row = reachable_assessment(
            session,
            store,
            actor,
            assessment_id,
            Permission.MANAGE_ASSESSMENTS,
            what="archive the assessment",
        )
        check_row_version(session, row, expected_version)
        change_field(session, actor.name, row, "archived", archived)
        return assessment_record(session, row)


def set_baseline(
    store: Store,
    actor: Actor,
    assessment_id: int,
    baseline_id: int | None,
    *,
    expected_version: int,
) -> AssessmentRecord:
    with versioned_write(store, lost_race(assessment_id)) as session:
        row = editable_row(
            session,
            store,
            actor,
            assessment_id,
            Permission.MANAGE_ASSESSMENTS,
            what="set the baseline",
        )
        check_row_version(session, row, expected_version)
        baseline = (
            reachable_assessment(
                session, store, actor, baseline_id, Permission.VIEW, what="compare with it"
            )
            if baseline_id is not None
            else None
        )
        link_baseline(session, actor.name, row, baseline)
        return assessment_record(session, row)
