"""Manage → Organizations: the clients, their teams and their assessments.

A consultant picks a client here, sees who works on it with which role, starts an assessment on
a checklist edition and moves it through its stages; a system administrator also creates the
organizations. What a user may do follows their role in the chosen organization (the controls
they could not use are left out, and every service call checks again). This component owns the
session-state keys starting with `org_`; starting and managing one assessment is in
`ui/components/assessment_settings.py`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from assessment.access.roles import GRANTS, Actor, Permission, Role, grantable_roles
from assessment.errors import UserError
from assessment.scoring.numbers import with_article
from assessment.services.accounts import list_users
from assessment.services.assessments import AssessmentRecord, list_assessments
from assessment.services.memberships import MemberRecord, grant_role, members, revoke_role
from assessment.services.organizations import (
    OrganizationRecord,
    archive_organization,
    create_organization,
    list_organizations,
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
from ui.components.pickers import record_picker

CHOICE_KEY = "org_choice"  # the organization picker
HELD_KEY = "org_choice_held"  # the organization shown, by id (the picker is given it each run)
SHOW_ARCHIVED_KEY = "org_show_archived"
SHOW_ARCHIVED_ASSESSMENTS_KEY = "org_show_archived_assessments"
NEW_NAME_KEY = "org_new_name"
TAB_KEY = "org_tab"

# What each permission lets a member do, in plain words (the role table itself is GRANTS).
ABILITIES = {
    Permission.VIEW: "see the assessments, dashboards, reports and history",
    Permission.SCORE: "score criteria, write notes, mark criteria not applicable and override findings",
    Permission.ADD_EVIDENCE: "add evidence",
    Permission.REVIEW_EVIDENCE: "edit, approve and reject any evidence",
    Permission.MANAGE_ACTIONS: "raise, edit and move any corrective action and check its effect",
    Permission.UPDATE_ASSIGNED_ACTIONS: "update the corrective actions assigned to them",
    Permission.MANAGE_ASSESSMENTS: (
        "start, edit, archive and import assessments, set baselines and move them up to review"
    ),
    Permission.FINALIZE: "sign assessments off as final, and reopen them with a reason",
    Permission.MANAGE_TEAM: "add and remove team members and change their roles",
    Permission.MANAGE_ORGANIZATION: "rename and archive the organization",
}


def role_label(role: Role) -> str:
    return role.label.capitalize()


def role_descriptions() -> str:
    """A markdown list, from the least to the most powerful role: what each may do, read from
    GRANTS; a role that holds everything the one before it holds says only what it adds."""
    lines = []
    below: Role | None = None
    for role in reversed(Role):
        granted = GRANTS[role]
        if below is not None and GRANTS[below] <= granted:
            extra = [ABILITIES.get(p, p.label) for p in Permission if p in granted - GRANTS[below]]
            text = f"do everything {with_article(below.label)} may do, and also {'; '.join(extra)}"
        else:
            text = "; ".join(ABILITIES.get(p, p.label) for p in Permission if p in granted)
        lines.append(f"- **{role_label(role)}** may {text}.")
        below = role
    return "\n".join(lines)


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
        st.text_input("Name", key=NEW_NAME_KEY, placeholder="e.g. Northwind Utilities")
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


def _overview(
    organizations: list[OrganizationRecord], actor: Actor, assessments: list[AssessmentRecord]
) -> None:
    counts: dict[int, int] = {}
    for record in assessments:
        counts[record.organization_id] = counts.get(record.organization_id, 0) + 1
    table = pd.DataFrame(
        [
            {
                "Organization": o.name,
                "Your role": _your_role(actor, o.id),
                "Active assessments": counts.get(o.id, 0),
                "Archived": o.archived,
            }
            for o in organizations
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")


def _organization_picked(
    by_id: dict[int, OrganizationRecord], assessments: list[AssessmentRecord]
) -> None:
    value = st.session_state.get(CHOICE_KEY)
    if value in by_id:
        selection.select_organization(value, assessments)
        selection.hold(HELD_KEY, value)


def _choose(
    organizations: list[OrganizationRecord], assessments: list[AssessmentRecord]
) -> OrganizationRecord:
    """The organization shown: the one chosen in the sidebar (the same client on every page),
    unless the user picks another here, which then becomes the choice everywhere."""
    by_id = {o.id: o for o in organizations}
    current = selection.chosen()
    held = selection.shown_here(
        HELD_KEY, by_id, current.organization_id if current else None, organizations[0].id
    )
    chosen = record_picker(
        "Organization",
        {i: o.name + (" (archived)" if o.archived else "") for i, o in by_id.items()},
        held,
        key=CHOICE_KEY,
        on_change=_organization_picked,
        args=(by_id, assessments),
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
        st.text_input("Name", value=organization.name, key=key)
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


# --- the team ------------------------------------------------------------------------------------


def _add_member(store: Store, organization_id: int, key: str, typed: bool) -> None:
    """Form callback; `typed`: the user name was typed (a lead assessor), not chosen."""
    state = st.session_state
    username = str(state.get(f"{key}_user") or "").strip()
    if not username:
        notify("team", "error", "Choose or type the user name of the person to add.")
        return
    try:
        added = grant_role(store, current_actor(), username, organization_id, state[f"{key}_role"])
    except UserError as error:
        refused("team", "Nobody was added", error)
        return
    state[f"{key}_user"] = "" if typed else None  # ready for the next one
    notify(
        "team",
        "success",
        f"**{md_escape(added.display_name)}** ({md_escape(added.username)}) is now "
        f"{added.role.label} here.",
    )


def _change_role(store: Store, organization_id: int, username: str, key: str) -> None:
    try:
        changed = grant_role(
            store, current_actor(), username, organization_id, st.session_state[key]
        )
    except UserError as error:
        refused("team", "The role was not changed", error)
        return
    notify(
        "team",
        "success",
        f"**{md_escape(changed.display_name)}** is now {changed.role.label} here.",
    )


def _remove(store: Store, organization_id: int, member: MemberRecord) -> None:
    try:
        revoke_role(store, current_actor(), member.username, organization_id)
    except UserError as error:
        refused("team", "Nobody was removed", error)
        return
    notify(
        "team",
        "success",
        f"**{md_escape(member.display_name)}** no longer belongs to this organization.",
    )


def _add_form(
    store: Store, actor: Actor, organization_id: int, team: list[MemberRecord], roles: list[Role]
) -> None:
    key = f"org_add_member_{organization_id}"
    if actor.is_admin:
        present = {m.username for m in team}
        accounts = [u for u in list_users(store, actor) if u.active]
        users = {u.username: u for u in accounts if u.username not in present}
        if not users:
            st.caption(
                "Every active user account already has a role here. New accounts are made on "
                "the Users page."
                if accounts
                else "There are no user accounts yet: create them on the Users page, then add "
                "them to the team here."
            )
            return
    with st.form(key):
        st.markdown("**Add a member**")
        left, right = st.columns([3, 2])
        if actor.is_admin:
            left.selectbox(
                "User",
                list(users),
                index=None,
                placeholder="Choose a user account",
                format_func=lambda name: f"{users[name].display_name} ({name})",
                key=f"{key}_user",
            )
        else:
            left.text_input(
                "User name",
                key=f"{key}_user",
                help="The user name of an existing account; an administrator creates accounts.",
            )
        right.selectbox(
            "Role",
            roles,
            index=roles.index(Role.ASSESSOR) if Role.ASSESSOR in roles else 0,
            format_func=role_label,
            key=f"{key}_role",
        )
        st.form_submit_button(
            "Add to the team",
            key=f"{key}_submit",
            on_click=_add_member,
            args=(store, organization_id, key, not actor.is_admin),
        )


def _change_form(
    store: Store, organization_id: int, team: list[MemberRecord], roles: list[Role]
) -> None:
    changeable = {m.username: m for m in team if m.role in roles}
    if not changeable:
        return
    st.markdown("**Change a role or remove a member**")
    member_key = f"org_member_{organization_id}"
    if st.session_state.get(member_key) not in changeable:
        st.session_state[member_key] = next(iter(changeable))
    left, middle, right = st.columns([3, 2, 2], vertical_alignment="bottom")
    username = left.selectbox(
        "Member",
        list(changeable),
        format_func=lambda name: f"{changeable[name].display_name} ({name})",
        key=member_key,
    )
    member = changeable[username]
    role_key = f"org_member_role_{organization_id}_{username}_{member.role.value}"
    middle.selectbox(
        "New role", roles, index=roles.index(member.role), format_func=role_label, key=role_key
    )
    right.button(
        "Change role",
        key=f"org_member_change_{organization_id}",
        on_click=_change_role,
        args=(store, organization_id, username, role_key),
    )
    right.button(
        "Remove from the team",
        key=f"org_member_remove_{organization_id}",
        on_click=_remove,
        args=(store, organization_id, member),
    )


def _team(store: Store, actor: Actor, organization: OrganizationRecord) -> None:
    show_notice("team")
    try:
        team = members(store, actor, organization.id)
    except UserError as error:
        st.error(md_escape(str(error)))
        return
    if team:
        table = pd.DataFrame(
            [
                {
                    "Name": m.display_name,
                    "User name": m.username,
                    "Role": role_label(m.role),
                    "Account": "active" if m.active else "disabled",
                }
                for m in team
            ]
        )
        st.dataframe(table, hide_index=True, width="stretch")
    else:
        st.info(
            "No one has a role in this organization yet. "
            "(System administrators reach every organization without one.)"
        )
    role = actor.role_in(organization.id)
    if role is not None and actor.can(Permission.MANAGE_TEAM, organization.id):
        roles = list(grantable_roles(role))
        _add_form(store, actor, organization.id, team, roles)
        _change_form(store, organization.id, team, roles)
    with st.expander("What each role may do"):
        st.markdown(role_descriptions())


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
        _team(store, actor, organization)
    if administers:
        with tabs["Organization"]:
            _organization_settings(store, organization)


def render() -> None:
    st.title("Organizations")
    store = app_store()
    actor = current_actor()
    show_notice("organizations")
    show_archived = st.toggle("Show archived organizations", key=SHOW_ARCHIVED_KEY)
    organizations = list_organizations(store, actor, include_archived=show_archived)
    if actor.is_admin:
        _new_organization(store, expanded=not organizations)
    if not organizations:
        _empty(store, actor, show_archived)
        return
    assessments = list_assessments(store, actor)
    _overview(organizations, actor, assessments)
    _panel(store, actor, _choose(organizations, assessments))
