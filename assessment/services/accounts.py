"""User accounts: who may sign in, with which password, and who administers the system.

Sign-in and sessions are in `assessment.services.sign_in`; roles in organizations in
`assessment.services.memberships`. Users are never deleted, only deactivated, so the names in
the audit trail keep pointing at someone. No function here returns a password hash.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assessment import text_limits as limits
from assessment.access.passwords import hash_password
from assessment.access.roles import Actor, Role
from assessment.errors import (
    ConflictError,
    InvalidChange,
    NotFound,
    PermissionDenied,
    SignInRefused,
)
from assessment.services.guard import deny, require_admin
from assessment.services.security_log import SecurityEventKind, log_event
from assessment.services.versions import versioned_write
from assessment.storage.store import Store
from assessment.storage.tables import AppUser, Membership, SignInSession
from assessment.timestamps import as_utc, utcnow

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = [
    "DISABLED",
    "UserRecord",
    "actor_for",
    "actor_for_username",
    "create_first_admin",
    "create_user",
    "has_users",
    "list_users",
    "set_active",
    "set_password",
    "unlock",
]

USERNAME = re.compile(r"[\w.@-]{3,60}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
DISABLED = "This account is disabled; ask an administrator."
FIRST_ADMIN_LOCK = 100020006  # a PostgreSQL advisory lock key of our own


class _AlreadySetUp(Exception):
    """Some account exists: the first administrator has been created already."""


@dataclass(frozen=True)
class UserRecord:
    id: int
    username: str
    display_name: str
    email: str | None
    is_admin: bool
    active: bool
    locked_until: datetime | None
    last_sign_in_at: datetime | None


def _maybe_utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else as_utc(moment)


def as_record(row: AppUser) -> UserRecord:
    return UserRecord(
        row.id,
        row.username,
        row.display_name,
        row.email,
        row.is_admin,
        row.active,
        _maybe_utc(row.locked_until),
        _maybe_utc(row.last_sign_in_at),
    )


def shown(text: str, limit: int = 80) -> str:
    """Typed text made safe to write to a log line: printable characters only, cut short."""
    cleaned = "".join(c if c.isprintable() else "?" for c in str(text).strip())
    return cleaned[:limit] or "(blank)"


def username_key(text: str) -> str:
    """How a user name is stored and looked up: trimmed, NFKC-normalized and casefolded."""
    return unicodedata.normalize("NFKC", str(text)).strip().casefold()


def email_key(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().casefold()


def clean_username(text: str) -> str:
    key = username_key(text)
    if not USERNAME.fullmatch(key):
        raise InvalidChange(
            f"The user name '{shown(text, 70)}' is not usable: a user name has 3 to 60 "
            "characters, each a letter, a digit, or one of . _ - @"
        )
    return key


def clean_display_name(text: str) -> str:
    cleaned = " ".join(str(text).split())
    if not cleaned:
        raise InvalidChange("A user needs a display name, the name shown in the audit trail.")
    return limits.within("a display name", cleaned, limits.NAME)


def clean_email(text: str | None) -> str | None:
    if text is None or not str(text).strip():
        return None
    key = email_key(text)
    if len(key) > limits.EMAIL or not EMAIL.fullmatch(key):
        raise InvalidChange(f"'{shown(text, 70)}' is not an e-mail address.")
    return key


def user_by_name(session: Session, username: str) -> AppUser | None:
    return session.scalars(
        select(AppUser).where(AppUser.username == username_key(username))
    ).first()


def existing_user(session: Session, username: str) -> AppUser:
    row = user_by_name(session, username)
    if row is None:
        raise NotFound(f"There is no user named '{shown(username, 70)}'.")
    return row


def actor_of(session: Session, row: AppUser) -> Actor:
    """The Actor for a user row: their display name, and their role in each organization."""
    roles = {
        m.organization_id: Role(m.role)
        for m in session.scalars(select(Membership).where(Membership.user_id == row.id))
    }
    return Actor(
        name=row.display_name,
        user_id=row.id,
        username=row.username,
        email=row.email,
        is_admin=row.is_admin,
        roles=roles,
    )


def actor_for(store: Store, user_id: int) -> Actor:
    """A fresh Actor for a signed-in user (build one per request, so a change applies at once)."""
    with store.transaction() as session:
        row = session.get(AppUser, user_id)
        if row is None:
            raise NotFound(f"no user with id {user_id}")
        if not row.active:
            raise SignInRefused(DISABLED)
        return actor_of(session, row)


def actor_for_username(store: Store, username: str) -> Actor:
    """The Actor of an account named on the command line (`--as`); an unknown name or a
    disabled account is refused."""
    with store.transaction() as session:
        row = existing_user(session, username)
        if not row.active:
            raise SignInRefused(DISABLED)
        return actor_of(session, row)


def has_users(store: Store) -> bool:
    with store.transaction() as session:
        return session.execute(select(func.count()).select_from(AppUser)).scalar_one() > 0


def _taken(session: Session, username: str, email: str | None) -> None:
    if user_by_name(session, username) is not None:
        raise InvalidChange(f"A user named '{username}' already exists.")
    if email is not None and session.scalars(select(AppUser).where(AppUser.email == email)).first():
        raise InvalidChange(f"Another user already has the e-mail address {email}.")


def _insert(
    session: Session,
    *,
    username: str,
    display_name: str,
    password_hash: str | None,
    email: str | None,
    is_admin: bool,
) -> AppUser:
    _taken(session, username, email)
    row = AppUser(
        username=username,
        display_name=display_name,
        email=email,
        password_hash=password_hash,
        is_admin=is_admin,
        active=True,
        failed_attempts=0,
    )
    session.add(row)
    session.flush()
    return row


def create_first_admin(
    store: Store, *, username: str, display_name: str, password: str, email: str | None = None
) -> UserRecord:
    """The first account, a system administrator; refused once any user exists."""
    username = clean_username(username)
    display_name = clean_display_name(display_name)
    email = clean_email(email)
    password_hash = hash_password(password)
    refused = False
    count = select(func.count()).select_from(AppUser)
    try:
        with store.transaction() as session:
            # Two people racing through the first-run page must not both become admins: on
            # PostgreSQL a lock makes them take turns; SQLite has one writer at a time, and
            # the count after the insert sees any account committed before it.
            if session.get_bind().dialect.name == "postgresql":
                session.execute(select(func.pg_advisory_xact_lock(FIRST_ADMIN_LOCK)))
            if session.scalar(count):
                raise _AlreadySetUp
            row = _insert(
                session,
                username=username,
                display_name=display_name,
                password_hash=password_hash,
                email=email,
                is_admin=True,
            )
            if session.scalar(count) != 1:
                raise _AlreadySetUp
            record = as_record(row)
    except (_AlreadySetUp, IntegrityError):
        refused = True
    if refused:
        log_event(
            store,
            SecurityEventKind.DENIED,
            actor=username,
            detail="tried to create the first administrator, but accounts already exist",
        )
        raise PermissionDenied(
            "An administrator account already exists; ask an administrator to add you."
        )
    log_event(
        store,
        SecurityEventKind.ACCOUNT_CHANGED,
        actor=display_name,
        detail=f"created the first administrator account '{username}'",
    )
    return record


def create_user(
    store: Store,
    actor: Actor,
    *,
    username: str,
    display_name: str,
    password: str | None = None,
    email: str | None = None,
    is_admin: bool = False,
) -> UserRecord:
    """A new account; without a password the user signs in only through OpenID Connect."""
    require_admin(store, actor, what="create a user account")
    username = clean_username(username)
    display_name = clean_display_name(display_name)
    email = clean_email(email)
    password_hash = hash_password(password) if password is not None else None
    try:
        with store.transaction() as session:
            record = as_record(
                _insert(
                    session,
                    username=username,
                    display_name=display_name,
                    password_hash=password_hash,
                    email=email,
                    is_admin=is_admin,
                )
            )
    except IntegrityError:
        raise InvalidChange(
            f"A user named '{username}' or with that e-mail address was added at the same moment."
        ) from None
    kind = "administrator account" if is_admin else "account"
    _log_change(store, actor, f"created the {kind} '{username}'")
    return record


def list_users(store: Store, actor: Actor) -> list[UserRecord]:
    require_admin(store, actor, what="see the user accounts")
    with store.transaction() as session:
        return [as_record(r) for r in session.scalars(select(AppUser).order_by(AppUser.username))]


def _log_change(store: Store, actor: Actor, detail: str) -> None:
    log_event(store, SecurityEventKind.ACCOUNT_CHANGED, actor=actor.name, detail=detail)


def _end_sessions(session: Session, user_id: int) -> None:
    session.execute(
        update(SignInSession)
        .where(SignInSession.user_id == user_id, SignInSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def _conflict(username: str) -> Callable[[Session], ConflictError]:
    """A change of an account that lost a race to another administrator's (services/versions.py)."""

    def describe(session: Session) -> ConflictError:
        row = user_by_name(session, username)
        version = row.version if row is not None else 0
        return ConflictError(
            f"the account '{username}'", "another administrator", "that moment", version
        )

    return describe


