"""Colours, type sizes and the traffic-light tones of the readiness pack.

One accent colour (#1f5fa8) carries headings and table heads; green, amber and red appear only
as pale cell backgrounds behind a score or a readiness figure, always beside a word that says
the same thing, so the report reads in black and white and to colour-blind readers too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, partial

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle

from assessment.checklist.model import ReadinessRules
from assessment.reports.pdf.fonts import BOLD, ITALIC, REGULAR, register_fonts
from assessment.scoring.engine import CriterionResult
from assessment.scoring.findings import Finding
from assessment.scoring.progress import Progress
from assessment.scoring.verdict import Verdict

ACCENT = colors.HexColor("#1f5fa8")
ACCENT_TINT = colors.HexColor("#e7eef7")
INK = colors.HexColor("#1d2733")
MUTED = colors.HexColor("#5b6673")
RULE = colors.HexColor("#c9d1da")
ZEBRA = colors.HexColor("#f6f8fa")
WATERMARK = colors.HexColor("#8c96a3")


@dataclass(frozen=True)
class Tone:
    """A traffic-light state: pale background, dark text of the same hue, and its word."""

    background: colors.Color
    ink: colors.Color
    word: str


GOOD = Tone(colors.HexColor("#e0f0e4"), colors.HexColor("#1e6b34"), "at target")
WARN = Tone(colors.HexColor("#fcefd3"), colors.HexColor("#8a5a00"), "below target")
BAD = Tone(colors.HexColor("#f9dcdc"), colors.HexColor("#a12a2a"), "well below target")
NONE = Tone(colors.HexColor("#eef0f2"), MUTED, "not assessed")

_FINDING_TONES = {
    Finding.CONFORMING: GOOD,
    Finding.OFI: GOOD,
    Finding.MINOR: WARN,
    Finding.MAJOR: BAD,
}


def css(colour: colors.Color) -> str:
    """'#1f5fa8' for a <font color> attribute."""
    return "#" + colour.hexval()[2:]


def criterion_tone(result: CriterionResult) -> Tone:
    """Follows the finding, so an auditor's override (a gap of 1 judged major) shows red."""
    if result.finding is None:
        return NONE
    return _FINDING_TONES[result.finding]


def readiness_tone(
    readiness: float | None, rules: ReadinessRules, progress: Progress | None = None
) -> Tone:
    """Green from `ready_at`, amber from `conditional_at`, red below: the verdict's own bars.

    Grey when nothing is answered (`progress` not assessed): its readiness of 0 is only the
    unanswered criteria counted as 0, and red would say "scored badly".
    """
    if readiness is None or (progress is not None and progress.not_assessed):
        return NONE
    if readiness + 1e-9 >= rules.ready_at:
        return GOOD
    if readiness + 1e-9 >= rules.conditional_at:
        return WARN
    return BAD


def verdict_tone(verdict: Verdict) -> Tone:
    return {Verdict.READY: GOOD, Verdict.CONDITIONAL: WARN, Verdict.NOT_READY: BAD}[verdict]


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    bullet: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_note: ParagraphStyle
    head: ParagraphStyle
    figure: ParagraphStyle
    figure_label: ParagraphStyle
    toc: tuple[ParagraphStyle, ...]


@cache
def styles() -> Styles:
    """The paragraph styles, made once (fonts must be registered before a style names them)."""
    register_fonts()
    base = ParagraphStyle(
        "body",
        fontName=REGULAR,
        bulletFontName=REGULAR,  # reportlab's default for bullets is Helvetica, not embedded
        fontSize=9.5,
        leading=13.5,
        textColor=INK,
        spaceAfter=5,
    )

    # A partial rather than a wrapper, so each style's settings are checked against
    # ParagraphStyle's own parameters.
    derive = partial(ParagraphStyle, parent=base)

    cell = derive("cell", fontSize=8, leading=10.2, spaceAfter=0)
    return Styles(
        title=derive("title", fontName=BOLD, fontSize=24, leading=30, textColor=ACCENT),
        subtitle=derive("subtitle", fontSize=14, leading=19, spaceAfter=4),
        h1=derive("h1", fontName=BOLD, fontSize=16, leading=21, textColor=ACCENT, spaceAfter=10),
        h2=derive(
            "h2",
            fontName=BOLD,
            fontSize=12.5,
            leading=16,
            spaceBefore=12,
            spaceAfter=6,
        ),
        h3=derive(
            "h3",
            fontName=BOLD,
            fontSize=10,
            leading=13,
            spaceBefore=9,
            spaceAfter=4,
        ),
        body=base,
        small=derive("small", fontSize=8, leading=10.5, textColor=MUTED),
        bullet=derive("bullet", leftIndent=11, bulletIndent=0, spaceAfter=3),
        cell=cell,
        cell_bold=ParagraphStyle("cell_bold", parent=cell, fontName=BOLD),
        cell_note=ParagraphStyle("cell_note", parent=cell, fontName=ITALIC, textColor=MUTED),
        head=ParagraphStyle("head", parent=cell, fontName=BOLD, textColor=ACCENT),
        figure=derive(
            "figure", fontName=BOLD, fontSize=17, leading=21, alignment=TA_LEFT, spaceAfter=0
        ),
        figure_label=derive("figure_label", fontSize=7.5, leading=9.5, textColor=MUTED),
        toc=(
            derive("toc0", fontName=BOLD, fontSize=10, leading=15, leftIndent=0),
            derive("toc1", fontSize=9, leading=12.5, leftIndent=14, textColor=MUTED),
        ),
    )
