"""Streamlit entry point: page set-up and navigation only; pages live in ui/."""

from __future__ import annotations

import streamlit as st

from ui import (
    actions_page,
    checklist_browser,
    dashboard,
    evidence_page,
    portfolio,
    reports,
    scoring,
)

st.set_page_config(page_title="ISO 10002 readiness", page_icon="✅", layout="wide")
page = st.navigation(
    {
        "Assess": [
            st.Page(portfolio.render, title="Portfolio", url_path="portfolio", default=True),
            st.Page(scoring.render, title="Scoring", url_path="scoring"),
        ],
        "Improve": [
            st.Page(actions_page.render, title="Corrective actions", url_path="actions"),
            st.Page(evidence_page.render, title="Evidence", url_path="evidence"),
        ],
        "Report": [
            st.Page(dashboard.render, title="Dashboard", url_path="dashboard"),
            st.Page(reports.render, title="Reports", url_path="reports"),
        ],
        "Manage": [st.Page(checklist_browser.render, title="Checklists", url_path="checklists")],
    }
)
page.run()
