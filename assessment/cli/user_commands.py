"""`iso10002 user ...`: accounts, roles in organizations and the security log.

On an empty database `user add NAME --admin` creates the first system administrator, which is
how a team installation gets one without the app. Every other command acts as the command's
user (the local administrator, or the account named by `iso10002 --as`), under the same checks
as in the app.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from assessment.access.passwords import check_policy
from assessment.access.roles import Role
from assessment.cli.errors import reports_errors
from assessment.cli.output import render_table, say
from assessment.cli.session import acting_user, configured_store, organization_named
from assessment.errors import InvalidChange
from assessment.services.accounts import (
    create_first_admin,
    create_user,
    has_users,
    list_users,
    set_active,
    set_password,
    unlock,
)
from assessment.services.memberships import as_role, grant_role, members, revoke_role
from assessment.services.organizations import (
    list_organizations,
)
from assessment.services.security_log import SecurityEventKind, security_log
from assessment.timestamps import as_utc

ROLES = "|".join(r.value for r in Role)
PASSWORD_STDIN = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from one line of standard input instead of asking (for scripts).",
)


@click.group("user")
def user_group() -> None:
    """User accounts, their roles in organizations, and the security log."""


def _read_password(from_stdin: bool) -> str:
    """The new password, from one line of standard input or asked twice without echo; checked
    against the policy before anything is written."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise InvalidChange("no password on standard input: give it on one line")
        password = line.rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    check_policy(password)
    return password


def _when(moment: datetime | None) -> str:
    return as_utc(moment).strftime("%Y-%m-%d %H:%M UTC") if moment is not None else ""


def _role(text: str) -> Role:
    """A role as typed: `lead_assessor`, `lead-assessor` and `lead assessor` are the same."""
    return as_role("_".join(text.strip().lower().replace("-", " ").split()))


@user_group.command("add")
@click.argument("username")
@click.option(
    "--name", "display_name", required=True, help="Display name, as the audit trail shows it."
)
@click.option("--email", default=None, help="E-mail address.")
@click.option("--admin", "is_admin", is_flag=True, help="Make a system administrator.")
@click.option(
    "--no-password",
    is_flag=True,
    help="No password: the user signs in only through OpenID Connect.",
)
@PASSWORD_STDIN
@reports_errors
def add_command(
    username: str,
    display_name: str,
    email: str | None,
    is_admin: bool,
    no_password: bool,
    password_stdin: bool,
) -> None:
    """Add a user account; on an empty database, `--admin` makes the first administrator."""
    if no_password and password_stdin:
        raise InvalidChange("give either --no-password or --password-stdin, not both")
    with configured_store() as store:
        first = is_admin and not has_users(store)
        if first and no_password:
            raise InvalidChange("the first administrator needs a password; leave out --no-password")
        actor = None if first else acting_user(store)
        password = None if no_password else _read_password(password_stdin)
        if actor is None:
            assert password is not None
            record = create_first_admin(
                store,
                username=username,
                display_name=display_name,
                password=password,
                email=email,
            )
        else:
            record = create_user(
                store,
                actor,
                username=username,
                display_name=display_name,
                password=password,
                email=email,
                is_admin=is_admin,
            )
    kind = "the first administrator" if first else "administrator" if is_admin else "user"
    say(f"added {kind} {record.username} ({record.display_name})")


@user_group.command("list")
@reports_errors
def list_command() -> None:
    """List the user accounts (administrators only)."""
    now = datetime.now(UTC)
    with configured_store() as store:
        users = list_users(store, acting_user(store))
    if not users:
        say(
            "No user accounts yet. Add the first administrator with `iso10002 user add NAME --name ... --admin`."
        )
        return
    rows = [
        [
            u.username,
            u.display_name,
            u.email or "",
            "yes" if u.is_admin else "",
            "yes" if u.active else "no",
            _when(u.locked_until) if u.locked_until and u.locked_until > now else "",
            _when(u.last_sign_in_at),
        ]
        for u in users
    ]
    headers = ["username", "name", "e-mail", "admin", "active", "locked until", "last sign-in"]
    say(render_table(headers, rows))


