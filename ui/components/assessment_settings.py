"""Starting an assessment, and managing one: its details, baseline, stage and archive flag.

A part of the Organizations page (`ui/pages/organizations_page.py`); its session-state keys share the
page's `org_` prefix. Every write runs in a button callback whose arguments carry the record
version the user was shown, so a change someone else made in between is refused with their name
(ConflictError) instead of being overwritten. The controls follow the actor's role, and the
services check every call again.
"""

from __future__ import annotations

import streamlit as st

from assessment import text_limits as limits
from assessment.access.roles import Actor, Permission
from assessment.checklist.loader import ChecklistFile, available_checklists, checklist_dirs
from assessment.checklist.model import Checklist
from assessment.errors import (
    UserError,
)
from assessment.services.assessments import (
    EDITABLE_FIELDS,
    AssessmentRecord,
    archive_assessment,
    create_assessment,
    edit_assessment,
    set_baseline,
)
from assessment.services.organizations import OrganizationRecord
from assessment.services.stage_moves import TRANSITIONS, set_status
from assessment.storage.store import Store
from assessment.workflow.stages import AssessmentStatus
from assessment.workflow.team import TEAM_HELP, team_of, team_text
from ui.components import notices, page_links, selection, sign_off_dialog
from ui.components.identity import current_actor
from ui.components.markdown import md_escape
from ui.components.notices import Kind
from ui.components.permissions import role_note
from ui.components.pickers import record_picker
from ui.components.selection import assessment_label

CHOICE_PREFIX = "org_assessment_choice_"  # + organization id: the assessment being managed

FINAL_BANNER = (
    "This assessment is final and read-only. "
    "Reopening it needs a reason and is recorded in the history."
)
NO_BASELINE = 0  # the baseline pickers' "(none)": record ids start at 1
STAGES = tuple(AssessmentStatus)  # in the order an assessment moves through them
MOVE_LABELS = {
    (AssessmentStatus.DRAFT, AssessmentStatus.IN_PROGRESS): "Start work (in progress)",
    (AssessmentStatus.IN_PROGRESS, AssessmentStatus.DRAFT): "Back to draft",
    (AssessmentStatus.IN_PROGRESS, AssessmentStatus.IN_REVIEW): "Send to review",
    (AssessmentStatus.IN_REVIEW, AssessmentStatus.IN_PROGRESS): "Back to in progress",
    (AssessmentStatus.IN_REVIEW, AssessmentStatus.FINAL): "Sign off as final",
    (AssessmentStatus.FINAL, AssessmentStatus.IN_PROGRESS): "Reopen",
}


# --- notices -----------------------------------------------------------------------------------


def notify(area: str, kind: Kind, text: str, *, scoring_link: bool = False) -> None:
    """Keep a message for the next run, shown where `area`'s controls are (the Organizations
    page's areas: organizations, organization, team, start, settings).

    `text` is markdown: escape user-provided parts (names, titles, error messages) first.
    """
    notices.notify(
        f"org_{area}", text, kind=kind, markdown=True, link="scoring" if scoring_link else None
    )


def refused(area: str, what: str, error: Exception) -> None:
    notify(area, "error", f"{what}: {md_escape(str(error))}")


def show_notice(area: str) -> None:
    notice = notices.show(f"org_{area}")
    if notice is not None and notice.link == "scoring":
        st.page_link(page_links.scoring_page(), label="Open Scoring", icon="➡️")


# --- shown values --------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _available(folders: tuple[str, ...]) -> list[ChecklistFile]:
    return available_checklists()  # the Checklists page's list: newest edition first


def _checklists() -> list[ChecklistFile]:
    """The available checklists, read once per set of lookup folders."""
    return _available(tuple(str(folder) for folder in checklist_dirs()))


def _checklist_label(checklist: Checklist) -> str:
    return f"{checklist.title} (edition {checklist.edition}, id {checklist.id})"


def _default_checklist(files: list[ChecklistFile]) -> int:
    """The newest ISO 10002 edition (the list is sorted newest first), else the first."""
    return next((i for i, f in enumerate(files) if f.checklist.standard == "ISO 10002"), 0)


# --- starting an assessment ----------------------------------------------------------------------


