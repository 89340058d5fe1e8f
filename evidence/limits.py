"""How large an evidence file may be: `ISO10002_EVIDENCE_MAX_MB` megabytes, 50 by default."""

from __future__ import annotations

import os

from assessment.errors import EvidenceRefused

MEGABYTE = 1024 * 1024
DEFAULT_MAX_MB = 50.0
MAX_MB = 2000.0  # sizes are stored as 32-bit integers
ENVIRONMENT = "ISO10002_EVIDENCE_MAX_MB"


def max_upload_bytes() -> int:
    """The configured size limit in bytes; a value that is not a positive number is refused."""
    raw = os.environ.get(ENVIRONMENT, "").strip()
    if not raw:
        return int(DEFAULT_MAX_MB * MEGABYTE)
    try:
        megabytes = float(raw)
    except ValueError:
        megabytes = -1.0
    if not 0 < megabytes <= MAX_MB:
        raise EvidenceRefused(
            f"{ENVIRONMENT} must be a number of megabytes above 0 and at most 2000 (such as 50), not {raw!r}"
        )
    return int(megabytes * MEGABYTE)


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
        raise EvidenceRefused("the file is empty: there is nothing to keep as evidence")
    if size > limit:
        raise EvidenceRefused(
            f"the file is {size_text(size)}, more than the {size_text(limit)} an evidence file "
            f"may be (set {ENVIRONMENT} to change the limit)"
        )
