"""Evidence records in a portable assessment file: their keys, and what must fit the checklist.

A file record carries the SHA-256 of its content, never the content: importing it records the
metadata, and `iso10002 evidence verify` reports the file as missing until the vault holds it
(a restore, or the same file added again elsewhere, brings it).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assessment import text_limits as limits
from assessment.checklist.model import Checklist
from assessment.errors import Fault
from assessment.files.sourcemap import SourceMap
from evidence.errors import Refused as LinkRefused
from evidence.filetypes import ACCEPTED
from evidence.links import check_link

ACCEPTED_MEDIA_TYPES = frozenset(t.media_type for t in ACCEPTED)


class PortableEvidence(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    id: str = Field(min_length=1, max_length=limits.REF)
    kind: Literal["file", "link", "note"]
    title: str = Field(min_length=1, max_length=limits.TITLE)
    criteria: list[str] = Field(min_length=1)
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    url: str | None = None
    note: str | None = Field(default=None, max_length=limits.NOTE)
    original_name: str | None = Field(default=None, max_length=limits.FILE_NAME)
    size: int | None = Field(default=None, ge=1)
    media_type: str | None = Field(default=None, max_length=limits.MEDIA_TYPE)
    owner: str = Field(default="", max_length=limits.NAME)
    description: str = ""
    effective_date: date | None = None
    valid_until: date | None = None
    status: Literal["draft", "in_review", "approved", "rejected"] = "draft"


# What each kind holds, and the keys that belong to the other kinds.
CONTENT_KEYS = {"file": "sha256", "link": "url", "note": "note"}
FILE_ONLY = ("original_name", "size", "media_type")


def evidence_faults(
    evidence: list[PortableEvidence], checklist: Checklist, source: SourceMap
) -> list[Fault]:
    """Duplicate ids, unknown criteria, a kind without its content or with another kind's,
    a link that is not http(s), a file type the vault does not take, dates out of order."""
    faults: list[Fault] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(evidence):
        here = ("evidence", index)
        name = f"evidence {item.id}"
        if item.id in seen:
            first = source.locate(("evidence", seen[item.id], "id")).line
            faults.append(
                source.fault(
                    (*here, "id"), f"evidence id '{item.id}' is used twice (first on line {first})"
                )
            )
        seen.setdefault(item.id, index)
        for position, cid in enumerate(item.criteria):
            if not checklist.has_criterion(cid):
                faults.append(
                    source.fault(
                        (*here, "criteria", position),
                        f"{name}: no criterion '{cid}' in checklist {checklist.id}",
                    )
                )
        needed = CONTENT_KEYS[item.kind]
        if getattr(item, needed) is None:
            faults.append(source.fault(here, f"{name}: a {item.kind} record needs '{needed}'"))
        others = [k for k in CONTENT_KEYS.values() if k != needed]
        if item.kind != "file":
            others += list(FILE_ONLY)
        for key in others:
            if getattr(item, key) is not None:
                faults.append(
                    source.fault(
                        (*here, key), f"{name}: a {item.kind} record has no '{key}'", key=True
                    )
                )
        if item.kind == "link" and item.url is not None:
            try:
                check_link(item.url)
            except LinkRefused as error:
                faults.append(source.fault((*here, "url"), f"{name}: {error}"))
        if item.kind == "note" and item.note is not None and not item.note.strip():
            faults.append(source.fault((*here, "note"), f"{name}: the note is empty"))
        if item.media_type is not None and item.media_type not in ACCEPTED_MEDIA_TYPES:
            faults.append(
                source.fault(
                    (*here, "media_type"),
                    f"{name}: files of type '{item.media_type}' are not taken as evidence",
                )
            )
        if item.effective_date and item.valid_until and item.valid_until < item.effective_date:
            faults.append(
                source.fault(
                    (*here, "valid_until"),
                    f"{name}: valid_until {item.valid_until} is before effective_date {item.effective_date}",
                )
            )
    return faults
