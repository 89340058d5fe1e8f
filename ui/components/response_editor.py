"""One criterion in workshop mode: its question in large text, the answer, and its evidence.

This component owns its session-state keys (all `scoring_<assessment>_<criterion>_...`). The
answer on screen is the user's draft: it is read from the store once, kept across reruns, and
saved with the version it was read at, so a change someone else saved in between is shown as a
conflict, and the draft stays on screen until the user chooses what to keep.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from assessment.checklist.model import Criterion
from assessment.complaints.suggestions import Suggestion
from assessment.errors import ConflictError, InvalidInput, UserError
from assessment.scoring.findings import Finding
from assessment.services.assessments import OpenAssessment
from assessment.services.evidence_adding import AddedEvidence, add_file, add_link, add_note
from assessment.services.responses import set_response
from assessment.storage.store import Store
from assessment.workflow.response import Response
from evidence.records import EvidenceRecord
from ui.components import notices
from ui.components.markdown import md_escape
from ui.components.sign_in import refresh_actor
from ui.components.uploads import evidence_limit_mb

NO_OVERRIDE = ""


class Keys:
    """The session-state keys of one criterion's editor."""

    def __init__(self, assessment_id: int, criterion_id: str) -> None:
        self.prefix = prefix = f"scoring_{assessment_id}_{criterion_id}"
        self.score, self.na, self.na_reason = (
            f"{prefix}_score",
            f"{prefix}_na",
            f"{prefix}_na_reason",
        )
        self.notes, self.finding = f"{prefix}_notes", f"{prefix}_finding"
        self.finding_reason = f"{prefix}_finding_reason"
        self.base = f"{prefix}_base"  # the version the draft was read at
        self.conflict, self.notice = f"{prefix}_conflict", f"{prefix}_notice"
        self.save, self.reload, self.overwrite = (
            f"{prefix}_save",
            f"{prefix}_reload",
            f"{prefix}_overwrite",
        )
        self.refresh, self.ev_round = f"{prefix}_refresh", f"{prefix}_ev_round"
        # The score the register suggested and the reason, once the assessor took it.
        self.suggested, self.use_suggestion = f"{prefix}_suggested", f"{prefix}_use_suggestion"

    @property
    def draft(self) -> tuple[str, ...]:
        return (self.score, self.na, self.na_reason, self.notes, self.finding, self.finding_reason)

    def evidence_input(self, what: str) -> str:
        """Evidence inputs get fresh keys after each addition, so they start empty again."""
        return f"{self.prefix}_ev{st.session_state.get(self.ev_round, 0)}_{what}"


def keys(assessment_id: int, criterion_id: str) -> Keys:
    return Keys(assessment_id, criterion_id)


