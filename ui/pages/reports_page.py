"""Reports: a preview of what the pack will say, the downloads, and the workshop workbook's return."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from assessment.access.roles import Permission
from assessment.errors import NotFound, UserError
from assessment.reports.csv_export import actions_csv_bytes, criteria_csv_bytes
from assessment.reports.data import ReportData, gather_report
from assessment.reports.excel_export import workbook_bytes
from assessment.reports.excel_import import MAX_WORKBOOK_BYTES, read_workbook
from assessment.reports.excel_preview import WorkbookChanges
from assessment.reports.pdf import pdf_bytes
from assessment.scoring.engine import CriterionResult
from assessment.scoring.numbers import counted, percent, points
from assessment.services.assessments import AssessmentRecord, open_assessment
from assessment.services.workbooks import apply_workbook_changes
from assessment.storage.store import Store
from ui.components import notices
from ui.components.database import app_store
from ui.components.identity import current_actor
from ui.components.markdown import md_escape
from ui.components.permissions import role_note
from ui.components.selection import page_heading, selected_assessment
from ui.components.uploads import megabytes

BUILT_KEY = "reports_built"  # {(assessment id, format): (file name, bytes, mime)}
UPLOAD_KEY = "reports_workbook_upload"
NOTICE_KEY = "reports"  # the page's message for the next run (ui/components/notices.py)

FORMATS = {
    "pdf": ("PDF readiness pack", "application/pdf"),
    "xlsx": (
        "Excel workbook (also for the offline workshop)",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "criteria.csv": ("Criteria (CSV)", "text/csv"),
    "actions.csv": ("Corrective actions (CSV)", "text/csv"),
}


def _file_stem(record: AssessmentRecord) -> str:
    words = re.sub(r"[^A-Za-z0-9]+", "-", f"{record.organization_name} {record.title}").strip("-")
    return words.lower()[:80] or f"assessment-{record.id}"


def _preview(data: ReportData) -> None:
    overall = data.assessment.score.overall
    columns = st.columns(4)
    columns[0].metric("Readiness", percent(overall.readiness))
    columns[1].metric("Completion", percent(overall.completion))
    columns[2].metric("Verdict", overall.verdict.label)
    delta = data.comparison.readiness_delta if data.comparison else None
    columns[3].metric(
        "Against the baseline",
        points(delta),
    )
    if overall.reasons:
        shown = "\n".join(f"- {md_escape(r.message)}" for r in overall.reasons[:8])
        more = len(overall.reasons) - 8
        st.markdown(
            "**What holds it back**\n\n" + shown + (f"\n- … and {more} more" if more > 0 else "")
        )
    gaps = data.largest_gaps()
    if gaps:
        st.markdown("**The largest gaps**")
        checklist = data.assessment.checklist
        # A table that wraps: the question is what a reader needs whole.
        st.table(
            pd.DataFrame(
                [
                    {
                        "Criterion": g.id,
                        "Question": checklist.criterion(g.id).question,
                        "Score": g.score,
                        "Target": g.target,
                        "Gap": g.gap,
                        "Finding": _finding_text(g),
                    }
                    for g in gaps
                ]
            ),
            hide_index=True,
            border="horizontal",
        )
    st.caption(
        f"{len(data.actions)} corrective actions ({len(data.overdue_actions())} overdue) · "
        f"{len(data.evidence)} evidence records · figures as of {data.today.isoformat()}"
    )


def _finding_text(result: CriterionResult) -> str:
    """The finding, and when an auditor set it by hand, that they did and why."""
    if result.finding is None:
        return ""
    if result.finding_overridden:
        return f"{result.finding.label} (set by hand: {result.finding_reason or 'no reason given'})"
    return result.finding.label


def _build(data: ReportData, kind: str) -> bytes:
    if kind == "pdf":
        return pdf_bytes(data)
    if kind == "xlsx":
        return workbook_bytes(data)
    if kind == "criteria.csv":
        return criteria_csv_bytes(data)
    return actions_csv_bytes(data)


def _downloads(data: ReportData) -> None:
    record = data.assessment.record
    built: dict[tuple[int, str], tuple[str, bytes, str]] = st.session_state.setdefault(
        BUILT_KEY, {}
    )
    for kind, (title, mime) in FORMATS.items():
        left, right = st.columns([3, 2])
        left.write(title)
        key = (record.id, kind)
        if key in built:
            name, content, mime = built[key]
            right.download_button(
                f"Download {name}", content, file_name=name, mime=mime, key=f"reports_dl_{kind}"
            )
        elif right.button(f"Build {kind}", key=f"reports_build_{kind}"):
            with st.spinner(f"Building the {title.lower()}…"):
                built[key] = (f"{_file_stem(record)}.{kind}", _build(data, kind), mime)
            st.rerun()


def _changes_table(changes: WorkbookChanges) -> pd.DataFrame:
    return pd.DataFrame([{"Cell": c.cell, "Change": str(c)} for c in changes.changes])


def _workshop_return(store: Store, record: AssessmentRecord) -> None:
    st.subheader("Bring back a workshop workbook")
    if record.status.value == "final":
        st.info("This assessment is final and read-only; reopen it to bring back a workbook.")
        return
    actor = current_actor()
    if not actor.can(Permission.SCORE, record.organization_id):
        st.info(
            role_note(actor, record.organization_id, "bringing back a workbook", Permission.SCORE)
        )
        return
    upload = st.file_uploader(
        "The Excel workbook filled in offline",
        type=["xlsx"],
        key=f"{UPLOAD_KEY}_{record.id}",
        max_upload_size=megabytes(MAX_WORKBOOK_BYTES),
    )
    if upload is None:
        st.caption(
            "Build the Excel workbook above, send it, and upload it here when it comes back."
        )
        return
    try:
        changes = read_workbook(upload.getvalue(), open_assessment(store, actor, record.id))
    except UserError as refused:
        st.error(
            f"This workbook cannot be brought back; nothing was changed.\n\n{md_escape(str(refused))}"
        )
        return
    if changes.faults:
        st.error(
            f"Nothing will be applied until these {len(changes.faults)} cells are fixed:\n\n"
            + "\n".join(f"- {md_escape(str(f))}" for f in changes.faults)
        )
        return
    if not changes.changes:
        st.info("The workbook holds no changes.")
        return
    st.write(f"{len(changes.changes)} changes, applied together or not at all:")
    st.dataframe(_changes_table(changes), hide_index=True)
    if st.button("Apply all changes", type="primary", key="reports_apply"):
        try:
            written = apply_workbook_changes(store, actor, record.id, changes)
        except UserError as refused:
            st.error(f"Nothing was applied: {md_escape(str(refused))}")
            return
        st.session_state.pop(BUILT_KEY, None)  # the figures changed: build again
        notices.notify(NOTICE_KEY, f"Applied {counted(len(written), 'change')} from {upload.name}.")
        st.rerun()


def render() -> None:
    store = app_store()
    record = selected_assessment(store)
    page_heading("Reports", record)
    notices.show(NOTICE_KEY)
    if record is None:
        st.info(
            "There is no assessment to report on yet. Load the demo data or import a file on "
            "the Portfolio page."
        )
        return
    try:
        data = gather_report(store, current_actor(), record.id)
    except NotFound:
        st.warning("That assessment is no longer there. Choose another one in the sidebar.")
        return
    _preview(data)
    st.subheader("Download")
    _downloads(data)
    _workshop_return(store, record)
