"""The stages an assessment moves through, from first draft to signed-off result."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class AssessmentStatus(StrEnum):
    DRAFT = "draft"
    IN_PROGRESS = "in_progress"
    IN_REVIEW = "in_review"
    FINAL = "final"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# Being worked on: what a page opens first when nothing else is chosen.
WORKING_STAGES = (AssessmentStatus.IN_PROGRESS, AssessmentStatus.IN_REVIEW)


@dataclass(frozen=True)
class SignOff:
    """Who signed an assessment off as final, when, and what they stated.

    A statement is required when the verdict at sign-off was not "ready": signing off an
    unfinished or not-ready assessment is allowed (a gap analysis is final when it is agreed),
    but never by a single careless click, and the readiness pack prints why it was done.
    """

    by: str
    at: datetime
    verdict: str  # the verdict at sign-off: "ready", "conditional" or "not_ready"
    statement: str | None = None
