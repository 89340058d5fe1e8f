"""How large an evidence file may be: the limit is given by the caller (the toolkit reads it
from its setting ISO10002_EVIDENCE_MAX_MB)."""

from __future__ import annotations

from evidence.errors import Refused, TooLarge

MEGABYTE = 1024 * 1024


def size_text(size: int) -> str:
    """A size for people: bytes, KB or MB."""
    if size < 1024:
        return f"{size} bytes"
    if size < MEGABYTE:
        return f"{size / 1024:.1f} KB"
    return f"{size / MEGABYTE:.1f} MB"


def check_size(size: int, limit: int) -> None:
    """Refuse an empty file or one above the limit, with a message that gives both sizes."""
    if size == 0:
        raise Refused("the file is empty: there is nothing to keep as evidence")
    if size > limit:
        raise TooLarge(
            f"the file is {size_text(size)}, more than the {size_text(limit)} an evidence file may be"
        )
