"""Streamlit entry point: page set-up, the sign-in gate and the navigation; pages live in ui/.

The menu is built from the signed-in user's roles (a viewer sees no scoring or evidence page), but that is
only a courtesy: every service call checks the acting user again. A refusal that reaches this
level (a role withdrawn between two clicks, an id of another client) is shown as a message.
"""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from assessment.access import Actor, Permission
from assessment.errors import AssessmentLocked, NotFound, PermissionDenied, SignInRefused
from ui import (
    actions_page,
    checklist_browser,
    dashboard,
    evidence_page,
    history_page,
    organizations_page,
    portfolio,
    reports,
    scoring,
    users_page,
)
from ui.database import app_store
from ui.sign_in import sidebar_identity, signed_in_actor


def _allowed(actor: Actor, needs: Permission | None) -> bool:
    return needs is None or actor.can_anywhere(needs)


def _navigation(actor: Actor) -> StreamlitPage:
    sections: dict[str, list[tuple[st.Page, Permission | None]]] = {
        "Assess": [
            (
                st.Page(portfolio.render, title="Portfolio", url_path="portfolio", default=True),
                None,
            ),
            (st.Page(scoring.render, title="Scoring", url_path="scoring"), Permission.SCORE),
        ],
        "Improve": [
            (
                st.Page(actions_page.render, title="Corrective actions", url_path="actions"),
                Permission.UPDATE_ASSIGNED_ACTIONS,
            ),
            (
                st.Page(evidence_page.render, title="Evidence", url_path="evidence"),
                Permission.ADD_EVIDENCE,
            ),
        ],
        "Report": [
            (st.Page(dashboard.render, title="Dashboard", url_path="dashboard"), Permission.VIEW),
            (st.Page(reports.render, title="Reports", url_path="reports"), Permission.VIEW),
            (st.Page(history_page.render, title="History", url_path="history"), Permission.VIEW),
        ],
        "Manage": [
            (
                st.Page(organizations_page.render, title="Organizations", url_path="organizations"),
                None,
            ),
            (
                st.Page(checklist_browser.render, title="Checklists", url_path="checklists"),
                None,
            ),
        ],
    }
    if actor.is_admin:
        sections["Manage"].append(
            (st.Page(users_page.render, title="Users", url_path="users"), None)
        )
    return st.navigation(
        {
            name: [page for page, needs in pages if _allowed(actor, needs)]
            for name, pages in sections.items()
        }
    )


st.set_page_config(page_title="ISO 10002 readiness", page_icon="✅", layout="wide")
store = app_store()
actor = signed_in_actor(store)
if actor is None:
    st.stop()
sidebar_identity(store, actor)
page = _navigation(actor)
try:
    page.run()
except (PermissionDenied, NotFound, AssessmentLocked, SignInRefused) as refusal:
    st.error(str(refusal))
