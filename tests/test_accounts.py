"""User accounts, passwords, sign-in, sessions, lockout and memberships, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from assessment import settings
from assessment.access import passwords
from assessment.access.passwords import (
    PasswordRefused,
    check_policy,
    dummy_verify,
    hash_password,
    needs_rehash,
    verify_password,
)
from assessment.access.roles import Actor, Role
from assessment.errors import (
    InvalidChange,
    InvalidSetting,
    NotFound,
    PermissionDenied,
    SignInRefused,
)
from assessment.services import accounts as U
from assessment.services import memberships as M
from assessment.services import sign_in as S
from assessment.services.security_log import SecurityEventKind, security_log
from assessment.storage.tables import AppUser, Organization, SignInSession
from tests.people import ADMIN

PASSWORD = "correct horse battery"
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
WRONG = "Wrong user name or password."


@pytest.fixture(autouse=True)
def quick_hashes(cheap_passwords):
    """Cheap Argon2 for the many sign-ins below; the tests about the real parameters put the
    default hasher back."""


@pytest.fixture
def admin(store) -> Actor:
    record = U.create_first_admin(
        store, username="Maria", display_name="Maria Nowak", password=PASSWORD
    )
    return U.actor_for(store, record.id)


def organization(store, name: str) -> int:
    with store.transaction() as session:
        row = Organization(name=name)
        session.add(row)
        session.flush()
        return row.id


def user(store, admin: Actor, username: str, **extra) -> U.UserRecord:
    extra.setdefault("password", PASSWORD)
    return U.create_user(store, admin, username=username, display_name=username.title(), **extra)


def events(store, kind: SecurityEventKind) -> list[str]:
    """The details of one kind of security event, oldest first."""
    return [e.detail for e in reversed(security_log(store, ADMIN, kind=kind))]


def session_rows(store) -> list[SignInSession]:
    with store.transaction() as session:
        return list(session.scalars(select(SignInSession).order_by(SignInSession.id)))


# --- passwords ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("eleven char", "at least 12 characters; this one has 11"),
        ("x" * 1025, "at most 1024 characters; this one has 1025"),
        (" " * 20, "cannot be only spaces"),
        ("\t\n  \u2003" * 4, "cannot be only spaces"),
        ("", "cannot be only spaces"),
    ],
)
def test_password_policy_refuses(password, message):
    with pytest.raises(PasswordRefused, match=message):
        check_policy(password)
    with pytest.raises(InvalidChange):  # a PasswordRefused is an InvalidChange
        hash_password(password)


@pytest.mark.parametrize("password", ["twelve chars", "x" * 1024, "  spaced out words  "])
def test_password_policy_accepts(password):
    check_policy(password)
    assert verify_password(hash_password(password), password)


def test_hashes_are_argon2id_salted_and_never_the_password(monkeypatch):
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher())  # argon2-cffi's defaults
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first.startswith("$argon2id$")
    assert first != second  # a fresh salt each time
    assert PASSWORD not in first
    assert verify_password(first, PASSWORD)
    assert verify_password(second, PASSWORD)
    assert not verify_password(first, PASSWORD + "!")
    assert not verify_password("not a hash", PASSWORD)  # no exception for a damaged hash
    assert not verify_password(first, "x" * 100_000)  # refused without hashing
    assert not needs_rehash(first)
    assert needs_rehash(PasswordHasher(time_cost=1, memory_cost=64).hash(PASSWORD))
    assert needs_rehash("not a hash")
    dummy_verify(PASSWORD)  # runs a real check against a hash of nothing anyone knows


def test_the_same_password_composed_differently_matches():
    composed, decomposed = "café au lait!!", "cafe\u0301 au lait!!"
    assert verify_password(hash_password(composed), decomposed)


# --- accounts ----------------------------------------------------------------------------


def test_the_first_administrator_is_created_only_once(store):
    assert not U.has_users(store)
    first = U.create_first_admin(
        store, username="  Maria ", display_name=" Maria   Nowak ", password=PASSWORD
    )
    assert (first.username, first.display_name, first.is_admin, first.active) == (
        "maria",
        "Maria Nowak",
        True,
        True,
    )
    assert U.has_users(store)
    with pytest.raises(PermissionDenied, match="already exists; ask an administrator"):
        U.create_first_admin(store, username="mallory", display_name="M", password=PASSWORD)
    assert [u.username for u in U.list_users(store, U.actor_for(store, first.id))] == ["maria"]
    assert events(store, SecurityEventKind.DENIED) == [
        "tried to create the first administrator, but accounts already exist"
    ]
    assert events(store, SecurityEventKind.ACCOUNT_CHANGED) == [
        "created the first administrator account 'maria'"
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"username": "ab"}, "3 to 60 characters"),
        ({"username": "x" * 61}, "3 to 60 characters"),
        ({"username": "two words"}, "is not usable"),
        ({"username": "semi;colon"}, "is not usable"),
        ({"display_name": "   "}, "needs a display name"),
        ({"display_name": "n" * 201}, "201 characters long; at most 200 are allowed"),
        ({"email": "not-an-address"}, "is not an e-mail address"),
        ({"password": "short"}, "at least 12 characters"),
        ({"username": "MARIA"}, "A user named 'maria' already exists"),
        ({"email": "Maria@Example.ORG"}, "already has the e-mail address maria@example.org"),
    ],
)
def test_a_new_account_is_checked(store, admin, fields, message):
    user(store, admin, "existing", email="maria@example.org")
    values = {"username": "deniz", "display_name": "Deniz", "password": PASSWORD, **fields}
    with pytest.raises(InvalidChange, match=message):
        U.create_user(store, admin, **values)
    assert [u.username for u in U.list_users(store, admin)] == ["existing", "maria"]


def test_accounts_are_stored_casefolded_and_records_hold_no_hash(store, admin):
    record = user(store, admin, "Deniz.K@Field-1", email=" Deniz@Example.ORG ")
    assert (record.username, record.email) == ("deniz.k@field-1", "deniz@example.org")
    assert "password_hash" not in U.UserRecord.__dataclass_fields__
    oidc = U.create_user(store, admin, username="oidc-only", display_name="O", password=None)
    with store.transaction() as session:
        assert session.get(AppUser, oidc.id).password_hash is None
    assert events(store, SecurityEventKind.ACCOUNT_CHANGED)[-2:] == [
        "created the account 'deniz.k@field-1'",
        "created the account 'oidc-only'",
    ]


def test_only_administrators_manage_accounts(store, admin):
    user(store, admin, "deniz")
    deniz = S.sign_in(store, "deniz", PASSWORD).actor
    refusals = [
        lambda: U.create_user(store, deniz, username="eve", display_name="Eve", password=PASSWORD),
        lambda: U.list_users(store, deniz),
        lambda: U.set_active(store, deniz, "maria", False),
        lambda: U.unlock(store, deniz, "maria"),
        lambda: U.set_password(store, deniz, "maria", "a new password!"),
    ]
    for refused in refusals:
        with pytest.raises(PermissionDenied, match=r"Deniz may not .*system administrator"):
            refused()
    assert len(events(store, SecurityEventKind.DENIED)) == len(refusals)


def test_passwords_are_changed_by_the_user_or_an_administrator(store, admin):
    user(store, admin, "deniz")
    deniz = S.sign_in(store, "deniz", PASSWORD, now=T0)
    U.set_password(store, deniz.actor, "DENIZ", "my own new password")
    assert S.resume_session(store, deniz.token, now=T0).username == "deniz"  # still signed in
    with pytest.raises(SignInRefused, match=WRONG):
        S.sign_in(store, "deniz", PASSWORD, now=T0)
    with pytest.raises(PasswordRefused, match="at least 12"):
        U.set_password(store, deniz.actor, "deniz", "too short")
    # An administrator's reset ends the user's sessions: whoever knew the old one is out.
    U.set_password(store, admin, "deniz", "set by the admin")
    with pytest.raises(SignInRefused, match="session has expired"):
        S.resume_session(store, deniz.token, now=T0)
    assert S.sign_in(store, "deniz", "set by the admin", now=T0).actor.username == "deniz"
    with pytest.raises(NotFound, match="no user named 'nobody'"):
        U.set_password(store, admin, "nobody", "whatever it is now")
    assert events(store, SecurityEventKind.ACCOUNT_CHANGED)[-2:] == [
        "changed their own password",
        "set the password of 'deniz'",
    ]


def test_a_disabled_account_cannot_sign_in_or_keep_its_session(store, admin):
    user(store, admin, "deniz")
    signed_in = S.sign_in(store, "deniz", PASSWORD, now=T0)
    record = U.set_active(store, admin, "deniz", False)
    assert not record.active
    with pytest.raises(SignInRefused, match=r"^This account is disabled; ask an administrator\.$"):
        S.sign_in(store, "deniz", PASSWORD, now=T0)
    with pytest.raises(SignInRefused, match=WRONG):  # the wrong password says nothing more
        S.sign_in(store, "deniz", "not the password", now=T0)
    with pytest.raises(SignInRefused):
        S.resume_session(store, signed_in.token, now=T0)
    with pytest.raises(SignInRefused, match="disabled"):
        U.actor_for(store, record.id)
    with pytest.raises(InvalidChange, match="cannot disable your own account"):
        U.set_active(store, admin, "maria", False)
    U.set_active(store, admin, "deniz", True)
    assert S.sign_in(store, "deniz", PASSWORD, now=T0).actor.username == "deniz"
    assert events(store, SecurityEventKind.SIGN_IN_FAILED) == [
        "the account is disabled",
        "wrong password (1 of 5 attempts)",
    ]
    assert events(store, SecurityEventKind.ACCOUNT_CHANGED)[-2:] == [
        "disabled the account 'deniz'",
        "enabled the account 'deniz'",
    ]


def run_together(*calls) -> list[object]:
    """Start the calls at the same moment in threads; each one's result or exception."""
    barrier, outcomes = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            outcomes[index] = calls[index]()
        except Exception as error:  # the test looks at what each call ended with
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_first_administrators_at_once_one_is_refused(store):
    outcomes = run_together(
        *(
            lambda name=name: U.create_first_admin(
                store, username=name, display_name=name, password=PASSWORD
            )
            for name in ("ana", "ben")
        )
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["PermissionDenied", "UserRecord"]
    with store.transaction() as session:
        assert len(session.scalars(select(AppUser)).all()) == 1


# --- signing in --------------------------------------------------------------------------


def test_signing_in_gives_the_actor_with_their_roles(store, admin):
    acme = organization(store, "Acme Water")
    record = user(store, admin, "deniz", email="deniz@example.org")
    M.grant_role(store, admin, "deniz", acme, Role.ASSESSOR)
    signed_in = S.sign_in(store, " DENIZ ", PASSWORD, now=T0)
    assert signed_in.actor == Actor(
        name="Deniz",
        user_id=record.id,
        username="deniz",
        email="deniz@example.org",
        is_admin=False,
        roles={acme: Role.ASSESSOR},
    )
    assert signed_in.expires_at == T0 + timedelta(minutes=60)
    assert len(signed_in.token) >= 40
    assert signed_in.token not in repr(signed_in)
    (stored,) = [u for u in U.list_users(store, admin) if u.username == "deniz"]
    assert stored.last_sign_in_at == T0
    assert events(store, SecurityEventKind.SIGNED_IN) == ["signed in with a password"]


def test_the_session_token_is_not_stored_in_clear(store, admin):
    signed_in = S.sign_in(store, "maria", PASSWORD, now=T0)
    (row,) = session_rows(store)
    assert row.token_hash == hashlib.sha256(signed_in.token.encode()).hexdigest()
    with store.engine.connect() as connection:
        dumped = repr(connection.execute(select(SignInSession.__table__)).all())
    assert signed_in.token not in dumped


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(store, admin):
    user(store, admin, "oidc", password=None)
    for name, password in [("maria", "not the password"), ("nobody", PASSWORD), ("oidc", PASSWORD)]:
        with pytest.raises(SignInRefused) as refused:
            S.sign_in(store, name, password, now=T0)
        assert str(refused.value) == WRONG
    assert events(store, SecurityEventKind.SIGN_IN_FAILED) == [
        "wrong password (1 of 5 attempts)",
        "unknown user name",
        "the account has no password",
    ]
    assert [e.actor for e in security_log(store, ADMIN, kind=SecurityEventKind.SIGN_IN_FAILED)] == [
        "oidc",
        "nobody",
        "maria",
    ]


def test_repeated_failures_lock_the_account_until_the_time_runs_out(store, admin, monkeypatch):
    monkeypatch.setenv(settings.LOCKOUT_ATTEMPTS.name, "3")
    user(store, admin, "deniz")
    for _ in range(2):
        with pytest.raises(SignInRefused, match=WRONG):
            S.sign_in(store, "deniz", "a wrong guess", now=T0)
    locked = r"locked until 09:15 UTC .*ask an administrator to unlock it"
    with pytest.raises(SignInRefused, match=locked):
        S.sign_in(store, "deniz", "a wrong guess", now=T0)
    with pytest.raises(SignInRefused, match=locked):  # even the right password, while locked
        S.sign_in(store, "deniz", PASSWORD, now=T0 + timedelta(minutes=14))
    assert S.sign_in(store, "deniz", PASSWORD, now=T0 + timedelta(minutes=15)).actor
    assert events(store, SecurityEventKind.LOCKED_OUT) == [
        "locked until 2026-11-30 09:15 UTC after 3 wrong passwords in a row"
    ]
    assert events(store, SecurityEventKind.SIGN_IN_FAILED) == [
        "wrong password (1 of 3 attempts)",
        "wrong password (2 of 3 attempts)",
        "wrong password (3 in a row)",
        "refused while locked until 2026-11-30 09:15 UTC",
    ]
    (record,) = [u for u in U.list_users(store, admin) if u.username == "deniz"]
    assert record.locked_until is None  # a success clears the lock and the count


def test_guesses_made_in_parallel_are_all_counted(store, admin, monkeypatch):
    monkeypatch.setenv(settings.LOCKOUT_ATTEMPTS.name, "4")
    outcomes = run_together(
        *(lambda: S.sign_in(store, "maria", "a wrong guess", now=T0) for _ in range(4))
    )
    assert all(isinstance(o, SignInRefused) for o in outcomes)
    assert len(events(store, SecurityEventKind.LOCKED_OUT)) == 1
    with pytest.raises(SignInRefused, match="locked until"):
        S.sign_in(store, "maria", PASSWORD, now=T0)


def test_a_success_resets_the_count_of_failures(store, admin, monkeypatch):
    monkeypatch.setenv(settings.LOCKOUT_ATTEMPTS.name, "3")
    for password in ["wrong one", "wrong two", PASSWORD, "wrong three", "wrong four"]:
        if password == PASSWORD:
            S.sign_in(store, "maria", password, now=T0)
        else:
            with pytest.raises(SignInRefused, match=WRONG):
                S.sign_in(store, "maria", password, now=T0)
    assert events(store, SecurityEventKind.LOCKED_OUT) == []
    assert S.sign_in(store, "maria", PASSWORD, now=T0).actor.username == "maria"


def test_an_administrator_unlocks_an_account_at_once(store, admin, monkeypatch):
    monkeypatch.setenv(settings.LOCKOUT_ATTEMPTS.name, "3")
    monkeypatch.setenv(settings.LOCKOUT_MINUTES.name, "600")
    user(store, admin, "deniz")
    for _ in range(3):
        with pytest.raises(SignInRefused):
            S.sign_in(store, "deniz", "a wrong guess", now=T0)
    with pytest.raises(SignInRefused, match="locked until 19:00 UTC"):
        S.sign_in(store, "deniz", PASSWORD, now=T0)
    (record,) = [u for u in U.list_users(store, admin) if u.username == "deniz"]
    assert record.locked_until == T0 + timedelta(minutes=600)
    assert U.unlock(store, admin, "deniz").locked_until is None
    assert S.sign_in(store, "deniz", PASSWORD, now=T0 + timedelta(minutes=1)).actor
    assert events(store, SecurityEventKind.ACCOUNT_CHANGED)[-1] == "unlocked the account 'deniz'"


def test_a_lock_that_ends_another_day_gives_the_date(store, admin, monkeypatch):
    monkeypatch.setenv(settings.LOCKOUT_ATTEMPTS.name, "1")
    monkeypatch.setenv(settings.LOCKOUT_MINUTES.name, str(24 * 60))
    with pytest.raises(SignInRefused, match="locked until 2026-12-01 09:00 UTC"):
        S.sign_in(store, "maria", "a wrong guess", now=T0)


def test_an_old_hash_is_replaced_at_the_next_sign_in(store, admin, monkeypatch):
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    with store.transaction() as session:
        session.get(AppUser, admin.user_id).password_hash = weak
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=2, memory_cost=128))
    S.sign_in(store, "maria", PASSWORD, now=T0)
    with store.transaction() as session:
        renewed = session.get(AppUser, admin.user_id).password_hash
    assert renewed != weak
    assert "m=128,t=2" in renewed
    assert verify_password(renewed, PASSWORD)


