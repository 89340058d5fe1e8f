"""Assessments: create, list, open with scores, edit, archive, move through their stages.

An assessment pins its checklist by content hash and keeps a snapshot of it, so editing the
YAML later never changes a past result. A final assessment is locked; reopening it needs a
reason and is audited like every other change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.access.roles import Actor, Permission
from assessment.checklist.model import Checklist
from assessment.errors import AssessmentLocked, ConflictError, InvalidChange, NotFound
from assessment.scoring.engine import AssessmentScore, score_assessment
from assessment.scoring.findings import Finding
from assessment.scoring.verdict import Verdict
from assessment.services.audit import record
from assessment.services.evidence_support import supported_criteria
from assessment.services.guard import reachable_assessment, reachable_organization, require
from assessment.services.organizations import get_row as organization_row
from assessment.services.versions import check_version, conflict, versioned_write
from assessment.storage.store import Store, snapshot_cache
from assessment.storage.tables import (
    ActionRow,
    Assessment,
    ChecklistSnapshot,
    Organization,
    ResponseRow,
)
from assessment.timestamps import as_utc, utcnow
from assessment.workflow.corrective_action import ActionLink, ActionStatus
from assessment.workflow.response import Response
from assessment.workflow.stages import AssessmentStatus, SignOff

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = [
    "EDITABLE_FIELDS",
    "TRANSITIONS",
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
    "set_status",
]

# Which stage may follow which. Reopening (final -> in progress) also needs a reason.
TRANSITIONS: dict[AssessmentStatus, set[AssessmentStatus]] = {
    AssessmentStatus.DRAFT: {AssessmentStatus.IN_PROGRESS},
    AssessmentStatus.IN_PROGRESS: {AssessmentStatus.DRAFT, AssessmentStatus.IN_REVIEW},
    AssessmentStatus.IN_REVIEW: {AssessmentStatus.IN_PROGRESS, AssessmentStatus.FINAL},
    AssessmentStatus.FINAL: {AssessmentStatus.IN_PROGRESS},
}
EDITABLE_FIELDS = ("title", "scope", "team", "start_date", "end_date")


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


def get_row(session: Session, assessment_id: int) -> Assessment:
    row = session.get(Assessment, assessment_id)
    if row is None:
        raise NotFound(f"no assessment with id {assessment_id}")
    return row


def snapshot_checklist(session: Session, content_hash: str) -> Checklist:
    """The pinned checklist; read from the database only the first time in this process."""
    cached = snapshot_cache.get(content_hash)
    if cached is not None:
        return cached
    content = session.scalar(
        select(ChecklistSnapshot.content).where(ChecklistSnapshot.content_hash == content_hash)
    )
    if content is None:
        raise NotFound(f"checklist snapshot {content_hash} is missing from the database")
    checklist = Checklist.model_validate(content)
    snapshot_cache.put(checklist)
    return checklist


def editable_row(
    session: Session,
    store: Store,
    actor: Actor,
    assessment_id: int,
    permission: Permission,
    *,
    what: str,
) -> Assessment:
    """The assessment, if the actor may do `what` in it; refused with AssessmentLocked when
    it is final (after the permission check, so a locked assessment reveals nothing more)."""
    row = reachable_assessment(session, store, actor, assessment_id, permission, what=what)
    ensure_editable(row)
    return row


def ensure_editable(row: Assessment) -> None:
    if row.status == AssessmentStatus.FINAL:
        raise AssessmentLocked(
            f"assessment '{row.title}' is final and read-only; reopen it (with a reason) to change it"
        )


def _record(row: Assessment, organization_name: str, checklist_id: str | None) -> AssessmentRecord:
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
    )


def _sign_off(row: Assessment) -> SignOff | None:
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
    return _record(row, organization_row(session, row.organization_id).name, checklist_id)


def store_snapshot(session: Session, checklist: Checklist) -> None:
    if session.get(ChecklistSnapshot, checklist.content_hash) is None:
        session.add(
            ChecklistSnapshot(
                content_hash=checklist.content_hash,
                checklist_id=checklist.id,
                version=checklist.version,
                title=checklist.title,
                content=checklist.model_dump(mode="json"),
            )
        )
        session.flush()  # rows are not linked by relationships, so insert the snapshot first


def _check_dates(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        raise InvalidChange(
            f"the end date {end.isoformat()} is before the start date {start.isoformat()}"
        )


def _clean_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise InvalidChange("an assessment needs a title")
    return cleaned


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
        team=[str(member) for member in team],
        start_date=start_date,
        end_date=end_date,
        status=AssessmentStatus(status).value,
        **({"created_at": at} if at is not None else {}),
    )
    session.add(row)
    session.flush()
    _event(session, actor, row, "created", None, row.title, at=at)
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
            select(Assessment, Organization.name, ChecklistSnapshot.checklist_id)
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
        return [_record(row, name, checklist_id) for row, name, checklist_id in rows]


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


def _check_version(session: Session, row: Assessment, expected_version: int) -> None:
    check_version(
        session, row, expected_version, f"assessment '{row.title}'", "assessment", str(row.id)
    )


def _reread(assessment_id: int) -> Callable[[Session], ConflictError]:
    """What a write that lost a race to another is refused with (services/versions.py)."""

    def describe(session: Session) -> ConflictError:
        row = get_row(session, assessment_id)
        return conflict(
            session, f"assessment '{row.title}'", "assessment", str(row.id), row.version
        )

    return describe


def _event(
    session: Session,
    actor: str,
    row: Assessment,
    field: str,
    before: object,
    after: object,
    *,
    at: datetime | None = None,
) -> None:
    record(
        session,
        actor,
        "assessment",
        str(row.id),
        field,
        before,
        after,
        organization_id=row.organization_id,
        assessment_id=row.id,
        at=at,
    )


def _change(
    session: Session,
    actor: str,
    row: Assessment,
    field: str,
    value: object,
    *,
    at: datetime | None = None,
) -> None:
    """Set one field and write its audit event (the mapper counts the row's version)."""
    _event(session, actor, row, field, getattr(row, field), value, at=at)
    setattr(row, field, value)


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
        changes["team"] = [str(member) for member in changes["team"]]  # type: ignore[attr-defined]
    with versioned_write(store, _reread(assessment_id)) as session:
        row = editable_row(
            session,
            store,
            actor,
            assessment_id,
            Permission.MANAGE_ASSESSMENTS,
            what="edit the assessment",
        )
        _check_version(session, row, expected_version)
        _check_dates(
            changes.get("start_date", row.start_date),  # type: ignore[arg-type]
            changes.get("end_date", row.end_date),  # type: ignore[arg-type]
        )
        for field, value in changes.items():
            _change(session, actor.name, row, field, value)
        return assessment_record(session, row)


def set_status(
    store: Store,
    actor: Actor,
    assessment_id: int,
    status: AssessmentStatus,
    *,
    expected_version: int,
    reason: str = "",
    statement: str = "",
) -> AssessmentRecord:
    """Move the assessment to another stage, in one transaction.

    Reopening a final assessment needs a `reason`. Signing off as final records who, when and
    the verdict at that moment; when that verdict is not "ready" it needs a `statement` saying
    why it is signed off anyway (the README's "Signing off").
    """
    with versioned_write(store, _reread(assessment_id)) as session:
        row = reachable_assessment(
            session, store, actor, assessment_id, Permission.VIEW, what="see this assessment"
        )
        current = AssessmentStatus(row.status)
        signing = AssessmentStatus.FINAL in (current, status)
        require(
            store,
            actor,
            Permission.FINALIZE if signing else Permission.MANAGE_ASSESSMENTS,
            row.organization_id,
            what=(
                (
                    "reopen a final assessment"
                    if current is AssessmentStatus.FINAL
                    else "sign off an assessment as final"
                )
                if signing
                else "move the assessment to another stage"
            ),
        )
        _check_version(session, row, expected_version)
        if status not in TRANSITIONS[current]:
            allowed = ", ".join(s.label.lower() for s in sorted(TRANSITIONS[current]))
            raise InvalidChange(
                f"an assessment that is {current.label.lower()} can move to: {allowed}; not to {status.label.lower()}"
            )
        if current is AssessmentStatus.FINAL and not reason.strip():
            raise InvalidChange("reopening a final assessment needs a reason")
        if status is AssessmentStatus.FINAL:
            _sign(session, actor.name, row, statement.strip())
        elif current is AssessmentStatus.FINAL:
            _unsign(session, actor.name, row)
        _change(session, actor.name, row, "status", status.value)
        if reason.strip():
            _event(session, actor.name, row, "status_reason", None, reason.strip())
        return assessment_record(session, row)


def _sign(session: Session, actor: str, row: Assessment, statement: str) -> None:
    """Record the sign-off; refused without a statement when the verdict is not ready."""
    checklist, responses, actions = load_parts(session, row)
    score = score_assessment(
        checklist,
        {k: v.response for k, v in responses.items()},
        actions,
        supported=supported_criteria(session, row.id, date.today()),
    )
    verdict = score.overall.verdict
    if verdict is not Verdict.READY and not statement:
        raise InvalidChange(
            f"the verdict is {verdict.label.lower()}, so signing off as final needs a statement "
            "saying why it is signed off anyway"
        )
    _change(session, actor, row, "signed_off_by", actor)
    row.signed_off_at = utcnow()
    _change(session, actor, row, "sign_off_verdict", verdict.value)
    _change(session, actor, row, "sign_off_statement", statement or None)


def _unsign(session: Session, actor: str, row: Assessment) -> None:
    """A reopened assessment is no longer signed off (the history keeps who had signed it)."""
    for field in ("signed_off_by", "sign_off_verdict", "sign_off_statement"):
        if getattr(row, field) is not None:
            _change(session, actor, row, field, None)
    row.signed_off_at = None


def archive_assessment(
    store: Store, actor: Actor, assessment_id: int, *, expected_version: int, archived: bool = True
) -> AssessmentRecord:
    with versioned_write(store, _reread(assessment_id)) as session:
        row = reachable_assessment(
            session,
            store,
            actor,
            assessment_id,
            Permission.MANAGE_ASSESSMENTS,
            what="archive the assessment",
        )
        _check_version(session, row, expected_version)
        _change(session, actor.name, row, "archived", archived)
        return assessment_record(session, row)


def link_baseline(
    session: Session,
    actor: str,
    row: Assessment,
    baseline: Assessment | None,
    *,
    at: datetime | None = None,
) -> None:
    """Name `baseline` as the assessment to compare `row` with (inside the caller's transaction)."""
    if baseline is not None:
        if baseline.id == row.id:
            raise InvalidChange("an assessment cannot be its own baseline")
        if baseline.organization_id != row.organization_id:
            raise InvalidChange("a baseline must be an earlier assessment of the same organization")
    _change(session, actor, row, "baseline_id", baseline.id if baseline else None, at=at)


def set_baseline(
    store: Store,
    actor: Actor,
    assessment_id: int,
    baseline_id: int | None,
    *,
    expected_version: int,
) -> AssessmentRecord:
    with versioned_write(store, _reread(assessment_id)) as session:
        row = editable_row(
            session,
            store,
            actor,
            assessment_id,
            Permission.MANAGE_ASSESSMENTS,
            what="set the baseline",
        )
        _check_version(session, row, expected_version)
        baseline = (
            reachable_assessment(
                session, store, actor, baseline_id, Permission.VIEW, what="compare with it"
            )
            if baseline_id is not None
            else None
        )
        link_baseline(session, actor.name, row, baseline)
        return assessment_record(session, row)
