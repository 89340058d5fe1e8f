"""Who is acting in the app. Until sign-in exists, the local administrator."""

from __future__ import annotations

from assessment.access import Actor

LOCAL_ACTOR = "local app user"


def current_actor() -> Actor:
    return Actor.local_admin(LOCAL_ACTOR)
