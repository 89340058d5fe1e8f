"""The size limit each upload box states and enforces, from the limit the core applies.

Streamlit's own limit (200 MB unless configured) is what its upload box prints; an evidence
file is refused above the setting ISO10002_EVIDENCE_MAX_MB. Each box is given the core's limit,
so what the box says is what the toolkit accepts, and a too-large file is stopped before it is
sent. (An unusable setting stops the app at start, so it is never met here.)
"""

from __future__ import annotations

import math

from assessment.settings import MEGABYTE, evidence_max_bytes


def megabytes(limit_bytes: int) -> int:
    """A byte limit as the whole megabytes Streamlit's upload box takes (rounded up)."""
    return max(1, math.ceil(limit_bytes / MEGABYTE))


def evidence_limit_mb() -> int:
    """The evidence size limit in whole megabytes, for the upload boxes."""
    return megabytes(evidence_max_bytes())
