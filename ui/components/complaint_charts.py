"""Plotly figures of the Complaint performance page, drawn from `Performance` (computed in the
core: assessment/complaints/performance.py); no arithmetic here but placing the numbers."""

from __future__ import annotations

import html

import plotly.graph_objects as go

from assessment.complaints.performance import Performance

ACCENT = "#1f5fa8"
TARGET = "#2e7d32"
WARN = "#c62828"
CHANNEL_COLOURS = ("#1f5fa8", "#00897b", "#f9a825", "#8e24aa", "#c62828", "#6d4c41", "#546e7a")
HEIGHT = 300


def _text(value: str) -> str:
    """Labels are text from the register: never HTML for plotly."""
    return html.escape(value, quote=False)


def _layout(figure: go.Figure, **axes: object) -> go.Figure:
    figure.update_layout(
        height=HEIGHT,
        margin={"t": 40, "b": 40, "l": 50, "r": 30},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        **axes,
    )
    return figure


def volume_by_channel(found: Performance) -> go.Figure:
    figure = go.Figure(
        [
            go.Bar(
                x=list(found.months),
                y=list(counts),
                name=_text(channel),
                marker_color=CHANNEL_COLOURS[index % len(CHANNEL_COLOURS)],
            )
            for index, (channel, counts) in enumerate(found.volume_by_channel.items())
        ]
    )
    return _layout(
        figure,
        barmode="stack",
        showlegend=True,  # even for one channel: the reader must see which one
        xaxis={"title": "month received", "type": "category"},
        yaxis={"title": "complaints"},
    )


def _against_target(
    months: tuple[str, ...],
    median: tuple[float | None, ...],
    slowest: tuple[float | None, ...],
    target: float | None,
    unit: str,
) -> go.Figure:
    """The median and the 90th percentile by month, and the target as a dashed line: the
    median alone hides a slow channel that only the slowest tenth shows."""
    figure = go.Figure(
        [
            go.Scatter(
                x=list(months),
                y=list(median),
                mode="lines+markers",
                name="median",
                line={"color": ACCENT},
            ),
            go.Scatter(
                x=list(months),
                y=list(slowest),
                mode="lines+markers",
                name="90th percentile",
                line={"color": "#f9a825"},
            ),
        ]
    )
    if target is not None:
        figure.add_trace(
            go.Scatter(
                x=list(months),
                y=[target] * len(months),
                mode="lines",
                name=f"target ({target:g} {unit})",
                line={"color": TARGET, "dash": "dash"},
            )
        )
    return _layout(
        figure,
        xaxis={"title": "month received", "type": "category"},
        yaxis={"title": unit, "rangemode": "tozero"},
    )


def acknowledgement(found: Performance) -> go.Figure:
    return _against_target(
        found.months,
        found.acknowledgement_days,
        found.acknowledgement_p90,
        found.acknowledgement_target,
        "working days",
    )


def resolution(found: Performance) -> go.Figure:
    return _against_target(
        found.months, found.resolution_days, found.resolution_p90, found.resolution_target, "days"
    )


def backlog(found: Performance) -> go.Figure:
    figure = go.Figure(
        go.Bar(
            x=[band for band, _ in found.backlog],
            y=[count for _, count in found.backlog],
            marker_color=[ACCENT, ACCENT, "#f9a825", WARN],
            text=[count for _, count in found.backlog],
            textposition="outside",
            cliponaxis=False,
        )
    )
    return _layout(
        figure,
        xaxis={
            "title": f"age of the complaints open on {found.period.end:%Y-%m-%d}",
            "type": "category",
        },
        yaxis={"title": "open complaints", "rangemode": "tozero"},
        showlegend=False,
    )


def outcomes(found: Performance) -> go.Figure:
    figure = go.Figure(
        go.Bar(
            y=[name for name, _ in found.outcomes],
            x=[count for _, count in found.outcomes],
            orientation="h",
            marker_color=[WARN, "#f9a825", TARGET, "#bdbdbd"],
            text=[count for _, count in found.outcomes],
            textposition="outside",
            cliponaxis=False,
        )
    )
    return _layout(
        figure,
        xaxis={"title": "complaints", "rangemode": "tozero"},
        yaxis={"type": "category", "autorange": "reversed"},
        showlegend=False,
    )


def satisfaction(found: Performance) -> go.Figure:
    figure = go.Figure(
        go.Scatter(
            x=list(found.months),
            y=list(found.satisfaction),
            mode="lines+markers",
            name="mean",
            line={"color": ACCENT},
        )
    )
    return _layout(
        figure,
        xaxis={"title": "month received", "type": "category"},
        yaxis={"title": "satisfaction with the handling (1-5)", "range": [1, 5]},
        showlegend=False,
    )


def causes(found: Performance) -> go.Figure:
    names = [_text(cause) for cause, _, _ in found.causes]
    figure = go.Figure(
        [
            go.Bar(
                x=names,
                y=[count for _, count, _ in found.causes],
                name="complaints",
                marker_color=ACCENT,
            ),
            go.Scatter(
                x=names,
                y=[share * 100 for _, _, share in found.causes],
                name="cumulative %",
                yaxis="y2",
                mode="lines+markers",
                line={"color": WARN},
            ),
        ]
    )
    return _layout(
        figure,
        xaxis={"type": "category", "tickangle": -30, "automargin": True},
        yaxis={"title": "complaints", "rangemode": "tozero"},
        yaxis2={"title": "cumulative %", "overlaying": "y", "side": "right", "range": [0, 105]},
    )
