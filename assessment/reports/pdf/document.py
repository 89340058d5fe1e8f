"""The page machinery: A4 frame, header (not on the cover) and footer, "Page x of y", DRAFT
watermark, outline.

"Page x of y" needs the page count before the last page exists. reportlab already lays the
story out more than once to fill the table of contents (multiBuild), so each pass prints the
count found by the pass before, and a small indexing flowable (`PageCount`) keeps multiBuild
going until the count it printed is the count it found. The usual trick of replaying saved
pages at the end would break the bookmarks, which point at pages by number while they are
drawn.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import IO, Any, TypedDict, Unpack

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import IndexingFlowable

from assessment.reports.pdf.fonts import BOLD, REGULAR
from assessment.reports.pdf.markup import fit_width, plain, text
from assessment.reports.pdf.styles import ACCENT, MUTED, RULE, WATERMARK

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 20 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X


# True while a pass only measures the story (the first pass: its pages are thrown away).
_measuring: ContextVar[bool] = ContextVar("measuring", default=False)


class FastTable(Table):
    """A Table that skips drawing while the document is only being measured.

    Drawing a table wraps every cell again and is half the cost of a pass; the first pass of
    multiBuild only needs the layout (page breaks, contents, page count), never the ink.
    Splits stay FastTables: reportlab builds them with `self.__class__`.

    Every cell starts in DejaVu: reportlab sets each cell's font before drawing it, even a
    cell holding a Paragraph, and its default is Helvetica, which would then sit in the file
    as a font that is not embedded. A table's own style may still choose another face.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR)]))

    def draw(self) -> None:
        if not _measuring.get():
            super().draw()


@dataclass(frozen=True)
class PageDecor:
    """What every page carries around the content. Plain text: it is drawn, not parsed."""

    header_left: str
    header_right: str
    footer_left: str
    watermark: str | None  # "DRAFT" unless the assessment is final


@dataclass(frozen=True)
class OutlineMark:
    """A bookmark for a heading: `key` is also the heading's named destination."""

    key: str
    title: str  # plain user text; reportlab encodes it as a PDF string, not markup
    level: int
    toc_level: int | None = None
    closed: bool = False


class HeadingParagraph(Paragraph):
    """A Paragraph that carries its outline entry, read in `afterFlowable`.

    A paragraph split across pages is rebuilt from its class with no mark (the class's
    None), so only the part where the heading starts makes a bookmark.
    """

    outline: OutlineMark | None = None


def heading(title: str, style: ParagraphStyle, mark: OutlineMark) -> Paragraph:
    """A heading Paragraph with a named anchor where it stands, so the outline and the
    contents jump to the heading itself rather than to the top of its page."""
    paragraph = HeadingParagraph(f'<a name="{mark.key}"/>{text(title)}', style)
    paragraph.outline = mark
    return paragraph


class PageCount(IndexingFlowable):
    """Zero-size indexing flowable: satisfied once the printed page count is the real one."""

    def __init__(self, doc: ReportDocTemplate) -> None:
        super().__init__()
        self._doc = doc
        self._satisfied = False
        self.width = self.height = 0

    def isSatisfied(self) -> int:
        return int(self._satisfied)

    def afterBuild(self) -> None:
        found = self._doc.pages_found
        self._satisfied = found == self._doc.page_total
        self._doc.page_total = found

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        return None


class DocumentInfo(TypedDict, total=False):
    """The PDF's document information a caller may give: plain text, shown by viewers."""

    title: str
    author: str
    subject: str


class ReportDocTemplate(BaseDocTemplate):
    """A4 portrait, one frame; draws the decor and turns marked headings into bookmarks."""

    def __init__(
        self, target: str | IO[bytes], decor: PageDecor, **info: Unpack[DocumentInfo]
    ) -> None:
        super().__init__(
            target,
            pagesize=A4,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            creator="ISO 10002 readiness toolkit",
            # reportlab starts every page's text state in Helvetica, which is then listed in the
            # file as a font it does not embed; starting in DejaVu keeps every font embedded.
            initialFontName=REGULAR,
            **info,
        )
        self.decor = decor
        self.page_total: int | None = None  # as found by the previous pass
        self.pages_found = 0
        frame = Frame(
            MARGIN_X,
            MARGIN_BOTTOM,
            FRAME_WIDTH,
            PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
            id="body",
        )
        self.addPageTemplates(
            [PageTemplate("page", [frame], onPage=self._under, onPageEnd=self._over)]
        )

    def build(self, flowables: list[Flowable], *args: Any, **kwargs: Any) -> None:
        """One pass; the first only measures (no page count yet means it cannot be the last)."""
        token = _measuring.set(self.page_total is None)
        try:
            super().build(flowables, *args, **kwargs)
        finally:
            _measuring.reset(token)

    def handle_documentBegin(self) -> None:
        """Each pass starts a fresh canvas: ask viewers to open with the outline showing."""
        super().handle_documentBegin()
        self.canv.showOutline()

    def afterFlowable(self, flowable: Flowable) -> None:
        mark = flowable.outline if isinstance(flowable, HeadingParagraph) else None
        if mark is None:
            return
        self.canv.addOutlineEntry(plain(mark.title, 120), mark.key, mark.level, mark.closed)
        if mark.toc_level is not None:
            self.notify("TOCEntry", (mark.toc_level, text(mark.title), self.page, mark.key))

    def _under(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """Before the content: the watermark, so text stays readable on top of it."""
        if not self.decor.watermark:
            return
        canvas.saveState()
        canvas.setFillColor(WATERMARK)
        canvas.setFillAlpha(0.12)
        canvas.setFont(BOLD, 120)
        canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        canvas.rotate(52)
        canvas.drawCentredString(0, -40, self.decor.watermark)
        canvas.restoreState()

    def _over(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """After the content: header (not on the cover, page 1, which shows the same names in
        large type), footer and the page number."""
        self.pages_found = doc.page
        canvas.saveState()
        if doc.page > 1:
            self._header(canvas)
        self._footer(canvas, doc.page)
        canvas.restoreState()

    def _header(self, canvas: Canvas) -> None:
        top = PAGE_HEIGHT - 12 * mm
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN_X, top - 3, PAGE_WIDTH - MARGIN_X, top - 3)
        canvas.setFillColor(MUTED)
        right = self.decor.header_right
        canvas.setFont(REGULAR, 7.5)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, top, right)
        room = FRAME_WIDTH - stringWidth(right, REGULAR, 7.5) - 12
        canvas.setFont(BOLD, 7.5)
        canvas.drawString(MARGIN_X, top, fit_width(self.decor.header_left, BOLD, 7.5, room))

    def _footer(self, canvas: Canvas, page: int) -> None:
        bottom = 11 * mm
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN_X, bottom + 9, PAGE_WIDTH - MARGIN_X, bottom + 9)
        number = f"Page {page} of {self.page_total}" if self.page_total else f"Page {page}"
        canvas.setFont(BOLD, 7.5)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, bottom, number)
        canvas.setFont(REGULAR, 7)
        room = FRAME_WIDTH - stringWidth(number, BOLD, 7.5) - 12
        canvas.drawString(MARGIN_X, bottom, fit_width(self.decor.footer_left, REGULAR, 7, room))


def build(doc: ReportDocTemplate, story: list[Flowable]) -> None:
    """Lay the story out until the contents and the page count are both settled."""
    doc.multiBuild([PageCount(doc), *story])
