"""Presentation mode's scoring: one criterion at a time, in large type, saved when chosen.

In a workshop the room agrees on a score and the consultant clicks it; a separate Save that can
be forgotten loses the room's decision. Here choosing a score (a button, or the keys 0-5) saves
it at once, against the version on screen: if someone else saved in between, the conflict is
shown with both answers and nothing is overwritten. Notes are saved when the text box is left.
The target, the gap and the finding stand beside the buttons in plain sight. ← and → move
between criteria across clauses, N goes to the next unanswered one.

This component owns the session keys starting with `focus_`.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from assessment.checklist.model import Criterion
from assessment.errors import ConflictError, UserError
from assessment.services.assessments import OpenAssessment
from assessment.services.responses import set_response
from assessment.storage.store import Store
from assessment.workflow.response import Response
from ui.components import notices
from ui.components.markdown import md_escape
from ui.components.sign_in import refresh_actor

FOCUS_KEY = "focus_criterion"  # {assessment id: the criterion on screen}
SCORES_KEY = "focus_scores"  # the container of the score buttons (styled large)
MOVES_KEY = "focus_moves"
LAST_KEY = "focus_last"  # the criterion shown in the run before


class Keys:
    """The session keys of one criterion in presentation mode."""

    def __init__(self, assessment_id: int, criterion_id: str) -> None:
        prefix = f"focus_{assessment_id}_{criterion_id}"
        self.base = f"{prefix}_base"  # the version on screen, which every save is based on
        self.notes, self.notes_seen = f"{prefix}_notes", f"{prefix}_notes_seen"
        self.na_open, self.na_reason = f"{prefix}_na_open", f"{prefix}_na_reason"
        self.notice = f"{prefix}_notice"  # "Saved ..." or "Not saved: ...", shown once
        self.conflict = f"{prefix}_conflict"  # (message, their version, the answer not saved)
        self.prefix = prefix


def _order(opened: OpenAssessment) -> list[str]:
    return [c.id for c in opened.checklist.criteria]


def current_criterion(opened: OpenAssessment, clause_ref: str | None = None) -> Criterion:
    """The criterion on screen: the one last shown, else the first unanswered one of
    `clause_ref` (the clause the normal view had open), else of the whole checklist."""
    focus = st.session_state.setdefault(FOCUS_KEY, {})
    chosen = focus.get(opened.record.id)
    ids = _order(opened)
    if chosen not in ids:
        candidates = [c.id for c in opened.checklist.criteria]
        if clause_ref is not None:
            candidates = [c.id for c in opened.checklist.clause(clause_ref).criteria] or ids
        unanswered = [i for i in candidates if not opened.score.criterion(i).answered]
        chosen = (unanswered or candidates)[0]
        focus[opened.record.id] = chosen
    return opened.checklist.criterion(chosen)


def _go(opened: OpenAssessment, criterion_id: str) -> None:
    st.session_state.setdefault(FOCUS_KEY, {})[opened.record.id] = criterion_id


def _next_unanswered(opened: OpenAssessment, current: str) -> str | None:
    ids = _order(opened)
    position = ids.index(current)
    later = ids[position + 1 :] + ids[: position + 1]
    return next((i for i in later if not opened.score.criterion(i).answered), None)


def _save(store: Store, opened: OpenAssessment, criterion_id: str, response: Response) -> None:
    """Store the answer against the version on screen; a conflict or refusal is kept to show."""
    k = Keys(opened.record.id, criterion_id)
    state = st.session_state
    try:
        stored = set_response(
            store,
            refresh_actor(store),
            opened.record.id,
            criterion_id,
            response,
            expected_version=state[k.base],
        )
    except ConflictError as error:
        state[k.conflict] = (str(error), error.current_version, response)
        return
    except UserError as error:
        notices.notify(k.notice, f"Not saved: {error}.", kind="error")
        return
    state[k.base] = stored.version
    state.pop(k.conflict, None)
    notices.notify(k.notice, f"✓ Saved {criterion_id}: {_answer_text(opened, response)}")


def _answer_text(opened: OpenAssessment, response: Response) -> str:
    if response.is_not_applicable:
        return f"not applicable ({response.not_applicable})"
    if response.score is None:
        return "notes only, no score yet"
    level = next(lv for lv in opened.checklist.scale.levels if lv.value == response.score)
    return f"{level.value} — {level.label}"


def _stored(opened: OpenAssessment, criterion_id: str) -> Response:
    held = opened.responses.get(criterion_id)
    return held.response if held else Response()


def _position(opened: OpenAssessment, criterion: Criterion) -> None:
    ids = _order(opened)
    clause = opened.checklist.clause_of(criterion.id)
    in_clause = [c.id for c in clause.criteria]
    st.markdown(
        f"Criterion **{ids.index(criterion.id) + 1} of {len(ids)}** · clause "
        f"**{md_escape(clause.ref)} {md_escape(clause.title)}** "
        f"({in_clause.index(criterion.id) + 1} of {len(in_clause)})"
    )


def _standing(opened: OpenAssessment, criterion: Criterion) -> None:
    """Target, score, gap and finding as large figures, not a caption."""
    result = opened.score.criterion(criterion.id)
    columns = st.columns(4)
    columns[0].metric("Target", result.target)
    if result.not_applicable:
        shown = "N/A"
    elif result.score is None:
        shown = "—"
    else:
        shown = str(result.score)
    columns[1].metric("Score", shown)
    columns[2].metric("Gap", "—" if result.gap is None else result.gap)
    finding = "Not assessed" if not result.answered else "—"
    if result.finding is not None:
        finding = result.finding.label + (" (set by hand)" if result.finding_overridden else "")
    columns[3].metric("Finding", finding)


def _scores(opened: OpenAssessment, criterion: Criterion, read_only: bool) -> Response | None:
    """The scale as large buttons (keys 0-9); returns the answer chosen in this run."""
    stored = _stored(opened, criterion.id)
    levels = opened.checklist.scale.levels
    chosen: Response | None = None
    # At most three buttons a row: a label like "Implemented and documented" stays readable
    # in large type on a 1440-pixel screen.
    per_row = 3 if len(levels) > 4 else len(levels)
    with st.container(key=SCORES_KEY):
        columns = [
            column for start in range(0, len(levels), per_row) for column in st.columns(per_row)
        ][: len(levels)]
        for column, level in zip(columns, levels, strict=True):
            current = stored.score == level.value and not stored.is_not_applicable
            if column.button(
                f"**{level.value}** {level.label}",
                key=f"focus_score_{level.value}",
                type="primary" if current else "secondary",
                disabled=read_only,
                shortcut=str(level.value) if 0 <= level.value <= 9 else None,
                width="stretch",
                wrap=True,
                help=level.description or None,
            ):
                notes = st.session_state.get(Keys(opened.record.id, criterion.id).notes)
                chosen = replace(
                    stored,
                    score=level.value,
                    not_applicable=None,
                    notes=stored.notes if notes is None else notes,
                )
    return chosen


def _not_applicable(opened: OpenAssessment, criterion: Criterion, k: Keys) -> Response | None:
    stored = _stored(opened, criterion.id)
    if stored.is_not_applicable:
        st.info(f"Marked not applicable: {md_escape(stored.not_applicable or '')}")
    if not st.session_state.get(k.na_open):
        st.button(
            "Not applicable…",
            key=f"{k.prefix}_na_button",
            on_click=lambda: st.session_state.__setitem__(k.na_open, True),
        )
        return None
    reason = st.text_input(
        "Why it does not apply (required)",
        key=k.na_reason,
        placeholder="For example: we charge nothing, so there are no fees to explain",
    )
    if st.button("Mark not applicable", key=f"{k.prefix}_na_save", disabled=not reason.strip()):
        st.session_state.pop(k.na_open, None)
        return replace(
            stored, score=None, not_applicable=reason.strip(), finding=None, finding_reason=None
        )
    return None


def _notes(
    opened: OpenAssessment, criterion: Criterion, k: Keys, read_only: bool
) -> Response | None:
    """Notes are saved when the box is left (a change the user made, never someone else's)."""
    stored = _stored(opened, criterion.id)
    state = st.session_state
    if state.get(k.notes_seen) != stored.notes and state.get(k.notes) == state.get(k.notes_seen):
        state[k.notes] = stored.notes  # someone else's change, and nothing typed here: show it
    state.setdefault(k.notes, stored.notes)
    state[k.notes_seen] = stored.notes
    typed = st.text_area("Notes (saved when you leave the box)", key=k.notes, disabled=read_only)
    if not read_only and typed != stored.notes:
        return replace(stored, notes=typed)
    return None


def _conflict(store: Store, opened: OpenAssessment, criterion_id: str, k: Keys) -> None:
    message, their_version, mine = st.session_state[k.conflict]
    st.error(
        f"Not saved: {md_escape(message)}.\n\nTheirs: **{md_escape(_answer_text(opened, _stored(opened, criterion_id)))}**"
        f" · yours: **{md_escape(_answer_text(opened, mine))}**"
    )
    left, right = st.columns(2)
    if left.button("Keep theirs", key=f"{k.prefix}_keep_theirs"):
        st.session_state.pop(k.conflict, None)
        st.session_state.pop(k.notes, None)
        st.rerun()
    if right.button("Save mine over theirs", key=f"{k.prefix}_overwrite"):
        st.session_state[k.base] = their_version
        _save(store, opened, criterion_id, mine)
        st.rerun()


def _moves(opened: OpenAssessment, criterion: Criterion) -> None:
    """Previous, next unanswered and next, as callbacks: a move writes nothing by itself."""
    ids = _order(opened)
    position = ids.index(criterion.id)
    following = _next_unanswered(opened, criterion.id)
    with st.container(key=MOVES_KEY):
        left, middle, right = st.columns(3)
        left.button(
            "← Previous",
            key="focus_previous",
            shortcut="Left",
            disabled=position == 0,
            width="stretch",
            on_click=_go,
            args=(opened, ids[max(position - 1, 0)]),
        )
        middle.button(
            "Next unanswered (N)",
            key="focus_next_unanswered",
            shortcut="N",
            disabled=following is None,
            width="stretch",
            on_click=_go,
            args=(opened, following or criterion.id),
        )
        right.button(
            "Next →",
            key="focus_next",
            shortcut="Right",
            disabled=position == len(ids) - 1,
            width="stretch",
            on_click=_go,
            args=(opened, ids[min(position + 1, len(ids) - 1)]),
        )
    if following is None:
        st.success("Every criterion is answered.")


def _save_notes_left_behind(store: Store, opened: OpenAssessment, current: str) -> None:
    """Notes typed into the criterion just left (by a move) are saved, not lost."""
    last = st.session_state.get(LAST_KEY)
    st.session_state[LAST_KEY] = current
    if last is None or last == current or last not in _order(opened):
        return
    k = Keys(opened.record.id, last)
    typed = st.session_state.get(k.notes)
    stored = _stored(opened, last)
    if typed is not None and typed != stored.notes and k.conflict not in st.session_state:
        st.session_state.setdefault(k.base, opened.version_of(last))
        _save(store, opened, last, replace(stored, notes=typed))
        notice = notices.take(k.notice)
        if notice is not None:  # saved, or why not: the criterion on screen is another one
            st.toast(
                md_escape(notice.text) if notice.kind != "success" else f"Notes of {last} saved."
            )


def show(
    store: Store,
    opened: OpenAssessment,
    *,
    read_only: bool,
    clause_ref: str | None = None,
) -> None:
    """Draw the criterion on screen with its question, standing, scale, N/A, notes and moves."""
    criterion = current_criterion(opened, clause_ref)
    _save_notes_left_behind(store, opened, criterion.id)
    k = Keys(opened.record.id, criterion.id)
    state = st.session_state
    # A save in this run is based on the version the user saw in the run before (kept at the
    # end of each run), never on the one just read: a change someone made in between is then
    # a conflict, not something silently overwritten.
    state.setdefault(k.base, opened.version_of(criterion.id))
    _position(opened, criterion)
    essential = " · essential" if criterion.essential else ""
    st.markdown(f"## {md_escape(criterion.id)}{essential}: {md_escape(criterion.question)}")
    notices.show(k.notice)
    if k.conflict in state:
        _conflict(store, opened, criterion.id, k)
    _standing(opened, criterion)
    answer = _scores(opened, criterion, read_only)
    notes = _notes(opened, criterion, k, read_only)
    if not read_only:
        answer = _not_applicable(opened, criterion, k) or answer
    answer = answer or notes
    if answer is not None and not read_only:
        _save(store, opened, criterion.id, answer)
        st.rerun()
    if criterion.guidance or criterion.evidence:
        with st.expander("Guidance and the records that show it"):
            if criterion.guidance:
                st.markdown(md_escape(criterion.guidance))
            if criterion.evidence:
                st.markdown("\n".join(f"- {md_escape(item)}" for item in criterion.evidence))
    _moves(opened, criterion)
    if k.conflict not in state:
        state[k.base] = opened.version_of(criterion.id)  # what this run showed
