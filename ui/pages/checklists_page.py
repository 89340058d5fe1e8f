"""Browse a checklist's clause tree: what each clause asks and which records show it.

The page also checks a custom checklist file before anyone puts it in a checklist folder: the
upload goes through the one checklist loader (`checklist_from_text`), the same rules that
`iso10002 checklist validate` applies, and nothing is saved.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from assessment.checklist.loader import ChecklistFile, available_checklists, checklist_from_text
from assessment.checklist.model import Checklist, Clause
from assessment.errors import ChecklistError, Fault
from ui.components.markdown import md_escape

MAX_UPLOAD_MB = 2
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
UPLOAD_KEY = "checklists_upload"
CHOICE_KEY = "checklists_choice"
CHECKED_KEY = "checklists_checked"  # (name, sha256 of the upload, Checklist or its faults)


@st.cache_resource(show_spinner=False)
def _checklists() -> list[ChecklistFile]:
    return available_checklists()


def _criteria_block(checklist: Checklist, clause: Clause) -> None:
    if clause.guidance:
        st.caption(md_escape(clause.guidance))
    for criterion in clause.criteria:
        tags = [f"target {checklist.target(criterion)}"]
        if criterion.weight != 1:
            tags.append(f"weight {criterion.weight:g}")
        if criterion.essential:
            tags.append("**essential**")
        st.markdown(f"**{md_escape(criterion.id)}** {md_escape(criterion.question)}")
        st.caption(" · ".join(tags))
        if criterion.evidence:
            records = "\n".join(f"- {md_escape(item)}" for item in criterion.evidence)
            st.markdown(f"*Records that show it:*\n{records}")


def show_checklist(checklist: Checklist, *, trusted: bool = False) -> None:
    """A checklist's figures and its clause tree: built-in and uploaded checklists alike.

    Questions, guidance and records are always escaped. Headings, labels and the description of
    a `trusted` checklist (one from the lookup folders) keep their markdown; an uploaded one's
    are escaped too.
    """
    text = str if trusted else md_escape
    criteria = checklist.criteria
    columns = st.columns(4)
    columns[0].metric("Clauses", sum(1 for _ in checklist.walk()))
    columns[1].metric("Criteria", len(criteria))
    columns[2].metric("Essential", sum(c.essential for c in criteria))
    columns[3].metric("Pass at", f"{checklist.scale.pass_threshold} of {checklist.scale.maximum}")
    if checklist.description:
        st.markdown(text(checklist.description))
    for section in checklist.clauses:
        st.subheader(f"{text(section.ref)} {text(section.title)}")
        if section.criteria:
            _criteria_block(checklist, section)
        for entry_clause in section.clauses:
            _clause_expander(checklist, entry_clause, text)


def _clause_expander(checklist: Checklist, clause: Clause, text: Callable[[str], str]) -> None:
    count = len(checklist.criteria_under(clause.ref))
    with st.expander(f"{text(clause.ref)} {text(clause.title)} · {count} criteria"):
        _criteria_block(checklist, clause)
        for child in clause.clauses:
            st.markdown(f"#### {md_escape(child.ref)} {md_escape(child.title)}")
            _criteria_block(checklist, child)


def _builtin(files: list[ChecklistFile]) -> None:
    if not files:
        st.info(
            "No checklists found. Put checklist YAML files in the checklists/ folder or set ISO10002_CHECKLISTS_DIR."
        )
        return
    by_id = {f.checklist.id: f.checklist for f in files}
    chosen = st.selectbox(
        "Checklist", list(by_id), format_func=lambda cid: by_id[cid].title, key=CHOICE_KEY
    )
    show_checklist(by_id[chosen], trusted=True)


# --- checking a custom checklist -------------------------------------------------------------


def _refusal(name: str, data: bytes) -> str | None:
    """Why the upload cannot be a checklist file at all, as a sentence; None to go on."""
    shown = md_escape(name)
    if len(data) > MAX_UPLOAD_BYTES:
        return (
            f"{shown} is {len(data) / 1_048_576:.1f} MB; a checklist checked here may be at most "
            f"{MAX_UPLOAD_MB} MB (the built-in ISO 10002:2018 checklist is under 0.1 MB). "
            "Check a larger file with `iso10002 checklist validate`."
        )
    if not data.strip():
        return f"{shown} is empty: there is no checklist in it."
    if b"\x00" in data:
        return f"{shown} is a binary file, not YAML text, so it cannot be a checklist."
    return None


def _checked(name: str, text: str) -> Checklist | list[Fault]:
    """The loader's verdict on the upload, kept while the same file stays uploaded."""
    digest = hashlib.sha256(text.encode()).hexdigest()
    kept = st.session_state.get(CHECKED_KEY)
    if kept is not None and kept[:2] == (name, digest):
        return kept[2]
    outcome: Checklist | list[Fault]
    try:
        # The name check of `iso10002 checklist validate`: the file must be named <id>.yaml.
        outcome = checklist_from_text(text, name, file_stem=Path(name).stem)
    except ChecklistError as error:
        outcome = error.faults
    st.session_state[CHECKED_KEY] = (name, digest, outcome)
    return outcome


