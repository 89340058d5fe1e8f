"""The checklist: format `iso10002-checklist/1` as typed, immutable models.

`extra="forbid"` everywhere: a misspelt key ("wieght") silently ignored would change a score
without anyone noticing, so it is a fault instead. Cross-field rules (duplicate ids, scale
limits, ...) live in `checklist_rules`, because pydantic stops at the first broken model and we
want every fault at once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

CHECKLIST_FORMAT = "iso10002-checklist/1"
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class ScaleLevel(_Model):
    value: int
    label: str = Field(min_length=1)
    description: str = ""


class Scale(_Model):
    levels: list[ScaleLevel] = Field(min_length=2)
    pass_threshold: int = 3
    major_gap: int = Field(2, ge=1)

    @property
    def values(self) -> list[int]:
        return [level.value for level in self.levels]

    @property
    def maximum(self) -> int:
        return max(self.values)

    def label(self, value: int) -> str:
        for level in self.levels:
            if level.value == value:
                return level.label
        raise KeyError(value)


DEFAULT_SCALE = Scale(
    levels=[
        ScaleLevel(value=0, label="Not in place", description="Nothing exists for this yet."),
        ScaleLevel(
            value=1,
            label="Ad hoc",
            description="Done sometimes, by some people, without a set way.",
        ),
        ScaleLevel(
            value=2,
            label="Partly implemented",
            description="A way of working exists but is not applied everywhere or not written down.",
        ),
        ScaleLevel(
            value=3,
            label="Implemented and documented",
            description="Written down, applied throughout and shown by records.",
        ),
        ScaleLevel(
            value=4,
            label="Measured and managed",
            description="Results are measured against targets and acted on.",
        ),
        ScaleLevel(
            value=5,
            label="Continually improved",
            description="Reviewed regularly and improved from what the measures show.",
        ),
    ],
    pass_threshold=3,
    major_gap=2,
)


class ReadinessRules(_Model):
    ready_at: float = Field(0.90, gt=0, le=1)
    conditional_at: float = Field(0.75, gt=0, le=1)


class Criterion(_Model):
    id: str = Field(pattern=ID_PATTERN)
    question: str = Field(min_length=1)
    guidance: str = ""
    evidence: list[str] = []
    weight: float = Field(1.0, gt=0)
    target: int | None = None
    essential: bool = False


class Clause(_Model):
    ref: str = Field(min_length=1)
    title: str = Field(min_length=1)
    guidance: str = ""
    alternative_titles: list[str] = []
    weight: float = Field(1.0, gt=0)
    clauses: list[Clause] = []
    criteria: list[Criterion] = []


@dataclass(frozen=True)
class ClauseEntry:
    """A clause with its place in the tree, for walking without recursion at call sites."""

    clause: Clause
    depth: int
    parent_ref: str | None


class Checklist(_Model):
    format: Literal["iso10002-checklist/1"]
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    standard: str = Field(min_length=1)
    edition: str = Field(min_length=1)
    version: int = Field(ge=1)
    language: str = "en"
    description: str = ""
    scale: Scale = DEFAULT_SCALE
    readiness: ReadinessRules = ReadinessRules()
    clauses: list[Clause] = Field(min_length=1)

    @cached_property
    def content_hash(self) -> str:
        """Pins an assessment to this exact content; formatting and comments do not count."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()

    def walk(self) -> Iterator[ClauseEntry]:
        """Every clause, parents before children, in file order."""
        stack = [ClauseEntry(c, 0, None) for c in reversed(self.clauses)]
        while stack:
            entry = stack.pop()
            yield entry
            children = entry.clause.clauses
            stack.extend(
                ClauseEntry(c, entry.depth + 1, entry.clause.ref) for c in reversed(children)
            )

    @cached_property
    def _criteria_index(self) -> dict[str, tuple[Criterion, Clause]]:
        return {cr.id: (cr, e.clause) for e in self.walk() for cr in e.clause.criteria}

    @cached_property
    def _clause_index(self) -> dict[str, Clause]:
        return {e.clause.ref: e.clause for e in self.walk()}

    @property
    def criteria(self) -> list[Criterion]:
        return [criterion for criterion, _ in self._criteria_index.values()]

    def criterion(self, criterion_id: str) -> Criterion:
        return self._criteria_index[criterion_id][0]

    def has_criterion(self, criterion_id: str) -> bool:
        return criterion_id in self._criteria_index

    def clause_of(self, criterion_id: str) -> Clause:
        return self._criteria_index[criterion_id][1]

    def clause(self, ref: str) -> Clause:
        return self._clause_index[ref]

    def target(self, criterion: Criterion) -> int:
        return criterion.target if criterion.target is not None else self.scale.pass_threshold

    def criteria_under(self, ref: str) -> list[Criterion]:
        """The criteria of a clause and of all its sub-clauses, in file order."""
        found: list[Criterion] = []
        stack = [self.clause(ref)]
        while stack:
            clause = stack.pop()
            found.extend(clause.criteria)
            stack.extend(reversed(clause.clauses))
        return found
