"""Scoring: one clause at a time in workshop mode, or one criterion at a time, large, in
presentation mode (ui/components/presentation.py, ui/components/scoring_focus.py)."""

from __future__ import annotations

import streamlit as st

from assessment.access.roles import Permission
from assessment.errors import NotFound
from assessment.scoring.numbers import percent
from assessment.services.assessments import OpenAssessment, open_assessment
from assessment.services.complaints import criterion_suggestions
from assessment.services.evidence import list_evidence
from assessment.workflow.stages import AssessmentStatus
from ui.components import notices, presentation, response_editor, scoring_focus
from ui.components.database import app_store
from ui.components.identity import current_actor
from ui.components.markdown import md_escape
from ui.components.permissions import role_note
from ui.components.selection import page_heading, selected_assessment

CLAUSE_KEY = "scoring_clause"  # the clause on screen; survives the picker being redrawn
PICKER_KEY = "scoring_clause_picker"
NEXT_KEY = "scoring_next_unanswered"
NOTICE_KEY = "scoring"  # the page's message for the next run (ui/components/notices.py)


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
        notices.notify(
            NOTICE_KEY, "The only criteria left to answer are in this clause.", kind="info"
        )


def _header(opened: OpenAssessment, *, compact: bool) -> None:
    overall = opened.score.overall
    answered = sum(result.answered for result in opened.score.criteria)
    total = len(opened.score.criteria)
    progress = f"Completion {percent(overall.completion)}: {answered} of {total} criteria answered"
    if compact:
        st.progress(
            overall.completion,
            text=f"{progress} · readiness {percent(overall.readiness)} · {overall.verdict.label}",
        )
        return
    st.progress(overall.completion, text=progress)
    columns = st.columns(3)
    columns[0].metric("Readiness", percent(overall.readiness))
    columns[1].metric("Verdict", overall.verdict.label)
    columns[2].metric("Status", opened.record.status.label)


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
        width="stretch",
    )
    notices.show(NOTICE_KEY)
    if not waiting:
        st.success("Every criterion is answered.")
    return chosen


def render() -> None:
    store = app_store()
    record = selected_assessment(store)
    if record is None:
        page_heading("Scoring", None)
        st.info(
            "There is no assessment to score yet. On the Portfolio page, load the demo data or "
            "import an assessment file; then choose it in the sidebar and come back here."
        )
        return
    heading, switch = st.columns([3, 1], vertical_alignment="center")
    with switch:
        presenting = presentation.toggle(store)
    with heading:
        page_heading("Scoring", record, compact=presenting)
    actor = current_actor()
    try:
        opened = open_assessment(store, actor, record.id)
        records = [] if presenting else list_evidence(store, actor, record.id)
    except NotFound:
        st.warning("That assessment is no longer there. Choose another one in the sidebar.")
        return
    _header(opened, compact=presenting)
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
    if presenting:
        scoring_focus.show(
            store,
            opened,
            read_only=locked or not can_score,
            clause_ref=st.session_state.get(CLAUSE_KEY),
        )
        return
    ref = _navigation(opened)
    clause = opened.checklist.clause(ref)
    st.markdown(f"## {md_escape(clause.ref)} {md_escape(clause.title)}")
    if clause.guidance:
        st.markdown(md_escape(clause.guidance))
    suggested = criterion_suggestions(store, actor, opened.record.id)
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
            suggestion=suggested.get(criterion.id),
        )
