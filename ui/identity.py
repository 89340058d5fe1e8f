"""Who is acting in the app. Until sign-in exists, the audit trail names the local app user."""

from __future__ import annotations

LOCAL_ACTOR = "local app user"


def current_actor() -> str:
    return LOCAL_ACTOR
