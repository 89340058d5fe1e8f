"""Short clause labels for charts: the ref and the first words of the title, "4.10 Confidentiality".

A chart axis has room for a few words, and a label cut in the middle of a word ("Satisfaction
with the complaints-handl") is hard to read. Every chart, in the app and in the PDF, labels a
clause with `clause_label`, so the same clause reads the same everywhere; tables keep the full
title. The ref always comes first and whole, so 4.1 and 4.10 can never look alike.
"""

from __future__ import annotations

SHORT_TITLE = 34  # characters of title; about what a chart label shows in one line

# Words a cut title should not end on ("Monitoring of the…" says less than "Monitoring…").
_LINKING = frozenset({"a", "an", "and", "by", "for", "in", "of", "on", "or", "the", "to", "with"})


def short_title(title: str, limit: int = SHORT_TITLE) -> str:
    """The title whole if it fits in `limit` characters, otherwise its first whole words
    (not ending on a linking word like "of the") followed by "…"."""
    words = title.split()
    whole = " ".join(words)
    if len(whole) <= limit:
        return whole
    kept: list[str] = []
    for word in words:
        if len(" ".join([*kept, word])) + 1 > limit:  # +1 leaves room for the ellipsis
            break
        kept.append(word)
    while kept and kept[-1].lower() in _LINKING:
        kept.pop()
    if not kept:  # a first word longer than the limit: cut it
        return whole[: limit - 1].rstrip() + "…"
    return " ".join(kept).rstrip(",;:") + "…"


def clause_label(ref: str, title: str, limit: int = SHORT_TITLE) -> str:
    """'4.10 Confidentiality'; a long title shortened by `short_title`."""
    return f"{ref} {short_title(title, limit)}".strip()
