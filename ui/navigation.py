"""The app's menu, built from the acting user's roles.

Each page names the permission it needs in at least one organization; the menu leaves out
what the user could not use. It is a courtesy, not the protection: the services check every
call again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assessment.access.roles import Actor, Permission
from ui.pages import (
    actions_page,
    complaints_page,
    evidence_page,
    history_page,
    organizations_page,
    users_page,
)
from ui.pages import checklists_page as checklist_browser
from ui.pages import dashboard_page as dashboard
from ui.pages import portfolio_page as portfolio
from ui.pages import reports_page as reports
from ui.pages import scoring_page as scoring


@dataclass(frozen=True)
class PageEntry:
    title: str
    url_path: str
    render: Callable[[], None]
    needs: Permission | None = None  # in some organization; None: everyone signed in
    admin_only: bool = False  # a system administrator's page
    default: bool = False


MENU: dict[str, tuple[PageEntry, ...]] = {
    "Assess": (
        PageEntry("Portfolio", "portfolio", portfolio.render, default=True),
        PageEntry("Scoring", "scoring", scoring.render, Permission.SCORE),
    ),
    "Improve": (
        PageEntry(
            "Corrective actions",
            "actions",
            actions_page.render,
            Permission.UPDATE_ASSIGNED_ACTIONS,
        ),
        PageEntry("Evidence", "evidence", evidence_page.render, Permission.ADD_EVIDENCE),
    ),
    "Report": (
        PageEntry("Dashboard", "dashboard", dashboard.render, Permission.VIEW),
        PageEntry("Reports", "reports", reports.render, Permission.VIEW),
        PageEntry("Complaint performance", "complaints", complaints_page.render, Permission.VIEW),
        PageEntry("History", "history", history_page.render, Permission.VIEW),
    ),
    "Manage": (
        PageEntry("Organizations", "organizations", organizations_page.render),
        PageEntry("Checklists", "checklists", checklist_browser.render),
        PageEntry("Users", "users", users_page.render, admin_only=True),
    ),
}


def menu_for(actor: Actor) -> dict[str, list[PageEntry]]:
    """The sections and pages this actor gets, in menu order (empty sections left out)."""
    menu: dict[str, list[PageEntry]] = {}
    for section, entries in MENU.items():
        allowed = [
            entry
            for entry in entries
            if (actor.is_admin or not entry.admin_only)
            and (entry.needs is None or actor.can_anywhere(entry.needs))
        ]
        if allowed:
            menu[section] = allowed
    return menu
