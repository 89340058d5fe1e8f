"""Plotly figures for the dashboard, built from the core's results (no arithmetic of their own).

Each function takes what the core already computed (scores, comparison, actions) and only
chooses how to draw it, so the charts always agree with the reports and the command line.

Building a figure through plotly's validating objects costs more than the rest of a Dashboard
rerun, and most reruns (a click elsewhere, a page change and back) show the same figures. So
each function keeps its last figures (`_reused`), keyed by what it is given, compared by value:
the same scores give the same figure without building it again. A caller must therefore not
change a figure it got; Streamlit's `st.plotly_chart` only reads it.
"""

from __future__ import annotations

import functools
import html
import itertools
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, timedelta
from threading import Lock
from typing import ParamSpec

import plotly.graph_objects as go

from assessment.checklist.model import Checklist
from assessment.scoring.comparison import Comparison
from assessment.scoring.engine import AssessmentScore, ClauseResult
from assessment.scoring.findings import Finding
from assessment.scoring.labels import clause_label
from assessment.scoring.numbers import percent
from assessment.scoring.progress import AnswerState
from assessment.workflow.corrective_action import ActionRecord, open_by_week

P = ParamSpec("P")
KEPT_FIGURES = 64  # per chart: a workshop's few assessments, each on its dashboard


def _fingerprint(value: object) -> object:
    """A value to compare by: a checklist by its content hash, a list as a tuple."""
    if isinstance(value, Checklist):
        return ("checklist", value.content_hash)
    if isinstance(value, list):
        return tuple(value)
    return value


def _reused(builder: Callable[P, go.Figure]) -> Callable[P, go.Figure]:
    """`builder`, answering from its last KEPT_FIGURES figures when given equal arguments."""
    kept: OrderedDict[object, go.Figure] = OrderedDict()
    lock = Lock()  # every session of the process shares the figures

    @functools.wraps(builder)
    def reused(*args: P.args, **kwargs: P.kwargs) -> go.Figure:
        key = (
            tuple(_fingerprint(a) for a in args),
            tuple(sorted((k, _fingerprint(v)) for k, v in kwargs.items())),
        )
        with lock:
            if key in kept:
                kept.move_to_end(key)
                return kept[key]
        figure = builder(*args, **kwargs)
        with lock:
            kept[key] = figure
            while len(kept) > KEPT_FIGURES:
                kept.popitem(last=False)
        return figure

    return reused


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


NOT_ASSESSED = "#bdbdbd"  # grey: nothing answered yet, which is not the same as scored 0
NOT_ASSESSED_TEXT = "not assessed"
HATCH = {"shape": "/", "fgcolor": "#9e9e9e", "bgcolor": "#eeeeee", "solidity": 0.3}
# Readiness colours: red below the conditional line, amber up to ready, green from there.
SCALE = ((0.0, (198, 40, 40)), (0.75, (249, 168, 37)), (1.0, (46, 125, 50)))


def readiness_colour(readiness: float) -> str:
    """The colour of a readiness figure on the red-amber-green scale (0 to 1)."""
    value = min(max(readiness, 0.0), 1.0)
    for (low, low_rgb), (high, high_rgb) in itertools.pairwise(SCALE):
        if value <= high:
            share = (value - low) / (high - low) if high > low else 0.0
            rgb = [round(a + (b - a) * share) for a, b in zip(low_rgb, high_rgb, strict=True)]
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#{:02x}{:02x}{:02x}".format(*SCALE[-1][1])


def _figure_text(clause: ClauseResult) -> str:
    """'not assessed', '41.4% · 18 of 34 answered' or '82.5%' (the same words as the PDF)."""
    progress = clause.progress
    if progress.not_assessed:
        return NOT_ASSESSED_TEXT
    shown = percent(clause.readiness)
    if progress.state is AnswerState.PARTLY:
        return f"{shown} · {progress.counts}"
    return shown


