"""Browse a checklist's clause tree: what each clause asks and which records show it."""

from __future__ import annotations

import streamlit as st

from assessment.checklist import Checklist, Clause
from assessment.checklist_loader import ChecklistFile, available_checklists
from ui.markdown import md_escape


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


def render() -> None:
    st.title("Checklists")
    files = _checklists()
    if not files:
        st.info(
            "No checklists found. Put checklist YAML files in the checklists/ folder or set ISO10002_CHECKLISTS_DIR."
        )
        return
    by_id = {f.checklist.id: f.checklist for f in files}
    chosen = st.selectbox("Checklist", list(by_id), format_func=lambda cid: by_id[cid].title)
    checklist = by_id[chosen]
    criteria = checklist.criteria
    columns = st.columns(4)
    columns[0].metric("Clauses", sum(1 for _ in checklist.walk()))
    columns[1].metric("Criteria", len(criteria))
    columns[2].metric("Essential", sum(c.essential for c in criteria))
    columns[3].metric("Pass at", f"{checklist.scale.pass_threshold} of {checklist.scale.maximum}")
    if checklist.description:
        st.write(checklist.description)
    for section in checklist.clauses:
        st.subheader(f"{section.ref} {section.title}")
        if section.criteria:
            _criteria_block(checklist, section)
        for entry_clause in section.clauses:
            _clause_expander(checklist, entry_clause)


def _clause_expander(checklist: Checklist, clause: Clause) -> None:
    count = len(checklist.criteria_under(clause.ref))
    with st.expander(f"{clause.ref} {clause.title} · {count} criteria"):
        _criteria_block(checklist, clause)
        for child in clause.clauses:
            st.markdown(f"#### {md_escape(child.ref)} {md_escape(child.title)}")
            _criteria_block(checklist, child)
