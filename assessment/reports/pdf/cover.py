"""The cover (who, what, against which checklist, when, by whom, in which state) and the
table of contents.

The cover pins the checklist by edition, content version and content hash: two reports can
only be compared when they were scored against the same questions.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, PageBreak, Spacer, TableStyle
from reportlab.platypus.tableofcontents import TableOfContents, defaultTableStyle

from assessment.errors import InvalidInput
from assessment.reports.pdf.context import CONTENTS, COVER, DISCLAIMER, Context, day
from assessment.reports.pdf.document import OutlineMark, heading
from assessment.reports.pdf.fonts import REGULAR
from assessment.reports.pdf.markup import TITLE_LIMIT, para, rich, text
from assessment.reports.pdf.tables import facts
from assessment.scoring.numbers import percent

LOGO_BOX = (55 * mm, 24 * mm)  # the most a logo may take: width, height


def logo_image(path: Path) -> Image:
    """The logo scaled into LOGO_BOX, keeping its proportions; a clear error if unreadable."""
    try:
        width, height = ImageReader(str(path)).getSize()
    except Exception as error:  # PIL raises many kinds; all mean "not an image we can use"
        raise InvalidInput(f"cannot use {path} as a logo: {error}") from error
    scale = min(LOGO_BOX[0] / width, LOGO_BOX[1] / height, 1.0)
    image = Image(str(path), width=width * scale, height=height * scale)
    image.hAlign = "RIGHT"
    return image


def _team(ctx: Context) -> Flowable:
    members = ctx.record.team
    if not members:
        return para("—", ctx.style.cell)
    return rich("<br/>".join(text(m, TITLE_LIMIT) for m in members), ctx.style.cell)


def _baseline(ctx: Context) -> Flowable:
    baseline = ctx.data.baseline
    if baseline is None:
        return para("None linked", ctx.style.cell)
    record = baseline.record
    return rich(
        f"{text(record.title, TITLE_LIMIT)} ({text(record.status.label.lower())}, "
        f"{day(record.start_date)} to {day(record.end_date)}), readiness "
        f"{percent(baseline.score.readiness)}",
        ctx.style.cell,
    )


def cover(ctx: Context, logo: Path | None) -> list[Flowable]:
    record, checklist, s = ctx.record, ctx.checklist, ctx.style
    story: list[Flowable] = [logo_image(logo)] if logo else [Spacer(1, LOGO_BOX[1])]
    story += [
        Spacer(1, 18 * mm),
        rich("ISO 10002 READINESS SELF-ASSESSMENT", s.small),
        heading(
            record.organization_name,
            s.title,
            OutlineMark(COVER[0], f"Cover: {record.organization_name}", 0),
        ),
        para(record.title, s.subtitle, TITLE_LIMIT),
        Spacer(1, 10 * mm),
    ]
    checklist_line = (
        f"{text(checklist.title, TITLE_LIMIT)}<br/>"
        f"{text(checklist.standard)}, edition {text(checklist.edition)}, content version "
        f"{checklist.version} (checklist id {text(checklist.id)})"
    )
    rows = [
        ("Scope", para(record.scope or "—", s.cell, 1500)),
        ("Checklist", rich(checklist_line, s.cell)),
        ("Content hash", para(checklist.content_hash, s.cell)),
        ("Assessment dates", para(f"{day(record.start_date)} to {day(record.end_date)}", s.cell)),
        ("Figures as of", para(day(ctx.data.today), s.cell)),
        ("Status", para(record.status.label, s.cell_bold)),
        ("Team", _team(ctx)),
        ("Baseline", _baseline(ctx)),
    ]
    story.append(facts(rows, (38 * mm, ctx.width - 38 * mm)))
    story += [Spacer(1, 12 * mm), para(DISCLAIMER, s.small), PageBreak()]
    return story


def contents(ctx: Context) -> list[Flowable]:
    """The table of contents: report sections, and the checklist's sections under the results."""
    # The contents lay out as a table of their own; in DejaVu like every table (see FastTable).
    table_style = TableStyle(
        [*defaultTableStyle.getCommands(), ("FONTNAME", (0, 0), (-1, -1), REGULAR)]
    )
    toc = TableOfContents(levelStyles=list(ctx.style.toc), dotsMinLevel=0, tableStyle=table_style)
    key, title = CONTENTS
    return [heading(title, ctx.style.h1, OutlineMark(key, title, 0)), toc, PageBreak()]
