"""The original name of an uploaded file, cleaned for display and metadata only.

A name comes from the user's machine and is never trusted: it may hold folders ("../../etc/
passwd", "C:\\Users\\..."), control or direction-changing characters that disguise an ending
("report\u202efdp.exe"), or run to thousands of characters. The vault never uses it as a path:
files are stored under their SHA-256. This module only makes it safe to show.
"""

from __future__ import annotations

import unicodedata

MAX_NAME = 120
UNNAMED = "unnamed"


def clean_name(original: str | None, *, limit: int = MAX_NAME) -> str:
    """The last path part of `original`, without control or format characters, at most
    `limit` characters (the ending kept), never empty, never "." or ".."."""
    name = unicodedata.normalize("NFC", original or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Cc: control characters; Cf: format characters such as right-to-left override;
    # Co/Cs/Cn: private, surrogate and unassigned code points.
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = " ".join(name.split()).strip(" .")
    if not name:
        return UNNAMED
    if len(name) > limit:
        stem, dot, ending = name.rpartition(".")
        if dot and stem and 0 < len(ending) <= 10:
            name = stem[: limit - len(ending) - 2].rstrip() + "…." + ending
        else:
            name = name[: limit - 1].rstrip() + "…"
    return name


def name_ending(name: str) -> str:
    """The lower-case ending of a cleaned name, without the dot ("" when it has none)."""
    stem, dot, ending = name.rpartition(".")
    return ending.lower() if dot and stem else ""


def without_controls(text: str, *, keep: str = "\n\t") -> str:
    """`text` without control and format characters (terminal escapes, direction overrides),
    except those in `keep`."""
    return "".join(
        ch for ch in text if ch in keep or not unicodedata.category(ch).startswith(("Cc", "Cf"))
    )


def one_line(text: object) -> str:
    """A title or a name: no control characters, whitespace collapsed to single spaces."""
    return " ".join(without_controls(str(text or ""), keep="\t\n").split())