# --- sessions ----------------------------------------------------------------------------


def test_a_session_slides_while_used_and_expires_when_idle(store, admin):
    token = S.sign_in(store, "maria", PASSWORD, now=T0).token
    actor = S.resume_session(store, token, now=T0 + timedelta(minutes=50))
    assert (actor.username, actor.is_admin) == ("maria", True)
    (row,) = session_rows(store)
    assert U.as_utc(row.expires_at) == T0 + timedelta(minutes=110)
    assert U.as_utc(row.last_seen_at) == T0 + timedelta(minutes=50)
    S.resume_session(store, token, now=T0 + timedelta(minutes=109))
    with pytest.raises(SignInRefused, match=r"^Your session has expired; please sign in again\.$"):
        S.resume_session(store, token, now=T0 + timedelta(minutes=170))
    with pytest.raises(SignInRefused):  # an expired session stays ended
        S.resume_session(store, token, now=T0 + timedelta(minutes=171))
    assert events(store, SecurityEventKind.SESSION_EXPIRED) == [
        "unused for more than 60 minutes",
        "a session that had ended was presented again",
    ]


def test_clicks_within_a_minute_read_the_session_without_writing_it(store, admin):
    token = S.sign_in(store, "maria", PASSWORD, now=T0).token
    S.resume_session(store, token, now=T0 + timedelta(minutes=10))
    (before,) = session_rows(store)
    for seconds in (1, 20, 59):
        actor = S.resume_session(store, token, now=T0 + timedelta(minutes=10, seconds=seconds))
        assert actor.username == "maria"
    (after,) = session_rows(store)
    assert (after.last_seen_at, after.expires_at) == (before.last_seen_at, before.expires_at)
    S.resume_session(store, token, now=T0 + timedelta(minutes=11))
    (slid,) = session_rows(store)
    assert U.as_utc(slid.expires_at) == T0 + timedelta(minutes=71)


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(store, admin, monkeypatch):
    monkeypatch.setenv(settings.SESSION_MINUTES.name, "90")
    token = S.sign_in(store, "maria", PASSWORD, now=T0).token
    moment = T0
    while moment + timedelta(minutes=45) < T0 + timedelta(hours=12):
        moment += timedelta(minutes=45)  # well inside the 90 idle minutes
        S.resume_session(store, token, now=moment)
    (row,) = session_rows(store)
    assert U.as_utc(row.expires_at) == T0 + timedelta(hours=12)  # never past the cap
    with pytest.raises(SignInRefused, match="session has expired"):
        S.resume_session(store, token, now=T0 + timedelta(hours=12))
    assert events(store, SecurityEventKind.SESSION_EXPIRED) == ["ended 12 hours after sign-in"]