def _when(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else str(value)


def _load_draft(opened: OpenAssessment, criterion_id: str, k: Keys) -> None:
    """Put the stored answer on screen, and remember the version it was read at."""
    stored = opened.responses.get(criterion_id)
    response = stored.response if stored else Response()
    state = st.session_state
    state[k.score] = response.score
    state[k.na] = response.is_not_applicable
    state[k.na_reason] = response.not_applicable or ""
    state[k.notes] = response.notes
    state[k.finding] = response.finding.value if response.finding else NO_OVERRIDE
    state[k.finding_reason] = response.finding_reason or ""
    state[k.base] = opened.version_of(criterion_id)


def _discard_draft(k: Keys) -> None:
    for key in (*k.draft, k.conflict):
        st.session_state.pop(key, None)


def _draft(k: Keys) -> Response:
    """The answer on screen as a Response; InvalidInput (a plain message) when incomplete."""
    state = st.session_state
    not_applicable = state.get(k.na, False)
    finding = state.get(k.finding, NO_OVERRIDE)
    return Response(
        score=None if not_applicable else state.get(k.score),
        not_applicable=state.get(k.na_reason, "").strip() if not_applicable else None,
        notes=state.get(k.notes, ""),
        finding=Finding(finding) if finding else None,
        finding_reason=(state.get(k.finding_reason, "").strip() or None) if finding else None,
    )


def _save(store: Store, opened: OpenAssessment, criterion_id: str, k: Keys, version: int) -> None:
    try:
        response = _draft(k)
    except InvalidInput as error:
        st.error(f"Not saved: {md_escape(str(error))}. Fill it in, then save again.")
        return
    taken = st.session_state.get(k.suggested)
    accepted = taken[1] if taken and response.score == taken[0] else None
    try:
        stored = set_response(
            store,
            refresh_actor(store),
            opened.record.id,
            criterion_id,
            response,
            expected_version=version,
            accepted_suggestion=accepted,
        )
    except ConflictError as error:
        st.session_state[k.conflict] = (str(error), error.current_version)
        st.rerun()  # show it above the answer, which stays as the user left it
    except UserError as error:
        st.error(f"Not saved: {md_escape(str(error))}.")
        return
    st.session_state[k.base] = stored.version
    st.session_state.pop(k.conflict, None)
    st.session_state.pop(k.suggested, None)
    notices.notify(k.notice, f"Saved {criterion_id}.")
    st.rerun()


def _conflict(store: Store, opened: OpenAssessment, criterion_id: str, k: Keys) -> None:
    message, their_version = st.session_state[k.conflict]
    st.error(
        f"Not saved: {md_escape(message)}.\n\nYour answer is still below. Load their version "
        "(your input is discarded), or save yours over theirs."
    )
    left, right = st.columns(2)
    if left.button("Load their version", key=k.reload):
        _discard_draft(k)
        st.rerun()
    if right.button("Save mine over theirs", key=k.overwrite):
        _save(store, opened, criterion_id, k, their_version)


def _changed_since_read(opened: OpenAssessment, criterion_id: str, k: Keys) -> None:
    stored = opened.responses.get(criterion_id)
    if stored is None or stored.version == st.session_state[k.base]:
        return
    st.warning(
        f"{md_escape(stored.updated_by)} saved this criterion at {_when(stored.updated_at)} "
        "since you opened it; what you see may be out of date."
    )
    if st.button("Reload their answer", key=k.refresh):
        _discard_draft(k)
        st.rerun()


def _heading(opened: OpenAssessment, criterion: Criterion) -> None:
    essential = " · essential" if criterion.essential else ""
    st.markdown(f"### {md_escape(criterion.id)}{essential}\n\n#### {md_escape(criterion.question)}")
    if criterion.guidance:
        st.markdown(md_escape(criterion.guidance))
    if criterion.evidence:
        st.markdown(
            "**Records that show it**\n\n"
            + "\n".join(f"- {md_escape(item)}" for item in criterion.evidence)
        )
    result = opened.score.criterion(criterion.id)
    # Target, gap and finding in plain sight (not a grey caption): they are what the room
    # discusses; who saved it last is the small print.
    parts = [f"**Target {result.target}**"]
    if result.gap is not None:
        parts.append(f"**gap {result.gap}**")
    if result.finding is not None:
        parts.append(
            f"**{result.finding.label}**" + (" (set by hand)" if result.finding_overridden else "")
        )
    elif not result.answered:
        parts.append("**not assessed yet**")
    st.markdown(" · ".join(parts))
    stored = opened.responses.get(criterion.id)
    if stored is not None:
        st.caption(f"Last saved by {md_escape(stored.updated_by)} at {_when(stored.updated_at)}")


def _take_suggestion(k: Keys, suggestion: Suggestion) -> None:
    """The button's callback: the suggested score into the answer (before the pills are drawn),
    remembered with its reason so that Save records it as accepted."""
    st.session_state[k.score] = suggestion.score
    st.session_state[k.na] = False
    st.session_state[k.suggested] = (suggestion.score, suggestion.reason)


def _suggestion(k: Keys, suggestion: Suggestion | None, read_only: bool) -> None:
    """What the complaint register says about this criterion, and the score it suggests."""
    if suggestion is None:
        return
    period = suggestion.period
    lines = [
        f"**From the complaint register** ({period.start:%d %b %Y} to {period.end:%d %b %Y}):",
        *(
            f"- {md_escape(v.indicator.title)}: **{md_escape(v.shown)}** against "
            f"{md_escape(v.target_shown)} ({v.counted:,} complaints)"
            for v in suggestion.values
        ),
        f"Suggested score: **{suggestion.score}**. You decide; the figures only propose.",
    ]
    st.info("\n".join(lines))
    if not read_only:
        st.button(
            f"Use the suggested score {suggestion.score}",
            key=k.use_suggestion,
            on_click=_take_suggestion,
            args=(k, suggestion),
        )


def _answer(opened: OpenAssessment, k: Keys, locked: bool) -> None:
    scale = opened.checklist.scale
    labels = {level.value: level.label for level in scale.levels}
    not_applicable = st.toggle("Not applicable", key=k.na, disabled=locked)
    chosen = st.pills(
        "Score",
        scale.values,
        format_func=lambda value: f"{value} — {labels[value]}",
        key=k.score,
        disabled=locked or not_applicable,
    )
    if chosen is not None and not not_applicable:
        description = next(lvl.description for lvl in scale.levels if lvl.value == chosen)
        if description:
            st.caption(md_escape(description))
    if not_applicable:
        st.text_input(
            "Why it does not apply (required)",
            key=k.na_reason,
            disabled=locked,
            placeholder="For example: we charge nothing, so there are no fees to explain",
        )
    st.text_area("Notes", key=k.notes, disabled=locked, height=100)
    with st.expander("Finding override"):
        st.selectbox(
            "Finding",
            [NO_OVERRIDE, *(f.value for f in Finding)],
            format_func=lambda v: Finding(v).label if v else "From the score (no override)",
            key=k.finding,
            disabled=locked,
        )
        st.text_input(
            "Why the finding differs from the score", key=k.finding_reason, disabled=locked
        )


def _evidence_line(record: EvidenceRecord) -> str:
    valid = f", valid until {record.valid_until.isoformat()}" if record.valid_until else ""
    return (
        f"- {md_escape(record.ref)} · {record.kind.value} · {md_escape(record.title)} · "
        f"{record.status.label}{valid}"
    )


def _added(k: Keys, what: str, added: AddedEvidence) -> None:
    notices.notify(k.notice, f"{what} added as {added.record.ref}.", details=added.notices)
    st.session_state[k.ev_round] = st.session_state.get(k.ev_round, 0) + 1  # empty the inputs
    st.rerun()


def _evidence(
    store: Store,
    opened: OpenAssessment,
    criterion_id: str,
    records: Sequence[EvidenceRecord],
    k: Keys,
    can_add: bool,
) -> None:
    # A file chosen but not yet attached keeps the panel open: a rerun in between (a notice
    # that went away) would otherwise fold it and hide the Attach button.
    pending = any(
        st.session_state.get(k.evidence_input(field)) for field in ("file", "link", "note")
    )
    with st.expander(f"Evidence ({len(records)})", expanded=bool(pending)):
        if records:
            st.markdown("\n".join(_evidence_line(r) for r in records))
        else:
            st.caption("No evidence for this criterion yet.")
        if not can_add:
            return
        aid, criteria = opened.record.id, [criterion_id]
        try:
            upload = st.file_uploader(
                "Attach a file",
                key=k.evidence_input("file"),
                max_upload_size=evidence_limit_mb(),
            )
            if upload is not None and st.button("Attach file", key=k.evidence_input("attach_file")):
                added = add_file(
                    store, refresh_actor(store), aid, upload.getvalue(), upload.name, criteria
                )
                _added(k, "The file was", added)
            url = st.text_input("Or a link (http or https)", key=k.evidence_input("link"))
            if url.strip() and st.button("Add link", key=k.evidence_input("add_link")):
                _added(k, "The link was", add_link(store, refresh_actor(store), aid, url, criteria))
            note = st.text_area("Or a note of what was seen or heard", key=k.evidence_input("note"))
            if note.strip() and st.button("Add note", key=k.evidence_input("add_note")):
                _added(
                    k, "The note was", add_note(store, refresh_actor(store), aid, note, criteria)
                )
        except UserError as error:
            st.error(f"Not added: {md_escape(str(error))}.")


@st.fragment
def edit(
    store: Store,
    opened: OpenAssessment,
    criterion: Criterion,
    records: Sequence[EvidenceRecord],
    *,
    locked: bool,
    can_score: bool = True,
    can_add_evidence: bool = True,
    suggestion: Suggestion | None = None,
) -> None:
    """Draw one criterion's question, the register's suggestion, the answer, finding override,
    evidence and Save.

    `locked` (a final assessment) shows it all read-only with Save disabled; without
    `can_score` the answer is read-only the same way and there is no Save at all, and without
    `can_add_evidence` the evidence is listed without the inputs to add more.

    A fragment: a score chosen or a note typed reruns this criterion only, not the whole
    clause and its scoring; a save or an added record reruns the page (st.rerun), so the
    progress bar and the clause counts follow.
    """
    read_only = locked or not can_score
    k = keys(opened.record.id, criterion.id)
    # A reader has no draft: the answer on screen is always the stored one, as others save it.
    if not can_score or k.score not in st.session_state or k.base not in st.session_state:
        _load_draft(opened, criterion.id, k)
    _heading(opened, criterion)
    notices.show(k.notice)
    if not read_only:
        if k.conflict in st.session_state:
            _conflict(store, opened, criterion.id, k)
        else:
            _changed_since_read(opened, criterion.id, k)
    _suggestion(k, suggestion, read_only)
    _answer(opened, k, read_only)
    _evidence(store, opened, criterion.id, records, k, can_add_evidence and not locked)
    if not can_score:
        return
    if st.button(f"Save {criterion.id}", key=k.save, type="primary", disabled=locked):
        _save(store, opened, criterion.id, k, st.session_state[k.base])
