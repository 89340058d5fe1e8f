"""The readiness verdict and the reasons that hold it back (docs/scoring.md, "Verdict").

A verdict without its reasons is useless to a team preparing for an audit, so `judge` always
lists every reason that stands between the assessment and "ready", even when the verdict is
already "not ready" for another reason.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from assessment.checklist.model import Checklist
from assessment.scoring.findings import Finding
from assessment.scoring.numbers import counted, percent, plural
from assessment.workflow.corrective_action import ActionLink, ActionStatus

if TYPE_CHECKING:
    from assessment.scoring.engine import CriterionResult

# Readiness is a mean of fractions; 27/30 must count as reaching 0.90.
_TOLERANCE = 1e-9


class Verdict(StrEnum):
    READY = "ready"
    CONDITIONAL = "conditional"
    NOT_READY = "not_ready"

    @property
    def label(self) -> str:
        return {"ready": "Ready", "conditional": "Conditional", "not_ready": "Not ready"}[self]


class ReasonKind(StrEnum):
    INCOMPLETE = "incomplete"
    NOTHING_APPLICABLE = "nothing_applicable"
    READINESS_BELOW_READY = "readiness_below_ready"
    READINESS_BELOW_CONDITIONAL = "readiness_below_conditional"
    ESSENTIAL_BELOW_TARGET = "essential_below_target"
    NONCONFORMITY_WITHOUT_ACTION = "nonconformity_without_action"
    MAJOR_ACTION_NOT_VERIFIED = "major_action_not_verified"
    UNSUPPORTED_SCORE = "unsupported_score"


@dataclass(frozen=True)
class Reason:
    kind: ReasonKind
    message: str
    criteria: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind.value, "message": self.message, "criteria": list(self.criteria)}


@dataclass(frozen=True)
class Overall:
    readiness: float | None
    completion: float
    verdict: Verdict
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "readiness": self.readiness,
            "completion": self.completion,
            "verdict": self.verdict.value,
            "reasons": [r.to_dict() for r in self.reasons],
        }


def _listed(ids: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def judge(
    checklist: Checklist,
    readiness: float | None,
    completion: float,
    criteria: Sequence[CriterionResult],
    actions: Sequence[ActionLink],
    *,
    supported: Collection[str] | None = None,
) -> Overall:
    rules = checklist.readiness
    reasons: list[Reason] = []
    unanswered = [c.id for c in criteria if not c.answered]
    if unanswered:
        reasons.append(
            Reason(
                ReasonKind.INCOMPLETE,
                f"{len(unanswered)} of {counted(len(criteria), 'criterion', 'criteria')} "
                f"{plural(len(unanswered), 'is', 'are')} not yet assessed: {_listed(unanswered)}",
                tuple(unanswered),
            )
        )
    if readiness is None:
        reasons.append(
            Reason(
                ReasonKind.NOTHING_APPLICABLE,
                "Every criterion is marked not applicable, so readiness cannot be measured",
            )
        )
    elif readiness + _TOLERANCE < rules.conditional_at:
        reasons.append(
            Reason(
                ReasonKind.READINESS_BELOW_CONDITIONAL,
                f"Overall readiness {percent(readiness)} is below {percent(rules.conditional_at)}, the least for a conditional verdict",
            )
        )
    elif readiness + _TOLERANCE < rules.ready_at:
        reasons.append(
            Reason(
                ReasonKind.READINESS_BELOW_READY,
                f"Overall readiness {percent(readiness)} is below the {percent(rules.ready_at)} needed for ready",
            )
        )
    for c in criteria:
        if c.essential and c.score is not None and c.score < c.target:
            reasons.append(
                Reason(
                    ReasonKind.ESSENTIAL_BELOW_TARGET,
                    f"Essential criterion {c.id} scores {c.score}, below its target of {c.target}",
                    (c.id,),
                )
            )

    actions_by_criterion: dict[str, list[ActionLink]] = {}
    for action in actions:
        for cid in action.criteria:
            actions_by_criterion.setdefault(cid, []).append(action)
    major_open = False
    for c in criteria:
        if c.finding is None or not c.finding.is_nonconformity:
            continue
        linked = actions_by_criterion.get(c.id, [])
        if not linked:
            reasons.append(
                Reason(
                    ReasonKind.NONCONFORMITY_WITHOUT_ACTION,
                    f"{c.finding.label} on {c.id} has no corrective action",
                    (c.id,),
                )
            )
            major_open |= c.finding is Finding.MAJOR
        elif c.finding is Finding.MAJOR:
            for action in linked:
                if action.status is not ActionStatus.VERIFIED:
                    major_open = True
                    reasons.append(
                        Reason(
                            ReasonKind.MAJOR_ACTION_NOT_VERIFIED,
                            f"Action {action.id} on the major nonconformity {c.id} is {action.status.label.lower()}, not yet verified",
                            (c.id,),
                        )
                    )

    if supported is not None:
        unsupported = [
            c.id
            for c in criteria
            if c.score is not None and c.score >= c.target and c.id not in supported
        ]
        if unsupported:
            reasons.append(
                Reason(
                    ReasonKind.UNSUPPORTED_SCORE,
                    f"{counted(len(unsupported), 'score')} at or above target "
                    f"{plural(len(unsupported), 'has', 'have')} no approved, current record to "
                    f"show {plural(len(unsupported), 'it', 'them')}: {_listed(unsupported)}",
                    tuple(unsupported),
                )
            )

    reaches = readiness is not None and readiness + _TOLERANCE >= rules.conditional_at
    if not reasons:
        verdict = Verdict.READY
    elif reaches and not major_open:
        verdict = Verdict.CONDITIONAL
    else:
        verdict = Verdict.NOT_READY
    return Overall(readiness, completion, verdict, tuple(reasons))