@_reused
def readiness_gauge(score: AssessmentScore, checklist: Checklist) -> go.Figure:
    """Overall readiness against the two lines; an assessment nobody has answered yet shows
    "not assessed" instead of a needle at 0, and a partly answered one says how much is."""
    rules = checklist.readiness
    progress = score.progress
    not_assessed = progress.not_assessed
    value = 0 if not_assessed else _pct(score.readiness) or 0
    if not_assessed:
        title = f"Not assessed yet · {progress.counts}"
    elif progress.state is AnswerState.PARTLY:
        title = f"So far · {progress.counts} (unanswered count as 0)"
    else:
        title = "Readiness"
    figure = go.Figure(
        go.Indicator(
            mode="gauge" if not_assessed else "gauge+number",
            value=value,
            number={"suffix": "%", "valueformat": ".1f", "font": {"color": "#212121"}},
            title={"text": _text(title), "font": {"size": 14}},
            gauge={
                "axis": {"range": [0, 100], "ticksuffix": "%"},
                "bar": {"color": NOT_ASSESSED if not_assessed else ACCENT},
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
    figure.update_layout(height=260, margin={"t": 50, "b": 10, "l": 30, "r": 30})
    return figure


@_reused
def section_radar(
    score: AssessmentScore, comparison: Comparison | None, checklist: Checklist
) -> go.Figure:
    """Readiness by section against the ready line and the baseline. A section nobody has
    answered is a grey sector labelled "not assessed", and the readiness line leaves it out
    (it is not at the centre: it is unknown)."""
    sections = [c for c in score.clauses if c.depth == 0]
    # Section numbers on the axes (long titles would be cut off); titles in the hover text.
    labels = [
        f"§ {_text(c.ref)}" + (" · not assessed" if c.progress.not_assessed else "")
        for c in sections
    ]
    figure = go.Figure()
    unknown = [c.progress.not_assessed for c in sections]
    if any(unknown):
        figure.add_trace(
            go.Barpolar(
                r=[100 if gap else 0 for gap in unknown],
                theta=labels,
                name="Not assessed",
                marker={"color": NOT_ASSESSED, "pattern": HATCH},
                opacity=0.45,
                hoverinfo="skip",
            )
        )
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
                r=[_pct(before.get(c.ref)) for c in sections],
                theta=labels,
                name="Baseline",
                line={"color": BASELINE},
            )
        )
    figure.add_trace(
        go.Scatterpolar(
            r=[None if c.progress.not_assessed else _pct(c.readiness) for c in sections],
            theta=labels,
            fill="toself",
            name="Now",
            line={"color": ACCENT},
            text=[f"{_text(c.title)}: {_text(_figure_text(c))}" for c in sections],
            hovertemplate="%{text}<extra></extra>",
        )
    )
    figure.update_layout(
        polar={
            "radialaxis": {"range": [0, 100], "ticksuffix": "%"},
            "angularaxis": {"type": "category"},
        },
        height=420,
        margin={"t": 40, "b": 40, "l": 60, "r": 60},
        legend={"orientation": "h"},
    )
    return figure


def leaf_clauses(score: AssessmentScore, checklist: Checklist) -> list[ClauseResult]:
    """The clauses that hold criteria, in checklist order (a parent like 5.4 is the sum of
    its sub-clauses, which are shown instead)."""
    holding = {entry.clause.ref for entry in checklist.walk() if entry.clause.criteria}
    return [c for c in score.clauses if c.ref in holding and c.readiness is not None]


@_reused
def clause_bars(score: AssessmentScore, checklist: Checklist) -> go.Figure:
    """Readiness per clause as horizontal bars: one category per clause, labelled with its ref
    and a short title, top to bottom in checklist order, against the ready line. A clause
    nobody has answered is a grey hatched bar saying "not assessed"; a partly answered one
    says how many of its criteria are answered."""
    clauses = leaf_clauses(score, checklist)
    labels = [_text(clause_label(c.ref, c.title)) for c in clauses]
    assessed = [not c.progress.not_assessed for c in clauses]
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            y=labels,
            x=[_pct(c.readiness) if ok else None for c, ok in zip(clauses, assessed, strict=True)],
            orientation="h",
            marker_color=[
                readiness_colour(c.readiness or 0) if ok else NOT_ASSESSED
                for c, ok in zip(clauses, assessed, strict=True)
            ],
            text=[
                _text(_figure_text(c)) if ok else ""
                for c, ok in zip(clauses, assessed, strict=True)
            ],
            # Inside the end of a long bar (clear of the ready line), after a short one.
            textposition=["inside" if (c.readiness or 0) >= 0.35 else "outside" for c in clauses],
            insidetextanchor="end",
            insidetextfont={
                "color": ["#ffffff" if (c.readiness or 0) >= 0.85 else "#212121" for c in clauses],
                "size": 13,
            },
            outsidetextfont={"color": "#212121", "size": 13},
            cliponaxis=False,
            hovertext=[_text(f"{c.ref} {c.title}") for c in clauses],
            hovertemplate="%{hovertext}: %{text}<extra></extra>",
            name="Readiness",
        )
    )
    if not all(assessed):
        figure.add_trace(
            go.Bar(
                y=labels,
                x=[None if ok else 100 for ok in assessed],
                orientation="h",
                marker={"color": "#f5f5f5", "pattern": HATCH},
                hovertext=[_text(f"{c.ref} {c.title}") for c in clauses],
                hovertemplate="%{hovertext}: not assessed<extra></extra>",
                name="Not assessed",
            )
        )
    for label, ok in zip(labels, assessed, strict=True):
        if not ok:  # the words on a white ground, so the hatching never hides them
            figure.add_annotation(
                x=2,
                y=label,
                text=NOT_ASSESSED_TEXT,
                showarrow=False,
                xanchor="left",
                font={"size": 13, "color": "#424242"},
                bgcolor="rgba(255,255,255,0.9)",
            )
    ready = checklist.readiness.ready_at * 100
    figure.add_vline(
        x=ready,
        line_dash="dash",
        line_color=TARGET,
        layer="below",
        annotation_text=f"ready at {percent(checklist.readiness.ready_at, 0)}",
        annotation_position="top",
    )
    figure.update_layout(
        barmode="overlay",
        xaxis={
            "range": [0, 118],
            "tickvals": [0, 25, 50, 75, 100],
            "ticktext": ["0%", "25%", "50%", "75%", "100%"],
        },
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": labels,
            "autorange": "reversed",
            "automargin": True,
        },
        height=max(320, 26 * len(clauses) + 90),
        margin={"t": 30, "b": 30, "l": 10, "r": 30},
        legend={"orientation": "h", "y": -0.04 - 30 / max(320, 26 * len(clauses) + 90)},
        bargap=0.25,
    )
    return figure


