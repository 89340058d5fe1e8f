"""An assessment's team as people write it: names separated by commas.

A name may carry a role and an employer in brackets ("Priya Raman (lead assessor, Harrow &
Lane)"), so a comma inside brackets belongs to the name. The app's team field and anything else
that takes a team as one line of text read it here.
"""

from __future__ import annotations

TEAM_HELP = "Names separated by commas; a comma inside brackets stays part of the name."


def team_of(text: str) -> list[str]:
    """'Ana, Ben (lead, Acme) ,, Chi' -> ['Ana', 'Ben (lead, Acme)', 'Chi']."""
    names: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(depth - 1, 0)
        if char == "," and depth == 0:
            names.append("".join(current))
            current = []
        else:
            current.append(char)
    names.append("".join(current))
    return [" ".join(name.split()) for name in names if name.strip()]


def team_text(team: tuple[str, ...] | list[str]) -> str:
    """The team as one line, the way `team_of` reads it back."""
    return ", ".join(team)
