"""Evidence: add files, links and notes for criteria, review them, and download checked files."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from assessment import text_limits as limits
from assessment.access.roles import Permission
from assessment.errors import (
    EvidenceIntegrityError,
    NotFound,
    UserError,
)
from assessment.scoring.numbers import percent
from assessment.services.assessments import AssessmentRecord, open_assessment
from assessment.services.evidence import (
    list_evidence,
    read_file,
    set_status,
)
from assessment.services.evidence_adding import AddedEvidence, add_file, add_link, add_note
from assessment.services.evidence_metrics import evidence_coverage, expiring
from assessment.settings import evidence_max_bytes
from assessment.storage.store import Store
from assessment.workflow.stages import AssessmentStatus
from evidence.filetypes import ACCEPTED
from evidence.limits import size_text
from evidence.records import MOVES, STORED_STATUSES, EvidenceKind, EvidenceRecord, EvidenceStatus
from ui.components import notices
from ui.components.database import app_store
from ui.components.identity import current_actor
from ui.components.markdown import md_escape
from ui.components.selection import page_heading, selected_assessment
from ui.components.uploads import evidence_limit_mb

NOTICE_KEY = "evidence"  # the page's message for the next run (ui/components/notices.py)
GENERATION_KEY = "evidence_form_generation"  # bumped after an addition to clear the inputs
EXPIRY_DAYS = 30


def _accepted_types() -> str:
    return ", ".join(dict.fromkeys(t.label for t in ACCEPTED))


def _added(result: AddedEvidence) -> None:
    record = result.record
    notices.notify(
        NOTICE_KEY,
        f"Added {record.ref} '{record.title}' for {', '.join(record.criteria)}.",
        details=result.notices,
    )
    st.session_state[GENERATION_KEY] = st.session_state.get(GENERATION_KEY, 0) + 1
    st.rerun()


def _common_inputs(kind: str, criteria: list[str], generation: int) -> dict:
    """Title, criteria and validity: the same for a file, a link and a note."""
    title = st.text_input(
        "Title (optional)", max_chars=limits.TITLE, key=f"evidence_{kind}_title_{generation}"
    )
    chosen = st.multiselect(
        "Criteria it supports", criteria, key=f"evidence_{kind}_criteria_{generation}"
    )
    valid_until = st.date_input(
        "Valid until (optional)", value=None, key=f"evidence_{kind}_valid_until_{generation}"
    )
    return {"title": title.strip() or None, "criteria": chosen, "valid_until": valid_until}


def _refused(what: str, error: Exception) -> None:
    st.error(f"The {what} was not added, nothing was stored: {md_escape(str(error))}")


def _add_forms(store: Store, record: AssessmentRecord) -> None:
    st.subheader("Add evidence")
    criteria = [c.id for c in open_assessment(store, current_actor(), record.id).checklist.criteria]
    generation = st.session_state.get(GENERATION_KEY, 0)
    file_tab, link_tab, note_tab = st.tabs(["File", "Link", "Note"])
    with file_tab:
        limit = size_text(evidence_max_bytes())
        st.caption(
            f"At most {limit} per file. Accepted: {_accepted_types()}. The type is judged from "
            "the content, not the name: programs, scripts, archives and web pages are refused."
        )
        upload = st.file_uploader(
            "File", key=f"evidence_upload_{generation}", max_upload_size=evidence_limit_mb()
        )
        inputs = _common_inputs("file", criteria, generation)
        if st.button("Add file", type="primary", key="evidence_add_file"):
            if upload is None:
                st.error("Choose a file to upload first.")
            else:
                _add(
                    "file",
                    lambda: add_file(
                        store,
                        current_actor(),
                        record.id,
                        upload.getvalue(),
                        upload.name,
                        inputs["criteria"],
                        title=inputs["title"],
                        valid_until=inputs["valid_until"],
                    ),
                )
    with link_tab:
        url = st.text_input("Link (http or https)", key=f"evidence_link_url_{generation}")
        inputs = _common_inputs("link", criteria, generation)
        if st.button("Add link", type="primary", key="evidence_add_link"):
            _add("link", lambda: add_link(store, current_actor(), record.id, url, **inputs))
    with note_tab:
        text = st.text_area(
            "What was seen or heard", key=f"evidence_note_text_{generation}", height=120
        )
        inputs = _common_inputs("note", criteria, generation)
        if st.button("Add note", type="primary", key="evidence_add_note"):
            _add("note", lambda: add_note(store, current_actor(), record.id, text, **inputs))


def _add(kind: str, add: Callable[[], AddedEvidence]) -> None:
    """Run one of the adding calls; say what was stored, or why nothing was."""
    try:
        result = add()
    except UserError as error:
        _refused(kind, error)
    else:
        _added(result)


def _table(records: list[EvidenceRecord], today: date) -> None:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Ref": r.ref,
                    "Kind": r.kind.value,
                    "Title": r.title,
                    "Criteria": ", ".join(r.criteria),
                    "Status today": r.status_on(today).label,
                    "Valid until": r.valid_until,
                    "Owner": r.owner,
                    "File": r.original_name or "",
                    "Size": size_text(r.size) if r.size is not None else "",
                }
                for r in records
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def _status_form(
    store: Store, records: list[EvidenceRecord], assessment_id: int, *, reviews: bool
) -> None:
    """Review (any move) for a reviewer; for others, only putting a draft up for review."""
    if not reviews:
        records = [r for r in records if r.status is EvidenceStatus.DRAFT]
        if not records:
            return
    st.subheader("Review" if reviews else "Submit for review")
    by_ref = {r.ref: r for r in records}
    left, middle = st.columns(2)
    ref = left.selectbox(
        "Record",
        list(by_ref),
        format_func=lambda r: f"{r} · {by_ref[r].title} ({by_ref[r].status.label.lower()})",
        key="evidence_status_ref",
    )
    chosen = by_ref[ref]
    allowed = MOVES[chosen.status] if reviews else {EvidenceStatus.IN_REVIEW}
    targets = [s for s in STORED_STATUSES if s in allowed and s in MOVES[chosen.status]]
    target = middle.selectbox(
        "New status", targets, format_func=lambda s: s.label, key="evidence_status_target"
    )
    reason = (
        st.text_input(
            "Reason (needed to reject, or to withdraw an approval)", key="evidence_status_reason"
        )
        if reviews
        else ""
    )
    if st.button("Change status" if reviews else "Submit for review", key="evidence_status_save"):
        try:
            changed = set_status(
                store,
                current_actor(),
                assessment_id,
                ref,
                EvidenceStatus(target),
                expected_version=chosen.version,
                reason=reason,
            )
        except UserError as error:
            st.error(f"The status of {md_escape(ref)} was not changed: {md_escape(str(error))}")
            return
        notices.notify(NOTICE_KEY, f"{ref} is now {changed.status.label.lower()}.")
        st.rerun()


def _downloads(store: Store, records: list[EvidenceRecord], assessment_id: int) -> None:
    files = [r for r in records if r.kind is EvidenceKind.FILE]
    st.subheader("Files")
    if not files:
        st.caption("No files yet.")
        return
    st.caption("Each file is checked against its SHA-256 before it can be downloaded.")
    for record in files:
        left, right = st.columns([3, 2])
        left.markdown(
            f"**{md_escape(record.ref)}** · {md_escape(record.original_name or record.title)} "
            f"({size_text(record.size or 0)})"
        )
        if not right.button("Check and download", key=f"evidence_check_{record.ref}"):
            continue
        try:
            checked, content = read_file(store, current_actor(), assessment_id, record.ref)
        except EvidenceIntegrityError as error:
            st.error(
                f"{md_escape(str(error))}\n\nThe file is not served. Restore it from a backup "
                "or add it again."
            )
            continue
        except UserError as error:
            st.error(md_escape(str(error)))
            continue
        right.download_button(
            f"Download {checked.download_name}",
            content,
            file_name=checked.download_name,
            mime=checked.media_type or "application/octet-stream",
            key=f"evidence_download_{record.ref}",
            on_click="ignore",
        )


def render() -> None:
    store = app_store()
    record = selected_assessment(store)
    page_heading("Evidence", record)
    if record is None:
        st.info(
            "There are no assessments yet. Load the demo data or import an assessment on the "
            "Portfolio page, then come back to add its evidence."
        )
        return
    notices.show(NOTICE_KEY)
    actor = current_actor()
    writable = record.status is not AssessmentStatus.FINAL
    adds = writable and actor.can(Permission.ADD_EVIDENCE, record.organization_id)
    reviews = writable and actor.can(Permission.REVIEW_EVIDENCE, record.organization_id)
    if not writable:
        st.warning(
            "This assessment is final and read-only: its evidence is shown, not changed. "
            "Reopen it (with a reason) to add or review evidence."
        )
    today = date.today()
    try:
        records = list_evidence(store, actor, record.id)
    except NotFound:
        st.warning("That assessment is no longer there. Pick another one in the sidebar.")
        return
    coverage = evidence_coverage(store, actor, record.id, today)
    columns = st.columns(3)
    columns[0].metric("Records", len(records))
    columns[1].metric("Evidence coverage", percent(coverage.ratio))
    columns[2].metric("Scored criteria without evidence", len(coverage.unsupported))
    st.caption(
        f"{coverage.supported} of {coverage.scored} criteria scored above 0 are backed by "
        "approved evidence that has not expired."
    )
    soon = expiring(store, actor, record.id, today, days=EXPIRY_DAYS)
    if soon:
        st.warning(
            f"{len(soon)} records expire within {EXPIRY_DAYS} days:\n\n"
            + "\n".join(
                f"- {md_escape(r.ref)} {md_escape(r.title)}: valid until {r.valid_until}"
                for r in soon
            )
        )
    if adds:
        _add_forms(store, record)
    st.subheader("Records")
    if not records:
        st.info("This assessment has no evidence yet.")
        return
    _table(records, today)
    if reviews or adds:
        _status_form(store, records, record.id, reviews=reviews)
    _downloads(store, records, record.id)
