"""Who may do what: roles per organization, the permissions they grant, and the acting user.

A consultant belongs to many organizations with a role in each; a client's user belongs to
their own. Every service call is handed an `Actor` and checks it (see
`assessment.services.guard`), so hiding a page in the app is a courtesy, never the protection.
The role table lives here as data, so the permission matrix test, the app's navigation and
the README all read the same table.
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class Role(StrEnum):
    """A user's role in one organization, from most to least powerful."""

    ADMIN = "admin"
    LEAD_ASSESSOR = "lead_assessor"
    ASSESSOR = "assessor"
    CONTRIBUTOR = "contributor"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Permission(StrEnum):
    """One kind of act inside an organization."""

    VIEW = "view"  # its assessments, dashboards, reports, exports, history
    SCORE = "score"  # responses, notes, N/A, finding overrides
    ADD_EVIDENCE = "add_evidence"
    REVIEW_EVIDENCE = "review_evidence"  # edit any record, approve, reject
    MANAGE_ACTIONS = "manage_actions"  # raise, edit and move any action, effectiveness checks
    UPDATE_ASSIGNED_ACTIONS = "update_assigned_actions"  # move and edit one's own actions
    MANAGE_ASSESSMENTS = (
        "manage_assessments"  # create, edit, stages up to review, baseline, archive, import
    )
    FINALIZE = "finalize"  # sign off as final, and reopen with a reason
    MANAGE_TEAM = "manage_team"  # who belongs to the organization, with which role
    MANAGE_ORGANIZATION = "manage_organization"  # rename, archive

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


_EVERY = frozenset(Permission)
_ASSESSOR = frozenset(
    {
        Permission.VIEW,
        Permission.SCORE,
        Permission.ADD_EVIDENCE,
        Permission.REVIEW_EVIDENCE,
        Permission.MANAGE_ACTIONS,
        Permission.UPDATE_ASSIGNED_ACTIONS,
    }
)

GRANTS: Mapping[Role, frozenset[Permission]] = MappingProxyType(
    {
        Role.ADMIN: _EVERY,
        Role.LEAD_ASSESSOR: _ASSESSOR
        | {Permission.MANAGE_ASSESSMENTS, Permission.FINALIZE, Permission.MANAGE_TEAM},
        Role.ASSESSOR: _ASSESSOR,
        Role.CONTRIBUTOR: frozenset(
            {Permission.VIEW, Permission.ADD_EVIDENCE, Permission.UPDATE_ASSIGNED_ACTIONS}
        ),
        Role.VIEWER: frozenset({Permission.VIEW}),
    }
)


def grantable_roles(granting: Role) -> tuple[Role, ...]:
    """The roles someone may hand out: a lead assessor manages the team but makes no admins."""
    if granting is Role.ADMIN:
        return tuple(Role)
    if Permission.MANAGE_TEAM in GRANTS[granting]:
        return tuple(r for r in Role if r is not Role.ADMIN)
    return ()


@dataclass(frozen=True)
class Actor:
    """The user behind a call: the name the audit trail records and what they may do.

    `is_admin` marks a system administrator (every organization, the user accounts, backups,
    the demo); everyone else reaches only the organizations in `roles`. Build a fresh Actor
    for each request (the app does on every run) so a revoked role takes effect at once.
    """

    name: str
    user_id: int | None = None
    username: str | None = None
    email: str | None = None
    is_admin: bool = False
    roles: Mapping[int, Role] = field(default_factory=dict)

    @classmethod
    def local_admin(cls, name: str) -> Actor:
        """The one person of local single-user mode, or the command line's local administrator."""
        return cls(name=name, is_admin=True)

    def role_in(self, organization_id: int) -> Role | None:
        if self.is_admin:
            return Role.ADMIN
        return self.roles.get(organization_id)

    def sees(self, organization_id: int) -> bool:
        return self.role_in(organization_id) is not None

    def can(self, permission: Permission, organization_id: int) -> bool:
        role = self.role_in(organization_id)
        return role is not None and permission in GRANTS[role]

    def can_anywhere(self, permission: Permission) -> bool:
        """Whether some organization lets this actor do it (the app's menu asks this)."""
        return self.is_admin or any(permission in GRANTS[role] for role in self.roles.values())

    def visible_organizations(self) -> frozenset[int] | None:
        """The organization ids this actor reaches, or None for all of them."""
        return None if self.is_admin else frozenset(self.roles)

    def is_owner(self, owner: str | None) -> bool:
        """Whether an action's owner field names this user (by display name, user name or
        e-mail, ignoring case), which is how a contributor's "own" actions are found."""
        if not owner:
            return False
        wanted = owner.strip().casefold()
        names = (self.name, self.username, self.email)
        return any(n and n.strip().casefold() == wanted for n in names)


def os_user_name(fallback: str = "unknown user") -> str:
    """This computer's user, which names the local administrator of the command line and of
    single-user mode in the audit trail."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return fallback
