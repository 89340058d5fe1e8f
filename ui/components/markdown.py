"""Showing text from checklists and users inside Streamlit markdown without it acting as markup."""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: str) -> str:
    """Backslash-escape every markdown (and HTML) special character in user or file text."""
    return _SPECIAL.sub(r"\\\1", text)
