"""Evidence records of an assessment: the record rules, review, reading back, verifying.

Adding a file, link or note is in `evidence_adding`; coverage and expiry in `evidence_metrics`;
the one query the verdict needs in `evidence_support`.

Files go through `evidence.intake` (size, type from content, cleaned name) before anything is
written; the content lands in the vault, under its SHA-256, only once every check of the
record has passed, inside the record's transaction. Reading a file hashes it again: a missing
or altered file raises EvidenceIntegrityError and is never served. Every change is audited
(entity "evidence", key the record's reference E1, E2, ...) and versioned: an edit based on an
old read is refused with the name of whoever changed it since.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment import text_limits as limits
from assessment.access.roles import Actor, Permission
from assessment.errors import EvidenceRefused, InvalidChange
from assessment.services.assessment_items import EVIDENCE, check_item_version, find_item, save_item
from assessment.services.assessment_rows import editable_row, snapshot_checklist
from assessment.services.audit import record_in
from assessment.services.guard import reachable_assessment, require_admin
from assessment.services.refs import next_ref
from assessment.services.vault_access import open_vault, vault_errors
from assessment.storage.store import Store
from assessment.storage.tables import Assessment, EvidenceRow
from assessment.timestamps import utcnow
from evidence.filetypes import ACCEPTED
from evidence.links import check_link
from evidence.names import clean_name, one_line, without_controls
from evidence.records import (
    MOVES,
    STORED_STATUSES,
    EvidenceKind,
    EvidenceRecord,
    EvidenceStatus,
    needs_reason,
)
from evidence.vault import Vault, VaultReport, is_sha256, verify_vault

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = [
    "EvidenceProblem",
    "EvidenceVerification",
    "get_evidence",
    "list_evidence",
    "read_file",
    "set_status",
    "update_evidence",
    "verify_evidence",
]

EDITABLE_FIELDS = ("title", "description", "owner", "effective_date", "valid_until", "criteria")
ACCEPTED_MEDIA_TYPES = frozenset(t.media_type for t in ACCEPTED)


@dataclass(frozen=True)
class EvidenceProblem:
    problem: str  # "missing" or "altered"
    sha256: str
    records: tuple[tuple[int, str, str], ...]  # (assessment id, reference, title) using it

    def describe(self) -> str:
        what = {
            "missing": "is missing from the vault",
            "altered": "was altered (its content no longer matches its SHA-256)",
        }[self.problem]
        users = (
            "; ".join(f"assessment {a} {ref} '{title}'" for a, ref, title in self.records)
            or "no record uses it"
        )
        return f"file {self.sha256} {what}: {users}"


@dataclass(frozen=True)
class EvidenceVerification:
    report: VaultReport
    problems: tuple[EvidenceProblem, ...]
    records: int  # file records checked

    @property
    def ok(self) -> bool:
        return not self.problems


def to_record(row: EvidenceRow) -> EvidenceRecord:
    return EvidenceRecord(
        id=row.id,
        assessment_id=row.assessment_id,
        ref=row.ref,
        kind=EvidenceKind(row.kind),
        title=row.title,
        criteria=tuple(row.criteria),
        status=EvidenceStatus(row.status),
        version=row.version,
        description=row.description,
        owner=row.owner,
        effective_date=row.effective_date,
        valid_until=row.valid_until,
        sha256=row.sha256,
        size=row.size,
        media_type=row.media_type,
        original_name=row.original_name,
        url=row.url,
        note=row.note,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
    )


def _clean_title(value: object) -> str:
    title = one_line(value)
    if not title:
        raise InvalidChange("an evidence record needs a title")
    return limits.within("an evidence record's title", title, limits.TITLE)


def _clean_criteria(value: object, known: set[str]) -> list[str]:
    if not isinstance(value, Iterable):
        raise InvalidChange("an evidence record's criteria must be a list of criterion ids")
    criteria = list(dict.fromkeys(str(c).strip() for c in value if str(c).strip()))
    if not criteria:
        raise InvalidChange("link evidence to at least one criterion it supports")
    unknown = [c for c in criteria if c not in known]
    if unknown:
        raise InvalidChange(f"no criterion {', '.join(unknown)} in this assessment's checklist")
    return criteria


def _check_dates(start: object, end: object) -> None:
    """Refuse a value that is not a date (an edit's come as given), or an end before the start."""
    for name, value in (("effective date", start), ("valid-until date", end)):
        if value is not None and not isinstance(value, date):
            raise InvalidChange(f"the {name} must be a date")
    if isinstance(start, date) and isinstance(end, date) and end < start:
        raise InvalidChange(f"the valid-until date {end} is before the effective date {start}")


def _known_criteria(session: Session, assessment: Assessment) -> set[str]:
    return {c.id for c in snapshot_checklist(session, assessment.checklist_hash).criteria}


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
    record_in(session, actor, assessment, EVIDENCE.entity, ref, field, before, after, at=at)


def _same_content(
    session: Session, assessment_id: int, kind: EvidenceKind, key: str
) -> EvidenceRow | None:
    column = {
        EvidenceKind.FILE: EvidenceRow.sha256,
        EvidenceKind.LINK: EvidenceRow.url,
    }.get(kind)
    if column is None:
        return None
    return session.scalars(
        select(EvidenceRow).where(
            EvidenceRow.assessment_id == assessment_id,
            EvidenceRow.kind == kind.value,
            column == key,
        )
    ).first()


def add_evidence_row(
    session: Session,
    actor: str,
    assessment: Assessment,
    kind: EvidenceKind,
    *,
    title: str,
    criteria: Iterable[str],
    description: str = "",
    owner: str = "",
    effective_date: date | None = None,
    valid_until: date | None = None,
    status: EvidenceStatus = EvidenceStatus.DRAFT,
    ref: str | None = None,
    sha256: str | None = None,
    size: int | None = None,
    media_type: str | None = None,
    original_name: str | None = None,
    url: str | None = None,
    note: str | None = None,
    at: datetime | None = None,
) -> EvidenceRow:
    """Insert one record inside the caller's transaction (an import adds many), audited, as
    written at `at` when the data says when it was recorded, else now.

    It stores metadata only: a file's content goes into the vault through `add_file`.
    """
    kind = EvidenceKind(kind)
    status = EvidenceStatus(status)
    if status not in STORED_STATUSES:
        raise InvalidChange(
            "a record cannot be stored as expired: that follows from its valid-until date"
        )
    _check_dates(effective_date, valid_until)
    content = _kind_content(kind, sha256, media_type, url, note)
    duplicate = _same_content(session, assessment.id, kind, content)
    if duplicate is not None:
        raise EvidenceRefused(
            f"this {kind.value} is already evidence {duplicate.ref} '{duplicate.title}' of this "
            f"assessment; link {duplicate.ref} to more criteria instead of adding it again"
        )
    ref = (ref or "").strip() or next_ref(
        session, EvidenceRow.ref, EvidenceRow.assessment_id, assessment.id, "E"
    )
    taken = session.scalar(
        select(EvidenceRow.id).where(
            EvidenceRow.assessment_id == assessment.id, EvidenceRow.ref == ref
        )
    )
    if taken is not None:
        raise InvalidChange(f"this assessment already has an evidence record {ref}")
    values: dict[str, object] = {
        "kind": kind.value,
        "title": _clean_title(title),
        "criteria": _clean_criteria(criteria, _known_criteria(session, assessment)),
        "description": without_controls(str(description or "")).strip(),
        "owner": limits.within("an evidence record's owner", one_line(owner), limits.NAME),
        "effective_date": effective_date,
        "valid_until": valid_until,
        "status": status.value,
        "sha256": sha256 if kind is EvidenceKind.FILE else None,
        "size": size if kind is EvidenceKind.FILE else None,
        "media_type": media_type if kind is EvidenceKind.FILE else None,
        "original_name": clean_name(original_name)
        if kind is EvidenceKind.FILE and original_name
        else None,
        "url": content if kind is EvidenceKind.LINK else None,
        "note": content if kind is EvidenceKind.NOTE else None,
    }
    now = at or utcnow()
    row = EvidenceRow(
        assessment_id=assessment.id,
        ref=ref,
        created_by=actor,
        created_at=now,
        updated_by=actor,
        updated_at=now,
        **values,
    )
    session.add(row)
    session.flush()
    for field, after in values.items():
        if after not in (None, "", []):
            _audit(session, actor, assessment, ref, field, None, after, at=at)
    return row


def _kind_content(
    kind: EvidenceKind,
    sha256: str | None,
    media_type: str | None,
    url: str | None,
    note: str | None,
) -> str:
    """What a record of this kind holds (the hash, the link or the note), checked."""
    if kind is EvidenceKind.FILE:
        if not is_sha256(sha256):
            raise InvalidChange("a file record needs the SHA-256 of its content (64 hex digits)")
        if media_type is not None and media_type not in ACCEPTED_MEDIA_TYPES:
            raise EvidenceRefused(f"files of type {media_type!r} are not taken as evidence")
        return sha256
    if kind is EvidenceKind.LINK:
        with vault_errors():
            return check_link(url or "")
    text = without_controls(note or "").strip()
    if not text:
        raise EvidenceRefused("a note needs some text")
    if len(text) > limits.NOTE:
        raise EvidenceRefused(
            f"the note is {len(text)} characters long; a note may hold {limits.NOTE} "
            "(add a longer text as a file)"
        )
    return text


def evidence_rows(session: Session, assessment_id: int) -> list[EvidenceRow]:
    return list(
        session.scalars(
            select(EvidenceRow)
            .where(EvidenceRow.assessment_id == assessment_id)
            .order_by(EvidenceRow.id)
        )
    )


def list_evidence(
    store: Store, actor: Actor, assessment_id: int, *, criterion_id: str | None = None
) -> list[EvidenceRecord]:
    """An assessment's records in the order they were added; optionally one criterion's."""
    with store.transaction() as session:
        reachable_assessment(
            session, store, actor, assessment_id, Permission.VIEW, what="see its evidence"
        )
        records = [to_record(row) for row in evidence_rows(session, assessment_id)]
    if criterion_id is not None:
        records = [r for r in records if criterion_id in r.criteria]
    return records


def row_status(session: Session, assessment_id: int, ref: str) -> EvidenceStatus | None:
    status = session.scalar(
        select(EvidenceRow.status).where(
            EvidenceRow.assessment_id == assessment_id, EvidenceRow.ref == ref
        )
    )
    return EvidenceStatus(status) if status is not None else None


def get_evidence(store: Store, actor: Actor, assessment_id: int, ref: str) -> EvidenceRecord:
    with store.transaction() as session:
        reachable_assessment(
            session, store, actor, assessment_id, Permission.VIEW, what="see its evidence"
        )
        return to_record(find_item(session, EVIDENCE, assessment_id, ref))


def read_file(
    store: Store, actor: Actor, assessment_id: int, ref: str, *, vault: Vault | None = None
) -> tuple[EvidenceRecord, bytes]:
    """A file record and its content, checked against its SHA-256 on the way out.

    A missing or altered file raises EvidenceIntegrityError: it is never served as valid.
    """
    vault = vault if vault is not None else open_vault()
    found = get_evidence(store, actor, assessment_id, ref)
    if found.kind is not EvidenceKind.FILE or found.sha256 is None:
        raise InvalidChange(f"evidence {ref} is a {found.kind.value}, not a file")
    what = f"evidence {ref} '{found.title}' of assessment {assessment_id}"
    with vault_errors():
        return found, vault.read(found.sha256, what=what)


def _editable_row(
    session: Session,
    store: Store,
    actor: Actor,
    assessment_id: int,
    ref: str,
    expected_version: int,
    permission: Permission,
) -> tuple[Assessment, EvidenceRow]:
    assessment = editable_row(
        session, store, actor, assessment_id, permission, what="change evidence records"
    )
    row = find_item(session, EVIDENCE, assessment_id, ref)
    check_item_version(session, EVIDENCE, row, expected_version)
    return assessment, row


def update_evidence(
    store: Store,
    actor: Actor,
    assessment_id: int,
    ref: str,
    *,
    expected_version: int,
    **changes: object,
) -> EvidenceRecord:
    """Edit a record's title, description, owner, dates or criteria (not its content)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidChange(
            f"cannot edit {', '.join(sorted(unknown))}; editable: {', '.join(EDITABLE_FIELDS)}"
        )

    def change(session: Session) -> EvidenceRow:
        assessment, row = _editable_row(
            session, store, actor, assessment_id, ref, expected_version, Permission.REVIEW_EVIDENCE
        )
        cleaned = dict(changes)
        if "title" in cleaned:
            cleaned["title"] = _clean_title(cleaned["title"])
        if "criteria" in cleaned:
            cleaned["criteria"] = _clean_criteria(
                cleaned["criteria"], _known_criteria(session, assessment)
            )
        if "owner" in cleaned:
            cleaned["owner"] = limits.within(
                "an evidence record's owner", one_line(cleaned["owner"]), limits.NAME
            )
        if "description" in cleaned:
            cleaned["description"] = without_controls(str(cleaned["description"] or "")).strip()
        _check_dates(
            cleaned.get("effective_date", row.effective_date),
            cleaned.get("valid_until", row.valid_until),
        )
        for field, value in cleaned.items():
            _audit(session, actor.name, assessment, ref, field, getattr(row, field), value)
            setattr(row, field, value)
        return row

    return save_item(store, EVIDENCE, assessment_id, ref, actor.name, change, to_record)


def set_status(
    store: Store,
    actor: Actor,
    assessment_id: int,
    ref: str,
    status: EvidenceStatus,
    *,
    expected_version: int,
    reason: str = "",
) -> EvidenceRecord:
    """Move a record through review: draft, in review, approved, rejected.

    Rejecting and withdrawing an approval need a reason; "expired" is never set by hand.
    """
    status = EvidenceStatus(status)
    if status is EvidenceStatus.EXPIRED:
        raise InvalidChange(
            "a record becomes expired by its valid-until date, not by hand; "
            "change the valid-until date instead"
        )

    def change(session: Session) -> EvidenceRow:
        # Whoever may add evidence may also put a draft up for review; the rest is review.
        submitting = row_status(session, assessment_id, ref) is EvidenceStatus.DRAFT and (
            status is EvidenceStatus.IN_REVIEW
        )
        assessment, row = _editable_row(
            session,
            store,
            actor,
            assessment_id,
            ref,
            expected_version,
            Permission.ADD_EVIDENCE if submitting else Permission.REVIEW_EVIDENCE,
        )
        current = EvidenceStatus(row.status)
        if status not in MOVES[current]:
            allowed = ", ".join(s.label.lower() for s in STORED_STATUSES if s in MOVES[current])
            raise InvalidChange(
                f"evidence {ref} is {current.label.lower()}; it can move to {allowed}, "
                f"not to {status.label.lower()}"
            )
        if needs_reason(current, status) and not reason.strip():
            what = (
                "rejecting" if status is EvidenceStatus.REJECTED else "withdrawing the approval of"
            )
            raise InvalidChange(f"{what} evidence {ref} needs a reason")
        _audit(session, actor.name, assessment, ref, "status", row.status, status.value)
        if reason.strip():
            _audit(session, actor.name, assessment, ref, "status_reason", None, reason.strip())
        row.status = status.value
        return row

    return save_item(store, EVIDENCE, assessment_id, ref, actor.name, change, to_record)


def verify_evidence(store: Store, actor: Actor, vault: Vault | None = None) -> EvidenceVerification:
    """Check every file of every assessment against the vault, and every file in the vault
    against its hash; each missing or altered file is listed with the records that use it."""
    require_admin(store, actor, what="verify the whole evidence vault")
    vault = vault if vault is not None else open_vault()
    with store.transaction() as session:
        rows = session.execute(
            select(
                EvidenceRow.sha256, EvidenceRow.assessment_id, EvidenceRow.ref, EvidenceRow.title
            )
            .where(EvidenceRow.kind == EvidenceKind.FILE.value, EvidenceRow.sha256.is_not(None))
            .order_by(EvidenceRow.assessment_id, EvidenceRow.id)
        ).all()
    users: dict[str, list[tuple[int, str, str]]] = {}
    for sha256, assessment_id, ref, title in rows:
        if sha256 is not None:  # always, by the query; the column allows none (links, notes)
            users.setdefault(sha256, []).append((assessment_id, ref, title))
    with vault_errors():
        report = verify_vault(vault, users)
    problems = tuple(
        EvidenceProblem(problem, sha256, tuple(users.get(sha256, ())))
        for problem, hashes in (("missing", report.missing), ("altered", report.altered))
        for sha256 in hashes
    )
    return EvidenceVerification(report, problems, len(rows))
