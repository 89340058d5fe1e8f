"""The team of one organization, on the Organizations page: who has which role, adding a
member, changing a role, removing one, and what each role may do (read from GRANTS).

Its session-state keys start with `org_add_member_`, `org_member_` and `org_member_role_`;
its messages show in the page's "team" area.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from assessment.access.roles import GRANTS, Actor, Permission, Role, grantable_roles
from assessment.errors import UserError
from assessment.scoring.numbers import with_article
from assessment.services.accounts import list_users
from assessment.services.memberships import MemberRecord, grant_role, members, revoke_role
from assessment.services.organizations import OrganizationRecord
from assessment.storage.store import Store
from ui.components.assessment_settings import notify, refused, show_notice
from ui.components.identity import current_actor
from ui.components.markdown import md_escape

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


def team_panel(store: Store, actor: Actor, organization: OrganizationRecord) -> None:
    """Who works on the organization with which role, and (for whoever may) the forms to add
    a member, change a role or remove one."""
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