def set_password(store: Store, actor: Actor, username: str, new_password: str) -> None:
    """Set a password: an administrator for anyone, anyone else only for themselves.

    When an administrator sets someone else's password, that user's open sessions end, so
    whoever may have learnt the old one is signed out.
    """
    own = actor.username is not None and username_key(username) == actor.username
    if not (actor.is_admin or own):
        deny(store, actor, "set another user's password", None)
    password_hash = hash_password(new_password)
    with versioned_write(store, _conflict(username)) as session:
        row = existing_user(session, username)
        row.password_hash = password_hash
        if row.id != actor.user_id:
            _end_sessions(session, row.id)
        name = row.username
    _log_change(
        store, actor, "changed their own password" if own else f"set the password of '{name}'"
    )


def set_active(store: Store, actor: Actor, username: str, active: bool) -> UserRecord:
    """Enable or disable an account; disabling it ends its sessions. Not your own account."""
    require_admin(store, actor, what="enable or disable a user account")
    with versioned_write(store, _conflict(username)) as session:
        row = existing_user(session, username)
        if not active and actor.user_id is not None and row.id == actor.user_id:
            raise InvalidChange("You cannot disable your own account; ask another administrator.")
        changed = row.active != active
        row.active = active
        if not active:
            _end_sessions(session, row.id)
        session.flush()
        record = as_record(row)
    if changed:
        verb = "enabled" if active else "disabled"
        _log_change(store, actor, f"{verb} the account '{record.username}'")
    return record


def unlock(store: Store, actor: Actor, username: str) -> UserRecord:
    """Lift a lockout after failed sign-ins before it runs out."""
    require_admin(store, actor, what="unlock a user account")
    with versioned_write(store, _conflict(username)) as session:
        row = existing_user(session, username)
        row.failed_attempts = 0
        row.locked_until = None
        session.flush()
        record = as_record(row)
    _log_change(store, actor, f"unlocked the account '{record.username}'")
    return record
