"""Users: the accounts that may sign in, and the security log, for system administrators.

Accounts are never deleted, only disabled, so the names in the audit trail keep pointing at
someone. Roles in organizations are given on the Organizations page. The services refuse
anyone but a system administrator; this page only says so first.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from assessment import text_limits as limits
from assessment.access.passwords import MAX_LENGTH, MIN_LENGTH
from assessment.access.roles import Actor
from assessment.errors import UserError
from assessment.services.accounts import (
    UserRecord,
    create_user,
    list_users,
    set_active,
    set_password,
    unlock,
)
from assessment.services.organizations import list_organizations
from assessment.services.security_log import SecurityEventKind, security_log
from assessment.storage.store import Store
from assessment.timestamps import as_utc
from ui.components import notices
from ui.components.database import app_store
from ui.components.identity import current_actor
from ui.components.markdown import md_escape

NOTICE_KEY = "users"  # the page's message for the next run (ui/components/notices.py)
GENERATION_KEY = "users_form_generation"  # bumped after a creation to clear the form
NOT_ADMIN = "Only a system administrator manages user accounts."
LOG_LIMIT = 500
POLICY = (
    f"A password has {MIN_LENGTH} to {MAX_LENGTH} characters. A few unrelated words make a "
    "long password that is easy to remember."
)


def _utc(moment: datetime | None) -> str:
    return "" if moment is None else f"{as_utc(moment):%Y-%m-%d %H:%M} UTC"


def locked_until(user: UserRecord, now: datetime) -> datetime | None:
    """When the user's lockout ends, if it has not ended yet (a past lockout is no lockout)."""
    if user.locked_until is None or as_utc(user.locked_until) <= now:
        return None
    return as_utc(user.locked_until)


def _notify(text: str) -> None:
    notices.notify(NOTICE_KEY, text)


def _refused(what: str, error: Exception) -> None:
    st.error(f"{what}: {md_escape(str(error))}")


# --- accounts ---------------------------------------------------------------------------------


def _users_table(users: list[UserRecord], now: datetime) -> None:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "User name": u.username,
                    "Display name": u.display_name,
                    "E-mail": u.email or "",
                    "Administrator": u.is_admin,
                    "Active": u.active,
                    "Locked until": _utc(locked_until(u, now)),
                    "Last sign-in": _utc(u.last_sign_in_at),
                }
                for u in users
            ],
            columns=[
                "User name",
                "Display name",
                "E-mail",
                "Administrator",
                "Active",
                "Locked until",
                "Last sign-in",
            ],
        ),
        hide_index=True,
        width="stretch",
    )


def _create_form(store: Store, actor: Actor) -> None:
    st.subheader("Add a user")
    generation = st.session_state.get(GENERATION_KEY, 0)
    with st.form(f"users_create_{generation}"):
        left, right = st.columns(2)
        username = left.text_input(
            "User name",
            max_chars=limits.USERNAME,
            key=f"users_new_username_{generation}",
            help="3 to 60 characters.",
        )
        display_name = right.text_input(
            "Display name (shown in the audit trail)",
            max_chars=limits.NAME,
            key=f"users_new_display_{generation}",
        )
        email = left.text_input(
            "E-mail (optional)", max_chars=limits.EMAIL, key=f"users_new_email_{generation}"
        )
        is_admin = right.checkbox(
            "System administrator (every organization, user accounts, backups)",
            key=f"users_new_admin_{generation}",
        )
        no_password = st.checkbox(
            "No password: signs in with the organization's identity provider "
            "(needs the e-mail address)",
            key=f"users_new_no_password_{generation}",
        )
        st.caption(POLICY)
        left, right = st.columns(2)
        password = left.text_input(
            "Password", type="password", key=f"users_new_password_{generation}"
        )
        confirm = right.text_input(
            "Password again", type="password", key=f"users_new_confirm_{generation}"
        )
        if not st.form_submit_button("Add the user", type="primary"):
            return
    if no_password:
        if not email.strip():
            st.error(
                "A user without a password signs in through the identity provider by their "
                "e-mail address: give one, or set a password."
            )
            return
        if password or confirm:
            st.error("Choose a password or 'no password', not both.")
            return
        chosen: str | None = None
    else:
        if not password:
            st.error(
                "Type a password twice, or tick 'no password' for a user who signs in "
                "with the identity provider."
            )
            return
        if password != confirm:
            st.error("The two passwords differ; type the same password twice.")
            return
        chosen = password
    try:
        created = create_user(
            store,
            actor,
            username=username,
            display_name=display_name,
            password=chosen,
            email=email or None,
            is_admin=is_admin,
        )
    except UserError as error:
        _refused("The user was not added", error)
        return
    st.session_state[GENERATION_KEY] = generation + 1
    _notify(f"Added the user '{created.username}' ({created.display_name}).")
    st.rerun()


