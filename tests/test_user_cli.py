"""`iso10002 user ...` and `iso10002 --as`, as an administrator runs them: plain errors, exit 1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner
from sqlalchemy import select

from assessment.access import passwords
from assessment.checklist.loader import checklist_from_text
from assessment.cli import cli
from assessment.services import assessments as A
from assessment.services import organizations as O
from assessment.settings import database_url
from assessment.storage.store import Store
from assessment.storage.tables import AppUser
from tests.conftest import SMALL_CHECKLIST
from tests.people import ADMIN

SMALL = checklist_from_text(SMALL_CHECKLIST, "small.yaml")
PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """Cheap Argon2 parameters: every account below is hashed in milliseconds."""
    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )
    monkeypatch.delenv("ISO10002_AS", raising=False)


@pytest.fixture
def store(data_dir) -> Iterator[Store]:
    """The database the command line uses (the test's own empty SQLite file)."""
    opened = Store.open(database_url())
    yield opened
    opened.dispose()


@pytest.fixture
def orgs(store) -> dict[str, int]:
    """Acme and Bolt, with one assessment each: organization name → assessment id."""
    ids = {}
    for name, title in (("Acme", "Acme gap analysis"), ("Bolt", "Bolt gap analysis")):
        organization = O.create_organization(store, ADMIN, name)
        ids[name] = A.create_assessment(store, ADMIN, organization.id, SMALL, title).id
    return ids


def run(*args: object, input: str | None = None):
    result = CliRunner().invoke(cli, [str(a) for a in args], input=input)
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def ok(*args: object, input: str | None = None) -> str:
    result = run(*args, input=input)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def fails(*args: object, input: str | None = None) -> str:
    """The error line of a refused command: exit 1, `error:` on stderr, nothing on stdout."""
    result = run(*args, input=input)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def add(username: str, name: str, *extra: str, password: str = PASSWORD) -> str:
    return ok(
        "user", "add", username, "--name", name, *extra, "--password-stdin", input=password + "\n"
    )


def test_first_admin_on_an_empty_database_then_admins_only_by_an_admin(data_dir):
    assert "no user accounts yet" in ok("user", "list").lower()
    refused = fails("user", "add", "root", "--name", "Root", "--admin", "--no-password")
    assert "first administrator needs a password" in refused

    assert add("root", "Root", "--admin") == "added the first administrator root (Root)\n"
    assert add("ana", "Ana Ruiz", "--email", "ana@example.org") == "added user ana (Ana Ruiz)\n"

    refused = fails(
        "--as",
        "ana",
        "user",
        "add",
        "eve",
        "--name",
        "Eve",
        "--admin",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert "Ana Ruiz may not create a user account" in refused
    added = ok(
        "--as",
        "root",
        "user",
        "add",
        "ops",
        "--name",
        "Ops",
        "--admin",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert added == "added administrator ops (Ops)\n"
    # The prompt asks twice, without echo.
    prompted = ok("user", "add", "bob", "--name", "Bob", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert prompted.endswith("added user bob (Bob)\n")
    assert "already exists" in add_refused("ana")

    table = ok("user", "list").splitlines()
    assert table[0].split() == [
        "username",
        "name",
        "e-mail",
        "admin",
        "active",
        "locked",
        "until",
        "last",
        "sign-in",
    ]
    assert [line.split()[0] for line in table[2:]] == ["ana", "bob", "ops", "root"]
    assert table[2].split() == ["ana", "Ana", "Ruiz", "ana@example.org", "yes"]  # no admin
    assert table[4].split()[:4] == ["ops", "Ops", "yes", "yes"]


def add_refused(username: str) -> str:
    return fails(
        "user", "add", username, "--name", "Again", "--password-stdin", input=PASSWORD + "\n"
    )


def test_grant_members_and_what_a_member_sees(store, orgs):
    add("ana", "Ana Ruiz")
    assert ok("user", "grant", "ana", "Acme", "assessor") == "ana is now assessor in Acme\n"
    members = ok("user", "members", "Acme").splitlines()
    assert members[0].split() == ["username", "name", "role", "active"]
    assert members[2].split() == ["ana", "Ana", "Ruiz", "assessor", "yes"]
    assert "No members in Bolt yet" in ok("user", "members", "Bolt")

    assert "Ana Ruiz may not see the user accounts" in fails("--as", "ana", "user", "list")
    listed = ok("--as", "ana", "assessments")
    assert "Acme gap analysis" in listed
    assert "Bolt" not in listed
    assert "Bolt gap analysis" in ok("assessments")  # the local administrator sees both
    # Another organization is "not found" for her, by name and by id alike.
    bolt = O.organization_by_name(store, ADMIN, "Bolt").id
    assert "no organization named 'Bolt'" in fails("--as", "ana", "user", "members", "Bolt")
    assert f"no organization with id {bolt}" in fails("--as", "ana", "user", "members", bolt)
    assert "There is no user named 'nobody'" in fails("--as", "nobody", "assessments")

    # By id, with a role spelt as people write it; then removed again.
    acme = O.organization_by_name(store, ADMIN, "Acme").id
    assert ok("user", "grant", "ana", acme, "Lead assessor") == "ana is now lead assessor in Acme\n"
    assert "is not a role; choose one of: admin, lead assessor" in fails(
        "user", "grant", "ana", "Acme", "boss"
    )
    assert "no organization named 'Zeta'" in fails("user", "grant", "ana", "Zeta", "viewer")
    assert "no user named 'zoe'" in fails("user", "grant", "zoe", "Acme", "viewer")
    assert ok("user", "revoke", "ana", "Acme") == "ana no longer has a role in Acme\n"
    assert "has no role in this organization" in fails("user", "revoke", "ana", "Acme")
    assert "No assessments yet" in ok("--as", "ana", "assessments")

    log = ok("user", "log", "--kind", "role_changed")
    assert "ana: no role → assessor" in log
    assert "ana: lead assessor → no role" in log
    assert "Acme" in log


def test_a_viewer_may_not_raise_an_action_and_the_refusal_is_logged(store, orgs):
    add("vic", "Vic Viewer")
    ok("user", "grant", "vic", "Acme", "viewer")
    refused = fails(
        "--as", "vic", "action", "raise", orgs["Acme"], "--title", "Write the procedure"
    )
    assert (
        "Vic Viewer may not raise a corrective action: the viewer role does not allow it" in refused
    )
    assert "No corrective actions yet" in ok("--as", "vic", "action", "list", orgs["Acme"])

    log = ok("user", "log", "--kind", "denied").splitlines()
    assert log[0].split() == ["at", "kind", "actor", "organization", "detail"]
    assert len(log) == 3
    assert log[2].split()[3:7] == ["denied", "Vic", "Viewer", "Acme"]
    assert log[2].endswith("raise a corrective action")
    assert "may not read the security log" in fails("--as", "vic", "user", "log")
    assert len(ok("user", "log", "--limit", "1").splitlines()) == 3
    assert "no such events" in ok("user", "log", "--kind", "locked_out")


def test_passwd_disable_enable_unlock(store, orgs):
    add("ana", "Ana Ruiz")
    ok("user", "grant", "ana", "Acme", "assessor")

    short = fails("user", "passwd", "ana", "--password-stdin", input="short\n")
    assert short == (
        "error: A password needs at least 12 characters; this one has 5. "
        "A few unrelated words make a long password that is easy to remember."
    )
    assert "no password on standard input" in fails("user", "passwd", "ana", "--password-stdin")
    new = "a longer passphrase here\n"
    assert ok("user", "passwd", "ana", "--password-stdin", input=new) == "set the password of ana\n"
    assert ok("--as", "ana", "user", "passwd", "ana", "--password-stdin", input=new)
    add("bob", "Bob")
    assert "may not set another user's password" in fails(
        "--as", "ana", "user", "passwd", "bob", "--password-stdin", input=new
    )

    assert ok("user", "disable", "ana") == "disabled ana\n"
    assert "This account is disabled" in fails("--as", "ana", "assessments")
    assert "may not enable or disable" in fails("--as", "bob", "user", "enable", "ana")
    assert ok("user", "enable", "ana") == "enabled ana\n"
    assert "Acme gap analysis" in ok("--as", "ana", "assessments")

    with store.transaction() as session:
        row = session.scalars(select(AppUser).where(AppUser.username == "ana")).one()
        row.failed_attempts = 5
        row.locked_until = datetime.now(UTC) + timedelta(minutes=15)
    ana_row = next(line for line in ok("user", "list").splitlines() if line.startswith("ana "))
    assert "UTC" in ana_row
    assert ok("user", "unlock", "ana") == "unlocked ana\n"
    ana_row = next(line for line in ok("user", "list").splitlines() if line.startswith("ana "))
    assert "UTC" not in ana_row
    assert "no user named 'zoe'" in fails("user", "unlock", "zoe")


@pytest.mark.parametrize(
    "args",
    [
        ("user", "disable", "nobody"),
        ("user", "enable", "nobody"),
        ("user", "unlock", "nobody"),
        ("user", "members", "Nowhere"),
        ("user", "members", "999"),
        ("user", "revoke", "nobody", "Nowhere"),
        ("user", "add", "x", "--name", "Bad name", "--no-password"),
        ("user", "add", "ana2", "--name", " ", "--no-password"),
        ("user", "add", "ana3", "--name", "Ana", "--email", "not-mail", "--no-password"),
        ("user", "add", "ana4", "--name", "Ana", "--no-password", "--password-stdin"),
        ("--as", "nobody", "user", "list"),
        ("--as", "nobody", "user", "add", "ana5", "--name", "Ana", "--no-password"),
    ],
)
def test_every_failure_is_one_plain_line(data_dir, args):
    fails(*args)
