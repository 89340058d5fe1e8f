"""Corrective actions: a board by stage, an editable table, one-click actions for findings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from assessment import text_limits as limits
from assessment.access.roles import Permission
from assessment.errors import AssessmentLocked, ConflictError, NotFound, UserError
from assessment.scoring.findings import Finding
from assessment.scoring.verdict import ReasonKind
from assessment.services.action_raising import raise_from_finding
from assessment.services.actions import (
    ASSIGNEE_FIELDS,
    check_effectiveness,
    list_actions,
    manages_action,
    move_action,
    update_action,
)
from assessment.services.assessments import AssessmentRecord, open_assessment
from assessment.services.evidence import list_evidence
from assessment.storage.store import Store
from assessment.workflow.corrective_action import (
    MOVES,
    OPEN_STATUSES,
    ActionRecord,
    ActionStatus,
    EffectivenessCheck,
    Priority,
    RootCauseMethod,
    load_by_owner,
)
from assessment.workflow.stages import AssessmentStatus
from ui.components import charts, notices
from ui.components.database import app_store
from ui.components.identity import current_actor
from ui.components.markdown import md_escape
from ui.components.permissions import shows_refusals
from ui.components.selection import page_heading, selected_assessment

NOTICE_KEY = "actions"  # the page's message for the next run (ui/components/notices.py)
REPORT_KEY = "actions_save_report"  # {"saved": [refs], "refused": [(ref, message)]}
TABLE_KEY = "actions_table"  # what the editable table was read from (see _table_state)
EDITOR_KEY = "actions_editor"
CHECK_FORM_KEY = "actions_check_form"
CHECK_ROUND_KEY = "actions_check_round"  # bumped after each recorded check


# Table column -> the action field it edits.
COLUMNS = {
    "Title": "title",
    "Criteria": "criteria",
    "Owner": "owner",
    "Due": "due",
    "Priority": "priority",
    "Finding": "finding",
    "Correction": "correction",
    "Root cause": "root_cause",
    "Method": "root_cause_method",
    "Action plan": "action_plan",
}
# The columns someone who is only assigned an action may edit: the work, not its terms.
ASSIGNEE_COLUMNS = {c: f for c, f in COLUMNS.items() if f in ASSIGNEE_FIELDS}


def _notify(kind: notices.Kind, text: str) -> None:
    notices.notify(NOTICE_KEY, text, kind=kind)


def _refusal(error: Exception) -> str:
    if isinstance(error, AssessmentLocked):
        return f"{error}."
    return f"{error}; nothing was changed."


# --- board ------------------------------------------------------------------------------------


def _move(store: Store, assessment_id: int, ref: str, target: str, version: int) -> None:
    """Button callback: the version is the one the card showed, so a stale click is refused."""
    reason = st.session_state.get(f"actions_reopen_reason_{ref}", "")
    try:
        moved = move_action(
            store,
            current_actor(),
            assessment_id,
            ref,
            ActionStatus(target),
            expected_version=version,
            reason=reason,
        )
    except UserError as error:
        _notify("error", f"Action {ref} was not moved: {_refusal(error)}")
        return
    _notify("success", f"Action {ref} is now {moved.status.label.lower()}.")


def _card(store: Store, action: ActionRecord, today: date, movable: bool) -> None:
    with st.container(border=True):
        st.markdown(f"**{md_escape(action.ref)}** · {md_escape(action.title)}")
        st.caption(f"Owner: {md_escape(action.owner or '(no owner)')}")
        if action.due is not None and action.is_overdue(today):  # only a due date can pass
            st.markdown(f":red[**Overdue** · due {action.due.isoformat()}]")
        elif action.due is not None:
            st.caption(f"Due {action.due.isoformat()}")
        else:
            st.caption("No due date")
        if not movable:
            return
        targets = sorted(MOVES[action.status] - {ActionStatus.VERIFIED})
        if action.status is ActionStatus.VERIFIED:
            st.text_input("Reason to reopen", key=f"actions_reopen_reason_{action.ref}")
        for target in targets:
            st.button(
                f"Move to {target.label.lower()}",
                key=f"actions_move_{action.ref}_{target.value}",
                on_click=_move,
                args=(store, action.assessment_id, action.ref, target.value, action.version),
            )


def _board(
    store: Store, actions: list[ActionRecord], today: date, works_on: Callable[[ActionRecord], bool]
) -> None:
    st.subheader("Board")
    columns = st.columns(len(ActionStatus))
    for column, status in zip(columns, ActionStatus, strict=True):
        mine = [a for a in actions if a.status is status]
        with column:
            st.markdown(f"**{status.label}** ({len(mine)})")
            for action in mine:
                _card(store, action, today, works_on(action))


# --- raise from a finding ---------------------------------------------------------------------


def _findings_without_action(store: Store, record: AssessmentRecord, today: date) -> None:
    opened = open_assessment(store, current_actor(), record.id, today=today)
    missing = [
        r
        for r in opened.score.overall.reasons
        if r.kind is ReasonKind.NONCONFORMITY_WITHOUT_ACTION and r.criteria
    ]
    st.subheader("Findings without an action")
    if not missing:
        st.success("Every nonconformity has a corrective action.")
        return
    st.caption("One click raises an action from the finding; edit its details in the table.")
    for reason in missing:
        left, right = st.columns([4, 1])
        left.markdown(md_escape(reason.message))
        key = "actions_raise_" + "_".join(reason.criteria)
        if right.button("Raise action", key=key):
            try:
                raised = raise_from_finding(store, current_actor(), record.id, reason.criteria)
            except UserError as error:
                st.error(f"No action was raised: {_refusal(error)}")
                return
            _notify("success", f"Raised action {raised.ref}: {raised.title}.")
            st.rerun()


# --- editable table ---------------------------------------------------------------------------


def _row(action: ActionRecord) -> dict[str, object]:
    return {
        "Ref": action.ref,
        "Status": action.status.label,
        "Title": action.title,
        "Criteria": ", ".join(action.criteria),
        "Owner": action.owner,
        "Due": action.due,
        "Priority": action.priority.value,
        "Finding": action.finding.value if action.finding else None,
        "Correction": action.correction,
        "Root cause": action.root_cause,
        "Method": action.root_cause_method.value if action.root_cause_method else None,
        "Action plan": action.action_plan,
    }


def _cell(column: str, value: Any) -> object:
    """A table cell in a comparable form (empty cells are None or '', dates are dates).

    `value` is Any: a cell of the data editor's frame, which pandas hands out untyped (a
    number, text, a Timestamp, NaN, NaT, a list)."""
    if value is None or (not isinstance(value, (list, tuple, str)) and pd.isna(value)):
        return None if column in ("Due", "Finding", "Method") else ""
    if column == "Due":
        return value.date() if isinstance(value, pd.Timestamp) else value
    if column == "Criteria":
        return ", ".join(c for c in (p.strip() for p in str(value).split(",")) if c)
    return value if column in ("Finding", "Method") else str(value)


def _field_value(column: str, cell: object) -> object:
    """A cell as the action service takes it."""
    if column == "Criteria":
        return [c.strip() for c in str(cell).split(",") if c.strip()]
    if column in ("Finding", "Method"):
        return cell or None
    return cell


def _table_state(actions: list[ActionRecord], assessment_id: int) -> dict:
    """What the table was read from: rows and versions, kept until saved or reloaded, so a
    save compares the edits with what the person saw and a change by others since is caught."""
    state = st.session_state.get(TABLE_KEY)
    fresh = {a.ref: (_row(a), a.version) for a in actions}
    editor = st.session_state.get(f"{EDITOR_KEY}_{state['generation']}") if state else None
    pending = bool(editor and editor.get("edited_rows"))
    stale = state is not None and {r: v for r, (_, v) in state["read"].items()} != {
        r: v for r, (_, v) in fresh.items()
    }
    if state is None or state["assessment"] != assessment_id or (stale and not pending):
        generation = state["generation"] + 1 if state else 0
        state = {
            "assessment": assessment_id,
            "generation": generation,
            "read": fresh,
            "shown": [row for row, _ in fresh.values()],
        }
        st.session_state[TABLE_KEY] = state
    return state


def _save_edits(
    store: Store,
    assessment_id: int,
    state: dict,
    edited: pd.DataFrame,
    columns: dict[str, str],
    works_on: Callable[[ActionRecord], bool],
) -> None:
    """Save each changed row (only the `columns` this user may edit), then read the table
    again: the actions `works_on` accepts."""
    saved: list[str] = []
    refused: list[tuple[str, str]] = []
    kept: dict[str, dict[str, object]] = {}
    for row in edited.to_dict("records"):
        ref = row["Ref"]
        read, version = state["read"][ref]
        changes = {
            field: _field_value(column, _cell(column, row[column]))
            for column, field in columns.items()
            if _cell(column, row[column]) != _cell(column, read[column])
        }
        if not changes:
            continue
        try:
            update_action(
                store, current_actor(), assessment_id, ref, expected_version=version, **changes
            )
        except ConflictError as error:
            refused.append((ref, f"{error}. Your edit was not saved; the table shows theirs."))
        except UserError as error:
            refused.append((ref, _refusal(error)))
            kept[ref] = {c: _cell(c, row[c]) for c in ("Ref", "Status", *COLUMNS)}
        else:
            saved.append(ref)
    st.session_state[REPORT_KEY] = {"saved": saved, "refused": refused}
    fresh = [a for a in list_actions(store, current_actor(), assessment_id) if works_on(a)]
    st.session_state[TABLE_KEY] = {
        "assessment": assessment_id,
        "generation": state["generation"] + 1,
        "read": {a.ref: (_row(a), a.version) for a in fresh},
        # A row refused for its content keeps the edit, to be corrected and saved again.
        "shown": [kept.get(a.ref, _row(a)) for a in fresh],
    }


def _show_report() -> None:
    report = st.session_state.pop(REPORT_KEY, None)
    if not report:
        return
    if report["saved"]:
        st.success(f"Saved: {', '.join(report['saved'])}.")
    for ref, message in report["refused"]:
        st.error(f"Not saved, {md_escape(ref)}: {md_escape(message)}")
    if not report["saved"] and not report["refused"]:
        st.info("There was no change to save.")


def _editable_table(
    store: Store,
    actions: list[ActionRecord],
    assessment_id: int,
    columns: dict[str, str],
    works_on: Callable[[ActionRecord], bool],
) -> None:
    """The actions this user works on, with the `columns` they may edit open for editing."""
    mine = [a for a in actions if works_on(a)]
    st.subheader("Edit actions" if columns == COLUMNS else "Your actions")
    state = _table_state(mine, assessment_id)
    if columns != COLUMNS:
        st.caption(
            "These actions are assigned to you: you can edit "
            + ", ".join(c.lower() for c in columns)
            + " and move them on the board; their other details are set by whoever manages the actions."
        )
    st.caption(
        "Edit cells, then save: each changed row is saved on its own, and a row someone else "
        "changed since you opened it is refused. Criteria are ids separated by commas."
    )
    edited = st.data_editor(
        pd.DataFrame(state["shown"]),
        key=f"{EDITOR_KEY}_{state['generation']}",
        hide_index=True,
        width="stretch",
        disabled=["Ref", "Status", *(c for c in COLUMNS if c not in columns)],
        column_config={
            "Due": st.column_config.DateColumn(format="YYYY-MM-DD"),
            "Priority": st.column_config.SelectboxColumn(
                options=[p.value for p in Priority], required=True
            ),
            "Finding": st.column_config.SelectboxColumn(options=[f.value for f in Finding]),
            "Method": st.column_config.SelectboxColumn(options=[m.value for m in RootCauseMethod]),
        },
    )
    left, right = st.columns(2)
    if left.button("Save changes", type="primary", key="actions_save"):
        with shows_refusals("Nothing more was saved: "):
            _save_edits(store, assessment_id, state, edited, columns, works_on)
            st.rerun()
    if right.button("Discard edits and reload", key="actions_reload"):
        st.session_state.pop(TABLE_KEY, None)
        st.rerun()


def _read_only_table(actions: list[ActionRecord], title: str = "Actions") -> None:
    st.subheader(title)
    st.dataframe(pd.DataFrame([_row(a) for a in actions]), hide_index=True)


# --- effectiveness check ----------------------------------------------------------------------


def _check_form(store: Store, actions: list[ActionRecord], assessment_id: int) -> None:
    done = {a.ref: a for a in actions if a.status is ActionStatus.DONE}
    st.subheader("Effectiveness check")
    if not done:
        st.caption("No action is done and waiting for its effectiveness check.")
        return
    evidence = {e.id: e for e in list_evidence(store, current_actor(), assessment_id)}
    # A recorded check empties the form (new keys): its note must never be sent again with
    # the next action the picker moves on to. A refused one keeps what was typed.
    key = f"{CHECK_FORM_KEY}_{st.session_state.get(CHECK_ROUND_KEY, 0)}"
    with st.form(key):
        ref = st.selectbox(
            "Done action",
            list(done),
            format_func=lambda r: f"{r} · {done[r].title}",
            key=f"{key}_ref",
        )
        checked_on = st.date_input("Checked on", value=date.today(), key=f"{key}_on")
        checked_by = st.text_input("Checked by", max_chars=limits.NAME, key=f"{key}_by")
        effective = st.radio(
            "Result",
            ["Effective: verify it", "Not effective: reopen it"],
            key=f"{key}_result",
        )
        note = st.text_area("What the check was based on", key=f"{key}_note")
        linked = st.multiselect(
            "Evidence",
            list(evidence),
            format_func=lambda i: f"{evidence[i].ref} · {evidence[i].title}",
            key=f"{key}_evidence",
        )
        if not st.form_submit_button("Record the check"):
            return
    action = done[ref]
    check = EffectivenessCheck(
        checked_on, checked_by, effective.startswith("Effective"), note, tuple(linked)
    )
    try:
        result = check_effectiveness(
            store, current_actor(), assessment_id, ref, check, expected_version=action.version
        )
    except UserError as error:
        st.error(f"The check was not recorded: {_refusal(error)}")
        return
    _notify("success", f"Check recorded: action {ref} is now {result.status.label.lower()}.")
    st.session_state[CHECK_ROUND_KEY] = st.session_state.get(CHECK_ROUND_KEY, 0) + 1
    st.rerun()


# --- page -------------------------------------------------------------------------------------


def _overview(actions: list[ActionRecord], today: date) -> None:
    overdue = [a for a in actions if a.is_overdue(today)]
    columns = st.columns(4)
    columns[0].metric("Actions", len(actions))
    columns[1].metric("Open", sum(a.status in OPEN_STATUSES for a in actions))
    columns[2].metric("Overdue", len(overdue))
    columns[3].metric("Verified", sum(a.status is ActionStatus.VERIFIED for a in actions))
    left, right = st.columns(2)
    with left:
        st.markdown("**Open actions per week**")
        st.plotly_chart(charts.burn_down(actions, today), width="stretch")
    with right:
        st.markdown("**Open and overdue per owner**")
        loads = load_by_owner(actions, today)
        if loads:
            st.dataframe(
                pd.DataFrame(
                    [{"Owner": x.owner, "Open": x.open, "Overdue": x.overdue} for x in loads]
                ),
                hide_index=True,
            )
        else:
            st.caption("No open action.")


def render() -> None:
    store = app_store()
    record = selected_assessment(store)
    page_heading("Corrective actions", record)
    if record is None:
        st.info(
            "There are no assessments yet. Load the demo data or import an assessment on the "
            "Portfolio page, then come back to follow its corrective actions."
        )
        return
    notices.show(NOTICE_KEY)
    _show_report()
    actor, organization_id = current_actor(), record.organization_id
    writable = record.status is not AssessmentStatus.FINAL
    manages = actor.can(Permission.MANAGE_ACTIONS, organization_id)

    def works_on(action: ActionRecord) -> bool:
        """Whether this user may move the action and edit (some of) it: all for an assessor,
        their own for someone assigned actions, none for a reader."""
        return writable and manages_action(actor, organization_id, action.owner, assignee_may=True)

    if not writable:
        st.warning(
            "This assessment is final and read-only: its actions are shown, not changed. "
            "Reopen it (with a reason) to change them."
        )
    today = date.today()
    try:
        actions = list_actions(store, actor, record.id)
    except NotFound:
        st.warning("That assessment is no longer there. Pick another one in the sidebar.")
        return
    if actions:
        _overview(actions, today)
        _board(store, actions, today, works_on)
    else:
        st.info("This assessment has no corrective actions yet.")
    if writable and manages:
        _findings_without_action(store, record, today)
    if not actions:
        return
    others = [a for a in actions if not works_on(a)]
    if len(others) < len(actions):
        _editable_table(
            store, actions, record.id, COLUMNS if manages else ASSIGNEE_COLUMNS, works_on
        )
    if others:
        _read_only_table(others, "Other actions" if len(others) < len(actions) else "Actions")
    if writable and manages:
        _check_form(store, actions, record.id)