def _show_faults(name: str, faults: list[Fault]) -> None:
    count = len(faults)
    st.error(
        f"This checklist has {count} fault{'s' if count != 1 else ''}; nothing was loaded. "
        f"Fix {'them' if count != 1 else 'it'} in {md_escape(name)} and upload it again."
    )
    table = pd.DataFrame(
        [{"Line": f.line, "Column": f.column, "Fault": f.message} for f in faults],
        columns=["Line", "Column", "Fault"],
    )
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption("The same faults as `iso10002 checklist validate` prints them:")
    st.code("\n".join(str(f) for f in faults), language=None)


def _availability(checklist: Checklist, name: str) -> None:
    """How to make the checklist available; true to how checklist_loader finds checklists."""
    cid = md_escape(checklist.id)
    lines = [
        "Nothing was saved: this page only checks the file.",
        f"To make it available to assessments, save it as `{checklist.id}.yaml` (the file name "
        "must be the id, with `.yaml`; `.yml` files are not looked up) in the app's `checklists/` "
        "folder, or in a folder named by the environment variable `ISO10002_CHECKLISTS_DIR` "
        "(folders there are searched first; the first file found for an id wins).",
        f"Assessment files that name the checklist {cid} are then checked and scored against it, "
        "`iso10002 checklist list` shows it, and this page lists it once the app is restarted.",
    ]
    if not name.endswith(".yaml"):
        lines.append(f"The uploaded file is named {md_escape(name)}: rename it when you save it.")
    same_id = next((f for f in _checklists() if f.checklist.id == checklist.id), None)
    if same_id is not None:
        if same_id.checklist.content_hash == checklist.content_hash:
            lines.append(f"A checklist {cid} with exactly this content is already available.")
        else:
            lines.append(
                f"A different checklist {cid} (version {same_id.checklist.version}) is already "
                "available: replace that file or give this one a new id. Assessments keep the "
                "content they were made with, by its content hash."
            )
    st.info("\n\n".join(lines))


def show_uploaded_checklist(name: str, data: bytes) -> None:
    """Check an uploaded checklist file and show every fault, or the checklist it holds."""
    refusal = _refusal(name, data)
    if refusal is not None:
        st.error(refusal)
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        st.error(
            f"{md_escape(name)} is not UTF-8 text, so it cannot be read as a checklist. "
            "Checklists are YAML text files: save it as UTF-8 and upload it again."
        )
        return
    outcome = _checked(name, text)
    if isinstance(outcome, list):
        _show_faults(name, outcome)
        return
    checklist = outcome
    clauses = sum(1 for _ in checklist.walk())
    st.success(
        f"{md_escape(name)} is a valid checklist: **{md_escape(checklist.id)}** "
        f"({md_escape(checklist.title)}), edition {md_escape(checklist.edition)}, "
        f"content version {checklist.version}, {clauses} clauses, "
        f"{len(checklist.criteria)} criteria. Content hash `{checklist.content_hash}`."
    )
    _availability(checklist, name)
    show_checklist(checklist)


def _custom() -> None:
    st.write(
        "Check a checklist YAML file of your own (see “Writing a checklist” in the README): "
        "every fault is listed with its line, or you see the checklist as the app would."
    )
    upload = st.file_uploader(
        "Checklist file (YAML)",
        type=["yaml", "yml"],
        key=UPLOAD_KEY,
        max_upload_size=MAX_UPLOAD_MB,
        help=f"Format iso10002-checklist/1, at most {MAX_UPLOAD_MB} MB. Nothing is saved.",
    )
    if upload is None:
        st.session_state.pop(CHECKED_KEY, None)
        return
    show_uploaded_checklist(upload.name, upload.getvalue())


def render() -> None:
    st.title("Checklists")
    builtin, custom = st.tabs(["Available checklists", "Check a custom checklist"])
    with builtin:
        _builtin(_checklists())
    with custom:
        _custom()
