"""The chosen organization and assessment: one choice for every page, rerun and reload.

A consultant projects one client's figures; if a page change quietly showed another client,
the room would read the wrong numbers. So the choice lives in one place of this session
(`CHOSEN_KEY`, never a widget key: Streamlit drops a widget's state when a page without that
widget runs) and in the URL's query parameters (`?org=..&assessment=..`), so a reload or a link
opens the same assessment. Every run resolves the choice in this order: a valid URL, then this
session's choice, then the assessment being worked on. The sidebar pickers only show and change
it, and pages that work on one assessment name it at their top with `context_header`.

This component owns its session-state keys; pages ask it for the chosen assessment and never
read those keys themselves.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import streamlit as st

from assessment import text_limits as limits
from assessment.services.assessment_menu import AssessmentMenu, assessment_menu
from assessment.services.assessments import AssessmentRecord
from assessment.storage.store import Store
from assessment.workflow.stages import WORKING_STAGES
from ui.components import notices
from ui.components.identity import current_actor
from ui.components.markdown import md_escape
from ui.components.pickers import record_picker

ORGANIZATION_PARAM = "org"
ASSESSMENT_PARAM = "assessment"
CHOSEN_KEY = "selection_chosen"  # Choice: the one truth of this session
ORGANIZATION_KEY = "selection_organization"  # the sidebar picker (an organization id)
ASSESSMENT_KEY = "selection_assessment"  # the sidebar picker (an assessment id)
SEARCH_KEY = "selection_search"  # the sidebar's search box, shown when there are many organizations
NOTICE_KEY = "selection"  # the page's message for the next run (ui/components/notices.py)


@dataclass(frozen=True)
class Choice:
    organization_id: int
    assessment_id: int


def _url_id(name: str) -> int | None:
    value = st.query_params.get(name)
    return int(value) if value is not None and value.isdigit() else None


def _work_in_progress(records: list[AssessmentRecord]) -> AssessmentRecord:
    """What to open first: the newest assessment being worked on, else the newest of all."""
    active = [r for r in records if r.status in WORKING_STAGES]
    return max(active or records, key=lambda r: r.id)


def _asked() -> tuple[list[int], list[int]]:
    """The assessments and organizations this run may show: the URL's, then the session's."""
    assessments = [i for i in (_url_id(ASSESSMENT_PARAM),) if i is not None]
    organizations = [i for i in (_url_id(ORGANIZATION_PARAM),) if i is not None]
    chosen = st.session_state.get(CHOSEN_KEY)
    if isinstance(chosen, Choice):
        assessments.append(chosen.assessment_id)
        organizations.append(chosen.organization_id)
    return assessments, organizations


def _resolve(menu: AssessmentMenu, current_work: AssessmentRecord) -> AssessmentRecord:
    """The URL's assessment, else the session's, else the one being worked on
    (`current_work`: the menu's, known to be there)."""
    by_id = {r.id: r for r in menu.candidates}
    url_assessment, url_organization = _url_id(ASSESSMENT_PARAM), _url_id(ORGANIZATION_PARAM)
    if url_assessment in by_id:
        return by_id[url_assessment]
    in_url_organization = menu.of_organization(url_organization) if url_organization else []
    if in_url_organization:
        return _work_in_progress(in_url_organization)
    if url_assessment is not None or url_organization is not None:
        # A link to something this user cannot open (another client's, or since deleted): say
        # so without telling whether it exists.
        notices.notify(
            NOTICE_KEY,
            "The link names an assessment that is not open to you; showing another one instead.",
            kind="warning",
        )
    chosen = st.session_state.get(CHOSEN_KEY)
    if isinstance(chosen, Choice) and chosen.assessment_id in by_id:
        return by_id[chosen.assessment_id]
    if isinstance(chosen, Choice):
        same_organization = menu.of_organization(chosen.organization_id)
        if same_organization:
            return _work_in_progress(same_organization)
    return current_work


def _remember(record: AssessmentRecord) -> None:
    """Keep the choice in the session and in the URL (a page change clears the URL's query)."""
    st.session_state[CHOSEN_KEY] = Choice(record.organization_id, record.id)
    wanted = {ORGANIZATION_PARAM: str(record.organization_id), ASSESSMENT_PARAM: str(record.id)}
    if {k: st.query_params.get(k) for k in wanted} != wanted:
        st.query_params.update(wanted)


def keep_in_url() -> None:
    """Every run (app.py): the choice stays in the URL on pages without the pickers too.

    A page change clears the URL's query, and a reload starts a new session; between the two,
    the choice is carried from one to the other. It is checked against what the user may open
    when a page with the pickers resolves it (`selected_assessment`).
    """
    organization_id, assessment_id = _url_id(ORGANIZATION_PARAM), _url_id(ASSESSMENT_PARAM)
    chosen = st.session_state.get(CHOSEN_KEY)
    if organization_id is not None and assessment_id is not None:
        if chosen != Choice(organization_id, assessment_id):
            st.session_state[CHOSEN_KEY] = Choice(organization_id, assessment_id)
    elif isinstance(chosen, Choice) and organization_id is None and assessment_id is None:
        select(chosen.organization_id, chosen.assessment_id)


def select(organization_id: int, assessment_id: int) -> None:
    """Make an assessment the choice (one just started, or a row opened from the portfolio)."""
    st.session_state[CHOSEN_KEY] = Choice(organization_id, assessment_id)
    st.query_params.update(
        {ORGANIZATION_PARAM: str(organization_id), ASSESSMENT_PARAM: str(assessment_id)}
    )


def chosen() -> Choice | None:
    """This session's choice as it stands (for pages with pickers of their own)."""
    value = st.session_state.get(CHOSEN_KEY)
    return value if isinstance(value, Choice) else None


def shown_here(key: str, ids: Collection[int], wanted: int | None, default: int) -> int:
    """For a page with a picker of its own (Organizations): what it shows. The latest choice
    wins: one made on this picker (`hold`) while nothing was chosen elsewhere since, else the
    choice of every page (`wanted`) when it is in `ids`, else `default`."""
    held = st.session_state.get(key)
    if isinstance(held, tuple) and held[0] in ids and held[1] == chosen():
        return held[0]
    if wanted is not None and wanted in ids:
        return wanted
    if isinstance(held, tuple) and held[0] in ids:
        return held[0]
    return default


def hold(key: str, value: int) -> None:
    """Remember a pick made on a page's own picker, with the choice it was made against."""
    st.session_state[key] = (value, chosen())


def select_organization(organization_id: int, records: list[AssessmentRecord]) -> None:
    """Choose an organization: its assessment being worked on becomes the choice (a choice
    needs an assessment, so one without any active assessment leaves the choice as it is)."""
    current = chosen()
    if current is not None and current.organization_id == organization_id:
        return
    theirs = [r for r in records if r.organization_id == organization_id and not r.archived]
    if theirs:
        picked = _work_in_progress(theirs)
        select(picked.organization_id, picked.id)


def _organization_picked(store: Store) -> None:
    value = st.session_state.get(ORGANIZATION_KEY)
    if isinstance(value, int):
        menu = assessment_menu(store, current_actor(), organization_ids=[value])
        select_organization(value, menu.of_organization(value))


def _assessment_picked(organization_id: int) -> None:
    value = st.session_state.get(ASSESSMENT_KEY)
    if isinstance(value, int):
        select(organization_id, value)


def assessment_label(record: AssessmentRecord) -> str:
    """Plain text for a picker: the title, its start date and its stage."""
    when = record.start_date.isoformat() if record.start_date else "no start date"
    archived = ", archived" if record.archived else ""
    return f"{record.title} ({when}, {record.status.label.lower()}{archived})"


def _organization_search(menu: AssessmentMenu, search: str) -> None:
    """Past the picker's limit (a consultancy with hundreds of clients), a search box finds an
    organization by part of its name; the box lists the first ones that match."""
    if not (menu.more_organizations or search):
        return
    st.sidebar.text_input(
        "Find an organization",
        key=SEARCH_KEY,
        max_chars=limits.NAME,
        placeholder="part of its name",
    )
    if search and not menu.organizations:
        st.sidebar.caption(f"No organization's name holds '{md_escape(search)}'.")
    elif menu.more_organizations:
        st.sidebar.caption(
            f"The first {len(menu.organizations)} by name are listed: type part of a name "
            "to find another."
        )


def selected_assessment(store: Store) -> AssessmentRecord | None:
    """Draw the sidebar pickers and return the chosen assessment (None when there is none)."""
    assessment_ids, organization_ids = _asked()
    searched = st.session_state.get(SEARCH_KEY)
    search = searched.strip() if isinstance(searched, str) else ""
    menu = assessment_menu(
        store,
        current_actor(),
        assessment_ids=assessment_ids,
        organization_ids=organization_ids,
        organization_search=search,
    )
    if menu.current_work is None:
        st.sidebar.caption(
            "No assessments yet: load the demo data or import a file on the Portfolio page."
        )
        return None
    chosen = _resolve(menu, menu.current_work)
    _remember(chosen)
    mine = {r.id: r for r in menu.of_organization(chosen.organization_id)}
    _organization_search(menu, search)
    # The chosen organization stays in the box even when a search leaves it out.
    organizations = {chosen.organization_id: chosen.organization_name, **menu.organizations}
    record_picker(
        "Organization",
        dict(sorted(organizations.items(), key=lambda pair: (pair[1].casefold(), pair[0]))),
        chosen.organization_id,
        key=ORGANIZATION_KEY,
        on_change=_organization_picked,
        args=(store,),
        where=st.sidebar,
    )
    record_picker(
        "Assessment",
        {i: assessment_label(mine[i]) for i in sorted(mine, reverse=True)},
        chosen.id,
        key=ASSESSMENT_KEY,
        on_change=_assessment_picked,
        args=(chosen.organization_id,),
        where=st.sidebar,
    )
    notices.show(NOTICE_KEY)
    return chosen


def page_heading(page: str, record: AssessmentRecord | None, *, compact: bool = False) -> None:
    """The page's name, then the organization and assessment on screen in large type.

    Pages that work on one assessment start with it, so nobody reads one client's figures
    believing they are another's. `compact` (presentation mode) puts it on one line to leave
    the screen to the work.
    """
    if record is None:
        st.title(page, anchor=False)
        return
    organization, title = md_escape(record.organization_name), md_escape(record.title)
    stage = record.status.label
    if compact:
        st.markdown(f"**{md_escape(page)}** · **{organization}** — {title} · {stage}")
        return
    st.caption(md_escape(page).upper())
    st.header(organization, anchor=False)
    st.markdown(f"**{title}** · {stage} · checklist {md_escape(record.checklist_id)}")