def test_signing_out_ends_the_session(store, admin):
    token = S.sign_in(store, "maria", PASSWORD, now=T0).token
    S.sign_out(store, token, now=T0 + timedelta(minutes=5))
    with pytest.raises(SignInRefused, match="session has expired"):
        S.resume_session(store, token, now=T0 + timedelta(minutes=6))
    S.sign_out(store, token)  # twice is harmless
    S.sign_out(store, "never issued")
    (row,) = session_rows(store)
    assert U.as_utc(row.ended_at) == T0 + timedelta(minutes=5)
    assert events(store, SecurityEventKind.SIGNED_OUT) == ["signed out"]


@pytest.mark.parametrize("token", ["never issued", "", "x" * 1000])
def test_an_unknown_token_is_refused_without_a_log_entry(store, admin, token):
    with pytest.raises(SignInRefused, match="session has expired"):
        S.resume_session(store, token, now=T0)
    assert events(store, SecurityEventKind.SESSION_EXPIRED) == []


# --- OpenID Connect ----------------------------------------------------------------------


def test_an_identity_provider_user_is_found_by_e_mail(store, admin):
    acme = organization(store, "Acme Water")
    record = user(store, admin, "deniz", password=None, email="Deniz@Example.org")
    M.grant_role(store, admin, "deniz", acme, "viewer")
    signed_in = S.sign_in_by_email(store, " deniz@EXAMPLE.ORG", now=T0)
    assert (signed_in.actor.user_id, dict(signed_in.actor.roles)) == (
        record.id,
        {acme: Role.VIEWER},
    )
    assert S.resume_session(store, signed_in.token, now=T0).username == "deniz"
    with pytest.raises(
        SignInRefused,
        match=r"^No account here uses the e-mail address eve@example\.org; ask an administrator to add you\.$",
    ):
        S.sign_in_by_email(store, "eve@example.org", now=T0)
    U.set_active(store, admin, "deniz", False)
    with pytest.raises(SignInRefused, match="disabled"):
        S.sign_in_by_email(store, "deniz@example.org", now=T0)
    assert events(store, SecurityEventKind.SIGN_IN_FAILED) == [
        "OpenID Connect: no account has this e-mail address",
        "OpenID Connect: the account is disabled",
    ]
    assert events(store, SecurityEventKind.SIGNED_IN) == ["signed in through OpenID Connect"]


