"""Signing an assessment off as final: the figures first, then an explicit confirmation.

Signing off locks the result and puts a name under it, so a single click must never do it.
The dialog shows how complete and how ready the assessment is, what holds the verdict back,
how many criteria are unanswered and how many nonconformities are still open; the signer ticks
a confirmation and, when the verdict is not "ready", writes a statement saying why it is
signed off anyway (the service refuses it without one too). This component owns the session
keys starting with `sign_off_`.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from assessment.errors import (
    UserError,
)
from assessment.scoring.numbers import percent
from assessment.scoring.verdict import Verdict
from assessment.services.assessments import AssessmentRecord
from assessment.services.sign_off import SignOffReview, review_sign_off
from assessment.services.stage_moves import set_status
from assessment.storage.store import Store
from assessment.timestamps import as_utc
from assessment.workflow.stages import AssessmentStatus
from ui.components.identity import current_actor
from ui.components.markdown import md_escape

SHOWN_REASONS = 8


def _keys(assessment_id: int) -> tuple[str, str, str, str]:
    prefix = f"sign_off_{assessment_id}"
    return f"{prefix}_open", f"{prefix}_confirm", f"{prefix}_statement", f"{prefix}_submit"


def open_dialog(assessment_id: int) -> None:
    """Button callback: the dialog stays open across reruns until signed or dismissed."""
    st.session_state[_keys(assessment_id)[0]] = True


def _close(assessment_id: int) -> None:
    for key in _keys(assessment_id)[:3]:
        st.session_state.pop(key, None)


def is_open(assessment_id: int) -> bool:
    return bool(st.session_state.get(_keys(assessment_id)[0]))


def _figures(review: SignOffReview) -> None:
    columns = st.columns(4)
    columns[0].metric("Completion", percent(review.completion))
    columns[1].metric("Readiness", percent(review.readiness))
    columns[2].metric("Verdict", review.verdict.label)
    columns[3].metric("Unanswered criteria", review.unanswered)
    still_open = len(review.open_nonconformities)
    st.markdown(
        f"**{review.answered} of {review.total}** criteria answered · "
        f"**{still_open}** open nonconformit{'y' if still_open == 1 else 'ies'}"
        + (f" ({md_escape(', '.join(review.open_nonconformities[:10]))}" if still_open else "")
        + ("…)" if still_open > 10 else ")" if still_open else "")
    )
    if review.reasons:
        shown = "\n".join(f"- {md_escape(r.message)}" for r in review.reasons[:SHOWN_REASONS])
        more = len(review.reasons) - SHOWN_REASONS
        st.markdown(
            "**What holds the verdict back**\n\n"
            + shown
            + (f"\n- … and {more} more (see the Dashboard)" if more > 0 else "")
        )


def signed_off_text(record: AssessmentRecord) -> str | None:
    """'Signed off as final by Kim Lead on 2026-12-02 14:05 UTC (verdict: not ready). Statement: …'
    as markdown, or None when the assessment is not signed off."""
    sign_off = record.sign_off
    if sign_off is None:
        return None
    verdict = Verdict(sign_off.verdict).label.lower() if sign_off.verdict else "not recorded"
    text = (
        f"Signed off as final by **{md_escape(sign_off.by)}** on "
        f"{as_utc(sign_off.at):%Y-%m-%d %H:%M} UTC (verdict then: {verdict})."
    )
    if sign_off.statement:
        text += f" Statement: “{md_escape(sign_off.statement)}”"
    return text


def show(store: Store, record: AssessmentRecord, on_signed: Callable[[AssessmentRecord], None]):
    """Draw the sign-off dialog for `record` (the version the page showed) while it is open.

    `on_signed` is called with the final record after a sign-off, before the page reruns.
    """

    @st.dialog(
        f"Sign off “{record.title}” as final?",
        width="large",
        on_dismiss=lambda: _close(record.id),
    )
    def dialog() -> None:
        _, confirm_key, statement_key, submit_key = _keys(record.id)
        try:
            review = review_sign_off(store, current_actor(), record.id)
        except UserError as error:
            st.error(md_escape(str(error)))
            return
        st.markdown(
            f"**{md_escape(record.organization_name)}** — {md_escape(record.title)}. "
            "A final assessment is read-only for everyone until it is reopened with a reason; "
            "your name, the time and the verdict go into the history and the readiness pack."
        )
        _figures(review)
        if review.needs_statement:
            st.warning(
                f"The verdict is **{review.verdict.label.lower()}**. Signing off is still "
                "possible (for example, a gap analysis the organization has agreed), but "
                "it needs a statement saying why."
            )
            statement = st.text_area(
                "Statement (required): why this assessment is signed off as it stands",
                key=statement_key,
                placeholder="e.g. Agreed with the quality manager as the baseline gap analysis; "
                "the open gaps are in the action plan.",
            )
        else:
            statement = st.text_area("Statement (optional)", key=statement_key)
        confirmed = st.checkbox(
            "I have read the figures above and sign this assessment off as final under my name.",
            key=confirm_key,
        )
        missing = review.needs_statement and not statement.strip()
        if st.button(
            "Sign off as final",
            type="primary",
            key=submit_key,
            disabled=not confirmed or missing,
            help="Tick the confirmation first" + (" and write the statement." if missing else "."),
        ):
            try:
                signed = set_status(
                    store,
                    current_actor(),
                    record.id,
                    AssessmentStatus.FINAL,
                    expected_version=record.version,
                    statement=statement,
                )
            except UserError as error:
                st.error(f"Not signed off: {md_escape(str(error))}")
                return
            _close(record.id)
            on_signed(signed)
            st.rerun()

    dialog()
