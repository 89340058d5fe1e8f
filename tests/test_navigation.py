"""The menu each role gets (the services check every call again; this is what a user sees)."""

from __future__ import annotations

import pytest

from assessment.access.roles import Actor, Role
from ui.navigation import menu_for

EVERYONE = [
    "Portfolio",
    "Dashboard",
    "Reports",
    "Complaint performance",
    "History",
    "Organizations",
    "Checklists",
]


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        (Actor.local_admin("root"), [*EVERYONE, "Scoring", "Corrective actions", "Evidence", "Users"]),
        (Actor("Lena", roles={1: Role.LEAD_ASSESSOR}), [*EVERYONE, "Scoring", "Corrective actions", "Evidence"]),
        (Actor("Ali", roles={1: Role.ASSESSOR}), [*EVERYONE, "Scoring", "Corrective actions", "Evidence"]),
        (Actor("Dana", roles={1: Role.CONTRIBUTOR}), [*EVERYONE, "Corrective actions", "Evidence"]),
        (Actor("Vera", roles={1: Role.VIEWER}), EVERYONE),
        (Actor("Vera", roles={1: Role.VIEWER, 2: Role.ASSESSOR}), [*EVERYONE, "Scoring", "Corrective actions", "Evidence"]),
        (Actor("Nobody"), ["Portfolio", "Organizations", "Checklists"]),
    ],
    ids=["system admin", "lead assessor", "assessor", "contributor", "viewer", "viewer here, assessor there", "no organization"],
)  # fmt: skip
def test_each_role_gets_the_pages_it_can_use(actor, expected):
    titles = [entry.title for entries in menu_for(actor).values() for entry in entries]
    assert sorted(titles) == sorted(expected)
