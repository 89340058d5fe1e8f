"""The sidebar's choice of organization and assessment, shared by every page that works on one.

This component owns its session-state keys; pages ask it for the chosen assessment and never
read those keys themselves.
"""

from __future__ import annotations

import streamlit as st

from assessment.services.assessments import AssessmentRecord, list_assessments
from assessment.services.organizations import get_organization
from assessment.storage.store import Store
from ui.database import app_store
from ui.identity import current_actor

ORGANIZATION_KEY = "selection_organization"
ASSESSMENT_KEY = "selection_assessment"


def selected_assessment(store: Store) -> AssessmentRecord | None:
    """Draw the pickers in the sidebar and return the chosen assessment (None when there is none)."""
    records = list_assessments(store, current_actor())
    if not records:
        st.sidebar.caption(
            "No assessments yet: load the demo data or import a file on the Portfolio page."
        )
        return None
    organizations = sorted({r.organization_name for r in records})
    if st.session_state.get(ORGANIZATION_KEY) not in organizations:
        st.session_state[ORGANIZATION_KEY] = _work_in_progress(records).organization_name
    organization = st.sidebar.selectbox("Organization", organizations, key=ORGANIZATION_KEY)
    mine = [r for r in records if r.organization_name == organization]
    by_id = {r.id: r for r in mine}
    if st.session_state.get(ASSESSMENT_KEY) not in by_id:
        st.session_state[ASSESSMENT_KEY] = _work_in_progress(mine).id
    chosen = st.sidebar.selectbox(
        "Assessment",
        list(by_id),
        format_func=lambda i: f"{by_id[i].title} ({by_id[i].status.label.lower()})",
        key=ASSESSMENT_KEY,
    )
    return by_id[chosen]


def _work_in_progress(records: list[AssessmentRecord]) -> AssessmentRecord:
    """What to open first: the newest assessment being worked on, else the newest of all."""
    active = [r for r in records if r.status.value in ("in_progress", "in_review")]
    return max(active or records, key=lambda r: r.id)


def select(organization_id: int, assessment_id: int) -> None:
    """Make an assessment the sidebar's choice (one just started on the Organizations page).

    Call it from a widget callback, or before the pickers are drawn in this run: Streamlit
    refuses to change a widget's value once the widget is on the page.
    """
    organization = get_organization(app_store(), current_actor(), organization_id)
    st.session_state[ORGANIZATION_KEY] = organization.name
    st.session_state[ASSESSMENT_KEY] = assessment_id
