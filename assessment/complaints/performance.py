"""What the Complaint performance page and the PDF section draw, computed once from the register.

Each figure's numbers come from here (the app and the PDF only draw them): volumes by month
and channel, acknowledgement and resolution times by month against their targets, the age of
the complaints open at the period's end, outcomes, satisfaction with the handling by month,
and the recurring root causes as a Pareto. A filter by channel and category narrows every one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from assessment.complaints.indicators import Period, ShareWithin, Value

AGE_BANDS = (
    (0, 7, "under a week"),
    (7, 30, "1-4 weeks"),
    (30, 90, "1-3 months"),
    (90, None, "over 3 months"),
)
TOP_CAUSES = 8


@dataclass(frozen=True)
class Filter:
    channels: tuple[str, ...] = ()  # none: every channel
    categories: tuple[str, ...] = ()

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        kept = frame
        if self.channels:
            kept = kept[kept["channel"].isin(self.channels)]
        if self.categories:
            kept = kept[kept["category"].isin(self.categories)]
        return kept


@dataclass(frozen=True)
class Performance:
    period: Period
    complaints: int  # received in the period, after the filter
    months: tuple[str, ...]  # "2026-03", in order
    volume_by_channel: dict[str, tuple[int, ...]]  # channel -> count per month
    acknowledgement_days: tuple[float | None, ...]  # median working days per month
    resolution_days: tuple[float | None, ...]  # median calendar days per month
    acknowledgement_p90: tuple[float | None, ...]  # 90th percentile, working days per month
    resolution_p90: tuple[float | None, ...]  # 90th percentile, calendar days per month
    acknowledgement_target: float | None
    resolution_target: float | None
    backlog: tuple[tuple[str, int], ...]  # age band, open complaints at the period's end
    outcomes: tuple[tuple[str, int], ...]
    satisfaction: tuple[float | None, ...]  # mean per month
    causes: tuple[tuple[str, int, float], ...]  # cause, count, cumulative share (Pareto)
    channels: tuple[str, ...] = ()  # every channel and category in the register, for the filter
    categories: tuple[str, ...] = ()
    indicators: tuple[Value, ...] = field(default_factory=tuple)


def _by_month(
    months: pd.Series, values: pd.Series, labels: list[str], quantile: float = 0.5
) -> tuple[float | None, ...]:
    """A quantile of `values` per month (the median by default), None for a month without any."""
    found = values.groupby(months).quantile(quantile)
    return tuple(None if pd.isna(found.get(m)) else round(float(found[m]), 1) for m in labels)


def _days_of(value: Value | None) -> float | None:
    """The number of days an on-time indicator allows (its formula's), for a target line."""
    measure = value.indicator.measure if value is not None else None
    return float(measure.days) if isinstance(measure, ShareWithin) else None


def performance(
    frame: pd.DataFrame,
    period: Period,
    indicators: list[Value],
    chosen: Filter = Filter(),
    holidays: tuple[date, ...] = (),
) -> Performance:
    """The page's figures for the complaints in `frame` (see `indicators.frame_of`)."""
    channels = tuple(sorted(frame["channel"].dropna().unique()))
    categories = tuple(sorted(frame["category"].dropna().unique()))
    frame = chosen.apply(frame)
    start = pd.Timestamp(period.start, tz="UTC")
    stop = pd.Timestamp(period.end, tz="UTC") + pd.Timedelta(days=1)
    received = frame[(frame["received"] >= start) & (frame["received"] < stop)]
    labels = [str(p) for p in pd.period_range(period.start, period.end, freq="M")]
    month = received["received"].dt.tz_convert(None).dt.to_period("M").astype(str)
    by_channel = received.assign(month=month).groupby(["channel", "month"]).size()
    volume = {
        str(channel): tuple(int(by_channel.get((channel, m), 0)) for m in labels)
        for channel in sorted(received["channel"].dropna().unique())
    }
    acknowledged = received["acknowledged"].notna()
    ack_days = pd.Series(np.nan, index=received.index)
    if acknowledged.any():
        first = (
            received.loc[acknowledged, "received"]
            .dt.tz_convert(None)
            .values.astype("datetime64[D]")
        )
        last = (
            received.loc[acknowledged, "acknowledged"]
            .dt.tz_convert(None)
            .values.astype("datetime64[D]")
        )
        ack_days[acknowledged] = np.busday_count(first, last, holidays=list(holidays))
    resolution = (received["closed"] - received["received"]).dt.total_seconds() / 86400
    open_at_end = frame[
        (frame["received"] < stop) & (frame["closed"].isna() | (frame["closed"] >= stop))
    ]
    age = (stop - open_at_end["received"]).dt.total_seconds() / 86400
    backlog = tuple(
        (name, int(((age >= low) & (age < high if high is not None else True)).sum()))
        for low, high, name in AGE_BANDS
    )
    decided = [
        (name, int((received["outcome"] == name).sum()))
        for name in ("upheld", "partly upheld", "not upheld")
    ]
    outcomes = (*decided, ("open or not decided", int(received["outcome"].isna().sum())))
    counts = received["root_cause"].dropna().value_counts()
    total = int(counts.sum())
    running = 0
    causes = []
    for cause, count in counts.head(TOP_CAUSES).items():
        running += int(count)
        causes.append((str(cause), int(count), running / total))
    by_id = {v.indicator.id: v for v in indicators}
    ack = by_id.get("acknowledged-on-time")
    resolved = by_id.get("resolution-median")
    return Performance(
        period=period,
        complaints=len(received),
        months=tuple(labels),
        volume_by_channel=volume,
        acknowledgement_days=_by_month(month, ack_days, labels),
        resolution_days=_by_month(month, resolution, labels),
        acknowledgement_p90=_by_month(month, ack_days, labels, 0.9),
        resolution_p90=_by_month(month, resolution, labels, 0.9),
        acknowledgement_target=_days_of(ack),
        resolution_target=resolved.target if resolved is not None else None,
        backlog=backlog,
        outcomes=outcomes,
        satisfaction=tuple(
            None if pd.isna(v) else round(float(v), 2)
            for v in (received["satisfaction"].groupby(month).mean().get(m) for m in labels)
        ),
        causes=tuple(causes),
        channels=channels,
        categories=categories,
        indicators=tuple(indicators),
    )
