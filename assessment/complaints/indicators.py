"""Complaint-handling indicators: defined as data (a YAML file beside the checklists), computed
over the complaints of a period.

Each indicator names one of the formulas below with its parameters, a default target (the
organization sets its own) and the checklist criteria it informs. The file is validated like a
checklist: every fault with its file, line and column, all at once.

Formulas, over the complaints received in the period (unless said otherwise):
- `share_within`: the share whose `end` came within `days` (working or calendar) of `start`;
  one still without an `end` whose time is already up at the period's end counts as missed,
  one whose time is not yet up is left out.
- `duration`: the median or 90th percentile of `end - start` in days, over those with an end.
- `backlog`: of the complaints open at the end of the period (received by then, not closed by
  then), the share older than `older_than_days`.
- `rate`: the share with `flag` set, among those received or those closed.
- `outcome_share`: the share of those with an outcome whose outcome is one of `outcomes`.
- `mean`: the mean of a score (satisfaction with the handling), over those that have one.
- `distinct`: how many different values a label takes (channels used).
- `top_share`: the share of the most frequent value of a label (a Pareto's first bar).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from assessment.complaints import INDICATORS_FORMAT
from assessment.complaints.register import Complaint
from assessment.errors import Fault, IndicatorFileError
from assessment.files.sourcemap import SourceMap, load_file
from assessment.files.validation import validate_model

FORMAT = INDICATORS_FORMAT
BUILTIN = Path(__file__).resolve().parent.parent / "checklist" / "builtin" / "indicators"
REPOSITORY_COPY = Path(__file__).resolve().parents[2] / "checklists" / "indicators"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Moment = Literal["received", "acknowledged", "responded", "closed"]
Calendar = Literal["working", "calendar"]


class ShareWithin(_Strict):
    kind: Literal["share_within"]
    start: Moment = "received"
    end: Moment
    days: int = Field(ge=0, le=3650)
    calendar: Calendar = "working"


class Duration(_Strict):
    kind: Literal["duration"]
    start: Moment = "received"
    end: Moment
    statistic: Literal["median", "p90"]
    calendar: Calendar = "calendar"


class Backlog(_Strict):
    kind: Literal["backlog"]
    older_than_days: int = Field(ge=0, le=3650)


class Rate(_Strict):
    kind: Literal["rate"]
    flag: Literal["reopened", "escalated_internally", "escalated_externally", "vulnerable"]
    among: Literal["received", "closed"] = "received"


class OutcomeShare(_Strict):
    kind: Literal["outcome_share"]
    outcomes: list[Literal["upheld", "partly upheld", "not upheld"]] = Field(min_length=1)


class Mean(_Strict):
    kind: Literal["mean"]
    field: Literal["satisfaction"]


class Distinct(_Strict):
    kind: Literal["distinct"]
    field: Literal["channel", "category", "product", "root_cause"]


class TopShare(_Strict):
    kind: Literal["top_share"]
    field: Literal["channel", "category", "product", "root_cause"]


Measure = Annotated[
    ShareWithin | Duration | Backlog | Rate | OutcomeShare | Mean | Distinct | TopShare,
    Field(discriminator="kind"),
]


class Target(_Strict):
    value: float
    better: Literal["higher", "lower"]

    def met(self, value: float) -> bool:
        return value >= self.value if self.better == "higher" else value <= self.value


class Indicator(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)
    title: str = Field(min_length=1, max_length=120)
    measure: Measure
    target: Target
    criteria: list[str] = Field(default_factory=list)

    @property
    def fields(self) -> frozenset[str]:
        """The register's fields the formula reads: without them, it has no value."""
        m = self.measure
        if isinstance(m, ShareWithin | Duration):
            return frozenset({m.start, m.end})
        if isinstance(m, Backlog):
            return frozenset({"received", "closed"})
        if isinstance(m, Rate):
            return frozenset({m.flag, *(["closed"] if m.among == "closed" else [])})
        if isinstance(m, OutcomeShare):
            return frozenset({"outcome"})
        return frozenset({m.field})

    @property
    def is_share(self) -> bool:
        return self.measure.kind in {
            "share_within",
            "backlog",
            "rate",
            "outcome_share",
            "top_share",
        }

    def shown(self, value: float | None) -> str:
        """A value as people read it: a percentage, days, a score or a count."""
        if value is None:
            return "no data"
        if self.is_share:
            return f"{value * 100:.1f}%"
        if self.measure.kind == "duration":
            return f"{value:.1f} days"
        if self.measure.kind == "mean":
            return f"{value:.2f}"
        return f"{value:g}"


