"""Evidence records in the domain: their kinds, their review stages, and when one expires.

A record is a file, a link or a note, linked to one or more criteria of an assessment. It is
reviewed (draft, in review, approved or rejected); "expired" is never stored: it follows from
the valid-until date and the day you look, so a record expires without anyone touching it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from evidence.filetypes import ACCEPTED
from evidence.names import name_ending


class EvidenceKind(StrEnum):
    FILE = "file"
    LINK = "link"
    NOTE = "note"


class EvidenceStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"  # derived from valid_until; never stored

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


STORED_STATUSES = (
    EvidenceStatus.DRAFT,
    EvidenceStatus.IN_REVIEW,
    EvidenceStatus.APPROVED,
    EvidenceStatus.REJECTED,
)

# Moves a person makes. Rejecting a record and withdrawing an approval each need a reason.
MOVES: dict[EvidenceStatus, frozenset[EvidenceStatus]] = {
    EvidenceStatus.DRAFT: frozenset(
        {EvidenceStatus.IN_REVIEW, EvidenceStatus.APPROVED, EvidenceStatus.REJECTED}
    ),
    EvidenceStatus.IN_REVIEW: frozenset(
        {EvidenceStatus.DRAFT, EvidenceStatus.APPROVED, EvidenceStatus.REJECTED}
    ),
    EvidenceStatus.APPROVED: frozenset({EvidenceStatus.IN_REVIEW, EvidenceStatus.REJECTED}),
    EvidenceStatus.REJECTED: frozenset({EvidenceStatus.DRAFT, EvidenceStatus.IN_REVIEW}),
}


def needs_reason(current: EvidenceStatus, target: EvidenceStatus) -> bool:
    return target is EvidenceStatus.REJECTED or current is EvidenceStatus.APPROVED


def is_expired(valid_until: date | None, today: date) -> bool:
    """Valid through its valid-until date; expired from the day after."""
    return valid_until is not None and valid_until < today


def status_on(status: EvidenceStatus, valid_until: date | None, today: date) -> EvidenceStatus:
    """The status a person sees: expired once the valid-until date has passed, whatever the
    stored status; otherwise the stored one."""
    return EvidenceStatus.EXPIRED if is_expired(valid_until, today) else EvidenceStatus(status)


def supports(status: EvidenceStatus, valid_until: date | None, today: date) -> bool:
    """Does this record back a score: approved and not expired."""
    return status_on(status, valid_until, today) is EvidenceStatus.APPROVED


def expires_within(
    status: EvidenceStatus, valid_until: date | None, today: date, days: int
) -> bool:
    """Still valid today, but not `days` days from now (a rejected record does not count)."""
    return (
        valid_until is not None
        and status is not EvidenceStatus.REJECTED
        and today <= valid_until <= today + timedelta(days=days)
    )


_FAMILIES = {t.media_type: t.extension_family for t in ACCEPTED}


@dataclass(frozen=True)
class EvidenceRecord:
    """One stored record, as the service layer returns it (plain data, no database row)."""

    id: int
    assessment_id: int
    ref: str  # E1, E2, ...: unique in the assessment, what a portable file keys on
    kind: EvidenceKind
    title: str
    criteria: tuple[str, ...]
    status: EvidenceStatus  # as stored; see status_on() for what a person sees
    version: int
    description: str = ""
    owner: str = ""
    effective_date: date | None = None
    valid_until: date | None = None
    sha256: str | None = None
    size: int | None = None
    media_type: str | None = None
    original_name: str | None = None
    url: str | None = None
    note: str | None = None
    created_by: str = ""
    created_at: datetime | None = None
    updated_by: str = ""
    updated_at: datetime | None = None

    def status_on(self, today: date) -> EvidenceStatus:
        return status_on(self.status, self.valid_until, today)

    def supports(self, today: date) -> bool:
        return supports(self.status, self.valid_until, today)

    @property
    def download_name(self) -> str:
        """A file name to save the content under: the cleaned original name, with the ending
        of the type found in its content when the original ending does not fit."""
        name = self.original_name or self.ref
        family = _FAMILIES.get(self.media_type or "")
        if family is None or name_ending(name) in family:
            return name
        stem = name.rsplit(".", 1)[0] if name_ending(name) else name
        return f"{stem}.{family[0]}"
