"""Portable files in and out of the database: export one assessment, import one file.

An import is one transaction: the organization (found by name or created), the checklist
snapshot, the assessment, every response and every action land together or not at all. An
export names its checklist by id when the built-in checklist of that id is exactly the pinned
one, and embeds the pinned checklist otherwise, so a file always scores as it did here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assessment.access.roles import Actor, Permission
from assessment.checklist.loader import find_checklist
from assessment.checklist.model import Checklist
from assessment.errors import AssessmentFileError, ChecklistNotFound, InvalidChange
from assessment.files.sourcemap import SourceMap
from assessment.portable.assessment_file import (
    ASSESSMENT_FORMAT,
    LoadedAssessment,
    PortableAction,
    PortableAssessment,
    PortableCheck,
    PortableOrganization,
    PortableResponse,
    PortableSignOff,
    content_faults,
)
from assessment.portable.evidence_file import PortableEvidence
from assessment.scoring.numbers import plural
from assessment.scoring.verdict import Verdict
from assessment.services.actions import add_action
from assessment.services.actions import to_record as action_record
from assessment.services.assessment_rows import link_baseline
from assessment.services.assessments import (
    AssessmentRecord,
    add_assessment,
    assessment_record,
    load_parts,
)
from assessment.services.audit import record
from assessment.services.evidence import add_evidence_row, evidence_rows
from assessment.services.guard import (
    reachable_assessment,
    reachable_organization,
    require,
    require_admin,
)
from assessment.services.organizations import add_organization, find_by_name
from assessment.services.responses import add_response
from assessment.storage.store import Store
from assessment.storage.tables import ActionRow, Assessment, EvidenceRow
from assessment.workflow.corrective_action import ActionRecord
from assessment.workflow.stages import AssessmentStatus, SignOff
from evidence.records import EvidenceKind, EvidenceStatus

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = [
    "ImportItem",
    "ImportResult",
    "export_assessment",
    "import_assessment",
    "import_assessments",
]


@dataclass(frozen=True)
class ImportResult:
    assessment: AssessmentRecord
    responses: int
    actions: int
    organization_created: bool


def _checklist_reference(checklist: Checklist, embed: bool) -> str | dict[str, object]:
    if not embed:
        try:
            if find_checklist(checklist.id).content_hash == checklist.content_hash:
                return checklist.id
        except ChecklistNotFound:
            pass
    return checklist.model_dump(mode="json", exclude_defaults=True)


def export_assessment(
    store: Store, actor: Actor, assessment_id: int, *, embed_checklist: bool = False
) -> PortableAssessment:
    """The assessment as a portable file; responses in checklist order, actions as raised."""
    with store.transaction() as session:
        row = reachable_assessment(
            session, store, actor, assessment_id, Permission.VIEW, what="export the assessment"
        )
        checklist, responses, _links = load_parts(session, row)
        record_ = assessment_record(session, row)
        actions = [
            action_record(a)
            for a in session.scalars(
                select(ActionRow).where(ActionRow.assessment_id == row.id).order_by(ActionRow.id)
            )
        ]
        evidence = export_evidence(session, row.id)
    ordered = [c.id for c in checklist.criteria if c.id in responses]
    return PortableAssessment(
        format=ASSESSMENT_FORMAT,
        checklist=_checklist_reference(checklist, embed_checklist),
        organization=PortableOrganization(name=record_.organization_name),
        title=record_.title,
        scope=record_.scope,
        status=record_.status,
        team=list(record_.team),
        start_date=record_.start_date,
        end_date=record_.end_date,
        signed_off=_portable_sign_off(record_.sign_off),
        responses={
            cid: PortableResponse(
                score=responses[cid].response.score,
                not_applicable=responses[cid].response.not_applicable,
                notes=responses[cid].response.notes,
                finding=responses[cid].response.finding,
                finding_reason=responses[cid].response.finding_reason,
            )
            for cid in ordered
        },
        actions=[_portable_action(a) for a in actions],
        evidence=evidence,
    )


def _portable_sign_off(sign_off: SignOff | None) -> PortableSignOff | None:
    if sign_off is None:
        return None
    return PortableSignOff(
        by=sign_off.by,
        at=sign_off.at,
        verdict=Verdict(sign_off.verdict),
        statement=sign_off.statement,
    )


def _portable_action(a: ActionRecord) -> PortableAction:
    check = None
    if a.check is not None:
        note = a.check.note or (
            f"checked against {plural(len(a.check.evidence), 'evidence record')} "
            + ", ".join(str(e) for e in a.check.evidence)
        )
        check = PortableCheck(
            checked_on=a.check.checked_on,
            checked_by=a.check.checked_by,
            effective=a.check.effective,
            note=note,
        )
    return PortableAction(
        id=a.ref,
        title=a.title,
        criteria=list(a.criteria),
        finding=a.finding,
        correction=a.correction,
        root_cause=a.root_cause,
        root_cause_method=a.root_cause_method,
        action_plan=a.action_plan,
        owner=a.owner,
        due=a.due,
        priority=a.priority,
        status=a.status,
        raised_on=a.raised_on,
        closed_on=a.closed_on,
        check=check,
    )


# Who wrote one record and when: (entity, key) -> (name, moment). The entities are
# "organization", "assessment", "baseline", "response" (keyed by criterion id), "action" and
# "evidence" (keyed by ref).
Credit = Callable[[str, str], tuple[str, datetime]]


@dataclass(frozen=True)
class ImportItem:
    """One file to import: what was read, where from, and under which organization.

    `credit` is for data that tells its own story rather than a file someone brings in now
    (the demo: answers given by its team over the past year): each record is written under the
    name and moment it returns. Without it, everything is the importer's, now. Either way the
    event naming the source is the importer's, at the real moment of the import.
    """

    loaded: LoadedAssessment
    source: str = ""
    organization_name: str | None = None
    baseline: int | None = None  # position of an earlier item in the same batch
    credit: Credit | None = None

    def credited(self, actor: str, entity: str, key: str) -> tuple[str, datetime | None]:
        """Who wrote a record and when: the credit's answer, else the importer, now."""
        return self.credit(entity, key) if self.credit is not None else (actor, None)