@_reused
def clause_treemap(score: AssessmentScore) -> go.Figure:
    """The clause tree, each box coloured by readiness; a clause nobody has answered is grey
    and labelled "not assessed" (never red as if it had scored 0)."""
    parents: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for clause in score.clauses:
        while stack and stack[-1][0] >= clause.depth:
            stack.pop()
        parents[clause.ref] = stack[-1][1] if stack else ""
        stack.append((clause.depth, clause.ref))

    def colour(clause: ClauseResult) -> str:
        if clause.readiness is None or clause.progress.not_assessed:
            return NOT_ASSESSED
        return readiness_colour(clause.readiness)

    def words(clause: ClauseResult) -> str:
        return "not applicable" if clause.readiness is None else _figure_text(clause)

    figure = go.Figure(
        go.Treemap(
            ids=[c.ref for c in score.clauses],
            labels=[_text(clause_label(c.ref, c.title)) for c in score.clauses],
            parents=[parents[c.ref] for c in score.clauses],
            # A parent's box is the sum of its children's, so only clauses without
            # sub-clauses carry a size (their number of criteria).
            values=[
                0 if c.ref in set(parents.values()) else max(c.total, 1) for c in score.clauses
            ],
            branchvalues="remainder",
            marker={"colors": [colour(c) for c in score.clauses]},
            customdata=[_text(words(c)) for c in score.clauses],
            texttemplate="%{label}<br>%{customdata}",
            hovertemplate="%{label}<br>%{customdata}<extra></extra>",
        )
    )
    figure.update_layout(height=460, margin={"t": 10, "b": 10, "l": 10, "r": 10})
    return figure


@_reused
def findings_bar(score: AssessmentScore) -> go.Figure:
    """Criteria by finding class, with those not yet answered as a grey bar of their own."""
    counts = {f: 0 for f in FINDING_COLOURS}
    for criterion in score.criteria:
        if criterion.finding is not None:
            counts[criterion.finding] += 1
    unanswered = sum(not c.answered for c in score.criteria)
    figure = go.Figure(
        go.Bar(
            x=[*(f.label for f in counts), "Not assessed"],
            y=[*counts.values(), unanswered],
            marker={
                "color": [*(FINDING_COLOURS[f] for f in counts), NOT_ASSESSED],
                "pattern": {"shape": ["", "", "", "", "/"]},
            },
            text=[*counts.values(), unanswered],
            textposition="outside",
            cliponaxis=False,
        )
    )
    figure.update_layout(
        height=300,
        margin={"t": 30, "b": 40},
        xaxis={"type": "category"},
        yaxis={"rangemode": "tozero"},
    )
    return figure


@_reused
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
