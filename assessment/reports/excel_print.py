"""How each sheet of the workbook prints: page setup, and row heights that fit wrapped text.

Without a page setup a spreadsheet prints its columns across as many sheets of paper as they
need, so a label lands on one page and its value on another, and rows keep their default height
however many lines their text wraps to, so wrapped text overprints the next row. Every visible
sheet therefore gets a print area, fit to one page wide (any number of pages tall), landscape
when it is wide, its header row repeated on every page, margins, and a header and footer naming
the sheet and the page.

openpyxl cannot measure text, and neither Excel nor LibreOffice sizes the rows of a file it
opens (Excel sizes a row when a person edits it), so the height of a row is estimated here from
the length of its text and the width of its columns. The estimate errs on the side of a line too
many: white space is better than text cut off or printed over the next row.
"""

from __future__ import annotations

import unicodedata

from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from assessment.reports.spreadsheet_safety import restore, xlsx_text

DEFAULT_FONT_SIZE = 11.0
# Excel's default row for its 11 pt default font is 15 points high.
LINE_HEIGHT = 15.0
MAX_ROW_HEIGHT = 409.0  # the most Excel allows
# A column's width is counted in widths of the digit 0, so a character's width is given in
# digits too. The figures are those of DejaVu Sans, which LibreOffice sets where Calibri is
# missing; Calibri is narrower, so in Excel a row may keep some room to spare. Checked by
# printing the demo workbook, and a sheet of capitals, digits, hashes, links and accented
# names, with LibreOffice.
SPACE = 0.5
_NARROW = frozenset("ijlftrI.,:;'!|()[]{}/\\\"`-")
_WIDE = frozenset("mwMW@%")
CELL_PADDING = 1.0  # digits the cell's inner margins take from a line
BOLD = 1.1  # bold type is about a tenth wider
DEFAULT_COLUMN_WIDTH = 8.43  # Excel's, for a column the sheet sets no width for
# The column units a portrait page holds at a readable scale (about 85 %); a sheet wider than
# that prints landscape.
PORTRAIT_UNITS = 115.0
PAGE_FOOTER = "Page &P of &N"  # Excel's codes for the page number and the page count


def character_width(character: str) -> float:
    """The width of one character in digits: narrow letters and punctuation half a digit,
    most lower-case letters a little less than one, capitals a little more, m, w, M and W one
    and a half, East Asian characters two."""
    if character == " ":
        return SPACE
    if character in _NARROW:
        return 0.55
    if character in _WIDE:
        return 1.5
    if unicodedata.east_asian_width(character) in ("W", "F"):
        return 2.0
    if character.isupper():
        return 1.15
    if character.islower():
        return 0.95
    return 1.0


def text_width(text: str) -> float:
    """The width of a piece of text in digits."""
    return sum(character_width(c) for c in text)


def wrapped_lines(text: str, room: float) -> int:
    """How many lines `text` takes in a wrapping cell with `room` digits' width a line.

    Words wrap whole, as Excel and LibreOffice wrap them; a word longer than a line (a hash,
    a link) is broken where the line is full; each line end in the text starts a new line.
    """
    lines = 0
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        lines += 1
        used = 0.0  # the width taken on the current line
        for word in paragraph.split():
            width = text_width(word)
            if used and used + SPACE + width <= room:
                used += SPACE + width
                continue
            if used:
                lines, used = lines + 1, 0.0
            if width <= room:
                used = width
                continue
            for character in word:  # too long for any line: broken across lines
                step = character_width(character)
                if used and used + step > room:
                    lines, used = lines + 1, 0.0
                used += step
    return lines


def line_height(font_size: float = DEFAULT_FONT_SIZE) -> float:
    """The height of one line of text in points, for the cell's type size."""
    return LINE_HEIGHT * font_size / DEFAULT_FONT_SIZE


def column_width(sheet: Worksheet, column: int) -> float:
    """A column's width in units as the sheet shows it: 0 for a hidden column."""
    dimension = sheet.column_dimensions[get_column_letter(column)]
    if dimension.hidden:
        return 0.0
    return float(dimension.width) if dimension.customWidth else DEFAULT_COLUMN_WIDTH


