"""The sign-in gate: first-start administrator, sign-in form, identity provider, sign-out.

`app.py` calls `signed_in_actor(store)` before it builds the navigation. It returns the acting
user for this run, or None while the person still has to sign in (the form is then drawn).
The session token lives only in this browser tab's session state; the database keeps its
SHA-256, its idle and absolute expiry, and the security log of every attempt.
"""

from __future__ import annotations

from urllib.parse import urlparse

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from assessment import text_limits as limits
from assessment.access.passwords import MAX_LENGTH, MIN_LENGTH
from assessment.access.roles import Actor
from assessment.errors import SignInRefused, UserError
from assessment.services.accounts import create_first_admin, has_users
from assessment.services.sign_in import (
    resume_session,
    sign_in,
    sign_in_by_email,
    sign_out,
)
from assessment.storage.store import Store
from ui.components import notices
from ui.components.identity import (
    auth_enabled,
    current_actor,
    local_user_name,
    session_token,
    set_actor,
)
from ui.components.markdown import md_escape

NOTICE_KEY = "sign_in"  # the message the sign-in form shows next (ui/components/notices.py)
OIDC_KEY = "sign_in_oidc_done"
REQUESTED_KEY = "sign_in_requested"  # the page and query a person opened before signing in


def _oidc_configured() -> bool:
    """Whether `.streamlit/secrets.toml` has an [auth] section for st.login."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all; Streamlit raises its own error type here
        return False


def _user_is_logged_in_with_provider() -> bool:
    try:
        return bool(st.user.is_logged_in)
    except Exception:  # st.user is unavailable without an [auth] configuration
        return False


def _first_administrator(store: Store) -> None:
    st.title("Welcome: create the administrator account")
    st.write(
        "This installation has no user accounts yet. The first account administers it: it "
        "creates organizations and the other accounts. There is no default password."
    )
    with st.form("sign_in_first_admin"):
        username = st.text_input(
            "User name", max_chars=limits.USERNAME, help="Letters, digits and . _ - @"
        )
        display_name = st.text_input("Your name (shown in the audit trail)", max_chars=limits.NAME)
        email = st.text_input(
            "E-mail (optional; used for sign-in through an identity provider)",
            max_chars=limits.EMAIL,
        )
        password = st.text_input(
            "Password", type="password", help=f"{MIN_LENGTH} to {MAX_LENGTH} characters"
        )
        again = st.text_input("Password again", type="password")
        submitted = st.form_submit_button("Create the administrator", type="primary")
    if not submitted:
        return
    if password != again:
        st.error("The two passwords differ; type them again.")
        return
    try:
        create_first_admin(
            store,
            username=username,
            display_name=display_name,
            password=password,
            email=email or None,
        )
        signed = sign_in(store, username, password)
    except UserError as error:
        st.error(str(error))
        return
    set_actor(signed.actor, signed.token)
    st.rerun()


def _sign_in_form(store: Store) -> None:
    st.title("Sign in")
    notices.show(NOTICE_KEY)
    with st.form("sign_in_form"):
        username = st.text_input("User name")
        password = st.text_input("Password", type="password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        try:
            signed = sign_in(store, username, password)
        except SignInRefused as error:
            st.error(str(error))
        else:
            set_actor(signed.actor, signed.token)
            st.rerun()
    if _oidc_configured():
        st.divider()
        st.button("Sign in with your organization's account", on_click=st.login)


def _provider_sign_in(store: Store) -> Actor | None:
    """Map a person the identity provider has signed in to the local account with that e-mail."""
    email = str(st.user.get("email") or "")
    try:
        signed = sign_in_by_email(store, email)
    except SignInRefused as error:
        st.session_state[OIDC_KEY] = True
        st.error(str(error))
        st.button("Sign out of the identity provider", on_click=st.logout)
        return None
    set_actor(signed.actor, signed.token)
    return signed.actor


def signed_in_actor(store: Store) -> Actor | None:
    """The acting user of this run, or None after drawing what the person must do first."""
    if not auth_enabled():
        return Actor.local_admin(local_user_name())
    token = session_token()
    if token is not None:
        try:
            actor = resume_session(store, token)
        except SignInRefused as error:
            set_actor(None)
            notices.notify(NOTICE_KEY, str(error), kind="info")
        else:
            set_actor(actor)
            return actor
    if not has_users(store):
        _first_administrator(store)
        return None
    _remember_requested_page()
    if _oidc_configured() and _user_is_logged_in_with_provider():
        if not st.session_state.get(OIDC_KEY):
            provided = _provider_sign_in(store)
            if provided is not None:
                return provided
        return None
    _sign_in_form(store)
    return None


def _remember_requested_page() -> None:
    """The address a person opened (a colleague's link to /scoring?assessment=2, a bookmark),
    kept while they sign in, so that signing in takes them there and not to the start page."""
    if REQUESTED_KEY in st.session_state:
        return
    path = urlparse(st.context.url or "").path.rstrip("/").rsplit("/", 1)[-1]
    st.session_state[REQUESTED_KEY] = (path, st.query_params.to_dict())


def open_requested_page(current: StreamlitPage, pages: list[StreamlitPage]) -> None:
    """Once signed in, go to the page and query opened before signing in, if this user's menu
    has that page (a page the role does not offer is not opened: the start page stays)."""
    requested = st.session_state.pop(REQUESTED_KEY, None)
    if requested is None:
        return
    path, query = requested
    target = next((p for p in pages if p.url_path == path), None)
    if target is None or (target.url_path == current.url_path and not query):
        return
    if target.url_path == current.url_path and query == st.query_params.to_dict():
        return
    st.switch_page(target, query_params=query)


def sidebar_identity(store: Store, actor: Actor) -> None:
    """Who is signed in, with the sign-out button; or the single-user mode warning."""
    if not auth_enabled():
        st.sidebar.warning(
            f"Single-user mode (ISO10002_AUTH=off): no sign-in; everything is recorded as "
            f"{md_escape(actor.name)}. Do not use it on a shared installation."
        )
        return
    who = md_escape(actor.name)
    role = "system administrator" if actor.is_admin else f"{len(actor.roles)} organization(s)"
    st.sidebar.caption(f"Signed in as **{who}** ({role})")
    if st.sidebar.button("Sign out", key="sign_in_sign_out"):
        token = session_token()
        if token is not None:
            sign_out(store, token)
        set_actor(None)
        notices.notify(NOTICE_KEY, "You have signed out.", kind="info")
        if _user_is_logged_in_with_provider():
            st.logout()
        st.rerun()


def refresh_actor(store: Store) -> Actor:
    """The acting user checked against the database again, for a write made from a fragment:
    a fragment's rerun skips app.py, so an expired session or a changed role would otherwise
    go unnoticed until the next full run."""
    token = session_token()
    if not auth_enabled() or token is None:  # single-user mode, or an actor set by a test
        return current_actor()
    try:
        actor = resume_session(store, token)
    except SignInRefused as error:
        set_actor(None)
        notices.notify(NOTICE_KEY, str(error), kind="info")
        st.rerun(scope="app")
    set_actor(actor)
    return actor
