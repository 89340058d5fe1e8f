"""Signing in with a password (or an e-mail address vouched for by OpenID Connect), sessions,
and the lockout after repeated failures.

A session token is shown to the browser once; the database keeps only its SHA-256, so a copy
of the database resumes no one's session. A session ends after `ISO10002_SESSION_MINUTES`
without use (60 by default) and in any case 12 hours after sign-in. After
`ISO10002_LOCKOUT_ATTEMPTS` wrong passwords in a row (5) an account is locked for
`ISO10002_LOCKOUT_MINUTES` (15), unless an administrator unlocks it sooner.

Every refusal is written to the security log. Refusals are logged after the transaction that
found them has ended, so the log's own write never waits on ours (SQLite has one writer).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from assessment.access.passwords import dummy_verify, hash_password, needs_rehash, verify_password
from assessment.access.roles import Actor
from assessment.errors import SignInRefused
from assessment.scoring.numbers import counted
from assessment.services.accounts import (
    DISABLED,
    actor_of,
    email_key,
    shown,
    user_by_name,
)
from assessment.services.security_log import SecurityEventKind, log_event
from assessment.settings import LOCKOUT_ATTEMPTS, LOCKOUT_MINUTES, SESSION_MINUTES
from assessment.storage.store import Store
from assessment.storage.tables import AppUser, SignInSession
from assessment.timestamps import as_utc, utcnow

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = [
    "SignIn",
    "resume_session",
    "sign_in",
    "sign_in_by_email",
    "sign_out",
]

WRONG = "Wrong user name or password."
EXPIRED = "Your session has expired; please sign in again."
ABSOLUTE_LIMIT = timedelta(hours=12)
# The app resumes the session on every click; sliding the expiry at most once a minute keeps
# that a read, not a write per click (the idle limit is whole minutes anyway).
SLIDE_EVERY = timedelta(minutes=1)


def lockout_attempts() -> int:
    return LOCKOUT_ATTEMPTS.whole()


def lockout_minutes() -> int:
    return LOCKOUT_MINUTES.whole()


def session_minutes() -> int:
    return SESSION_MINUTES.whole()


@dataclass(frozen=True)
class SignIn:
    """A successful sign-in: who, the token for the browser (never stored), and until when."""

    actor: Actor
    token: str = field(repr=False)
    expires_at: datetime


@dataclass
class _Outcome:
    """What a sign-in transaction decided; the events are logged once it has ended."""

    events: list[tuple[SecurityEventKind, str, str]] = field(default_factory=list)
    refusal: str | None = None
    signed_in: SignIn | None = None

    def log(self, kind: SecurityEventKind, actor: str, detail: str) -> None:
        self.events.append((kind, actor, detail))

    def refuse(self, message: str, actor: str, detail: str) -> None:
        self.refusal = message
        self.log(SecurityEventKind.SIGN_IN_FAILED, actor, detail)

    def finish(self, store: Store) -> SignIn:
        for kind, actor, detail in self.events:
            log_event(store, kind, actor=actor, detail=detail)
        if self.refusal is not None or self.signed_in is None:
            raise SignInRefused(self.refusal or WRONG)
        return self.signed_in

    def refused(self, store: Store) -> NoReturn:
        self.signed_in = None
        self.finish(store)
        raise AssertionError("finish raises when no one signed in")  # pragma: no cover


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now(now: datetime | None) -> datetime:
    return as_utc(now) if now is not None else utcnow()


def _locked_message(until: datetime, now: datetime) -> str:
    when = f"{until:%H:%M}" if until.date() == now.date() else f"{until:%Y-%m-%d %H:%M}"
    return (
        f"This account is locked until {when} UTC after too many failed sign-ins; "
        "try again then, or ask an administrator to unlock it."
    )


def _open_session(session: Session, row: AppUser, now: datetime, idle: int) -> SignIn:
    token = secrets.token_urlsafe(32)
    expires_at = min(now + timedelta(minutes=idle), now + ABSOLUTE_LIMIT)
    session.add(
        SignInSession(
            token_hash=token_digest(token),
            user_id=row.id,
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
        )
    )
    session.execute(update(AppUser).where(AppUser.id == row.id).values(last_sign_in_at=now))
    return SignIn(actor_of(session, row), token, expires_at)


def _wrong_password(
    session: Session, row: AppUser, outcome: _Outcome, now: datetime, attempts: int, minutes: int
) -> None:
    # One atomic increment per failure, so parallel guesses are all counted.
    count = session.execute(
        update(AppUser)
        .where(AppUser.id == row.id)
        .values(failed_attempts=AppUser.failed_attempts + 1)
        .returning(AppUser.failed_attempts)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    if count < attempts:
        outcome.refuse(
            WRONG, row.username, f"wrong password ({count} of {counted(attempts, 'attempt')})"
        )
        return
    until = now + timedelta(minutes=minutes)
    session.execute(
        update(AppUser)
        .where(AppUser.id == row.id)
        .values(failed_attempts=0, locked_until=until)
        .execution_options(synchronize_session=False)
    )
    outcome.refuse(_locked_message(until, now), row.username, f"wrong password ({count} in a row)")
    outcome.log(
        SecurityEventKind.LOCKED_OUT,
        row.username,
        f"locked until {until:%Y-%m-%d %H:%M} UTC after {count} wrong passwords in a row",
    )


def sign_in(store: Store, username: str, password: str, *, now: datetime | None = None) -> SignIn:
    """Check a user name and password and open a session; SignInRefused says why not, never
    which of the two was wrong."""
    now = _now(now)
    attempts, minutes, idle = lockout_attempts(), lockout_minutes(), session_minutes()
    outcome = _Outcome()
    with store.transaction() as session:
        row = user_by_name(session, username)
        if row is None or row.password_hash is None:
            dummy_verify(password)
            why = "unknown user name" if row is None else "the account has no password"
            outcome.refuse(WRONG, shown(username, 60), why)
        elif row.locked_until is not None and as_utc(row.locked_until) > now:
            until = as_utc(row.locked_until)
            outcome.refuse(
                _locked_message(until, now),
                row.username,
                f"refused while locked until {until:%Y-%m-%d %H:%M} UTC",
            )
        elif not verify_password(row.password_hash, password):
            _wrong_password(session, row, outcome, now, attempts, minutes)
        elif not row.active:
            outcome.refuse(DISABLED, row.username, "the account is disabled")
        else:
            changes: dict[str, object] = {"failed_attempts": 0, "locked_until": None}
            if needs_rehash(row.password_hash):
                changes["password_hash"] = hash_password(password, check=False)
            session.execute(
                update(AppUser)
                .where(AppUser.id == row.id)
                .values(**changes)
                .execution_options(synchronize_session=False)
            )
            outcome.signed_in = _open_session(session, row, now, idle)
            outcome.log(SecurityEventKind.SIGNED_IN, row.username, "signed in with a password")
    return outcome.finish(store)


def sign_in_by_email(store: Store, email: str, *, now: datetime | None = None) -> SignIn:
    """Open a session for a user the identity provider has verified (OpenID Connect), found
    by their e-mail address. A password lockout does not apply: no password was tried."""
    now = _now(now)
    idle = session_minutes()
    outcome = _Outcome()
    key = email_key(email or "")
    with store.transaction() as session:
        row = session.scalars(select(AppUser).where(AppUser.email == key)).first() if key else None
        if row is None:
            outcome.refuse(
                f"No account here uses the e-mail address {shown(email, 320)}; "
                "ask an administrator to add you.",
                shown(email, 200),
                "OpenID Connect: no account has this e-mail address",
            )
        elif not row.active:
            outcome.refuse(DISABLED, row.username, "OpenID Connect: the account is disabled")
        else:
            outcome.signed_in = _open_session(session, row, now, idle)
            outcome.log(
                SecurityEventKind.SIGNED_IN, row.username, "signed in through OpenID Connect"
            )
    return outcome.finish(store)


def resume_session(store: Store, token: str, *, now: datetime | None = None) -> Actor:
    """The Actor of a live session, sliding its idle expiry forward; SignInRefused if it has
    ended, expired, or its user has been disabled since."""
    now = _now(now)
    idle = session_minutes()
    outcome = _Outcome()
    digest = token_digest(token) if isinstance(token, str) and 0 < len(token) <= 200 else None
    with store.transaction() as session:
        row = (
            session.scalars(select(SignInSession).where(SignInSession.token_hash == digest)).first()
            if digest
            else None
        )
        if row is None:
            raise SignInRefused(EXPIRED)  # an unknown token: no one to log it against
        user = session.get(AppUser, row.user_id)
        assert user is not None  # a foreign key
        created = as_utc(row.created_at)
        why = None
        if row.ended_at is not None:
            why = "a session that had ended was presented again"
        elif now >= created + ABSOLUTE_LIMIT:
            why = f"ended {ABSOLUTE_LIMIT.seconds // 3600} hours after sign-in"
        elif now >= as_utc(row.expires_at):
            why = f"unused for more than {idle} minutes"
        elif not user.active:
            why = "the account was disabled"
        if why is None:
            if now - as_utc(row.last_seen_at) >= SLIDE_EVERY:
                row.last_seen_at = now
                row.expires_at = min(now + timedelta(minutes=idle), created + ABSOLUTE_LIMIT)
            return actor_of(session, user)
        if row.ended_at is None:
            row.ended_at = now
        outcome.refusal = EXPIRED if user.active else DISABLED
        outcome.log(SecurityEventKind.SESSION_EXPIRED, user.username, why)
    outcome.refused(store)


def sign_out(store: Store, token: str, *, now: datetime | None = None) -> None:
    """End a session (nothing happens for an unknown or already ended token)."""
    now = _now(now)
    if not isinstance(token, str) or not 0 < len(token) <= 200:
        return
    who = None
    with store.transaction() as session:
        row = session.scalars(
            select(SignInSession).where(SignInSession.token_hash == token_digest(token))
        ).first()
        if row is not None and row.ended_at is None:
            row.ended_at = now
            user = session.get(AppUser, row.user_id)
            who = user.username if user is not None else str(row.user_id)
    if who is not None:
        log_event(store, SecurityEventKind.SIGNED_OUT, actor=who, detail="signed out")