class IndicatorSet(_Strict):
    format: Literal["iso10002-indicators/1"]
    checklist: str
    indicators: list[Indicator] = Field(min_length=1)


def load_indicators(path: Path | None = None) -> IndicatorSet:
    """The indicators file (the built-in one by default, read once: it ships with the code);
    every fault at once, located."""
    if path is None:
        return _builtin_indicators()
    return _load(path)


@cache
def _builtin_indicators() -> IndicatorSet:
    folder = BUILTIN if BUILTIN.is_dir() else REPOSITORY_COPY
    return _load(folder / "complaint-indicators.yaml")


def _load(path: Path) -> IndicatorSet:
    document = load_file(path)
    if document.data is None:
        raise IndicatorFileError(document.faults)
    found, faults = validate_model(IndicatorSet, document.data, document.source)
    faults = [*document.faults, *faults]
    if found is not None:
        seen: set[str] = set()
        for index, indicator in enumerate(found.indicators):
            if indicator.id in seen:
                faults.append(
                    document.source.fault(
                        ("indicators", index, "id"), f"indicator id {indicator.id!r} is used twice"
                    )
                )
            seen.add(indicator.id)
        faults += _unknown_criteria(found, document.source)
    if faults or found is None:
        raise IndicatorFileError(sorted(set(faults)))
    return found


