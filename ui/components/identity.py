"""Who is acting in the app: the signed-in user, or the one local user of single-user mode.

This component owns the session-state keys of sign-in. `app.py` resumes the session on every
run (so a revoked role or a disabled account takes effect at once) and stores a fresh Actor
here; pages only ask `current_actor()`. Sign-in is on unless ISO10002_AUTH=off is set
explicitly, and the sidebar says so when it is off.
"""

from __future__ import annotations

import streamlit as st

from assessment.access.roles import Actor, os_user_name
from assessment.settings import AUTH

ACTOR_KEY = "identity_actor"
TOKEN_KEY = "identity_token"  # noqa: S105 (a session-state key, not a secret)


def auth_enabled() -> bool:
    """Sign-in is required unless ISO10002_AUTH is explicitly off."""
    return AUTH.switch()


def local_user_name() -> str:
    """The name the audit trail records in single-user mode: this computer's user."""
    return f"{os_user_name('local user')} (single-user mode)"


def current_actor() -> Actor:
    """The acting user of this run; a page reached without signing in stops with a message."""
    actor = st.session_state.get(ACTOR_KEY)
    if isinstance(actor, Actor):
        return actor
    if not auth_enabled():
        return Actor.local_admin(local_user_name())
    st.warning("Please sign in to continue.")
    st.stop()
    raise AssertionError("st.stop() returns only in tests")  # pragma: no cover


def set_actor(actor: Actor | None, token: str | None = None) -> None:
    """Remember who signed in (None: signed out)."""
    if actor is None:
        st.session_state.pop(ACTOR_KEY, None)
        st.session_state.pop(TOKEN_KEY, None)
        return
    st.session_state[ACTOR_KEY] = actor
    if token is not None:
        st.session_state[TOKEN_KEY] = token


def session_token() -> str | None:
    token = st.session_state.get(TOKEN_KEY)
    return token if isinstance(token, str) else None
