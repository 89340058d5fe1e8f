"""The two table shapes of the report: a register (header row repeated on every page) and a
key-value block (cover facts, summary figures).

Every cell holds a Paragraph built from escaped text, never a bare string: a bare string is not
wrapped, so a long title would run off the page.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from assessment.reports.pdf.document import FastTable
from assessment.reports.pdf.fonts import REGULAR
from assessment.reports.pdf.markup import para, rich
from assessment.reports.pdf.styles import ACCENT, ACCENT_TINT, INK, RULE, ZEBRA, Tone, css, styles

Cell = Flowable | str
# A table style command: its name, the first and last cell it applies to, then its values.
Command = tuple[str, tuple[int, int], tuple[int, int], *tuple[object, ...]]


PADDING = 4  # left and right, in every register cell


def check_header(labels: Sequence[str], widths: Sequence[float]) -> None:
    """Refuse a column too narrow for a word of its header: reportlab would break the word
    ("Criterio / n"), which no reader should see. Header labels are ours, so this is a fault
    in the report's layout, found by the tests that build a report."""
    style = styles().head
    for label, width in zip(labels, widths, strict=True):
        for word in label.split():
            needed = stringWidth(word, style.fontName, style.fontSize) + 2 * PADDING
            if needed > width:
                raise ValueError(
                    f"column {label!r} is {width} pt wide; its word {word!r} needs {needed:.1f}"
                )


def head_row(labels: Sequence[str]) -> list[Cell]:
    """A header row of our own labels (escaped all the same: they are plain words)."""
    return [para(label, styles().head) for label in labels]


def register(
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[float],
    *,
    extra: Sequence[Command] = (),
    zebra: bool = True,
    row_rules: bool = True,
) -> Table:
    """A register table: header repeated on each page, thin rules, rows split across pages.

    `row_rules=False` leaves the rules between rows to the caller (records of two rows).
    Short values of our own (numbers, dates) may be plain strings: they cost a tenth of a
    Paragraph to lay out, and the font commands below make them look the same.
    """
    check_header(header, widths)
    table = FastTable(
        [head_row(header), *rows],
        colWidths=list(widths),
        repeatRows=1,
        splitInRow=1,  # a row with a long note may split rather than overflow the page
        hAlign="LEFT",
    )
    commands: list[Command] = [
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT_TINT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 1), (-1, -1), REGULAR),
        ("FONTSIZE", (0, 1), (-1, -1), 8),
        ("LEADING", (0, 1), (-1, -1), 10.2),
        ("TEXTCOLOR", (0, 1), (-1, -1), INK),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
    ]
    if row_rules:
        commands.append(("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE))
    if zebra:
        commands.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, ZEBRA]))
    table.setStyle(TableStyle([*commands, *extra]))
    return table


def align(column: int, how: str) -> Command:
    """Align the plain-string cells of one column ("CENTER" or "RIGHT")."""
    return ("ALIGN", (column, 1), (column, -1), how)


def tone_cell(column: int, row: int, tone: Tone) -> Command:
    """The background command that colours one cell (row counts the header as 0)."""
    return ("BACKGROUND", (column, row), (column, row), tone.background)


def toned(markup: str, tone: Tone, *, bold: bool = True) -> Paragraph:
    """Our markup (already escaped) in the tone's dark ink, for a coloured cell."""
    style = styles().cell_bold if bold else styles().cell
    return rich(f'<font color="{css(tone.ink)}">{markup}</font>', style)


def facts(pairs: Sequence[tuple[str, Cell]], widths: tuple[float, float]) -> Table:
    """Label / value lines without a header, for the cover and the appendix."""
    rows = [[para(label, styles().cell_bold), value] for label, value in pairs]
    table = FastTable(rows, colWidths=list(widths), hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table
