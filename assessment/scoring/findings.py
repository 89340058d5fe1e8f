"""Finding classes and the one rule that derives a finding from a score."""

from __future__ import annotations

from enum import StrEnum


class Finding(StrEnum):
    MAJOR = "major"
    MINOR = "minor"
    OFI = "ofi"
    CONFORMING = "conforming"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def is_nonconformity(self) -> bool:
        return self in {Finding.MAJOR, Finding.MINOR}


_LABELS = {
    Finding.MAJOR: "Major nonconformity",
    Finding.MINOR: "Minor nonconformity",
    Finding.OFI: "Opportunity for improvement",
    Finding.CONFORMING: "Conforming",
}


def finding_from_gap(gap: int, major_gap: int) -> Finding:
    """Gap >= major_gap is major, a smaller gap minor, no gap conforming (docs/scoring.md,
    "Findings")."""
    if gap >= major_gap:
        return Finding.MAJOR
    if gap > 0:
        return Finding.MINOR
    return Finding.CONFORMING