def _import_one(
    session: Session, store: Store, user: Actor, item: ImportItem
) -> tuple[Assessment, bool]:
    portable, checklist = item.loaded.assessment, item.loaded.checklist
    faults = content_faults(portable, checklist, SourceMap(item.source or "imported data"))
    if faults:  # a LoadedAssessment built in code, not read from a checked file
        raise AssessmentFileError(faults)
    actor = user.name
    name = item.organization_name or portable.organization.name
    organization = find_by_name(session, name)
    # A name the actor cannot see is treated as if no one had it, so an import never tells
    # which other clients exist.
    if organization is not None and not user.sees(organization.id):
        organization = None
    created = organization is None
    if organization is None:
        require_admin(store, user, what=f"create the organization '{name}' for an import")
        by, at = item.credited(actor, "organization", name)
        organization = add_organization(session, by, name, at=at)
    else:
        reachable_organization(
            session,
            store,
            user,
            organization.id,
            Permission.MANAGE_ASSESSMENTS,
            what="import an assessment",
        )
    if portable.status is AssessmentStatus.FINAL:
        require(
            store,
            user,
            Permission.FINALIZE,
            organization.id,
            what="import an assessment that is signed off as final",
        )
    by, at = item.credited(actor, "assessment", portable.title)
    row = add_assessment(
        session,
        by,
        organization,
        checklist,
        portable.title,
        scope=portable.scope,
        team=tuple(portable.team),
        start_date=portable.start_date,
        end_date=portable.end_date,
        status=portable.status,
        at=at,
    )
    if portable.signed_off is not None:
        row.signed_off_by = portable.signed_off.by
        row.signed_off_at = portable.signed_off.at
        row.sign_off_verdict = portable.signed_off.verdict.value
        row.sign_off_statement = portable.signed_off.statement
    if item.source:
        record(
            session,
            actor,
            "assessment",
            str(row.id),
            "imported_from",
            None,
            item.source,
            organization_id=organization.id,
            assessment_id=row.id,
        )
    for criterion_id, response in portable.scoring_responses().items():
        by, at = item.credited(actor, "response", criterion_id)
        add_response(session, by, row, criterion_id, response, at=at)
    for action in portable.actions:
        by, at = item.credited(actor, "action", action.id)
        add_action(
            session,
            by,
            row,
            action.title,
            criteria=action.criteria,
            owner=action.owner,
            due=action.due,
            status=action.status,
            ref=action.id,
            finding=action.finding,
            correction=action.correction,
            root_cause=action.root_cause,
            root_cause_method=action.root_cause_method,
            action_plan=action.action_plan,
            priority=action.priority,
            raised_on=action.raised_on,
            closed_on=action.closed_on,
            check=action.effectiveness_check(),
            at=at,
        )
    import_evidence(session, actor, row, portable.evidence, credit=item.credit)
    return row, created


