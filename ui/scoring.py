"""Scoring in workshop mode: one clause at a time, in large text for a projector."""

from __future__ import annotations

import streamlit as st

from assessment.access import Permission
from assessment.errors import NotFound
from assessment.lifecycle import AssessmentStatus
from assessment.numbers import percent
from assessment.services.assessments import OpenAssessment, open_assessment
from assessment.services.evidence import list_evidence
from ui import response_editor
from ui.database import app_store
from ui.identity import current_actor
from ui.markdown import md_escape
from ui.permissions import role_note
from ui.selection import selected_assessment

CLAUSE_KEY = "scoring_clause"  # the clause on screen; survives the picker being redrawn
PICKER_KEY = "scoring_clause_picker"
NEXT_KEY = "scoring_next_unanswered"
NOTICE_KEY = "scoring_notice"


def _clauses(opened: OpenAssessment) -> dict[str, str]:
    """The clauses that hold criteria, in checklist order: ref -> 'ref title — answered/total'."""
    shown = {}
    for entry in opened.checklist.walk():
        clause = entry.clause
        if not clause.criteria:
            continue
        answered = sum(opened.score.criterion(c.id).answered for c in clause.criteria)
        shown[clause.ref] = (
            f"{clause.ref} {clause.title} — {answered}/{len(clause.criteria)} answered"
        )
    return shown


def _unanswered_clauses(opened: OpenAssessment) -> list[str]:
    """The refs of clauses with an unanswered criterion, in checklist order."""
    refs: list[str] = []
    for criterion in opened.checklist.criteria:
        if not opened.score.criterion(criterion.id).answered:
            ref = opened.checklist.clause_of(criterion.id).ref
            if ref not in refs:
                refs.append(ref)
    return refs


def _picked() -> None:
    st.session_state[CLAUSE_KEY] = st.session_state[PICKER_KEY]


def _go_to_next_unanswered(order: list[str], waiting: list[str]) -> None:
    """Callback: move the clause picker to the next clause after this one with a gap to fill."""
    current = st.session_state.get(CLAUSE_KEY)
    position = order.index(current) if current in order else -1
    later = [ref for ref in waiting if order.index(ref) > position]
    target = (later or waiting)[0]
    st.session_state[CLAUSE_KEY] = target
    if target == current:
        st.session_state[NOTICE_KEY] = "The only criteria left to answer are in this clause."


def _header(opened: OpenAssessment) -> None:
    record, overall = opened.record, opened.score.overall
    st.markdown(
        f"**{md_escape(record.organization_name)}** — {md_escape(record.title)} "
        f"· {md_escape(opened.checklist.title)}"
    )
    answered = sum(result.answered for result in opened.score.criteria)
    total = len(opened.score.criteria)
    st.progress(
        overall.completion,
        text=f"Completion {percent(overall.completion, 0)}: {answered} of {total} criteria answered",
    )
    columns = st.columns(3)
    columns[0].metric("Readiness", percent(overall.readiness))
    columns[1].metric("Verdict", overall.verdict.label)
    columns[2].metric("Status", record.status.label)


def _navigation(opened: OpenAssessment) -> str:
    shown = _clauses(opened)
    order = list(shown)
    waiting = _unanswered_clauses(opened)
    if st.session_state.get(CLAUSE_KEY) not in shown:
        st.session_state[CLAUSE_KEY] = waiting[0] if waiting else order[0]
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    # The picker's labels carry answered counts, so Streamlit sees a new widget after each save
    # and would drop its state; the choice lives in CLAUSE_KEY and is handed to it each run.
    st.session_state[PICKER_KEY] = st.session_state[CLAUSE_KEY]
    chosen = left.selectbox(
        "Clause",
        order,
        format_func=shown.__getitem__,
        key=PICKER_KEY,
        on_change=_picked,
    )
    right.button(
        "Next unanswered",
        key=NEXT_KEY,
        disabled=not waiting,
        on_click=_go_to_next_unanswered,
        args=(order, waiting),
        help="Go to the next clause with a criterion not yet answered.",
        use_container_width=True,
    )
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.info(notice)
    if not waiting:
        st.success("Every criterion is answered.")
    return chosen


def render() -> None:
    st.title("Scoring")
    store = app_store()
    record = selected_assessment(store)
    if record is None:
        st.info(
            "There is no assessment to score yet. On the Portfolio page, load the demo data or "
            "import an assessment file; then choose it in the sidebar and come back here."
        )
        return
    actor = current_actor()
    try:
        opened = open_assessment(store, actor, record.id)
        records = list_evidence(store, actor, record.id)
    except NotFound:
        st.warning("That assessment is no longer there. Choose another one in the sidebar.")
        return
    _header(opened)
    locked = opened.record.status is AssessmentStatus.FINAL
    if locked:
        st.warning(
            "This assessment is final and read-only: scores, notes and evidence cannot be "
            "changed. Reopen it (with a reason) to change anything."
        )
    organization_id = opened.record.organization_id
    can_score = actor.can(Permission.SCORE, organization_id)
    if not can_score:
        st.info(role_note(actor, organization_id, "scoring", Permission.SCORE))
    ref = _navigation(opened)
    clause = opened.checklist.clause(ref)
    st.markdown(f"## {md_escape(clause.ref)} {md_escape(clause.title)}")
    if clause.guidance:
        st.markdown(md_escape(clause.guidance))
    for criterion in clause.criteria:
        st.divider()
        response_editor.edit(
            store,
            opened,
            criterion,
            [r for r in records if criterion.id in r.criteria],
            locked=locked,
            can_score=can_score,
            can_add_evidence=actor.can(Permission.ADD_EVIDENCE, organization_id),
        )
