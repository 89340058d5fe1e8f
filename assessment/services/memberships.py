"""Who belongs to an organization, with which role.

Managing the team needs the manage-team permission in that organization, and only the roles
`assessment.access.roles.grantable_roles` allows for the granting user's own role: a lead assessor
adds assessors, contributors and viewers, but makes no admins and cannot change or remove an
admin. Every change is written to the security log.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assessment.access.roles import Actor, Permission, Role, grantable_roles
from assessment.errors import ConflictError, InvalidChange, NotFound
from assessment.services.accounts import existing_user, shown
from assessment.services.guard import deny, reachable_organization
from assessment.services.security_log import SecurityEventKind, log_event
from assessment.storage.store import Store
from assessment.storage.tables import AppUser, Membership

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = [
    "MemberRecord",
    "as_role",
    "grant_role",
    "members",
    "revoke_role",
]


@dataclass(frozen=True)
class MemberRecord:
    user_id: int
    username: str
    display_name: str
    role: Role
    active: bool = True


def as_role(value: Role | str) -> Role:
    try:
        return Role(value)
    except ValueError:
        choices = ", ".join(r.label for r in Role)
        raise InvalidChange(
            f"'{shown(str(value), 40)}' is not a role; choose one of: {choices}."
        ) from None


def _membership(session: Session, user_id: int, organization_id: int) -> Membership | None:
    return session.scalars(
        select(Membership).where(
            Membership.user_id == user_id, Membership.organization_id == organization_id
        )
    ).first()


def _check_may_change(
    store: Store, actor: Actor, organization_id: int, current: Membership | None, what: str
) -> None:
    """Refuse to touch a membership whose present role the actor could not have granted."""
    if current is None:
        return
    held = Role(current.role)
    if held not in grantable_roles(actor.role_in(organization_id) or Role.VIEWER):
        deny(store, actor, f"{what} of someone who is {held.label}", organization_id)


def _team_of(session: Session, store: Store, actor: Actor, organization_id: int) -> None:
    """Refuse, unless the actor may change who belongs to the organization."""
    reachable_organization(
        session,
        store,
        actor,
        organization_id,
        Permission.MANAGE_TEAM,
        what="change who belongs to the organization",
    )


def grant_role(
    store: Store, actor: Actor, username: str, organization_id: int, role: Role | str
) -> MemberRecord:
    """Give a user a role in an organization, or change the role they have there."""
    role = as_role(role)
    try:
        with store.transaction() as session:
            _team_of(session, store, actor, organization_id)
            granting = actor.role_in(organization_id) or Role.VIEWER
            if role not in grantable_roles(granting):
                deny(store, actor, f"make someone {role.label}", organization_id)
            user = existing_user(session, username)
            current = _membership(session, user.id, organization_id)
            _check_may_change(store, actor, organization_id, current, "change the role")
            before = Role(current.role) if current is not None else None
            if current is None:
                session.add(
                    Membership(user_id=user.id, organization_id=organization_id, role=role.value)
                )
            else:
                current.role = role.value
            session.flush()
            record = MemberRecord(user.id, user.username, user.display_name, role, user.active)
    except IntegrityError:
        raise ConflictError(
            f"the membership of '{shown(username, 60)}'", "another user", "that moment", 0
        ) from None
    if before != role:
        was = before.label if before is not None else "no role"
        log_event(
            store,
            SecurityEventKind.ROLE_CHANGED,
            actor=actor.name,
            detail=f"{record.username}: {was} → {role.label}",
            organization_id=organization_id,
        )
    return record


def revoke_role(store: Store, actor: Actor, username: str, organization_id: int) -> None:
    """Remove a user from an organization; they no longer see anything in it."""
    with store.transaction() as session:
        _team_of(session, store, actor, organization_id)
        user = existing_user(session, username)
        current = _membership(session, user.id, organization_id)
        if current is None:
            raise NotFound(f"{user.display_name} has no role in this organization.")
        _check_may_change(store, actor, organization_id, current, "remove the role")
        before = Role(current.role)
        session.delete(current)
        name = user.username
    log_event(
        store,
        SecurityEventKind.ROLE_CHANGED,
        actor=actor.name,
        detail=f"{name}: {before.label} → no role",
        organization_id=organization_id,
    )


def members(store: Store, actor: Actor, organization_id: int) -> list[MemberRecord]:
    """The organization's members and their roles, by user name."""
    with store.transaction() as session:
        reachable_organization(
            session, store, actor, organization_id, Permission.VIEW, what="see its members"
        )
        rows = session.execute(
            select(AppUser, Membership.role)
            .join(Membership, Membership.user_id == AppUser.id)
            .where(Membership.organization_id == organization_id)
            .order_by(AppUser.username)
        ).all()
        return [
            MemberRecord(u.id, u.username, u.display_name, Role(role), u.active) for u, role in rows
        ]
