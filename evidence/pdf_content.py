"""Active content in a PDF: what a reader's viewer could run or unpack when the auditor opens it.

A PDF can carry JavaScript (run on opening or on a click), a Launch action (starts a program),
embedded files (attachments, any type), an XML form (XFA, which can script) or data appended
after its end (a zip hidden behind the document). The vault refuses a PDF that holds any of
these, as it refuses Office files with macros, with a sentence naming what was found. The PDF
is read with a real parser (pypdf), walking every object reachable from the document, so a
name split across a stream or written with escapes is still found; only the appended data is
judged from the bytes after the last end-of-file marker.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING

from evidence.errors import Refused

if TYPE_CHECKING:  # pypdf itself is imported when a PDF is checked, not with the vault
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject, PdfObject

# Action types that run or start something, by the name a PDF gives them.
_RUNNING_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "an action that starts a program (Launch)",
    "/RichMedia": "embedded media that can run script (RichMedia)",
    "/ImportData": "an action that imports data from another file (ImportData)",
}
# Bytes after the last %%EOF that are not worth a word (line ends, a little padding).
APPENDED_ALLOWANCE = 512
SAVE_CLEAN = (
    "a viewer could run it on the auditor's machine; print the document to a new PDF (or save "
    "it without scripts and attachments) and add that"
)


def check_pdf(content: bytes) -> None:
    """Refuse a PDF with active content, saying what was found; a clean PDF passes."""
    if zipfile.is_zipfile(io.BytesIO(content)):
        raise _refused("a PDF that is also a zip archive (one is hidden inside the other)")
    appended = _appended(content)
    if appended > APPENDED_ALLOWANCE:
        raise _refused(
            f"a PDF with {appended:,} bytes of other data appended after its end, "
            "which can hide a file"
        )
    from pypdf.errors import DependencyError, PyPdfError

    try:
        reader = _reader(content)
        found = _first_active(reader)
    except Refused:
        raise
    except (
        PyPdfError,  # PdfReadError, and LimitReachedError for a size no real PDF declares
        DependencyError,  # a part pypdf needs an optional library to decode
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        RecursionError,
    ):
        raise Refused(
            "this file is a PDF that cannot be read as one: its content cannot be checked for "
            "scripts; open it, save it again as PDF and add that"
        ) from None
    if found is not None:
        raise _refused(f"a PDF with {found}")


def _refused(what: str) -> Refused:
    return Refused(f"this file is {what}: {SAVE_CLEAN}")


def _appended(content: bytes) -> int:
    end = content.rfind(b"%%EOF")
    if end < 0:
        return 0  # no end marker: the parser judges the file
    return len(content[end + 5 :].strip(b"\r\n\t \x00"))


def _reader(content: bytes) -> PdfReader:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are not the user's
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        opened = not reader.is_encrypted or bool(reader.decrypt(""))
    except NotImplementedError:  # an encryption handler other than the standard one
        raise Refused(
            "this file is a PDF encrypted in a way that cannot be opened here: its content "
            "cannot be checked for scripts; save it without encryption and add that"
        ) from None
    if not opened:
        raise Refused(
            "this file is a password-protected PDF: its content cannot be checked for "
            "scripts; save it without a password and add that"
        )
    return reader


def _first_active(reader: PdfReader) -> str | None:
    """What active content the document holds, in words, or None."""
    for dictionary in _dictionaries(reader.trailer["/Root"]):
        kind = dictionary.get("/S")
        if kind in _RUNNING_ACTIONS:
            return _RUNNING_ACTIONS[str(kind)]
        if "/JS" in dictionary:
            return _RUNNING_ACTIONS["/JavaScript"]
        if "/JavaScript" in dictionary and dictionary.get("/Type") != "/Action":
            return _RUNNING_ACTIONS["/JavaScript"]  # the document's JavaScript name tree
        if "/EmbeddedFiles" in dictionary or dictionary.get("/Type") == "/EmbeddedFile":
            return "embedded files (attachments, which can be of any type)"
        if "/EF" in dictionary:
            return "embedded files (attachments, which can be of any type)"
        if "/XFA" in dictionary:
            return "an XML form (XFA), which can run scripts"
    return None


def _dictionaries(root: PdfObject) -> Iterator[DictionaryObject]:
    """Every dictionary reachable from `root` (streams' dictionaries included), each once."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    pending: list[PdfObject] = [root]
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            resolved = item.get_object()
            if resolved is None:
                continue
            item = resolved
        if isinstance(item, DictionaryObject):
            yield item
            pending.extend(value for name, value in item.items() if name != "/Parent")
        elif isinstance(item, ArrayObject):
            pending.extend(item)
