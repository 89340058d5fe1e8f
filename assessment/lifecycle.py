"""The stages an assessment moves through, from first draft to signed-off result."""

from __future__ import annotations

from enum import StrEnum


class AssessmentStatus(StrEnum):
    DRAFT = "draft"
    IN_PROGRESS = "in_progress"
    IN_REVIEW = "in_review"
    FINAL = "final"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()
