"""User text into reportlab Paragraph markup, safely.

A Paragraph reads its text as XML-like markup: an organization named
`<b>Acme & Sons</b> <font color=red>x` would turn bold and red, and `</para>` or a stray `&`
would stop the build. Every piece of user text (names, titles, notes, reasons, file names,
even checklist wording, which is user-editable YAML) goes through `text()` before it meets
markup; our own markup is only ever wrapped around escaped text.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

# Control characters break the markup parser or print as boxes; tabs and newlines are kept.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Notes may run to thousands of characters; a table row cannot grow past a page.
NOTE_LIMIT = 1200
TITLE_LIMIT = 300


def shorten(value: str, limit: int) -> str:
    """Cut `value` to about `limit` characters at a word boundary, marking the cut."""
    value = value.strip()
    if len(value) <= limit:
        return value
    cut = value[:limit].rsplit(" ", 1)[0] or value[:limit]
    return cut.rstrip() + " … (shortened; the full text is in the app and the exports)"


def text(value: object, limit: int | None = None) -> str:
    """Escape user text for Paragraph markup; line breaks become <br/>."""
    plain = _CONTROL.sub("", "" if value is None else str(value))
    if limit is not None:
        plain = shorten(plain, limit)
    return "<br/>".join(escape(plain).replace("\t", " ").splitlines())


def plain(value: object, limit: int | None = None) -> str:
    """User text for places that draw it without markup (header, footer, outline, metadata)."""
    flat = " ".join(_CONTROL.sub("", "" if value is None else str(value)).split())
    return shorten(flat, limit) if limit is not None else flat


def fit_width(value: str, font: str, size: float, width: float) -> str:
    """Cut drawn text (header, footer, chart labels) with an ellipsis to fit `width` points."""
    if stringWidth(value, font, size) <= width:
        return value
    while value and stringWidth(value + "…", font, size) > width:
        value = value[:-1]
    return value.rstrip() + "…"


def para(value: object, style: ParagraphStyle, limit: int | None = None) -> Paragraph:
    """A Paragraph of user text, shown literally."""
    return Paragraph(text(value, limit), style)


def rich(markup: str, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of our own markup; every user part in it must already be `text()`-escaped."""
    return Paragraph(markup, style)
