"""Manage → Organizations: the clients, their teams and their assessments.

A consultant picks a client here, sees who works on it with which role, starts an assessment on
a checklist edition and moves it through its stages; a system administrator also creates the
organizations. What a user may do follows their role in the chosen organization (the controls
they could not use are left out, and every service call checks again). This component owns the
session-state keys starting with `org_`; starting and managing one assessment is in
`ui/components/assessment_settings.py`.
"""

from __future__ import annotations

import contextlib

import pandas as pd
import streamlit as st

from assessment import text_limits as limits
from assessment.access.roles import Actor, Permission
from assessment.errors import UserError
from assessment.scoring.numbers import counted
from assessment.services.assessment_menu import ORGANIZATION_LIMIT
from assessment.services.assessments import AssessmentRecord, list_assessments
from assessment.services.organizations import (
    OrganizationListing,
    OrganizationRecord,
    archive_organization,
    create_organization,
    get_organization,
    list_organizations,
    organization_listing,
    rename_organization,
)
from assessment.storage.store import Store
from ui.components import selection
from ui.components.assessment_settings import (
    notify,
    refused,
    settings,
    show_notice,
    start_form,
)
from ui.components.database import app_store
from ui.components.identity import current_actor
from ui.components.markdown import md_escape
from ui.components.organization_team import team_panel
from ui.components.pickers import record_picker

CHOICE_KEY = "org_choice"  # the organization picker
HELD_KEY = "org_choice_held"  # the organization shown, by id (the picker is given it each run)
SHOW_ARCHIVED_KEY = "org_show_archived"
SHOW_ARCHIVED_ASSESSMENTS_KEY = "org_show_archived_assessments"
NEW_NAME_KEY = "org_new_name"
TAB_KEY = "org_tab"
SEARCH_KEY = "org_search"  # the search box, shown past ORGANIZATION_LIMIT organizations


def _your_role(actor: Actor, organization_id: int) -> str:
    if actor.is_admin:
        return "system administrator (every organization)"
    role = actor.role_in(organization_id)
    return role.label if role is not None else "none"


# --- the list of organizations -------------------------------------------------------------------


def _create(store: Store) -> None:
    """Form callback: create the organization and choose it."""
    try:
        created = create_organization(
            store, current_actor(), st.session_state.get(NEW_NAME_KEY, "")
        )
    except UserError as error:
        refused("organizations", "The organization was not created", error)
        return
    selection.hold(HELD_KEY, created.id)
    st.session_state[NEW_NAME_KEY] = ""
    notify(
        "organizations",
        "success",
        f"Created **{md_escape(created.name)}**. Add its team and start an assessment below.",
    )


def _new_organization(store: Store, *, expanded: bool) -> None:
    with st.expander("New organization", expanded=expanded), st.form("org_new"):
        st.text_input(
            "Name", max_chars=limits.NAME, key=NEW_NAME_KEY, placeholder="e.g. Northwind Utilities"
        )
        st.form_submit_button(
            "Create organization", key="org_new_submit", on_click=_create, args=(store,)
        )


def _empty(store: Store, actor: Actor, show_archived: bool) -> None:
    if not show_archived and list_organizations(store, actor, include_archived=True):
        st.info(
            "Every organization you belong to is archived. "
            "Turn on *Show archived organizations* to see them."
        )
    elif actor.is_admin:
        st.info(
            "There are no organizations yet. Create the first one under *New organization*, "
            "or load the demo data on the Portfolio page to look around."
        )
    else:
        st.info(
            "You do not belong to any organization yet; ask an administrator to add you to one."
        )


def _search_text() -> str:
    typed = st.session_state.get(SEARCH_KEY)
    return typed.strip() if isinstance(typed, str) else ""


