"""The portfolio: every assessment at a glance; on a first start, demo data or an import."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from assessment.access.roles import Actor
from assessment.demo.builder import load_demo
from assessment.errors import AssessmentFileError, InvalidChange, UserError
from assessment.portable.assessment_file import MAX_UPLOAD_BYTES, load_assessment_bytes
from assessment.services.exchange import import_assessment
from assessment.services.portfolio import PortfolioEntry, is_empty, portfolio
from assessment.storage.store import Store
from ui.components import notices, page_links
from ui.components.database import app_store
from ui.components.identity import current_actor
from ui.components.markdown import md_escape
from ui.components.uploads import megabytes

UPLOAD_KEY = "portfolio_import_upload"
NOTICE_KEY = "portfolio"  # the page's message for the next run (ui/components/notices.py)
TABLE_KEY = "portfolio_table"


def _welcome(store: Store) -> None:
    st.info(
        "Welcome. There is nothing here yet. Load the demo data to look around with a "
        "consultancy's two client organizations and a partly finished ISO 10002:2018 "
        "assessment, or import a portable assessment file."
    )
    if st.button("Load demo data", type="primary"):
        try:
            summary = load_demo(store, current_actor())
        except InvalidChange as error:
            st.warning(str(error))
            return
        except UserError as error:
            st.error(f"The demo data was not loaded: {md_escape(str(error))}")
            return
        notices.notify(
            NOTICE_KEY,
            f"Demo data loaded: {summary.assessments} assessments for "
            f"{len(summary.organizations)} organizations.",
        )
        st.rerun()


def _import_form(store: Store) -> None:
    upload = st.file_uploader(
        "Import a portable assessment file (YAML or JSON)",
        type=["yaml", "yml", "json"],
        key=UPLOAD_KEY,
        max_upload_size=megabytes(MAX_UPLOAD_BYTES),
        help=f"Format iso10002-assessment/1, at most {megabytes(MAX_UPLOAD_BYTES)} MB.",
    )
    if upload is None or not st.button("Import", key="portfolio_import_button"):
        return
    try:
        loaded = load_assessment_bytes(upload.getvalue(), upload.name)
        result = import_assessment(store, current_actor(), loaded, source=upload.name)
    except AssessmentFileError as error:
        lines = "\n".join(f"- {md_escape(str(fault))}" for fault in error.faults)
        st.error(f"The file was not imported; nothing was changed.\n\n{lines}")
        return
    except UserError as error:
        st.error(f"The file was not imported; nothing was changed: {md_escape(str(error))}")
        return
    notices.notify(
        NOTICE_KEY,
        f"Imported '{result.assessment.title}' for {result.assessment.organization_name}: "
        f"{result.responses} responses, {result.actions} actions.",
    )
    st.rerun()


def _table(entries: list[PortfolioEntry]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Organization": e.record.organization_name,
                "Assessment": e.record.title,
                "Stage": e.record.status.label,
                "Completion": e.completion * 100,
                # A draft nobody has answered is not "0 % ready": it is not assessed yet.
                "Readiness": None if e.readiness is None or not e.completion else e.readiness * 100,
                "Verdict": e.verdict.label,
                "Open": e.open_actions,
                "Overdue": e.overdue_actions,
            }
            for e in entries
        ]
    )


COLUMNS = {
    "Organization": st.column_config.TextColumn(width="medium"),
    "Assessment": st.column_config.TextColumn(width="medium"),
    "Stage": st.column_config.TextColumn(width="small"),
    "Completion": st.column_config.ProgressColumn(format="%.0f%%", max_value=100, width="small"),
    "Readiness": st.column_config.ProgressColumn(
        format="%.1f%%",
        max_value=100,
        width="small",
        help="Blank while nothing is answered: not assessed yet.",
    ),
    "Verdict": st.column_config.TextColumn(width="small"),
    "Open": st.column_config.NumberColumn("Open", width="small", help="Open corrective actions"),
    "Overdue": st.column_config.NumberColumn(
        "Overdue", width="small", help="Corrective actions past their due date"
    ),
}


def _overview(entries: list[PortfolioEntry]) -> None:
    columns = st.columns(4)
    columns[0].metric("Organizations", len({e.record.organization_id for e in entries}))
    columns[1].metric("Assessments", len(entries))
    columns[2].metric("Open actions", sum(e.open_actions for e in entries))
    columns[3].metric("Overdue actions", sum(e.overdue_actions for e in entries))
    if not entries:
        return
    st.caption("Select a row to open that assessment on the Dashboard or in Scoring.")
    state = st.dataframe(
        _table(entries),
        hide_index=True,
        width="stretch",
        column_config=COLUMNS,
        on_select="rerun",
        selection_mode="single-row",
        key=TABLE_KEY,
    )
    rows = state.selection.rows if state is not None else []
    if not rows:
        return
    record = entries[rows[0]].record
    st.markdown(f"**{md_escape(record.organization_name)}** — {md_escape(record.title)}")
    left, right, _ = st.columns([1, 1, 3])
    if left.button("Open on the Dashboard", key=f"portfolio_open_dashboard_{record.id}"):
        page_links.open_on(page_links.dashboard_page(), record)
    if right.button("Open in Scoring", key=f"portfolio_open_scoring_{record.id}"):
        page_links.open_on(page_links.scoring_page(), record)


def _nothing_visible(actor: Actor) -> None:
    """What someone who is not a system administrator sees when no assessment is theirs."""
    if not actor.visible_organizations():
        st.info("You do not belong to any organization yet; ask an administrator to add you.")
    else:
        st.info("Your organizations have no assessments yet; ask an administrator to import one.")


def render() -> None:
    st.title("Portfolio")
    store = app_store()
    notices.show(NOTICE_KEY)
    actor = current_actor()
    empty = is_empty(store)
    # Demo data and imports are for system administrators (the services refuse anyone else).
    if empty and actor.is_admin:
        _welcome(store)
        _import_form(store)
        return
    entries = [] if empty else portfolio(store, actor)
    if entries or actor.is_admin:
        _overview(entries)
    else:
        _nothing_visible(actor)
    if actor.is_admin:
        with st.expander("Import a portable assessment file"):
            _import_form(store)
