"""A select box of records chosen by id, whose labels may change while it is on screen.

Streamlit hands a select box's value back by its label; when the label of the chosen option
changes between two runs (a stage moved, a title edited, an organization renamed), it returns
the old label text instead of an option. So the choice is kept by id outside the widget and
given to it on every run; the widget only shows and changes it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st


def record_picker(
    label: str,
    labels: Mapping[int, str],
    chosen: int,
    *,
    key: str,
    on_change: Callable[..., None] | None = None,
    args: tuple[Any, ...] = (),
    where: Any = st,
) -> int:
    """Draw the box on `where` (st or st.sidebar) showing `chosen`; return the id shown."""
    if chosen not in labels:
        chosen = next(iter(labels))
    st.session_state[key] = chosen
    value = where.selectbox(
        label,
        list(labels),
        format_func=labels.__getitem__,
        key=key,
        on_change=on_change,
        args=args,
    )
    return value if value in labels else chosen


def picked(key: str, labels: Mapping[int, str], fallback: int) -> int:
    """In an on_change callback: the id the user picked (never a stale label)."""
    value = st.session_state.get(key)
    return value if isinstance(value, int) and value in labels else fallback
