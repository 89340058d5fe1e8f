"""The management dashboard: how ready are we, where, since when, and what is late."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from assessment.errors import InvalidChange
from assessment.scoring.numbers import percent, points
from assessment.services.actions import list_actions
from assessment.services.assessments import open_assessment
from assessment.services.comparisons import compare_with_baseline
from assessment.services.evidence_metrics import evidence_coverage
from assessment.workflow.corrective_action import OPEN_STATUSES
from ui.components import charts
from ui.components.database import app_store
from ui.components.identity import current_actor
from ui.components.markdown import md_escape
from ui.components.selection import page_heading, selected_assessment


def render() -> None:
    store = app_store()
    record = selected_assessment(store)
    page_heading("Dashboard", record)
    if record is None:
        st.info(
            "Nothing to show yet. Load the demo data or import an assessment on the Portfolio page."
        )
        return
    today = date.today()
    opened = open_assessment(store, current_actor(), record.id, today=today)
    comparison = None
    if record.baseline_id is not None:
        try:
            comparison = compare_with_baseline(store, current_actor(), record.id, opened=opened)[2]
        except InvalidChange:
            comparison = None
    actions = list_actions(store, current_actor(), record.id)
    coverage = evidence_coverage(store, current_actor(), record.id, today)
    overall = opened.score.overall

    top = st.columns([2, 1, 1, 1])
    with top[0]:
        st.plotly_chart(charts.readiness_gauge(opened.score, opened.checklist))
    top[1].metric("Verdict", overall.verdict.label)
    top[1].metric("Completion", percent(overall.completion))
    top[2].metric(
        "Against the baseline",
        points(comparison.readiness_delta if comparison is not None else None),
    )
    top[2].metric("Evidence coverage", percent(coverage.ratio))
    overdue = [a for a in actions if a.is_overdue(today)]
    top[3].metric("Open actions", sum(a.status in OPEN_STATUSES for a in actions))
    top[3].metric("Overdue", len(overdue))
    if overall.reasons:
        with st.expander(f"What holds the verdict back ({len(overall.reasons)})"):
            st.markdown("\n".join(f"- {md_escape(r.message)}" for r in overall.reasons))

    left, right = st.columns(2)
    with left:
        st.subheader("Readiness by section")
        st.plotly_chart(charts.section_radar(opened.score, comparison, opened.checklist))
    with right:
        st.subheader("Findings by class")
        st.plotly_chart(charts.findings_bar(opened.score))
    st.subheader("Readiness by clause against the ready line")
    st.plotly_chart(charts.clause_bars(opened.score, opened.checklist))
    st.subheader("The clause tree")
    st.plotly_chart(charts.clause_treemap(opened.score))

    st.subheader("Open actions per week")
    st.plotly_chart(charts.burn_down(actions, today))
    st.subheader("Overdue actions")
    if overdue:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Action": a.ref,
                        "Title": a.title,
                        "Owner": a.owner,
                        "Due": a.due,
                        "Days late": (today - a.due).days if a.due else None,
                    }
                    for a in overdue
                ]
            ),
            hide_index=True,
            width="stretch",
            column_config={
                "Action": st.column_config.TextColumn(width="small"),
                "Title": st.column_config.TextColumn(width="large"),
                "Owner": st.column_config.TextColumn(width="medium"),
                "Due": st.column_config.DateColumn(width="small"),
                "Days late": st.column_config.NumberColumn(width="small"),
            },
        )
    else:
        st.success("No action is overdue.")
    if comparison is not None:
        st.subheader("Change against the baseline, by clause")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Clause": f"{c.ref} {c.title}",
                        "Before": None if c.before is None else c.before * 100,
                        # Nothing answered yet is not 0 %: leave it blank, with the count.
                        "Now": None if c.after is None or not c.answered else c.after * 100,
                        "Change (pt)": None if c.delta is None or not c.answered else c.delta * 100,
                        "Answered now": f"{c.answered}/{c.total}",
                    }
                    for c in comparison.clauses
                ]
            ),
            hide_index=True,
            column_config={
                "Before": st.column_config.NumberColumn(format="%.1f%%"),
                "Now": st.column_config.NumberColumn(format="%.1f%%"),
                "Change (pt)": st.column_config.NumberColumn(format="%+.1f"),
            },
        )
