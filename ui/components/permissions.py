"""What the pages show a user whose role does not allow an act, and how they show a refusal.

Pages decide what to draw with `Actor.can` (and `manages_action` for corrective actions); the
services check again on every call, so a control hidden here is a courtesy. A refusal can still
come when a role changed between two runs: `shows_refusals` turns it into a plain message.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from assessment.access.roles import GRANTS, Actor, Permission, Role
from assessment.errors import UserError
from assessment.scoring.numbers import with_article
from ui.components.markdown import md_escape


def least_role(permission: Permission) -> Role:
    """The least powerful role that grants `permission` (read from the role table)."""
    return next(role for role in reversed(Role) if permission in GRANTS[role])


def role_note(actor: Actor, organization_id: int, act: str, permission: Permission) -> str:
    """'Your role (viewer) lets you read this assessment; scoring needs an assessor.'"""
    role = actor.role_in(organization_id)
    held = role.label if role is not None else "none"
    needed = with_article(least_role(permission).label)
    return f"Your role ({held}) lets you read this assessment; {act} needs {needed}."


@contextmanager
def shows_refusals(what: str = "") -> Iterator[None]:
    """Run a write; a PermissionDenied or NotFound becomes an error message, not a traceback.

    `what` starts the message ("Not saved: "). Code after the refusal inside the block is
    skipped; the page goes on after it.
    """
    try:
        yield
    except UserError as error:
        st.error(md_escape(f"{what}{error}"))
