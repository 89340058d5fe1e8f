"""The size limit each upload box states and enforces, from the limit the core applies.

Streamlit's own limit (200 MB unless configured) is what its upload box prints; an evidence
file is refused above `ISO10002_EVIDENCE_MAX_MB`. Each box is given the core's limit, so what
the box says is what the toolkit accepts, and a too-large file is stopped before it is sent.
"""

from __future__ import annotations

import math

from assessment.errors import EvidenceRefused
from evidence.limits import DEFAULT_MAX_MB, MEGABYTE, max_upload_bytes


def megabytes(limit_bytes: int) -> int:
    """A byte limit as the whole megabytes Streamlit's upload box takes (rounded up)."""
    return max(1, math.ceil(limit_bytes / MEGABYTE))


def evidence_limit_mb() -> int:
    """The evidence size limit in megabytes; an invalid setting falls back to the default,
    and the evidence service then refuses the file with the setting's own message."""
    try:
        return megabytes(max_upload_bytes())
    except EvidenceRefused:
        return megabytes(int(DEFAULT_MAX_MB * MEGABYTE))