def _search(listing: OrganizationListing, search: str) -> None:
    """Past the limit, the table and the picker list the first organizations by name, and a
    search box finds the others (a consultancy with thousands of clients)."""
    if not (listing.more or search):
        return
    st.text_input(
        "Find an organization",
        key=SEARCH_KEY,
        placeholder="part of its name",
        max_chars=limits.NAME,
    )
    if listing.more:
        matching = f" whose name holds '{md_escape(search)}'" if search else ""
        st.caption(
            f"Showing the first {len(listing.records):,} of "
            f"{counted(listing.total, 'organization')}{matching}, by name; type part of a name "
            "to find the others."
        )
    elif not listing.records:
        st.caption(f"No organization's name holds '{md_escape(search)}'.")


def _overview(listing: OrganizationListing, actor: Actor) -> None:
    table = pd.DataFrame(
        [
            {
                "Organization": o.name,
                "Your role": _your_role(actor, o.id),
                "Active assessments": listing.active_assessments.get(o.id, 0),
                "Archived": o.archived,
            }
            for o in listing.records
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")


def _organization_picked(store: Store, by_id: dict[int, OrganizationRecord]) -> None:
    value = st.session_state.get(CHOICE_KEY)
    if value in by_id:
        theirs = list_assessments(store, current_actor(), value)
        selection.select_organization(value, theirs)
        selection.hold(HELD_KEY, value)


def _choose(
    store: Store, listed: tuple[OrganizationRecord, ...], include_archived: bool
) -> OrganizationRecord:
    """The organization shown: the one chosen in the sidebar (the same client on every page),
    unless the user picks another here, which then becomes the choice everywhere. The chosen
    one stays in the picker even when the list (a page of many, or a search) leaves it out."""
    organizations = list(listed)
    current = selection.chosen()
    held_id = st.session_state.get(HELD_KEY)
    for wanted in (current.organization_id if current else None, held_id):
        if isinstance(wanted, int) and wanted not in {o.id for o in organizations}:
            with contextlib.suppress(UserError):  # gone or not visible: the first is shown
                found = get_organization(store, current_actor(), wanted)
                if include_archived or not found.archived:
                    organizations.append(found)
    by_id = {o.id: o for o in organizations}
    held = selection.shown_here(
        HELD_KEY, by_id, current.organization_id if current else None, organizations[0].id
    )
    chosen = record_picker(
        "Organization",
        {i: o.name + (" (archived)" if o.archived else "") for i, o in by_id.items()},
        held,
        key=CHOICE_KEY,
        on_change=_organization_picked,
        args=(store, by_id),
    )
    return by_id[chosen]


# --- the organization itself ---------------------------------------------------------------------


def _rename(store: Store, organization: OrganizationRecord, key: str) -> None:
    try:
        saved = rename_organization(
            store,
            current_actor(),
            organization.id,
            st.session_state.get(key, ""),
            expected_version=organization.version,
        )
    except UserError as error:
        refused("organization", "Not renamed", error)
        return
    notify("organization", "success", f"The organization is now **{md_escape(saved.name)}**.")


def _archive(store: Store, organization: OrganizationRecord, archived: bool) -> None:
    try:
        saved = archive_organization(
            store,
            current_actor(),
            organization.id,
            archived=archived,
            expected_version=organization.version,
        )
    except UserError as error:
        refused("organization", "Nothing was changed", error)
        return
    name = md_escape(saved.name)
    if archived and not st.session_state.get(SHOW_ARCHIVED_KEY):
        notify(
            "organizations",
            "success",
            f"Archived **{name}**: nothing is deleted. Turn on *Show archived organizations* "
            "to see it or unarchive it.",
        )
    else:
        state = "archived" if archived else "active again"
        notify("organization", "success", f"**{name}** is {state}.")


def _organization_settings(store: Store, organization: OrganizationRecord) -> None:
    show_notice("organization")
    key = f"org_rename_{organization.id}_v{organization.version}"
    with st.form(f"{key}_form"):
        st.text_input("Name", max_chars=limits.NAME, value=organization.name, key=key)
        st.form_submit_button(
            "Rename", key=f"{key}_submit", on_click=_rename, args=(store, organization, key)
        )
    archived = not organization.archived
    st.button(
        "Archive this organization" if archived else "Unarchive this organization",
        key=f"org_archive_{organization.id}",
        on_click=_archive,
        args=(store, organization, archived),
        help=(
            "An archived organization keeps its assessments and history, but no new assessment "
            "can be started for it."
        ),
    )


# --- the assessments -----------------------------------------------------------------------------


def _assessment_table(shown: list[AssessmentRecord], every: list[AssessmentRecord]) -> None:
    titles = {a.id: a.title for a in every}
    table = pd.DataFrame(
        [
            {
                "Title": a.title,
                "Stage": a.status.label,
                "Checklist": a.checklist_id,
                "Start": a.start_date.isoformat() if a.start_date else "",
                "End": a.end_date.isoformat() if a.end_date else "",
                "Baseline": titles.get(a.baseline_id, "") if a.baseline_id else "",
                "Archived": a.archived,
            }
            for a in shown
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")


def _assessments(
    store: Store, actor: Actor, organization: OrganizationRecord, every: list[AssessmentRecord]
) -> None:
    show_archived = st.toggle("Show archived assessments", key=SHOW_ARCHIVED_ASSESSMENTS_KEY)
    shown = every if show_archived else [a for a in every if not a.archived]
    if not shown:
        hidden = len(every) - len(shown)
        text = "This organization has no assessments yet."
        if hidden:
            text = (
                f"This organization has no active assessments ({hidden} archived: turn on "
                "*Show archived assessments* to see them)."
            )
        elif actor.can(Permission.MANAGE_ASSESSMENTS, organization.id):
            text += " Start one under *Start an assessment*."
        else:
            text += " A lead assessor or an administrator can start one."
        show_notice("settings")
        st.info(text)
        return
    _assessment_table(shown, every)
    st.subheader("Assessment settings")
    settings(store, actor, organization, shown, every)


def _panel(store: Store, actor: Actor, organization: OrganizationRecord) -> None:
    st.header(md_escape(organization.name), divider="gray")
    st.caption(f"Your role here: {_your_role(actor, organization.id)}")
    if organization.archived:
        st.info(
            "This organization is archived: its assessments and history are kept, "
            "but no new assessment can be started for it."
        )
    try:
        every = list_assessments(store, actor, organization.id, include_archived=True)
    except UserError as error:
        st.error(md_escape(str(error)))
        return
    manages = actor.can(Permission.MANAGE_ASSESSMENTS, organization.id)
    administers = actor.can(Permission.MANAGE_ORGANIZATION, organization.id)
    names = ["Assessments"]
    if manages:
        names.append("Start an assessment")
    names.append("Team")
    if administers:
        names.append("Organization")
    # Tabs that keep their state, so a form's rerun comes back to the tab it was sent from.
    tabs = dict(zip(names, st.tabs(names, key=TAB_KEY, on_change="rerun"), strict=True))
    with tabs["Assessments"]:
        _assessments(store, actor, organization, every)
    if manages:
        with tabs["Start an assessment"]:
            start_form(store, organization, every)
    with tabs["Team"]:
        team_panel(store, actor, organization)
    if administers:
        with tabs["Organization"]:
            _organization_settings(store, organization)


def render() -> None:
    st.title("Organizations")
    store = app_store()
    actor = current_actor()
    show_notice("organizations")
    show_archived = st.toggle("Show archived organizations", key=SHOW_ARCHIVED_KEY)
    search = _search_text()
    listing = organization_listing(
        store, actor, include_archived=show_archived, search=search, limit=ORGANIZATION_LIMIT
    )
    if actor.is_admin:
        _new_organization(store, expanded=not listing.records and not search)
    if not listing.records and not search:
        _empty(store, actor, show_archived)
        return
    _search(listing, search)
    if not listing.records:
        return
    _overview(listing, actor)
    _panel(store, actor, _choose(store, listing.records, show_archived))