@user_group.command("passwd")
@click.argument("username")
@PASSWORD_STDIN
@reports_errors
def passwd_command(username: str, password_stdin: bool) -> None:
    """Set a user's password (an administrator for anyone, a user for themselves)."""
    with configured_store() as store:
        actor = acting_user(store)
        password = _read_password(password_stdin)
        set_password(store, actor, username, password)
    say(f"set the password of {username}")


@user_group.command("disable")
@click.argument("username")
@reports_errors
def disable_command(username: str) -> None:
    """Disable an account: it can no longer sign in, and its sessions end."""
    with configured_store() as store:
        record = set_active(store, acting_user(store), username, False)
    say(f"disabled {record.username}")


@user_group.command("enable")
@click.argument("username")
@reports_errors
def enable_command(username: str) -> None:
    """Enable a disabled account again."""
    with configured_store() as store:
        record = set_active(store, acting_user(store), username, True)
    say(f"enabled {record.username}")


@user_group.command("unlock")
@click.argument("username")
@reports_errors
def unlock_command(username: str) -> None:
    """Lift a lockout after failed sign-ins before it runs out."""
    with configured_store() as store:
        record = unlock(store, acting_user(store), username)
    say(f"unlocked {record.username}")


@user_group.command("grant")
@click.argument("username")
@click.argument("organization")
@click.argument("role", metavar=f"{{{ROLES}}}")
@reports_errors
def grant_command(username: str, organization: str, role: str) -> None:
    """Give a user a role in an organization (its id or exact name), or change it."""
    wanted = _role(role)
    with configured_store() as store:
        actor = acting_user(store)
        found = organization_named(store, actor, organization)
        member = grant_role(store, actor, username, found.id, wanted)
    say(f"{member.username} is now {member.role.label} in {found.name}")


@user_group.command("revoke")
@click.argument("username")
@click.argument("organization")
@reports_errors
def revoke_command(username: str, organization: str) -> None:
    """Remove a user's role in an organization (its id or exact name)."""
    with configured_store() as store:
        actor = acting_user(store)
        found = organization_named(store, actor, organization)
        revoke_role(store, actor, username, found.id)
    say(f"{username} no longer has a role in {found.name}")


@user_group.command("members")
@click.argument("organization")
@reports_errors
def members_command(organization: str) -> None:
    """List an organization's members and their roles."""
    with configured_store() as store:
        actor = acting_user(store)
        found = organization_named(store, actor, organization)
        people = members(store, actor, found.id)
    if not people:
        say(f"No members in {found.name} yet. Add one with `iso10002 user grant`.")
        return
    rows = [[m.username, m.display_name, m.role.label, "yes" if m.active else "no"] for m in people]
    say(render_table(["username", "name", "role", "active"], rows))


@user_group.command("log")
@click.option(
    "--kind", type=click.Choice([k.value for k in SecurityEventKind]), help="Only this kind."
)
@click.option(
    "--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Newest N events."
)
@reports_errors
def log_command(kind: str | None, limit: int) -> None:
    """Show the security log, newest first (administrators only)."""
    with configured_store() as store:
        actor = acting_user(store)
        events = security_log(store, actor, kind=kind, limit=limit)
        names = {o.id: o.name for o in list_organizations(store, actor, include_archived=True)}
    if not events:
        say("The security log has no such events." if kind else "The security log is empty.")
        return
    rows = [
        [
            _when(e.at),
            e.kind.value,
            e.actor,
            names.get(e.organization_id, str(e.organization_id))
            if e.organization_id is not None
            else "",
            e.detail,
        ]
        for e in events
    ]
    say(render_table(["at", "kind", "actor", "organization", "detail"], rows))
