"""Readiness charts drawn as PDF vector graphics with reportlab.graphics.

No browser, no image export service, no raster: the charts are lines and text inside the PDF,
sharp at any zoom and searchable. The scale is always 0-100 % readiness (reportlab's own
SpiderChart scales to the largest value, which would make 40 % look like a full circle).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, PolyLine, Rect, String
from reportlab.lib.utils import simpleSplit

from assessment.numbers import percent
from assessment.reports.pdf.fonts import BOLD, REGULAR
from assessment.reports.pdf.markup import fit_width, plain
from assessment.reports.pdf.styles import ACCENT, INK, MUTED, RULE, WATERMARK, ZEBRA

TARGET_INK = INK
BASELINE_INK = WATERMARK
MAX_SPOKES = 12  # more sections than this crowd a radar's labels; the bars show them all
MAX_BARS = 40  # a taller bar chart would not fit on a page; the clause tables list every clause
TRACK = ZEBRA  # the pale track behind each bar: the full 100 %


@dataclass(frozen=True)
class Point:
    """One spoke of the radar or one bar: a clause's label, readiness now and in the baseline."""

    label: str
    value: float | None
    baseline: float | None = None


def wrap(label: str, size: float, width: float, lines: int = 2) -> list[str]:
    """A chart label on at most `lines` lines of `width` points, the last cut with an ellipsis."""
    words = simpleSplit(plain(label), REGULAR, size, width) or [""]
    if len(words) > lines:
        words = [*words[: lines - 1], fit_width(" ".join(words[lines - 1 :]), REGULAR, size, width)]
    return [fit_width(line, REGULAR, size, width) for line in words]


def _legend(drawing: Drawing, x: float, y: float, entries: Sequence[tuple[str, str]]) -> None:
    """Small legend: kind is 'fill' (accent area), 'target' (dashed) or 'baseline' (grey)."""
    for kind, label in entries:
        if kind == "fill":
            drawing.add(
                Rect(x, y - 3, 14, 7, fillColor=ACCENT, strokeColor=ACCENT, fillOpacity=0.3)
            )
        elif kind == "target":
            drawing.add(
                Line(x, y, x + 14, y, strokeColor=TARGET_INK, strokeWidth=1, strokeDashArray=[3, 2])
            )
        elif kind == "tick":
            drawing.add(Line(x + 7, y - 4, x + 7, y + 4, strokeColor=INK, strokeWidth=1.6))
        else:
            drawing.add(Line(x, y, x + 14, y, strokeColor=BASELINE_INK, strokeWidth=1.4))
        drawing.add(String(x + 19, y - 2.6, label, fontName=REGULAR, fontSize=7.5, fillColor=INK))
        y -= 13


def radar(points: Sequence[Point], ready_at: float, width: float, height: float = 250) -> Drawing:
    """Readiness by section as a spider chart, with the ready-at ring and the baseline.

    Needs three sections or more (a two-spoke radar is a line); the caller falls back to bars.
    """
    drawing = Drawing(width, height)
    radius = min(height / 2 - 30, width * 0.2)
    cx, cy = width / 2, height / 2 - 4
    label_room = cx - radius * 1.1 - 4
    count = len(points)
    angles = [math.pi / 2 - 2 * math.pi * i / count for i in range(count)]

    def at(fraction: float, angle: float) -> tuple[float, float]:
        return cx + radius * fraction * math.cos(angle), cy + radius * fraction * math.sin(angle)

    def ring(fraction: float) -> list[float]:
        return [c for angle in angles for c in at(fraction, angle)]

    for fraction in (0.25, 0.5, 0.75, 1.0):
        drawing.add(Polygon(ring(fraction), fillColor=None, strokeColor=RULE, strokeWidth=0.5))
        x, y = at(fraction, angles[0])
        drawing.add(
            String(x + 3, y - 7, percent(fraction), fontName=REGULAR, fontSize=6, fillColor=MUTED)
        )
    for point, angle in zip(points, angles, strict=True):
        drawing.add(Line(cx, cy, *at(1.0, angle), strokeColor=RULE, strokeWidth=0.5))
        x, y = at(1.1, angle)
        anchor = "middle" if abs(math.cos(angle)) < 0.3 else ("start" if x > cx else "end")
        lines = wrap(point.label, 7.5, label_room if anchor != "middle" else 2 * label_room)
        if anchor == "middle" and y > cy:  # the top spoke: lift the label above the ring
            y += 9 * (len(lines) - 1) + 6
        for number, line in enumerate(lines):
            drawing.add(
                String(
                    x,
                    y - 3 - 9 * number,
                    line,
                    fontName=REGULAR,
                    fontSize=7.5,
                    fillColor=INK,
                    textAnchor=anchor,
                )
            )
        drawing.add(
            String(
                x,
                y - 3 - 9 * len(lines),
                percent(point.value, 0),
                fontName=BOLD,
                fontSize=7,
                fillColor=ACCENT,
                textAnchor=anchor,
            )
        )

    target = ring(ready_at)
    drawing.add(
        Polygon(
            target, fillColor=None, strokeColor=TARGET_INK, strokeWidth=0.9, strokeDashArray=[3, 2]
        )
    )
    entries = [("fill", "Readiness now"), ("target", f"Ready at {percent(ready_at)}")]
    if any(p.baseline is not None for p in points):
        line = [c for p, a in zip(points, angles, strict=True) for c in at(p.baseline or 0, a)]
        drawing.add(PolyLine([*line, *line[:2]], strokeColor=BASELINE_INK, strokeWidth=1.4))
        entries.append(("baseline", "Baseline"))
    now = [c for p, a in zip(points, angles, strict=True) for c in at(p.value or 0, a)]
    drawing.add(
        Polygon(now, fillColor=ACCENT, fillOpacity=0.22, strokeColor=ACCENT, strokeWidth=1.4)
    )
    for p, a in zip(points, angles, strict=True):
        drawing.add(Circle(*at(p.value or 0, a), 1.8, fillColor=ACCENT, strokeColor=None))
    _legend(drawing, 0, height - 8, entries)
    return drawing