def line_room(width: float, font_size: float = DEFAULT_FONT_SIZE, bold: bool = False) -> float:
    """The room for text on one line of a cell `width` units wide, in digits of the default
    type: less for larger or bold type."""
    return (width - CELL_PADDING) * DEFAULT_FONT_SIZE / font_size / (BOLD if bold else 1.0)


def _cell_height(cell: Cell, width: float) -> float:
    font = cell.font
    size = float(font.sz or DEFAULT_FONT_SIZE) if font else DEFAULT_FONT_SIZE
    room = line_room(width, size, bool(font and font.b))
    return wrapped_lines(str(cell.value), room) * line_height(size)


def fit_row_heights(sheet: Worksheet, last_column: int) -> None:
    """Give every row whose wrapping text needs more than one line the height it needs.

    A cell merged across columns wraps in their joint width. Rows that fit one line keep the
    default height, so Excel and LibreOffice size them as usual.
    """
    merged_widths: dict[str, float] = {}
    for merged in sheet.merged_cells.ranges:
        if merged.min_row == merged.max_row:
            merged_widths[merged.start_cell.coordinate] = sum(
                column_width(sheet, c) for c in range(merged.min_col, merged.max_col + 1)
            )
    rows = sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=last_column)
    for number, row in enumerate(rows, start=1):
        needed = 0.0
        for cell in row:
            if cell.value is None or not (cell.alignment and cell.alignment.wrap_text):
                continue
            width = merged_widths.get(cell.coordinate, column_width(sheet, cell.column))
            if width:
                needed = max(needed, _cell_height(cell, width))
        if needed > line_height(DEFAULT_FONT_SIZE):
            sheet.row_dimensions[number].height = min(needed, MAX_ROW_HEIGHT)


def printed_columns(sheet: Worksheet) -> int:
    """The last column that prints: trailing hidden columns (the import's helpers) do not."""
    last = max(sheet.max_column, 1)
    while last > 1 and column_width(sheet, last) == 0:
        last -= 1
    return last


def header_text(text: str, limit: int = 80) -> str:
    """User text for a page header: without what XML cannot carry, short (Excel takes 255
    characters for a whole header), and with `&`, which starts a code there, doubled. No
    apostrophe: a header is never read as a formula."""
    return restore(xlsx_text(text))[:limit].replace("&", "&&")


def prepare_for_print(sheet: Worksheet, *, title: str, gridlines: bool = True) -> None:
    """Page setup for one sheet; `write_table` has already set the header row to repeat.

    `title` (the assessment) heads every page beside the sheet's name, so a loose page says
    where it belongs.
    """
    last_column = printed_columns(sheet)
    fit_row_heights(sheet, last_column)
    sheet.print_area = f"A1:{get_column_letter(last_column)}{max(sheet.max_row, 1)}"
    wide = sum(column_width(sheet, c) for c in range(1, last_column + 1)) > PORTRAIT_UNITS
    setup = sheet.page_setup
    setup.orientation = "landscape" if wide else "portrait"
    setup.fitToWidth, setup.fitToHeight = 1, 0  # one page wide, as many pages tall as it takes
    # openpyxl types these parts of a sheet as optional; a sheet it creates always has them.
    fit = sheet.sheet_properties.pageSetUpPr
    if fit is None:
        fit = sheet.sheet_properties.pageSetUpPr = PageSetupProperties()
    fit.fitToPage = True
    # Inches; narrow at the sides, room above and below for the header and footer.
    sheet.page_margins = PageMargins(
        left=0.4, right=0.4, top=0.75, bottom=0.75, header=0.3, footer=0.3
    )
    sheet.print_options.gridLines = gridlines
    header, footer = sheet.oddHeader, sheet.oddFooter
    if header is None:
        header = sheet.oddHeader = HeaderFooterItem()
    if footer is None:
        footer = sheet.oddFooter = HeaderFooterItem()
    header.left.text = "&A"  # the sheet's name
    header.left.font = "-,Bold"
    header.right.text = header_text(title)
    footer.right.text = PAGE_FOOTER
