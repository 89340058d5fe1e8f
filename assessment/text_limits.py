"""How long each kind of text may be, declared once.

The file formats (pydantic `max_length`), the services (`within`), the app's inputs
(`max_chars`) and the database columns (`String(n)`) all read these numbers, so an over-long
value is refused where it enters, with its place (FILE:LINE:COL, or the field in the app), and
the same way on SQLite and PostgreSQL; never cut short without a word and never left to the
database (SQLite stores any length, PostgreSQL refuses with an error of its own).
"""

from __future__ import annotations

from assessment.errors import InvalidChange

TITLE = 300  # an assessment's, an action's or an evidence record's title; a checklist's
NAME = 200  # an organization's name; a person's (owner, team member, who checked, who signed)
REF = 40  # the id of an action or an evidence record (A1, E3)
CRITERION_ID = 120  # a checklist's criterion id
USERNAME = 60
EMAIL = 320  # the longest address the e-mail standards allow
FILE_NAME = 255  # an evidence file's original name
MEDIA_TYPE = 120
NOTE = 20_000  # an evidence note


def within(what: str, text: str, limit: int) -> str:
    """`text` itself when it is at most `limit` characters long; else refused, saying so."""
    if len(text) > limit:
        raise InvalidChange(
            f"{what} is {len(text):,} characters long; at most {limit:,} are allowed"
        )
    return text


def excerpt(text: str, limit: int = 40) -> str:
    """The start of `text` when it is long, marked as cut: how a fault message quotes a value.

    A fault names the value it refuses, but a 5,000-digit score or a pasted page must not
    bury the message: the start is enough to find it in the file.
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quoted(text: str, limit: int = 40) -> str:
    """`excerpt` in quotes, so spaces and an empty value are visible."""
    return repr(excerpt(text, limit))