def bars(points: Sequence[Point], ready_at: float, conditional_at: float, width: float) -> Drawing:
    """One bar per clause, against the ready-at line (and the conditional one, fainter).

    At most MAX_BARS bars: a drawing cannot break across pages. A note says how many are left out.
    """
    left_out = max(0, len(points) - MAX_BARS)
    points = points[:MAX_BARS]
    row, top_room, bottom_room = 15.0, 22.0, 20.0
    label_width, value_width = 175.0, 40.0
    track = width - label_width - value_width
    height = top_room + bottom_room + row * len(points)
    drawing = Drawing(width, height)
    x0 = label_width

    def x_of(fraction: float) -> float:
        return x0 + track * max(0.0, min(1.0, fraction))

    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = x_of(tick)
        drawing.add(
            Line(x, bottom_room - 3, x, height - top_room + 2, strokeColor=RULE, strokeWidth=0.4)
        )
        drawing.add(
            String(
                x,
                bottom_room - 12,
                percent(tick),
                fontName=REGULAR,
                fontSize=6.5,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
    for index, point in enumerate(points):
        y = height - top_room - row * (index + 1)
        label = fit_width(plain(point.label), REGULAR, 7.5, label_width - 8)
        drawing.add(String(0, y + 4.5, label, fontName=REGULAR, fontSize=7.5, fillColor=INK))
        drawing.add(Rect(x0, y + 2, track, row - 5, fillColor=TRACK, strokeColor=None))
        if point.value:
            drawing.add(
                Rect(x0, y + 2, x_of(point.value) - x0, row - 5, fillColor=ACCENT, strokeColor=None)
            )
        if point.baseline is not None:
            bx = x_of(point.baseline)
            drawing.add(Line(bx, y, bx, y + row - 1, strokeColor=INK, strokeWidth=1.6))
        drawing.add(
            String(
                width,
                y + 4.5,
                percent(point.value, 0),
                fontName=BOLD,
                fontSize=7.5,
                fillColor=INK,
                textAnchor="end",
            )
        )
    for fraction, dash, label, anchor, shift in (
        (conditional_at, [1, 2], f"conditional {percent(conditional_at)}", "end", -2),
        (ready_at, [3, 2], f"ready {percent(ready_at)}", "start", 2),
    ):
        x = x_of(fraction)
        drawing.add(
            Line(
                x,
                bottom_room - 3,
                x,
                height - top_room + 4,
                strokeColor=TARGET_INK,
                strokeWidth=0.9,
                strokeDashArray=dash,
            )
        )
        drawing.add(
            String(
                x + shift,
                height - top_room + 7,
                label,
                fontName=REGULAR,
                fontSize=6.5,
                fillColor=INK,
                textAnchor=anchor,
            )
        )
    if any(p.baseline is not None for p in points):
        _legend(drawing, 0, height - 8, [("tick", "Baseline")])
    if left_out:
        note = f"{left_out} more not shown here; the tables below list every clause"
        drawing.add(String(0, 2, note, fontName=REGULAR, fontSize=6.5, fillColor=MUTED))
    return drawing
