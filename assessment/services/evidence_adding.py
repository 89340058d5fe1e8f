"""Adding evidence to an assessment: a file (checked, then kept in the vault), a link or a note.

Each addition is one transaction. The file's content is checked (size, type from its content,
cleaned name) before anything is written, and lands in the vault only once every check of the
record has passed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Required, TypedDict

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assessment.access.roles import Actor, Permission
from assessment.errors import InvalidChange
from assessment.services.assessment_rows import editable_row
from assessment.services.evidence import add_evidence_row, to_record
from assessment.services.vault_access import open_vault, vault_errors
from assessment.storage.store import Store
from evidence.intake import inspect_upload
from evidence.links import check_link
from evidence.records import EvidenceKind, EvidenceRecord
from evidence.vault import Vault

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = [
    "AddedEvidence",
    "add_file",
    "add_link",
    "add_note",
]


@dataclass(frozen=True)
class AddedEvidence:
    record: EvidenceRecord
    notices: tuple[str, ...] = ()  # for the person adding it: a cleaned name, a file kept once


ATTEMPTS = 3


class _Fields(TypedDict, total=False):
    """The record's own fields that an addition sets: add_evidence_row's keywords."""

    title: Required[str]
    description: str
    owner: str
    effective_date: date | None
    valid_until: date | None
    sha256: str
    size: int
    media_type: str
    original_name: str
    url: str
    note: str


def _adding(store: Store, work: Callable[[Session], AddedEvidence]) -> AddedEvidence:
    """Run one addition in its own transaction. Two people adding to the same assessment at
    the same moment may pick the same reference (E7); the database refuses the second, which
    then tries again with the next free one."""
    for _attempt in range(ATTEMPTS):
        try:
            with store.transaction() as session:
                return work(session)
        except IntegrityError:
            continue
    raise InvalidChange(
        "others added evidence to this assessment at the same moment; nothing was added, try again"
    )


def _add(
    store: Store,
    actor: Actor,
    assessment_id: int,
    kind: EvidenceKind,
    criteria: Iterable[str],
    fields: _Fields,
    then: Callable[[], tuple[str, ...]] | None = None,
) -> AddedEvidence:
    """Record one piece of evidence in its own transaction; `then` runs once the record is in
    (a file's content goes into the vault last) and returns what to tell the person."""
    criteria = list(criteria)  # read again if the first attempt is retried

    def work(session: Session) -> AddedEvidence:
        assessment = editable_row(
            session, store, actor, assessment_id, Permission.ADD_EVIDENCE, what="add evidence"
        )
        row = add_evidence_row(session, actor.name, assessment, kind, criteria=criteria, **fields)
        return AddedEvidence(to_record(row), then() if then is not None else ())

    return _adding(store, work)


def add_file(
    store: Store,
    actor: Actor,
    assessment_id: int,
    content: bytes,
    original_name: str | None,
    criteria: Iterable[str],
    *,
    title: str | None = None,
    description: str = "",
    owner: str = "",
    effective_date: date | None = None,
    valid_until: date | None = None,
    vault: Vault | None = None,
) -> AddedEvidence:
    """Check a file (size, type from its content), record it, and keep its content in the
    vault; a refused file changes nothing, in the vault or the database."""
    vault = vault if vault is not None else open_vault()
    with vault_errors():
        upload = inspect_upload(content, original_name, max_bytes=vault.max_bytes)

    def keep() -> tuple[str, ...]:
        # Last, so that a refused record leaves the vault as it was. Should the commit fail
        # after this, the vault holds a file no record uses: harmless, and `verify` lists it.
        with vault_errors():
            stored = vault.put(upload.content)
        if stored.already_stored:
            return (*upload.notices, "the same file is already in the vault: it is stored once")
        return upload.notices

    fields: _Fields = {
        "title": title or upload.original_name,
        "description": description,
        "owner": owner,
        "effective_date": effective_date,
        "valid_until": valid_until,
        "sha256": upload.sha256,
        "size": upload.size,
        "media_type": upload.detected.media_type,
        "original_name": upload.original_name,
    }
    return _add(store, actor, assessment_id, EvidenceKind.FILE, criteria, fields, keep)


def add_link(
    store: Store,
    actor: Actor,
    assessment_id: int,
    url: str,
    criteria: Iterable[str],
    *,
    title: str | None = None,
    description: str = "",
    owner: str = "",
    effective_date: date | None = None,
    valid_until: date | None = None,
) -> AddedEvidence:
    """Record a link (http or https only) as evidence."""
    with vault_errors():
        url = check_link(url)
    fields: _Fields = {
        "title": title or url,
        "description": description,
        "owner": owner,
        "effective_date": effective_date,
        "valid_until": valid_until,
        "url": url,
    }
    return _add(store, actor, assessment_id, EvidenceKind.LINK, criteria, fields)


def add_note(
    store: Store,
    actor: Actor,
    assessment_id: int,
    text: str,
    criteria: Iterable[str],
    *,
    title: str | None = None,
    description: str = "",
    owner: str = "",
    effective_date: date | None = None,
    valid_until: date | None = None,
) -> AddedEvidence:
    """Record a note (what was seen or heard, in words) as evidence; its title, unless given,
    is its first line (shortened to 80 characters, the note itself kept whole)."""
    first_line = (text or "").strip().split("\n", 1)[0]
    fields: _Fields = {
        "title": title or (first_line if len(first_line) <= 80 else first_line[:79] + "…"),
        "description": description,
        "owner": owner,
        "effective_date": effective_date,
        "valid_until": valid_until,
        "note": text,
    }
    return _add(store, actor, assessment_id, EvidenceKind.NOTE, criteria, fields)
