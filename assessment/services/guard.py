"""The one place a service asks "may this actor do this here?".

Every store-level service calls one of these before it reads or writes; the app's menus only
mirror the same answers. A record in an organization the actor does not belong to is "not
found" rather than "forbidden", so ids cannot be used to learn what other clients hold; the
attempt is still written to the security log.
"""

from __future__ import annotations

from typing import NoReturn

from sqlalchemy.orm import Session

from assessment.access.roles import Actor, Permission
from assessment.errors import NotFound, PermissionDenied
from assessment.services.security_log import SecurityEventKind, log_event
from assessment.storage.store import Store
from assessment.storage.tables import Assessment, Organization, possible_id

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = [
    "deny",
    "require",
    "require_admin",
]


def deny(store: Store, actor: Actor, what: str, organization_id: int | None) -> NoReturn:
    """Log the refusal and raise it; the caller's transaction rolls back."""
    role = actor.role_in(organization_id) if organization_id is not None else None
    if role is None:
        message = f"{actor.name} may not {what}: this needs a system administrator."
    else:
        message = (
            f"{actor.name} may not {what}: the {role.label} role does not allow it. "
            "Ask a lead assessor or an administrator of this organization."
        )
    log_event(
        store,
        SecurityEventKind.DENIED,
        actor=actor.name,
        detail=what,
        organization_id=organization_id,
    )
    raise PermissionDenied(message)


def require(
    store: Store, actor: Actor, permission: Permission, organization_id: int, *, what: str
) -> None:
    if not actor.can(permission, organization_id):
        deny(store, actor, what, organization_id)


def require_admin(store: Store, actor: Actor, *, what: str) -> None:
    if not actor.is_admin:
        deny(store, actor, what, None)


def _unreachable(store: Store, actor: Actor, kind: str, record_id: int, exists: bool) -> NoReturn:
    if exists:
        log_event(
            store,
            SecurityEventKind.DENIED,
            actor=actor.name,
            detail=f"asked for {kind} {record_id} of an organization they do not belong to",
        )
    where = "" if actor.is_admin else " among the organizations you belong to"
    raise NotFound(f"no {kind} with id {record_id}{where}")


def reachable_organization(
    session: Session,
    store: Store,
    actor: Actor,
    organization_id: int,
    permission: Permission,
    *,
    what: str,
) -> Organization:
    """The organization row, if the actor belongs to it and holds `permission` there."""
    row = session.get(Organization, organization_id) if possible_id(organization_id) else None
    if row is None or not actor.sees(organization_id):
        _unreachable(store, actor, "organization", organization_id, row is not None)
    require(store, actor, permission, organization_id, what=what)
    return row


def reachable_assessment(
    session: Session,
    store: Store,
    actor: Actor,
    assessment_id: int,
    permission: Permission,
    *,
    what: str,
) -> Assessment:
    """The assessment row, if the actor belongs to its organization and holds `permission`."""
    row = session.get(Assessment, assessment_id) if possible_id(assessment_id) else None
    if row is None or not actor.sees(row.organization_id):
        _unreachable(store, actor, "assessment", assessment_id, row is not None)
    require(store, actor, permission, row.organization_id, what=what)
    return row