def _start(store: Store, organization_id: int, key: str, files: list[ChecklistFile]) -> None:
    """Form callback: start the assessment with its baseline (one act, one transaction) and
    make it the choice on every page."""
    state = st.session_state
    checklist = files[state.get(f"{key}_checklist", 0)].checklist
    baseline_id = state.get(f"{key}_baseline") or NO_BASELINE
    try:
        created = create_assessment(
            store,
            current_actor(),
            organization_id,
            checklist,
            state.get(f"{key}_title", ""),
            scope=state.get(f"{key}_scope", "").strip(),
            team=tuple(team_of(state.get(f"{key}_team", ""))),
            start_date=state.get(f"{key}_start"),
            end_date=state.get(f"{key}_end"),
            baseline_id=None if baseline_id == NO_BASELINE else baseline_id,
        )
    except UserError as error:
        refused("start", "The assessment was not started", error)
        return
    selection.select(organization_id, created.id)
    selection.hold(f"{CHOICE_PREFIX}{organization_id}_held", created.id)
    for field in ("title", "scope", "team"):
        state[f"{key}_{field}"] = ""
    for field in ("start", "end"):
        state[f"{key}_{field}"] = None
    state[f"{key}_baseline"] = NO_BASELINE
    notify(
        "start",
        "success",
        f"Started **{md_escape(created.title)}** on {md_escape(_checklist_label(checklist))}, "
        "as a draft. It is now the assessment chosen in the sidebar: open Scoring to begin.",
        scoring_link=True,
    )


def start_form(
    store: Store, organization: OrganizationRecord, assessments: list[AssessmentRecord]
) -> None:
    """Title, checklist edition, scope, team, dates and an optional baseline."""
    show_notice("start")
    if organization.archived:
        st.info("This organization is archived: unarchive it to start a new assessment.")
        return
    files = _checklists()
    if not files:
        st.info(
            "No checklists found. Put checklist YAML files in the checklists/ folder or set "
            "ISO10002_CHECKLISTS_DIR; the Checklists page shows what is available."
        )
        return
    key = f"org_start_{organization.id}"
    by_id = {a.id: a for a in assessments}
    with st.form(key):
        st.text_input(
            "Title",
            max_chars=limits.TITLE,
            key=f"{key}_title",
            placeholder="e.g. Complaints-handling gap analysis 2026",
        )
        st.selectbox(
            "Checklist (edition)",
            range(len(files)),
            index=_default_checklist(files),
            format_func=lambda i: _checklist_label(files[i].checklist),
            key=f"{key}_checklist",
            help="The assessment keeps this checklist's content, even if the file changes later.",
        )
        st.text_area(
            "Scope", key=f"{key}_scope", placeholder="What the assessment covers, and what not."
        )
        st.text_input("Team (comma separated)", key=f"{key}_team", help=TEAM_HELP)
        left, right = st.columns(2)
        left.date_input("Start date", value=None, key=f"{key}_start")
        right.date_input("End date", value=None, key=f"{key}_end")
        st.selectbox(
            "Baseline (optional)",
            [NO_BASELINE, *sorted(by_id, reverse=True)],
            format_func=lambda i: "(none)" if i == NO_BASELINE else assessment_label(by_id[i]),
            key=f"{key}_baseline",
            help="An earlier assessment of this organization to compare the new one with.",
        )
        st.form_submit_button(
            "Start the assessment",
            type="primary",
            key=f"{key}_submit",
            on_click=_start,
            args=(store, organization.id, key, files),
        )


# --- one assessment's settings -------------------------------------------------------------------


def _move(store: Store, assessment_id: int, target: str, version: int, reason_key: str) -> None:
    """Button callback: the version is the one the page showed, so a stale click is refused."""
    status = AssessmentStatus(target)
    reason = st.session_state.get(reason_key, "") or ""
    try:
        moved = set_status(
            store, current_actor(), assessment_id, status, expected_version=version, reason=reason
        )
    except UserError as error:
        refused("settings", f"The assessment was not moved to {status.label.lower()}", error)
        return
    st.session_state.pop(reason_key, None)
    notify(
        "settings",
        "success",
        f"**{md_escape(moved.title)}** is now {moved.status.label.lower()}.",
    )


def _signed(record: AssessmentRecord) -> None:
    by = record.sign_off.by if record.sign_off else "you"
    notify(
        "settings",
        "success",
        f"**{md_escape(record.title)}** is now final, signed off by {md_escape(by)}.",
    )


def _stage_line(current: AssessmentStatus) -> None:
    position = STAGES.index(current)
    steps = []
    for index, stage in enumerate(STAGES):
        if index < position:
            steps.append(f"✓ {stage.label}")
        elif index == position:
            steps.append(f"**● {stage.label}**")
        else:
            steps.append(f"○ {stage.label}")
    st.markdown("Stage: " + " → ".join(steps))