def _password_form(store: Store, actor: Actor, user: UserRecord) -> None:
    with st.form("users_password_form", clear_on_submit=True):
        st.markdown("**Set a new password**")
        st.caption(f"{POLICY} Their open sessions end, so they sign in again.")
        left, right = st.columns(2)
        password = left.text_input("New password", type="password", key="users_set_password")
        confirm = right.text_input(
            "New password again", type="password", key="users_set_password_confirm"
        )
        if not st.form_submit_button("Set the password"):
            return
    if password != confirm:
        st.error("The two passwords differ; type the same password twice.")
        return
    try:
        set_password(store, actor, user.username, password)
    except UserError as error:
        _refused("The password was not set", error)
        return
    _notify(f"Set a new password for '{user.username}'.")
    st.rerun()


def _account_buttons(store: Store, actor: Actor, user: UserRecord, now: datetime) -> None:
    left, right = st.columns(2)
    with left:
        label = "Disable the account" if user.active else "Enable the account"
        if st.button(label, key="users_toggle_active"):
            try:
                changed = set_active(store, actor, user.username, not user.active)
            except UserError as error:
                _refused("The account was not changed", error)
            else:
                state = "enabled" if changed.active else "disabled; their sessions have ended"
                _notify(f"The account '{changed.username}' is {state}.")
                st.rerun()
    with right:
        until = locked_until(user, now)
        if until is None:
            st.caption("Not locked.")
        elif st.button(f"Unlock (locked until {_utc(until)})", key="users_unlock"):
            try:
                unlocked = unlock(store, actor, user.username)
            except UserError as error:
                _refused("The account was not unlocked", error)
            else:
                _notify(f"The account '{unlocked.username}' is unlocked.")
                st.rerun()


def _chosen_user(store: Store, actor: Actor, users: list[UserRecord], now: datetime) -> None:
    st.subheader("Change an account")
    by_name = {u.username: u for u in users}
    username = st.selectbox(
        "User",
        list(by_name),
        format_func=lambda n: f"{n} · {by_name[n].display_name}",
        key="users_chosen",
    )
    user = by_name[username]
    facts = ["active" if user.active else "disabled"]
    if user.is_admin:
        facts.append("system administrator")
    if user.email:
        facts.append(user.email)
    st.markdown(f"**{md_escape(user.display_name)}** ({md_escape(', '.join(facts))})")
    _account_buttons(store, actor, user, now)
    _password_form(store, actor, user)
    st.caption(
        "Roles in organizations (admin, lead assessor, assessor, contributor, viewer) are "
        "given on the Organizations page."
    )


# --- security log -----------------------------------------------------------------------------


def _security_log(store: Store, actor: Actor) -> None:
    kind = st.selectbox(
        "Kind",
        [None, *SecurityEventKind],
        format_func=lambda k: "all kinds" if k is None else k.value.replace("_", " "),
        key="users_log_kind",
    )
    try:
        records = security_log(store, actor, kind=kind, limit=LOG_LIMIT)
    except UserError as error:
        _refused("The security log cannot be shown", error)
        return
    if not records:
        st.info("No security event of this kind yet.")
        return
    names = {o.id: o.name for o in list_organizations(store, actor, include_archived=True)}
    st.caption(f"The newest {LOG_LIMIT} events at most, newest first; times in UTC.")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "When": f"{as_utc(r.at):%Y-%m-%d %H:%M:%S} UTC",
                    "Kind": r.kind.value.replace("_", " "),
                    "Who": r.actor,
                    "Organization": (
                        names.get(r.organization_id, f"#{r.organization_id}")
                        if r.organization_id is not None
                        else ""
                    ),
                    "Detail": r.detail,
                }
                for r in records
            ]
        ),
        hide_index=True,
        width="stretch",
        key="users_log_table",
    )


# --- page -------------------------------------------------------------------------------------


def render() -> None:
    st.title("Users")
    actor = current_actor()
    if not actor.is_admin:
        st.error(NOT_ADMIN)
        return
    store = app_store()
    notices.show(NOTICE_KEY)
    accounts, log = st.tabs(["Accounts", "Security log"])
    with accounts:
        try:
            users = list_users(store, actor)
        except UserError as error:
            _refused("The accounts cannot be shown", error)
            return
        now = datetime.now(UTC)
        if users:
            _users_table(users, now)
            _chosen_user(store, actor, users, now)
        else:
            st.info("No user account yet: add the first one below.")
        _create_form(store, actor)
    with log:
        _security_log(store, actor)
