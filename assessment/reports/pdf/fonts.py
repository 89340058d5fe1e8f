"""The report's typeface: DejaVu Sans, shipped with the package and embedded in every PDF.

reportlab's built-in fonts (Helvetica and friends) only know Latin-1, so a Turkish or Polish
name, or a note in Greek or Cyrillic, would print as black boxes. DejaVu Sans covers
Latin (Polish, Turkish, ...), Greek and Cyrillic. The files live in `assessment/reports/fonts`
(with their licence) rather than being looked up in the system, because a fresh machine with
only Python has no system fonts at all. reportlab embeds only the glyphs a report uses.
"""

from __future__ import annotations

import threading
from importlib import resources

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"

_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", ITALIC: "DejaVuSans-Oblique.ttf"}
_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the DejaVu faces with reportlab once per process (the app builds reports from
    several threads, and reading a TTF takes tens of milliseconds)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        folder = resources.files("assessment.reports").joinpath("fonts")
        for name, file_name in _FILES.items():
            # as_file gives a real path even when the package is zipped; TTFont reads the whole
            # file at once, so the path need not outlive the `with`.
            with resources.as_file(folder.joinpath(file_name)) as path:
                pdfmetrics.registerFont(TTFont(name, str(path)))
        # <b> and <i> in Paragraph markup pick these faces; there is no bold-oblique file, so
        # bold italic falls back to bold.
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, ITALIC)
        addMapping(REGULAR, 1, 1, BOLD)
        _registered = True