def _stage_controls(store: Store, actor: Actor, record: AssessmentRecord) -> None:
    current = record.status
    moves = sorted(TRANSITIONS[current], key=STAGES.index)
    allowed = []
    for target in moves:
        signing = AssessmentStatus.FINAL in (current, target)
        needed = Permission.FINALIZE if signing else Permission.MANAGE_ASSESSMENTS
        if actor.can(needed, record.organization_id):
            allowed.append(target)
        elif actor.can(Permission.MANAGE_ASSESSMENTS, record.organization_id):
            st.caption(
                "Signing off as final, and reopening a final assessment, need a lead assessor "
                "or an administrator."
            )
    if not allowed:
        return
    reason_key = f"org_reopen_reason_{record.id}"
    reason = ""
    if current is AssessmentStatus.FINAL:
        reason = st.text_input(
            "Reason to reopen",
            key=reason_key,
            placeholder="e.g. evidence for clause 8.4 arrived after the sign-off",
            help="Required; it is written to the assessment's history.",
        )
    columns = st.columns(len(allowed))
    for column, target in zip(columns, allowed, strict=True):
        if target is AssessmentStatus.FINAL:
            # Never one click: the dialog shows the figures and asks for a confirmation.
            column.button(
                "Sign off as final…",
                key=f"org_stage_{record.id}_{target.value}",
                type="primary",
                help="Shows completion, the verdict and what is open, then asks you to confirm.",
                on_click=sign_off_dialog.open_dialog,
                args=(record.id,),
            )
            if sign_off_dialog.is_open(record.id):
                sign_off_dialog.show(store, record, _signed)
            continue
        reopening = current is AssessmentStatus.FINAL
        column.button(
            MOVE_LABELS.get((current, target), f"Move to {target.label.lower()}"),
            key=f"org_stage_{record.id}_{target.value}",
            type="secondary",  # the one primary move, to final, is the button above
            disabled=reopening and not reason.strip(),
            help="Give a reason first." if reopening and not reason.strip() else None,
            on_click=_move,
            args=(store, record.id, target.value, record.version, reason_key),
        )


def _save(store: Store, record: AssessmentRecord, key: str) -> None:
    """Form callback: write the fields that changed, against the version the form showed."""
    state = st.session_state
    typed = {
        "title": " ".join(str(state.get(f"{key}_title", "")).split()),
        "scope": str(state.get(f"{key}_scope", "")).strip(),
        # The team as shown, unless it was edited: a name that does not survive the
        # comma split unchanged is never rewritten by a save of some other field.
        "team": (
            list(record.team)
            if state.get(f"{key}_team") == team_text(record.team)
            else team_of(str(state.get(f"{key}_team", "")))
        ),
        "start_date": state.get(f"{key}_start"),
        "end_date": state.get(f"{key}_end"),
    }
    current = {
        "title": record.title,
        "scope": record.scope,
        "team": list(record.team),
        "start_date": record.start_date,
        "end_date": record.end_date,
    }
    changes = {f: typed[f] for f in EDITABLE_FIELDS if typed[f] != current[f]}
    if not changes:
        notify("settings", "info", "Nothing to save: the details are as they were.")
        return
    try:
        saved = edit_assessment(
            store, current_actor(), record.id, expected_version=record.version, **changes
        )
    except UserError as error:
        refused("settings", "Not saved", error)
        return
    names = ", ".join(f.replace("_", " ") for f in changes)
    notify("settings", "success", f"Saved **{md_escape(saved.title)}**: {names}.")


def _details_form(store: Store, record: AssessmentRecord) -> None:
    key = f"org_edit_{record.id}_v{record.version}"  # a new version shows the new values
    with st.form(key):
        st.text_input("Title", max_chars=limits.TITLE, value=record.title, key=f"{key}_title")
        st.text_area("Scope", value=record.scope, key=f"{key}_scope")
        st.text_input(
            "Team (comma separated)",
            value=team_text(record.team),
            key=f"{key}_team",
            help=TEAM_HELP,
        )
        left, right = st.columns(2)
        left.date_input("Start date", value=record.start_date, key=f"{key}_start")
        right.date_input("End date", value=record.end_date, key=f"{key}_end")
        st.form_submit_button(
            "Save changes", key=f"{key}_submit", on_click=_save, args=(store, record, key)
        )


def _details(record: AssessmentRecord) -> None:
    """The details as text, for those who may not edit them (or while the assessment is final)."""
    team = ", ".join(record.team) or "(no team named)"
    dates = " to ".join(d.isoformat() if d else "?" for d in (record.start_date, record.end_date))
    lines = [
        f"**Title:** {md_escape(record.title)}",
        f"**Scope:** {md_escape(record.scope) if record.scope else '(not described)'}",
        f"**Team:** {md_escape(team)}",
        f"**Dates:** {dates if record.start_date or record.end_date else '(none set)'}",
        f"**Checklist:** {md_escape(record.checklist_id)}",
    ]
    st.markdown("  \n".join(lines))


