"""A message kept for the next run: shown once, where it belongs, then gone.

An act (a save, a move, a sign-off) often ends with `st.rerun()` or happens in a callback, so
what it has to say is kept in the session until the page draws the place for it. Every page
keeps its messages this one way, under a key of its own; text is escaped as markdown when it is
shown, unless the caller built markdown itself (and escaped the user's parts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import streamlit as st

from ui.components.markdown import md_escape

Kind = Literal["success", "info", "warning", "error"]
_STORE = "notices"  # {key: Notice}


@dataclass(frozen=True)
class Notice:
    text: str
    kind: Kind = "success"
    details: tuple[str, ...] = ()  # further lines, shown as a list under the text
    markdown: bool = False  # `text` is markdown already, its user parts escaped
    link: str | None = None  # what the place showing it may add (e.g. "scoring")


def notify(
    key: str,
    text: str,
    *,
    kind: Kind = "success",
    details: Sequence[str] = (),
    markdown: bool = False,
    link: str | None = None,
) -> None:
    """Keep a message for the next time `show(key)` runs (a later one replaces it)."""
    st.session_state.setdefault(_STORE, {})[key] = Notice(
        text, kind, tuple(details), markdown, link
    )


def take(key: str) -> Notice | None:
    """The message kept under `key`, no longer kept (for a caller that shows it its own way)."""
    notice = st.session_state.get(_STORE, {}).pop(key, None)
    return notice if isinstance(notice, Notice) else None


def show(key: str) -> Notice | None:
    """Draw the message kept under `key`, once; returns it (None when there is none)."""
    notice = take(key)
    if notice is None:
        return None
    text = notice.text if notice.markdown else md_escape(notice.text)
    if notice.details:
        text += "\n" + "\n".join(f"- {md_escape(line)}" for line in notice.details)
    getattr(st, notice.kind)(text)
    return notice
