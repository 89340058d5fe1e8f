"""Corrective actions stored with an assessment: raise, edit, move, check for effectiveness.

Each action carries a version: an edit based on an old read is refused with the name of whoever
changed it since (SQLAlchemy's version counter makes the UPDATE conditional on it). Every change
is audited. Its short reference (A1, A2, ...) is what people say in a meeting and what a
portable file keys on, so it is unique per assessment.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment import text_limits as limits
from assessment.access.roles import Actor, Permission
from assessment.errors import InvalidChange
from assessment.scoring.findings import Finding
from assessment.services.assessment_items import ACTION, check_item_version, find_item, save_item
from assessment.services.assessment_rows import editable_row, ensure_editable, snapshot_checklist
from assessment.services.audit import record_in
from assessment.services.guard import deny, reachable_assessment
from assessment.services.refs import next_ref
from assessment.storage.store import Store
from assessment.storage.tables import ActionRow, Assessment, EvidenceRow, possible_id
from assessment.workflow.corrective_action import (
    MOVES,
    ActionRecord,
    ActionStatus,
    EffectivenessCheck,
    Priority,
    RootCauseMethod,
)
from evidence.names import one_line, without_controls

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = [
    "ASSIGNEE_FIELDS",
    "check_effectiveness",
    "create_action",
    "list_actions",
    "manages_action",
    "move_action",
    "update_action",
]

EDITABLE_FIELDS = (
    "title",
    "criteria",
    "finding",
    "correction",
    "root_cause",
    "root_cause_method",
    "action_plan",
    "owner",
    "due",
    "priority",
)
_CHECK_FIELDS = ("checked_on", "checked_by", "effective", "check_note", "check_evidence")
# What a contributor may write on an action assigned to them: the work, not its terms.
ASSIGNEE_FIELDS = ("correction", "root_cause", "root_cause_method", "action_plan")


def to_record(row: ActionRow) -> ActionRecord:
    check = None
    if row.checked_on is not None and row.effective is not None:
        check = EffectivenessCheck(
            row.checked_on,
            row.checked_by or "",
            row.effective,
            row.check_note or "",
            tuple(row.check_evidence or ()),
        )
    return ActionRecord(
        id=row.id,
        assessment_id=row.assessment_id,
        ref=row.ref,
        title=row.title,
        criteria=tuple(row.criteria),
        owner=row.owner,
        due=row.due,
        status=ActionStatus(row.status),
        version=row.version,
        finding=Finding(row.finding) if row.finding else None,
        correction=row.correction,
        root_cause=row.root_cause,
        root_cause_method=RootCauseMethod(row.root_cause_method) if row.root_cause_method else None,
        action_plan=row.action_plan,
        priority=Priority(row.priority),
        raised_on=row.raised_on,
        closed_on=row.closed_on,
        check=check,
    )


def _clean(field: str, value: object, criteria_known: Iterable[str]) -> object:
    """One edited value, checked and normalized the same way for create, edit and import."""
    known = set(criteria_known)
    if field == "title":
        title = one_line(value)  # printed in tables and messages: no terminal escapes
        if not title:
            raise InvalidChange("an action needs a title")
        return limits.within("an action's title", title, limits.TITLE)
    if field == "criteria":
        if not isinstance(value, Iterable):
            raise InvalidChange("an action's criteria must be a list of criterion ids")
        criteria = list(dict.fromkeys(str(c) for c in value))
        unknown = [c for c in criteria if c not in known]
        if unknown:
            raise InvalidChange(f"no criterion {', '.join(unknown)} in this assessment's checklist")
        return criteria
    if field == "finding":
        return Finding(str(value)).value if value else None
    if field == "root_cause_method":
        return RootCauseMethod(str(value)).value if value else None
    if field == "priority":
        return Priority(str(value)).value
    if field == "owner":
        return limits.within("an action's owner", one_line(value), limits.NAME)
    if field in ("correction", "root_cause", "action_plan"):
        return without_controls(str(value)).strip()
    if field == "due":
        if value is not None and not isinstance(value, date):
            raise InvalidChange("a due date must be a date")
        return value
    raise InvalidChange(f"cannot edit {field}; editable: {', '.join(EDITABLE_FIELDS)}")


def _audit(
    session: Session,
    actor: str,
    assessment: Assessment,
    ref: str,
    field: str,
    before: object,
    after: object,
    *,
    at: datetime | None = None,
) -> None:
    record_in(session, actor, assessment, "action", ref, field, before, after, at=at)


def add_action(
    session: Session,
    actor: str,
    assessment: Assessment,
    title: str,
    *,
    criteria: Iterable[str] = (),
    owner: str = "",
    due: date | None = None,
    status: ActionStatus = ActionStatus.OPEN,
    ref: str | None = None,
    finding: Finding | None = None,
    correction: str = "",
    root_cause: str = "",
    root_cause_method: RootCauseMethod | None = None,
    action_plan: str = "",
    priority: Priority = Priority.MEDIUM,
    raised_on: date | None = None,
    closed_on: date | None = None,
    check: EffectivenessCheck | None = None,
    at: datetime | None = None,
) -> ActionRow:
    """Add one action inside the caller's transaction (an import adds many at once), written
    at `at` when the data says when it was recorded, else now."""
    known = _known_criteria(session, assessment)
    values: dict[str, object] = {
        "title": title,
        "criteria": list(criteria),
        "finding": finding,
        "correction": correction,
        "root_cause": root_cause,
        "root_cause_method": root_cause_method,
        "action_plan": action_plan,
        "owner": owner,
        "due": due,
        "priority": priority,
    }
    values = {field: _clean(field, value, known) for field, value in values.items()}
    status = ActionStatus(status)
    if status is ActionStatus.VERIFIED and (check is None or not check.effective):
        raise InvalidChange(
            "an action is verified only by an effectiveness check that found it effective"
        )
    ref = (ref or "").strip() or next_ref(
        session, ActionRow.ref, ActionRow.assessment_id, assessment.id, "A"
    )
    taken = session.scalar(
        select(ActionRow.id).where(ActionRow.assessment_id == assessment.id, ActionRow.ref == ref)
    )
    if taken is not None:
        raise InvalidChange(f"this assessment already has an action {ref}")
    row = ActionRow(
        assessment_id=assessment.id,
        ref=ref,
        status=status.value,
        raised_on=raised_on,
        closed_on=closed_on,
        created_by=actor,
        updated_by=actor,
        **({"created_at": at} if at is not None else {}),
        **values,
    )
    if check is not None:
        _set_check(row, check)
    session.add(row)
    session.flush()
    for field in (*values, "status", *(_CHECK_FIELDS if check else ())):
        after = getattr(row, field)
        before: list[str] | None = None if field != "criteria" else []
        _audit(session, actor, assessment, ref, field, before, after, at=at)
    return row


def _set_check(row: ActionRow, check: EffectivenessCheck) -> None:
    row.checked_on = check.checked_on
    row.checked_by = check.checked_by
    row.effective = check.effective
    row.check_note = check.note
    row.check_evidence = list(check.evidence)


def _known_criteria(session: Session, assessment: Assessment) -> list[str]:
    return [c.id for c in snapshot_checklist(session, assessment.checklist_hash).criteria]


def create_action(
    store: Store,
    actor: Actor,
    assessment_id: int,
    title: str,
    *,
    criteria: Iterable[str] = (),
    owner: str = "",
    due: date | None = None,
    ref: str | None = None,
    finding: Finding | None = None,
    correction: str = "",
    root_cause: str = "",
    root_cause_method: RootCauseMethod | None = None,
    action_plan: str = "",
    priority: Priority = Priority.MEDIUM,
) -> ActionRecord:
    """Raise a new action (status open), linked to criteria or on its own."""
    with store.transaction() as session:
        assessment = editable_row(
            session,
            store,
            actor,
            assessment_id,
            Permission.MANAGE_ACTIONS,
            what="raise a corrective action",
        )
        row = add_action(
            session,
            actor.name,
            assessment,
            title,
            criteria=criteria,
            owner=owner,
            due=due,
            ref=ref,
            finding=finding,
            correction=correction,
            root_cause=root_cause,
            root_cause_method=root_cause_method,
            action_plan=action_plan,
            priority=priority,
            raised_on=date.today(),
        )
        return to_record(row)


def _editable_row(
    session: Session,
    store: Store,
    actor: Actor,
    assessment_id: int,
    ref: str,
    expected_version: int,
    *,
    what: str,
    assignee_may: bool,
) -> tuple[Assessment, ActionRow]:
    """The action, if the actor manages actions here or (when `assignee_may`) owns it."""
    assessment = reachable_assessment(
        session, store, actor, assessment_id, Permission.VIEW, what=what
    )
    row = find_item(session, ACTION, assessment_id, ref)
    if not manages_action(actor, assessment.organization_id, row.owner, assignee_may):
        deny(store, actor, f"{what} (action {ref})", assessment.organization_id)
    ensure_editable(assessment)  # after the permission: a refusal is logged as one
    check_item_version(session, ACTION, row, expected_version)
    return assessment, row


def manages_action(actor: Actor, organization_id: int, owner: str, assignee_may: bool) -> bool:
    """Whether the actor may work on this action: an assessor on any, a contributor on the
    ones assigned to them (when the act is one an assignee may do)."""
    if actor.can(Permission.MANAGE_ACTIONS, organization_id):
        return True
    return (
        assignee_may
        and actor.can(Permission.UPDATE_ASSIGNED_ACTIONS, organization_id)
        and actor.is_owner(owner)
    )


def update_action(
    store: Store,
    actor: Actor,
    assessment_id: int,
    ref: str,
    *,
    expected_version: int,
    **changes: object,
) -> ActionRecord:
    """Edit the text, links, owner, due date or priority of an action (not its stage)."""

    def change(session: Session) -> ActionRow:
        assignee_only = set(changes) <= set(ASSIGNEE_FIELDS)
        assessment, row = _editable_row(
            session,
            store,
            actor,
            assessment_id,
            ref,
            expected_version,
            what="edit "
            + (", ".join(sorted(set(changes) - set(ASSIGNEE_FIELDS))) or "the work")
            + " of a corrective action",
            assignee_may=assignee_only,
        )
        known = _known_criteria(session, assessment) if "criteria" in changes else []
        for field, value in changes.items():
            cleaned = _clean(field, value, known)
            _audit(session, actor.name, assessment, ref, field, getattr(row, field), cleaned)
            setattr(row, field, cleaned)
        return row

    return save_item(store, ACTION, assessment_id, ref, actor.name, change, to_record)


def move_action(
    store: Store,
    actor: Actor,
    assessment_id: int,
    ref: str,
    status: ActionStatus,
    *,
    expected_version: int,
    reason: str = "",
    today: date | None = None,
) -> ActionRecord:
    """Move an action to another stage by hand (verified only comes from a check)."""
    status = ActionStatus(status)

    def change(session: Session) -> ActionRow:
        assessment, row = _editable_row(
            session,
            store,
            actor,
            assessment_id,
            ref,
            expected_version,
            what="move a corrective action",
            assignee_may=True,
        )
        current = ActionStatus(row.status)
        if status is ActionStatus.VERIFIED:
            raise InvalidChange(
                f"action {ref} becomes verified through an effectiveness check, once it is done"
            )
        if status not in MOVES[current]:
            allowed = ", ".join(s.label.lower() for s in sorted(MOVES[current]))
            raise InvalidChange(
                f"action {ref} is {current.label.lower()}; it can move to {allowed}, not to {status.label.lower()}"
            )
        if current is ActionStatus.VERIFIED and not reason.strip():
            raise InvalidChange(f"reopening the verified action {ref} needs a reason")
        _audit(session, actor.name, assessment, ref, "status", row.status, status.value)
        if reason.strip():
            _audit(session, actor.name, assessment, ref, "status_reason", None, reason.strip())
        closed_on = (today or date.today()) if status is ActionStatus.DONE else None
        _audit(session, actor.name, assessment, ref, "closed_on", row.closed_on, closed_on)
        row.status = status.value
        row.closed_on = closed_on
        return row

    return save_item(store, ACTION, assessment_id, ref, actor.name, change, to_record)


def check_effectiveness(
    store: Store,
    actor: Actor,
    assessment_id: int,
    ref: str,
    check: EffectivenessCheck,
    *,
    expected_version: int,
) -> ActionRecord:
    """Record the check that closes a done action: effective -> verified; not -> reopened.

    A check needs a note or linked evidence, so an auditor can see what it was based on.
    """

    def change(session: Session) -> ActionRow:
        assessment, row = _editable_row(
            session,
            store,
            actor,
            assessment_id,
            ref,
            expected_version,
            what="check a corrective action for effectiveness",
            assignee_may=False,
        )
        if ActionStatus(row.status) is not ActionStatus.DONE:
            raise InvalidChange(
                f"action {ref} is {ActionStatus(row.status).label.lower()}; "
                "only a done action can be checked for effectiveness"
            )
        if not check.note.strip() and not check.evidence:
            raise InvalidChange("an effectiveness check needs a note or linked evidence")
        if not check.checked_by.strip():
            raise InvalidChange("an effectiveness check needs the name of who checked it")
        limits.within("the name of who checked", check.checked_by, limits.NAME)
        if check.evidence:
            found = set(
                session.scalars(
                    select(EvidenceRow.id).where(
                        EvidenceRow.assessment_id == assessment_id,
                        EvidenceRow.id.in_([i for i in check.evidence if possible_id(i)]),
                    )
                )
            )
            missing = sorted(set(check.evidence) - found)
            if missing:
                raise InvalidChange(
                    f"no evidence record {', '.join(map(str, missing))} in this assessment"
                )
        before = {field: getattr(row, field) for field in _CHECK_FIELDS}
        _set_check(row, check)
        for field in _CHECK_FIELDS:
            _audit(session, actor.name, assessment, ref, field, before[field], getattr(row, field))
        status = ActionStatus.VERIFIED if check.effective else ActionStatus.IN_PROGRESS
        _audit(session, actor.name, assessment, ref, "status", row.status, status.value)
        row.status = status.value
        if not check.effective:
            _audit(session, actor.name, assessment, ref, "closed_on", row.closed_on, None)
            row.closed_on = None
        return row

    return save_item(store, ACTION, assessment_id, ref, actor.name, change, to_record)


def list_actions(store: Store, actor: Actor, assessment_id: int) -> list[ActionRecord]:
    """The assessment's actions in the order they were raised."""
    with store.transaction() as session:
        reachable_assessment(
            session, store, actor, assessment_id, Permission.VIEW, what="see its actions"
        )
        rows = session.scalars(
            select(ActionRow).where(ActionRow.assessment_id == assessment_id).order_by(ActionRow.id)
        )
        return [to_record(row) for row in rows]
