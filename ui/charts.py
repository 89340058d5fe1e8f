"""Plotly figures for the dashboard, built from the core's results (no arithmetic of their own).

Each function takes what the core already computed (scores, comparison, actions) and only
chooses how to draw it, so the charts always agree with the reports and the command line.
"""

from __future__ import annotations

import html
from datetime import date, timedelta

import plotly.graph_objects as go

from assessment.actions import ActionRecord, open_by_week
from assessment.checklist import Checklist
from assessment.comparison import Comparison
from assessment.findings import Finding
from assessment.scoring import AssessmentScore

ACCENT = "#1f5fa8"
TARGET = "#2e7d32"
BASELINE = "#9e9e9e"
FINDING_COLOURS = {
    Finding.MAJOR: "#c62828",
    Finding.MINOR: "#ef6c00",
    Finding.OFI: "#1565c0",
    Finding.CONFORMING: "#2e7d32",
}


def _text(value: str) -> str:
    """Plotly renders a little HTML in labels; text from a checklist or a user must stay text."""
    return html.escape(value, quote=False)


def _pct(value: float | None) -> float | None:
    return None if value is None else value * 100


def readiness_gauge(score: AssessmentScore, checklist: Checklist) -> go.Figure:
    rules = checklist.readiness
    value = _pct(score.readiness) or 0
    figure = go.Figure(
        go.Indicator(
            mode="gauge+number",
            value=value,
            number={"suffix": "%", "valueformat": ".1f"},
            gauge={
                "axis": {"range": [0, 100]},
                "bar": {"color": ACCENT},
                "steps": [
                    {"range": [0, rules.conditional_at * 100], "color": "#fdecea"},
                    {
                        "range": [rules.conditional_at * 100, rules.ready_at * 100],
                        "color": "#fff4e5",
                    },
                    {"range": [rules.ready_at * 100, 100], "color": "#e8f5e9"},
                ],
                "threshold": {"line": {"color": TARGET, "width": 3}, "value": rules.ready_at * 100},
            },
        )
    )
    figure.update_layout(height=240, margin={"t": 20, "b": 10, "l": 30, "r": 30})
    return figure


def section_radar(
    score: AssessmentScore, comparison: Comparison | None, checklist: Checklist
) -> go.Figure:
    sections = [c for c in score.clauses if c.depth == 0]
    # Section numbers on the axes (long titles would be cut off); titles in the hover text.
    labels = [f"§ {_text(c.ref)}" for c in sections]
    figure = go.Figure()
    figure.add_trace(
        go.Scatterpolar(
            r=[checklist.readiness.ready_at * 100] * len(sections),
            theta=labels,
            fill=None,
            name="Ready at",
            line={"color": TARGET, "dash": "dash"},
        )
    )
    if comparison is not None:
        before = {c.ref: c.before for c in comparison.clauses}
        figure.add_trace(
            go.Scatterpolar(
                r=[_pct(before.get(c.ref)) or 0 for c in sections],
                theta=labels,
                name="Baseline",
                line={"color": BASELINE},
            )
        )
    figure.add_trace(
        go.Scatterpolar(
            r=[_pct(c.readiness) or 0 for c in sections],
            theta=labels,
            fill="toself",
            name="Now",
            line={"color": ACCENT},
            text=[_text(c.title) for c in sections],
            hovertemplate="%{text}: %{r:.0f}%<extra></extra>",
        )
    )
    figure.update_layout(
        polar={"radialaxis": {"range": [0, 100], "ticksuffix": "%"}},
        height=400,
        margin={"t": 40, "b": 40, "l": 40, "r": 40},
        legend={"orientation": "h"},
    )
    return figure


def clause_bars(score: AssessmentScore, checklist: Checklist) -> go.Figure:
    clauses = [c for c in score.clauses if c.depth >= 1 and c.readiness is not None]
    figure = go.Figure(
        go.Bar(
            x=[_text(c.ref) for c in clauses],
            y=[_pct(c.readiness) for c in clauses],
            marker_color=ACCENT,
            hovertext=[_text(c.title) for c in clauses],
            name="Readiness",
        )
    )
    figure.add_hline(y=checklist.readiness.ready_at * 100, line_dash="dash", line_color=TARGET)
    figure.update_layout(
        yaxis={"range": [0, 100], "ticksuffix": "%"}, height=320, margin={"t": 20, "b": 40}
    )
    return figure


def clause_treemap(score: AssessmentScore) -> go.Figure:
    """The clause tree, each box coloured by readiness (grey where nothing is applicable)."""
    parents: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for clause in score.clauses:
        while stack and stack[-1][0] >= clause.depth:
            stack.pop()
        parents[clause.ref] = stack[-1][1] if stack else ""
        stack.append((clause.depth, clause.ref))
    figure = go.Figure(
        go.Treemap(
            ids=[c.ref for c in score.clauses],
            labels=[f"{_text(c.ref)} {_text(c.title)}" for c in score.clauses],
            parents=[parents[c.ref] for c in score.clauses],
            values=[max(c.total, 1) for c in score.clauses],
            branchvalues="remainder",
            marker={
                "colors": [
                    _pct(c.readiness) if c.readiness is not None else 0 for c in score.clauses
                ],
                "colorscale": [[0, "#c62828"], [0.75, "#f9a825"], [1, "#2e7d32"]],
                "cmin": 0,
                "cmax": 100,
            },
            hovertemplate="%{label}<br>readiness %{color:.0f}%<extra></extra>",
        )
    )
    figure.update_layout(height=420, margin={"t": 10, "b": 10, "l": 10, "r": 10})
    return figure


def findings_bar(score: AssessmentScore) -> go.Figure:
    counts = {f: 0 for f in FINDING_COLOURS}
    for criterion in score.criteria:
        if criterion.finding is not None:
            counts[criterion.finding] += 1
    figure = go.Figure(
        go.Bar(
            x=[f.label for f in counts],
            y=list(counts.values()),
            marker_color=[FINDING_COLOURS[f] for f in counts],
        )
    )
    figure.update_layout(height=280, margin={"t": 20, "b": 40})
    return figure


def burn_down(actions: list[ActionRecord], today: date, weeks: int = 12) -> go.Figure:
    series = open_by_week(actions, today - timedelta(weeks=weeks - 1), today)
    figure = go.Figure(
        go.Scatter(
            x=[monday for monday, _ in series],
            y=[count for _, count in series],
            mode="lines+markers",
            line={"color": ACCENT},
            name="Open actions",
        )
    )
    figure.update_layout(height=280, margin={"t": 20, "b": 40}, yaxis={"rangemode": "tozero"})
    return figure
