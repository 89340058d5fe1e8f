"""A suggested score for a criterion, from the indicators that inform it.

The assessor decides; the figures only propose. For each criterion the indicators file links
to it, each indicator with a value gives a score on the checklist's scale:

- its target met: the scale's level "measured" (4 of 0-5): the practice works and is measured;
- short of the target by at most 10 % of it: 3;
- by at most 25 %: 2;
- further: 1 (something is done, not to the standard set).

The suggestion is the lowest of them (the weakest figure limits the criterion), with the reason
in words: each indicator's value against its target, and how many complaints it counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessment.complaints.indicators import Period, Value

MET, NEAR, FAR, SHORT = 4, 3, 2, 1
NEAR_SHARE, FAR_SHARE = 0.10, 0.25


@dataclass(frozen=True)
class Suggestion:
    criterion_id: str
    score: int
    period: Period
    values: tuple[Value, ...]

    @property
    def reason(self) -> str:
        """Why, in words: "Acknowledged within the target time: 61.0% against at least 95.0%
        (2,578 complaints)"; several joined with "; "."""
        return "; ".join(
            f"{v.indicator.title}: {v.shown} against {v.target_shown} ({v.counted:,} complaints)"
            for v in self.values
        )


def score_for(value: Value, top: int) -> int | None:
    """The score one indicator's value suggests, on a scale up to `top`; None without a value."""
    if value.value is None or value.met is None:
        return None
    if value.met:
        return min(MET, top)
    shortfall = abs(value.value - value.target) / abs(value.target) if value.target else 1.0
    if shortfall <= NEAR_SHARE:
        return min(NEAR, top)
    if shortfall <= FAR_SHARE:
        return min(FAR, top)
    return min(SHORT, top)


def suggestions(values: list[Value], period: Period, top: int) -> dict[str, Suggestion]:
    """{criterion id: its suggestion} for every criterion an indicator with a value informs."""
    by_criterion: dict[str, list[Value]] = {}
    for value in values:
        if score_for(value, top) is None:
            continue
        for criterion in value.indicator.criteria:
            by_criterion.setdefault(criterion, []).append(value)
    return {
        criterion: Suggestion(
            criterion,
            min(s for s in (score_for(v, top) for v in found) if s is not None),
            period,
            tuple(found),
        )
        for criterion, found in by_criterion.items()
    }
