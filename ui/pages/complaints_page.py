"""Report → Complaint performance: the chosen client's complaint register, measured.

The indicators of the period against their targets, with the criteria each informs, and the
figures behind them: volumes by month and channel, acknowledgement and resolution times
against target, the backlog's age, outcomes, satisfaction with the handling, the recurring
causes. Filtered by period, channel and category; every number comes from the core
(`assessment.services.complaints.complaint_performance`). Keys start with `complaints_`.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from assessment.access.roles import Permission
from assessment.complaints.indicators import Period
from assessment.complaints.performance import Filter
from assessment.services.complaints import complaint_performance
from ui.components import complaint_charts as charts
from ui.components.database import app_store
from ui.components.identity import current_actor
from ui.components.markdown import md_escape
from ui.components.register_import import register_import
from ui.components.selection import page_heading, selected_assessment

PERIOD_KEY = "complaints_period"
CHANNELS_KEY = "complaints_channels"
CATEGORIES_KEY = "complaints_categories"


def _period() -> Period:
    today = date.today()
    chosen = st.date_input(
        "Complaints received",
        value=(today - timedelta(days=364), today),
        key=PERIOD_KEY,
        help="From the first day to the last, both included.",
    )
    if isinstance(chosen, tuple) and len(chosen) == 2:
        return Period(chosen[0], chosen[1])
    first = chosen[0] if isinstance(chosen, tuple) and chosen else today
    return Period(first, first)  # while the second day is being picked


def _indicator_table(found) -> None:
    rows = [
        {
            "Indicator": v.indicator.title,
            "Value": v.shown,
            "Target": v.target_shown,
            "Met": {True: "yes", False: "no", None: "–"}[v.met],
            "Complaints": v.counted,
            "Criteria": ", ".join(v.indicator.criteria),
        }
        for v in found.indicators
    ]
    # A plain table: every indicator in view at once (a projector shows no scroll bars), and
    # its text is the page's own, for reading aloud and for a screen reader.
    st.table(pd.DataFrame(rows), hide_index=True, border="horizontal")


def render() -> None:
    store = app_store()
    record = selected_assessment(store)
    page_heading("Complaint performance", record)
    if record is None:
        st.info(
            "Nothing to show yet. Load the demo data or import an assessment on the Portfolio page."
        )
        return
    actor = current_actor()
    may_import = actor.can(Permission.MANAGE_ASSESSMENTS, record.organization_id)
    top = st.columns([2, 2, 2])
    with top[0]:
        period = _period()
    found = complaint_performance(store, actor, record.organization_id, period)
    channels = top[1].multiselect(
        "Channels", list(found.channels), key=CHANNELS_KEY, placeholder="every channel"
    )
    categories = top[2].multiselect(
        "Categories", list(found.categories), key=CATEGORIES_KEY, placeholder="every category"
    )
    if channels or categories:
        found = complaint_performance(
            store,
            actor,
            record.organization_id,
            period,
            chosen=Filter(tuple(channels), tuple(categories)),
        )
    if not found.channels and not found.categories and found.complaints == 0:
        st.info(
            f"{md_escape(record.organization_name)} has no complaint register yet. Import one "
            "below, or with `iso10002 complaints import`."
        )
        if may_import:
            register_import(store, record.organization_id, expanded=True)
        return
    st.caption(
        f"{found.complaints:,} complaints received from {period.start:%d %b %Y} to {period.end:%d %b %Y}."
    )
    _indicator_table(found)
    left, right = st.columns(2)
    with left:
        st.subheader("Complaints by month and channel")
        st.plotly_chart(charts.volume_by_channel(found))
        st.subheader("Acknowledgement time")
        st.plotly_chart(charts.acknowledgement(found))
        st.subheader("Backlog at the end of the period")
        st.plotly_chart(charts.backlog(found))
    with right:
        st.subheader("Recurring causes")
        st.plotly_chart(charts.causes(found))
        st.subheader("Resolution time")
        st.plotly_chart(charts.resolution(found))
        st.subheader("Outcomes")
        st.plotly_chart(charts.outcomes(found))
    st.subheader("Satisfaction with the handling")
    st.plotly_chart(charts.satisfaction(found))
    if may_import:
        register_import(store, record.organization_id, expanded=False)