# --- memberships -------------------------------------------------------------------------


@pytest.fixture
def team(store, admin):
    """Acme with a lead assessor, an assessor and an admin member; Beta with its own lead."""
    acme, beta = organization(store, "Acme Water"), organization(store, "Beta Gas")
    for name in ["lead", "assessor", "boss", "newcomer", "outsider"]:
        user(store, admin, name)
    M.grant_role(store, admin, "lead", acme, Role.LEAD_ASSESSOR)
    M.grant_role(store, admin, "assessor", acme, Role.ASSESSOR)
    M.grant_role(store, admin, "boss", acme, Role.ADMIN)
    M.grant_role(store, admin, "outsider", beta, Role.LEAD_ASSESSOR)
    actors = {
        name: S.sign_in(store, name, PASSWORD).actor
        for name in ["lead", "assessor", "boss", "outsider"]
    }
    return {"acme": acme, "beta": beta, "maria": admin, **actors}


@pytest.mark.parametrize(
    ("granting", "target", "role", "refusal"),
    [
        ("maria", "newcomer", Role.ADMIN, None),
        ("boss", "newcomer", Role.ADMIN, None),
        ("lead", "newcomer", Role.ASSESSOR, None),
        ("lead", "newcomer", Role.LEAD_ASSESSOR, None),
        ("lead", "assessor", Role.VIEWER, None),
        ("lead", "newcomer", Role.ADMIN, PermissionDenied),  # a lead makes no admins
        ("lead", "boss", Role.VIEWER, PermissionDenied),  # nor demotes one
        ("assessor", "newcomer", Role.VIEWER, PermissionDenied),
        ("outsider", "newcomer", Role.VIEWER, NotFound),  # Acme is not theirs to see
        ("lead", "nobody", Role.VIEWER, NotFound),
    ],
)
def test_granting_roles(store, team, granting, target, role, refusal):
    acme = team["acme"]
    if refusal is None:
        record = M.grant_role(store, team[granting], target, acme, role)
        assert (record.username, record.role) == (target, role)
        assert {m.username: m.role for m in M.members(store, team["maria"], acme)}[target] is role
        change = security_log(store, ADMIN, kind=SecurityEventKind.ROLE_CHANGED)[0]
        assert change.organization_id == acme
        assert change.detail.endswith(f"→ {role.label}")
        assert change.actor == team[granting].name
    else:
        before = M.members(store, team["maria"], acme)
        with pytest.raises(refusal):
            M.grant_role(store, team[granting], target, acme, role)
        assert M.members(store, team["maria"], acme) == before
        if refusal is PermissionDenied:
            assert (
                security_log(store, ADMIN, kind=SecurityEventKind.DENIED)[0].organization_id == acme
            )