def import_assessments(
    store: Store, actor: Actor, items: Sequence[ImportItem]
) -> list[ImportResult]:
    """Store several files as new assessments in ONE transaction: all of them or none.

    Each organization is the file's (or the item's `organization_name`), found by name or
    created. Every row is audited under `actor`, with one extra event naming the source. An
    item may name an earlier item of the batch as its baseline.
    """
    try:
        with store.transaction() as session:
            rows: list[tuple[Assessment, bool]] = []
            for item in items:
                rows.append(_import_one(session, store, actor, item))
                if item.baseline is not None:
                    by, at = item.credited(actor.name, "baseline", str(item.baseline))
                    link_baseline(session, by, rows[-1][0], rows[item.baseline][0], at=at)
            return [
                ImportResult(
                    assessment_record(session, row),
                    len(item.loaded.assessment.responses),
                    len(item.loaded.assessment.actions),
                    created,
                )
                for item, (row, created) in zip(items, rows, strict=True)
            ]
    except IntegrityError:
        # Someone created one of these organizations at the same moment; nothing was written.
        raise InvalidChange(
            "someone else created one of these organizations at the same moment; "
            "nothing was imported, try again"
        ) from None


def import_assessment(
    store: Store,
    actor: Actor,
    loaded: LoadedAssessment,
    *,
    source: str = "",
    organization_name: str | None = None,
) -> ImportResult:
    """Store one checked portable file as a new assessment, in one transaction."""
    return import_assessments(store, actor, [ImportItem(loaded, source, organization_name)])[0]


def to_portable(row: EvidenceRow) -> PortableEvidence:
    """A record as a portable file holds it: metadata and the file's hash, never its content."""
    # kind and status are text in the table and Literal fields in the model: pydantic checks
    # them against the allowed values as the model is built, which the type checker cannot see.
    return PortableEvidence(
        id=row.ref,
        kind=row.kind,  # type: ignore[arg-type]
        title=row.title,
        criteria=list(row.criteria),
        sha256=row.sha256,
        url=row.url,
        note=row.note,
        original_name=row.original_name,
        size=row.size,
        media_type=row.media_type,
        owner=row.owner,
        description=row.description,
        effective_date=row.effective_date,
        valid_until=row.valid_until,
        status=row.status,  # type: ignore[arg-type]
    )


def export_evidence(session: Session, assessment_id: int) -> list[PortableEvidence]:
    """An assessment's records as a portable file lists them, in the order they were added."""
    return [to_portable(row) for row in evidence_rows(session, assessment_id)]


def import_evidence(
    session: Session,
    actor: str,
    assessment: Assessment,
    items: Iterable[PortableEvidence],
    *,
    credit: Credit | None = None,
) -> int:
    """Record a portable file's evidence inside the import's transaction (metadata only: a
    file not in the vault is reported missing by `verify` until it is restored)."""
    count = 0
    for item in items:
        by, at = credit("evidence", item.id) if credit is not None else (actor, None)
        add_evidence_row(
            session,
            by,
            assessment,
            EvidenceKind(item.kind),
            title=item.title,
            criteria=item.criteria,
            description=item.description,
            owner=item.owner,
            effective_date=item.effective_date,
            valid_until=item.valid_until,
            status=EvidenceStatus(item.status),
            ref=item.id,
            sha256=item.sha256,
            size=item.size,
            media_type=item.media_type,
            original_name=item.original_name,
            url=item.url,
            note=item.note,
            at=at,
        )
        count += 1
    return count
