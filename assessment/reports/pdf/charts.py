"""Readiness charts drawn as PDF vector graphics with reportlab.graphics.

No browser, no image export service, no raster: the charts are lines and text inside the PDF,
sharp at any zoom and searchable. The scale is always 0-100% readiness (reportlab's own
SpiderChart scales to the largest value, which would make 40% look like a full circle).

Clauses are categories in checklist order, each labelled with its ref and a short title
(`assessment.scoring.labels.clause_label`, the same label as the app's charts). A clause nobody has
answered is drawn grey and hatched and labelled "not assessed", never as a bar or point at 0:
its readiness of 0 only counts the unanswered criteria. A partly answered clause says how many
of its criteria are answered.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Unpack

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, PolyLine, Rect, String
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from assessment.reports.pdf.fonts import BOLD, ITALIC, REGULAR
from assessment.reports.pdf.markup import fit_width, plain
from assessment.reports.pdf.styles import ACCENT, INK, MUTED, NONE, RULE, WATERMARK, ZEBRA
from assessment.scoring.engine import ClauseResult
from assessment.scoring.labels import clause_label
from assessment.scoring.numbers import percent
from assessment.scoring.progress import AnswerState, Progress

if TYPE_CHECKING:
    # Exists only in the stubs: the keywords a filled shape takes.
    from reportlab.graphics.shapes import _SolidShapeKwArgs

TARGET_INK = INK
BASELINE_INK = WATERMARK
MAX_SPOKES = 12  # more sections than this crowd a radar's labels; the bars show them all
MAX_BARS = 40  # a taller bar chart would not fit on a page; the clause tables list every clause
TRACK = ZEBRA  # the pale track behind each bar: the full 100%
UNASSESSED = NONE.background  # the grey behind a clause nobody has answered
HATCH = RULE  # and its hatching

Anchor = Literal["start", "middle", "end"]  # which end of a String its x is


def rect(
    x: float, y: float, width: float, height: float, **style: Unpack[_SolidShapeKwArgs]
) -> Rect:
    """reportlab's Rect, with its style keywords checked. types-reportlab declares them on
    Rect as `**kw: _SolidShapeKwArgs`, missing the Unpack (Polygon's has it), so every call
    with a keyword is refused; this is the one place that gets round that."""
    return Rect(x, y, width, height, **style)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Point:
    """One spoke of the radar or one bar: a clause's label, readiness now and in the baseline,
    and how much of it is answered (None: treat as complete)."""

    label: str
    value: float | None
    baseline: float | None = None
    progress: Progress | None = None

    @classmethod
    def of(cls, clause: ClauseResult, baseline: float | None = None) -> Point:
        return cls(
            clause_label(clause.ref, clause.title), clause.readiness, baseline, clause.progress
        )

    @property
    def state(self) -> AnswerState:
        return self.progress.state if self.progress else AnswerState.COMPLETE

    @property
    def drawn(self) -> bool:
        """False when there is no readiness to draw: nothing answered, or nothing applicable."""
        return self.value is not None and self.state is not AnswerState.NOT_ASSESSED

    def words(self) -> tuple[str | None, str | None]:
        """(figure, note): '41.4%' and '18 of 34 answered', or no figure and 'not assessed'."""
        if self.value is None:
            return None, AnswerState.NOT_APPLICABLE.label
        if not self.drawn:
            return None, AnswerState.NOT_ASSESSED.label
        if self.state is AnswerState.PARTLY and self.progress is not None:
            return percent(self.value), self.progress.counts
        return percent(self.value), None


def hatch(drawing: Drawing, corners: Sequence[tuple[float, float]], step: float = 3.5) -> None:
    """Fill a convex polygon with the not-assessed grey and thin diagonal lines.

    reportlab's graphics have no pattern fill and no clipping, so each line x - y = c is cut
    to the polygon by hand: it crosses a convex polygon's edges at most twice.
    """
    drawing.add(
        Polygon([c for corner in corners for c in corner], fillColor=UNASSESSED, strokeColor=None)
    )
    offsets = [x - y for x, y in corners]
    c = math.floor(min(offsets) / step) * step + step
    edges = list(zip(corners, [*corners[1:], corners[0]], strict=True))
    while c < max(offsets):
        crossings = []
        for (ax, ay), (bx, by) in edges:
            fa, fb = ax - ay - c, bx - by - c
            if (fa <= 0 <= fb or fb <= 0 <= fa) and fa != fb:
                t = fa / (fa - fb)
                crossings.append((ax + (bx - ax) * t, ay + (by - ay) * t))
        if len(crossings) >= 2:
            low, high = min(crossings, key=lambda p: p[1]), max(crossings, key=lambda p: p[1])
            if high[1] - low[1] > 0.2:
                drawing.add(Line(*low, *high, strokeColor=HATCH, strokeWidth=0.5))
        c += step


def canvas(width: float, height: float) -> Drawing:
    """An empty chart. Its text state starts in DejaVu: reportlab's graphics start in
    Helvetica, which would then sit in the file as a font that is not embedded."""
    return Drawing(width, height, initialFontName=REGULAR, initialFontSize=7.5)


def wrap(label: str, size: float, width: float, lines: int = 2) -> list[str]:
    """A chart label on at most `lines` lines of `width` points, the last cut with an ellipsis."""
    words = simpleSplit(plain(label), REGULAR, size, width) or [""]
    if len(words) > lines:
        words = [*words[: lines - 1], fit_width(" ".join(words[lines - 1 :]), REGULAR, size, width)]
    return [fit_width(line, REGULAR, size, width) for line in words]


def _legend(
    drawing: Drawing, x: float, y: float, entries: Sequence[tuple[str, str]], across: bool = False
) -> None:
    """Small legend, one entry a line (or side by side when `across`): kind is 'fill' (accent
    area), 'target' (dashed), 'tick' (baseline mark), 'hatch' (not assessed) or 'baseline'."""
    for kind, label in entries:
        if kind == "fill":
            drawing.add(
                rect(x, y - 3, 14, 7, fillColor=ACCENT, strokeColor=ACCENT, fillOpacity=0.3)
            )
        elif kind == "target":
            drawing.add(
                Line(x, y, x + 14, y, strokeColor=TARGET_INK, strokeWidth=1, strokeDashArray=[3, 2])
            )
        elif kind == "tick":
            drawing.add(Line(x + 7, y - 4, x + 7, y + 4, strokeColor=INK, strokeWidth=1.6))
        elif kind == "hatch":
            hatch(drawing, [(x, y - 3), (x + 14, y - 3), (x + 14, y + 4), (x, y + 4)], 2.5)
        else:
            drawing.add(Line(x, y, x + 14, y, strokeColor=BASELINE_INK, strokeWidth=1.4))
        drawing.add(String(x + 19, y - 2.6, label, fontName=REGULAR, fontSize=7.5, fillColor=INK))
        if across:
            x += 19 + stringWidth(label, REGULAR, 7.5) + 14
        else:
            y -= 13


NOT_ASSESSED_KEY = ("hatch", "Not assessed: nothing answered yet")


def _runs(drawn: Sequence[bool]) -> list[list[int]]:
    """The spokes with a readiness, in runs of neighbours, for a radar with gaps in it."""
    count = len(drawn)
    start = next(i for i in range(count) if not drawn[i])
    runs: list[list[int]] = [[]]
    for step in range(1, count + 1):
        index = (start + step) % count
        if drawn[index]:
            runs[-1].append(index)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def radar(points: Sequence[Point], ready_at: float, width: float, height: float = 265) -> Drawing:
    """Readiness by section as a spider chart, with the ready-at ring and the baseline.

    Needs three sections or more (a two-spoke radar is a line); the caller falls back to bars.
    A section nobody has answered has a grey, hatched sector and no point: the readiness area
    leaves it out rather than dipping to the centre, where a section scored 0 would be.
    """
    drawing = canvas(width, height)
    radius = min(height / 2 - 36, width * 0.2)
    cx, cy = width / 2, height / 2 - 2
    label_room = cx - radius * 1.1 - 4
    count = len(points)
    angles = [math.pi / 2 - 2 * math.pi * i / count for i in range(count)]

    def at(fraction: float, angle: float) -> tuple[float, float]:
        return cx + radius * fraction * math.cos(angle), cy + radius * fraction * math.sin(angle)

    def ring(fraction: float) -> list[float]:
        return [c for angle in angles for c in at(fraction, angle)]

    rim = [at(1.0, angle) for angle in angles]
    for index, point in enumerate(points):
        if not point.drawn:
            before, after = rim[index - 1], rim[(index + 1) % count]
            mid_before = ((before[0] + rim[index][0]) / 2, (before[1] + rim[index][1]) / 2)
            mid_after = ((after[0] + rim[index][0]) / 2, (after[1] + rim[index][1]) / 2)
            hatch(drawing, [(cx, cy), mid_before, rim[index], mid_after])
    for fraction in (0.25, 0.5, 0.75, 1.0):
        drawing.add(Polygon(ring(fraction), fillColor=None, strokeColor=RULE, strokeWidth=0.5))
        x, y = at(fraction, angles[0])
        drawing.add(
            String(x + 3, y - 7, percent(fraction), fontName=REGULAR, fontSize=6, fillColor=MUTED)
        )
    for point, angle in zip(points, angles, strict=True):
        drawing.add(Line(cx, cy, *at(1.0, angle), strokeColor=RULE, strokeWidth=0.5))
        x, y = at(1.1, angle)
        anchor: Anchor = "middle" if abs(math.cos(angle)) < 0.3 else ("start" if x > cx else "end")
        lines = wrap(point.label, 7.5, label_room if anchor != "middle" else 2 * label_room)
        figure, note = point.words()
        below = (figure is not None) + (note is not None)
        if anchor == "middle" and y > cy:  # the top spoke: lift the label above the ring
            y += 9 * (len(lines) + below - 2) + 6
        ink = INK if point.drawn else MUTED
        for number, line in enumerate(lines):
            drawing.add(
                String(
                    x,
                    y - 3 - 9 * number,
                    line,
                    fontName=REGULAR,
                    fontSize=7.5,
                    fillColor=ink,
                    textAnchor=anchor,
                )
            )
        y -= 3 + 9 * len(lines)
        if figure is not None:
            drawing.add(
                String(x, y, figure, fontName=BOLD, fontSize=7, fillColor=ACCENT, textAnchor=anchor)
            )
            y -= 9
        if note is not None:
            font = REGULAR if point.drawn else ITALIC
            drawing.add(
                String(x, y, note, fontName=font, fontSize=6.5, fillColor=MUTED, textAnchor=anchor)
            )

    target = ring(ready_at)
    drawing.add(
        Polygon(
            target, fillColor=None, strokeColor=TARGET_INK, strokeWidth=0.9, strokeDashArray=[3, 2]
        )
    )
    entries = [("fill", "Readiness now"), ("target", f"Ready at {percent(ready_at)}")]
    if any(p.baseline is not None for p in points):
        baseline = [c for p, a in zip(points, angles, strict=True) for c in at(p.baseline or 0, a)]
        drawing.add(PolyLine([*baseline, *baseline[:2]], strokeColor=BASELINE_INK, strokeWidth=1.4))
        entries.append(("baseline", "Baseline"))
    vertices = [at(p.value or 0, a) for p, a in zip(points, angles, strict=True)]
    drawn = [p.drawn for p in points]
    if all(drawn):
        now = [c for vertex in vertices for c in vertex]
        drawing.add(
            Polygon(now, fillColor=ACCENT, fillOpacity=0.22, strokeColor=ACCENT, strokeWidth=1.4)
        )
    elif any(drawn):
        for run in _runs(drawn):
            corners = [c for i in run for c in vertices[i]]
            if len(run) > 1:
                drawing.add(
                    Polygon(
                        [cx, cy, *corners], fillColor=ACCENT, fillOpacity=0.22, strokeColor=None
                    )
                )
                drawing.add(PolyLine(corners, strokeColor=ACCENT, strokeWidth=1.4))
    for vertex, is_drawn in zip(vertices, drawn, strict=True):
        if is_drawn:
            drawing.add(Circle(*vertex, 1.8, fillColor=ACCENT, strokeColor=None))
    if any(p.state is AnswerState.NOT_ASSESSED for p in points):
        entries.append(NOT_ASSESSED_KEY)
    _legend(drawing, 0, height - 8, entries)
    return drawing


def bars(points: Sequence[Point], ready_at: float, conditional_at: float, width: float) -> Drawing:
    """One bar per clause, against the ready-at line (and the conditional one, fainter).

    At most MAX_BARS bars: a drawing cannot break across pages. A note says how many are left out.
    A clause nobody has answered gets a hatched grey track and the words "not assessed"
    instead of a figure; a partly answered one says how many of its criteria are answered.
    """
    left_out = max(0, len(points) - MAX_BARS)
    points = points[:MAX_BARS]
    row, top_room, bottom_room = 15.0, 22.0, 20.0
    label_width = 165.0
    figure_room = stringWidth(percent(1.0), BOLD, 7.5) + 6
    notes = [p.words()[1] for p in points]
    note_room = max((stringWidth(n, REGULAR, 6.5) + 6 for n in notes if n), default=0.0)
    value_width = max(40.0, figure_room + note_room)
    track = width - label_width - value_width
    height = top_room + bottom_room + row * len(points)
    drawing = canvas(width, height)
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
        ink = INK if point.drawn else MUTED
        drawing.add(String(0, y + 4.5, label, fontName=REGULAR, fontSize=7.5, fillColor=ink))
        if point.drawn:
            drawing.add(rect(x0, y + 2, track, row - 5, fillColor=TRACK, strokeColor=None))
        else:
            top = y + row - 3
            hatch(drawing, [(x0, y + 2), (x0 + track, y + 2), (x0 + track, top), (x0, top)])
        if point.drawn and point.value:
            drawing.add(
                rect(x0, y + 2, x_of(point.value) - x0, row - 5, fillColor=ACCENT, strokeColor=None)
            )
        if point.baseline is not None:
            bx = x_of(point.baseline)
            drawing.add(Line(bx, y, bx, y + row - 1, strokeColor=INK, strokeWidth=1.6))
        figure, note = point.words()
        if figure is not None:
            drawing.add(
                String(
                    width,
                    y + 4.5,
                    figure,
                    fontName=BOLD,
                    fontSize=7.5,
                    fillColor=INK,
                    textAnchor="end",
                )
            )
        if note is not None:
            drawing.add(
                String(
                    width - (figure_room if figure is not None else 0),
                    y + 4.5,
                    note,
                    fontName=REGULAR if figure is not None else ITALIC,
                    fontSize=6.5 if figure is not None else 7,
                    fillColor=MUTED,
                    textAnchor="end",
                )
            )
    target_marks: tuple[tuple[float, list[float], str, Anchor, float], ...] = (
        (conditional_at, [1, 2], f"conditional {percent(conditional_at)}", "end", -2),
        (ready_at, [3, 2], f"ready {percent(ready_at)}", "start", 2),
    )
    for fraction, dash, label, anchor, shift in target_marks:
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
    entries = [("tick", "Baseline")] if any(p.baseline is not None for p in points) else []
    if any(p.state is AnswerState.NOT_ASSESSED for p in points):
        entries.append(NOT_ASSESSED_KEY)
    _legend(drawing, 0, height - 8, entries, across=True)
    if left_out:
        note = f"{left_out} more not shown here; the tables below list every clause"
        drawing.add(String(0, 2, note, fontName=REGULAR, fontSize=6.5, fillColor=MUTED))
    return drawing