def test_a_lead_assessor_is_told_why(store, team):
    with pytest.raises(
        PermissionDenied, match="Lead may not make someone admin: the lead assessor role"
    ):
        M.grant_role(store, team["lead"], "newcomer", team["acme"], Role.ADMIN)
    with pytest.raises(PermissionDenied, match="Assessor may not change who belongs"):
        M.grant_role(store, team["assessor"], "newcomer", team["acme"], Role.VIEWER)
    with pytest.raises(
        InvalidChange, match="'owner' is not a role; choose one of: admin, lead assessor"
    ):
        M.grant_role(store, team["maria"], "newcomer", team["acme"], "owner")


@pytest.mark.parametrize(
    ("revoking", "target", "refusal"),
    [
        ("maria", "boss", None),
        ("lead", "assessor", None),
        ("lead", "boss", PermissionDenied),  # an admin's membership is beyond a lead
        ("assessor", "lead", PermissionDenied),
        ("outsider", "assessor", NotFound),
        ("lead", "newcomer", NotFound),  # has no role there
    ],
)
def test_revoking_roles(store, team, revoking, target, refusal):
    acme = team["acme"]
    if refusal is None:
        M.revoke_role(store, team[revoking], target, acme)
        assert target not in {m.username for m in M.members(store, team["maria"], acme)}
        (record,) = [u for u in U.list_users(store, team["maria"]) if u.username == target]
        assert acme not in U.actor_for(store, record.id).roles  # takes effect on the next request
        assert security_log(store, ADMIN, kind=SecurityEventKind.ROLE_CHANGED)[0].detail.endswith(
            "→ no role"
        )
    else:
        with pytest.raises(refusal):
            M.revoke_role(store, team[revoking], target, acme)
        assert target in {m.username for m in M.members(store, team["maria"], acme)} or (
            target == "newcomer"
        )


