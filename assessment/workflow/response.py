"""A response to one criterion, as the scoring engine sees it (storage-independent)."""

from __future__ import annotations

from dataclasses import dataclass

from assessment.errors import InvalidInput
from assessment.scoring.findings import Finding


@dataclass(frozen=True)
class Response:
    """A score on the scale, or N/A with its reason; optionally an auditor's finding override.

    N/A always carries its reason and an override always carries its reason: both change
    what the organization is judged on, so an auditor must be able to see why.
    """

    score: int | None = None
    not_applicable: str | None = None
    notes: str = ""
    finding: Finding | None = None
    finding_reason: str | None = None

    def __post_init__(self) -> None:
        if self.score is not None and self.not_applicable is not None:
            raise InvalidInput("a response is either scored or not applicable, not both")
        if self.not_applicable is not None and not self.not_applicable.strip():
            raise InvalidInput("not applicable needs a reason")
        if self.finding is not None and not (self.finding_reason or "").strip():
            raise InvalidInput("a finding override needs a reason")

    @property
    def is_not_applicable(self) -> bool:
        return self.not_applicable is not None

    @property
    def is_answered(self) -> bool:
        return self.score is not None or self.not_applicable is not None
