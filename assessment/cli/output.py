"""What the command line writes to the terminal: the one place where text is made safe for it,
and plain-text tables.

Titles, names and notes come from imported files and other people. Written raw, an escape
sequence in them could set the terminal's title, move the cursor, rewrite what was printed
before or hide text (ESC, BEL, CSI, carriage return, direction overrides). `say` shows every
such character as a visible `\\uXXXX` instead, the same notation JSON reads back, so a JSON
output stays valid and means the same. Every command writes through `say`
(tests/test_cli_terminal.py holds the command line to it).
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Sequence

import click

# Characters that change how the text around them is shown, though they are "printable":
# direction marks, embeddings, overrides and isolates.
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_KEPT = frozenset("\n\t")


def _shown(char: str) -> str:
    if char in _KEPT:
        return char
    if unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS:
        return f"\\u{ord(char):04x}"
    return char


def terminal_safe(text: str) -> str:
    """`text` with every control character (but newline and tab) and every direction control
    written as a visible `\\uXXXX`."""
    if text.isprintable():
        return text  # the common case, no character to look at
    return "".join(_shown(char) for char in text)


def say(text: str = "", *, err: bool = False, nl: bool = True, data: bool = False) -> None:
    """Write one message, table or document to the terminal (stderr with `err`).

    `data` is for a document whose own format already escapes control characters (YAML
    written by the portable-file writer): piped into a file or a program it is written
    unchanged, so it reads back as it was; shown on a terminal it is made safe like the rest
    (the YAML format leaves direction controls as they are).
    """
    raw = data and not (sys.stderr if err else sys.stdout).isatty()
    click.echo(text if raw else terminal_safe(text), err=err, nl=nl)


def render_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()
) -> str:
    """Columns padded to their widest cell (as shown: made terminal-safe first); column indexes
    in `right` are right-aligned."""
    headers = [terminal_safe(h) for h in headers]
    rows = [[terminal_safe(cell) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        padded = [
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])