def test_members_are_seen_only_inside_the_organization(store, team):
    acme = team["acme"]
    listed = [(m.username, m.role) for m in M.members(store, team["assessor"], acme)]
    assert listed == [
        ("assessor", Role.ASSESSOR),
        ("boss", Role.ADMIN),
        ("lead", Role.LEAD_ASSESSOR),
    ]
    with pytest.raises(NotFound, match=f"no organization with id {acme}"):
        M.members(store, team["outsider"], acme)
    assert (
        "asked for organization"
        in security_log(store, ADMIN, kind=SecurityEventKind.DENIED)[0].detail
    )


# --- settings ----------------------------------------------------------------------------


READERS = {
    settings.LOCKOUT_ATTEMPTS.name: S.lockout_attempts,
    settings.LOCKOUT_MINUTES.name: S.lockout_minutes,
    settings.SESSION_MINUTES.name: S.session_minutes,
}


@pytest.mark.parametrize("setting", list(READERS))
@pytest.mark.parametrize("value", ["0", "-3", "five", "1.5", "100000"])
def test_an_unusable_setting_is_refused_by_name(monkeypatch, setting, value):
    monkeypatch.setenv(setting, value)
    with pytest.raises(
        InvalidSetting, match=f"^{setting} must be a whole number from 1 to .*not '{value}'"
    ):
        READERS[setting]()


def test_sign_in_refuses_an_unusable_setting_before_doing_anything(store, admin, monkeypatch):
    token = S.sign_in(store, "maria", PASSWORD, now=T0).token
    monkeypatch.setenv(settings.SESSION_MINUTES.name, "0")
    with pytest.raises(InvalidSetting, match=settings.SESSION_MINUTES.name):
        S.sign_in(store, "maria", PASSWORD, now=T0)
    with pytest.raises(InvalidSetting, match=settings.SESSION_MINUTES.name):
        S.resume_session(store, token, now=T0)
    assert len(session_rows(store)) == 1
    assert events(store, SecurityEventKind.SIGNED_IN) == ["signed in with a password"]


def test_settings_have_defaults_and_accept_whole_numbers(monkeypatch):
    assert (S.lockout_attempts(), S.lockout_minutes(), S.session_minutes()) == (5, 15, 60)
    monkeypatch.setenv(settings.LOCKOUT_ATTEMPTS.name, " 7 ")
    monkeypatch.setenv(settings.SESSION_MINUTES.name, "")
    assert (S.lockout_attempts(), S.session_minutes()) == (7, 60)
