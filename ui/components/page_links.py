"""Links from one page to another that open the chosen assessment there.

The Page objects carry the same url_path as app.py's menu (ui/navigation.py), so Streamlit
opens that page. They are built here, not imported from the menu, because the menu imports
every page module and a page importing it back would import in a circle.
"""

from __future__ import annotations

import streamlit as st

from assessment.services.assessments import AssessmentRecord
from ui.components.selection import ASSESSMENT_PARAM, ORGANIZATION_PARAM, select
from ui.pages import dashboard_page as dashboard
from ui.pages import scoring_page as scoring


def scoring_page() -> st.Page:
    return st.Page(scoring.render, title="Scoring", url_path="scoring")


def dashboard_page() -> st.Page:
    return st.Page(dashboard.render, title="Dashboard", url_path="dashboard")


def open_on(page: st.Page, record: AssessmentRecord) -> None:
    """Make `record` the choice and go to `page`, with the choice in the URL."""
    select(record.organization_id, record.id)
    st.switch_page(
        page,
        query_params={
            ORGANIZATION_PARAM: str(record.organization_id),
            ASSESSMENT_PARAM: str(record.id),
        },
    )