def _unknown_criteria(found: IndicatorSet, source: SourceMap) -> list[Fault]:
    """Every criterion an indicator names must be one of its checklist's."""
    from assessment.checklist.loader import find_checklist
    from assessment.errors import NotFound

    try:
        criteria = {c.id for c in find_checklist(found.checklist).criteria}
    except NotFound:
        return [source.fault(("checklist",), f"no checklist {found.checklist!r} is installed")]
    return [
        source.fault(
            ("indicators", index, "criteria", position),
            f"criterion {criterion!r} is not in checklist {found.checklist}",
        )
        for index, indicator in enumerate(found.indicators)
        for position, criterion in enumerate(indicator.criteria)
        if criterion not in criteria
    ]


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included."""

    start: date
    end: date

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d} to {self.end:%Y-%m-%d}"


@dataclass(frozen=True)
class Value:
    indicator: Indicator
    value: float | None
    counted: int  # complaints the value is computed over
    target: float
    missing: tuple[str, ...] = ()  # fields the register does not have: no value

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return Target(value=self.target, better=self.indicator.target.better).met(self.value)

    @property
    def shown(self) -> str:
        if self.missing:
            return "not in the register"
        return self.indicator.shown(self.value)

    @property
    def target_shown(self) -> str:
        comparison = "at least" if self.indicator.target.better == "higher" else "at most"
        return f"{comparison} {self.indicator.shown(self.target)}"


def _days(
    frame: pd.DataFrame, start: str, end: str, calendar: str, holidays: tuple[date, ...]
) -> pd.Series:
    """Days from `start` to `end` (float, calendar) or whole working days (Monday to Friday,
    less the holidays) between their dates; NaN where `end` is missing."""
    began, ended = frame[start], frame[end]
    if calendar == "calendar":
        return (ended - began).dt.total_seconds() / 86400
    present = ended.notna()
    counted = pd.Series(np.nan, index=frame.index)
    if present.any():
        first = began[present].dt.tz_convert(None).dt.normalize().values.astype("datetime64[D]")
        last = ended[present].dt.tz_convert(None).dt.normalize().values.astype("datetime64[D]")
        counted[present] = np.busday_count(first, last, holidays=list(holidays))
    return counted


def compute(
    indicator: Indicator,
    frame: pd.DataFrame,
    period: Period,
    *,
    target: float | None = None,
    holidays: tuple[date, ...] = (),
    fields: frozenset[str] | None = None,
) -> Value:
    """The indicator over the complaints in `frame` (one row per complaint, the columns of
    `Complaint`, moments as UTC timestamps), for the complaints received in `period`.
    `fields`: those the register has (its mapped columns); an indicator that needs another
    has no value, rather than reading an absent flag as "no"."""
    goal = indicator.target.value if target is None else target
    if fields is not None:
        missing = tuple(sorted(indicator.fields - fields - {"received"}))
        if missing:
            return Value(indicator, None, 0, goal, missing)
    start = pd.Timestamp(period.start, tz="UTC")
    stop = pd.Timestamp(period.end, tz="UTC") + pd.Timedelta(days=1)
    received = frame[(frame["received"] >= start) & (frame["received"] < stop)]
    measure = indicator.measure
    value: float | None
    counted: int
    if isinstance(measure, ShareWithin):
        days = _days(received, measure.start, measure.end, measure.calendar, holidays)
        within = days <= measure.days
        if measure.calendar == "calendar":
            due = received[measure.start] + pd.Timedelta(days=measure.days)
            time_up = due < stop
        else:
            first = received[measure.start].dt.tz_convert(None).values.astype("datetime64[D]")
            due_day = np.busday_offset(first, measure.days, roll="forward", holidays=list(holidays))
            time_up = pd.Series(due_day < np.datetime64(period.end, "D"), index=received.index)
        judged = days.notna() | time_up
        counted = int(judged.sum())
        value = float((within & judged).sum() / counted) if counted else None
    elif isinstance(measure, Duration):
        days = _days(received, measure.start, measure.end, measure.calendar, holidays).dropna()
        counted = len(days)
        if not counted:
            value = None
        else:
            value = float(days.median() if measure.statistic == "median" else days.quantile(0.9))
    elif isinstance(measure, Backlog):
        open_at_end = frame[
            (frame["received"] < stop) & (frame["closed"].isna() | (frame["closed"] >= stop))
        ]
        counted = len(open_at_end)
        age = (stop - open_at_end["received"]).dt.total_seconds() / 86400
        value = float((age > measure.older_than_days).sum() / counted) if counted else None
    elif isinstance(measure, Rate):
        among = received if measure.among == "received" else received[received["closed"].notna()]
        counted = len(among)
        value = float(among[measure.flag].sum() / counted) if counted else None
    elif isinstance(measure, OutcomeShare):
        decided = received[received["outcome"].notna()]
        counted = len(decided)
        value = (
            float(decided["outcome"].isin(measure.outcomes).sum() / counted) if counted else None
        )
    elif isinstance(measure, Mean):
        scores = received[measure.field].dropna()
        counted = len(scores)
        value = float(scores.mean()) if counted else None
    elif isinstance(measure, Distinct):
        labels = received[measure.field].dropna()
        counted = len(labels)
        value = float(labels.nunique()) if counted else None
    else:
        labels = received[measure.field].dropna()
        counted = len(labels)
        value = float(labels.value_counts().iloc[0] / counted) if counted else None
    return Value(indicator, value, counted, goal)


def frame_of(complaints: Sequence[Complaint]) -> pd.DataFrame:
    """Complaints (`register.Complaint`) as one table, moments as UTC timestamps."""
    columns = [
        "reference",
        "received",
        "channel",
        "category",
        "product",
        "acknowledged",
        "responded",
        "closed",
        "outcome",
        "reopened",
        "escalated_internally",
        "escalated_externally",
        "satisfaction",
        "vulnerable",
        "root_cause",
    ]
    frame = pd.DataFrame([asdict(c) for c in complaints], columns=columns)
    for moment in ("received", "acknowledged", "responded", "closed"):
        frame[moment] = pd.to_datetime(frame[moment], utc=True)
    frame["outcome"] = frame["outcome"].map(lambda o: str(o) if isinstance(o, str) else None)
    return frame


__all__ = [
    "FORMAT",
    "Fault",
    "IndicatorSet",
    "Period",
    "Value",
    "compute",
    "frame_of",
    "load_indicators",
]