def _link_baseline(store: Store, record: AssessmentRecord, key: str) -> None:
    baseline_id = st.session_state.get(key) or NO_BASELINE
    try:
        saved = set_baseline(
            store,
            current_actor(),
            record.id,
            None if baseline_id == NO_BASELINE else baseline_id,
            expected_version=record.version,
        )
    except UserError as error:
        refused("settings", "The baseline was not changed", error)
        return
    text = "no baseline" if saved.baseline_id is None else "the baseline chosen"
    notify("settings", "success", f"**{md_escape(saved.title)}** now has {text}.")


def _baseline(
    store: Store, record: AssessmentRecord, others: dict[int, AssessmentRecord], editable: bool
) -> None:
    if not editable:
        baseline = others.get(record.baseline_id) if record.baseline_id else None
        shown = md_escape(assessment_label(baseline)) if baseline else "(none)"
        st.markdown(f"**Baseline:** {shown}")
        return
    if not others:
        st.caption("There is no other assessment of this organization to compare with yet.")
        return
    key = f"org_baseline_{record.id}_v{record.version}"
    choices = [NO_BASELINE, *sorted(others, reverse=True)]
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    left.selectbox(
        "Baseline: the earlier assessment to compare this one with",
        choices,
        index=choices.index(record.baseline_id) if record.baseline_id in choices else 0,
        format_func=lambda i: "(none)" if i == NO_BASELINE else assessment_label(others[i]),
        key=key,
    )
    right.button(
        "Set baseline",
        key=f"org_baseline_set_{record.id}",
        on_click=_link_baseline,
        args=(store, record, key),
    )


def _archive(store: Store, record: AssessmentRecord, archived: bool) -> None:
    try:
        saved = archive_assessment(
            store, current_actor(), record.id, expected_version=record.version, archived=archived
        )
    except UserError as error:
        refused("settings", "Nothing was changed", error)
        return
    if archived:
        text = (
            f"Archived **{md_escape(saved.title)}**: it leaves the sidebar and the portfolio; "
            "nothing is deleted. Turn on *Show archived assessments* to find it again."
        )
    else:
        text = f"**{md_escape(saved.title)}** is active again."
    notify("settings", "success", text)


def _picked(key: str, by_id: dict[int, AssessmentRecord]) -> None:
    """An active assessment picked here becomes the choice on every page."""
    value = st.session_state.get(key)
    if value not in by_id:
        return
    record = by_id[value]
    if not record.archived:
        selection.select(record.organization_id, record.id)
    selection.hold(f"{key}_held", value)


def settings(
    store: Store,
    actor: Actor,
    organization: OrganizationRecord,
    shown: list[AssessmentRecord],
    every: list[AssessmentRecord],
) -> None:
    """Choose one of `shown` and manage it; `every` (archived too) offers the baselines."""
    key = f"{CHOICE_PREFIX}{organization.id}"
    by_id = {a.id: a for a in shown}
    current = selection.chosen()
    held = selection.shown_here(
        f"{key}_held", by_id, current.assessment_id if current else None, max(by_id)
    )
    chosen = record_picker(
        "Assessment",
        {i: assessment_label(by_id[i]) for i in by_id},
        held,
        key=key,
        on_change=_picked,
        args=(key, by_id),
    )
    record = by_id[chosen]
    show_notice("settings")
    manages = actor.can(Permission.MANAGE_ASSESSMENTS, organization.id)
    final = record.status is AssessmentStatus.FINAL
    _stage_line(record.status)
    if final:
        st.warning(FINAL_BANNER, icon="🔒")
        signed = sign_off_dialog.signed_off_text(record)
        if signed:
            st.markdown(signed)
    if record.archived:
        st.info("This assessment is archived.")
    _stage_controls(store, actor, record)
    if not manages:
        st.caption(role_note(actor, organization.id, "changing it", Permission.MANAGE_ASSESSMENTS))
    st.markdown("##### Details")
    if manages and not final:
        _details_form(store, record)
    else:
        _details(record)
    others = {a.id: a for a in every if a.id != record.id}
    _baseline(store, record, others, editable=manages and not final)
    if manages:
        archived = not record.archived
        st.button(
            "Archive this assessment" if archived else "Unarchive this assessment",
            key=f"org_archive_assessment_{record.id}",
            on_click=_archive,
            args=(store, record, archived),
            help="Archived assessments are kept, but left out of the sidebar and the portfolio.",
        )
