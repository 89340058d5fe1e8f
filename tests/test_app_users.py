"""The users page, headless (AppTest): accounts and the security log, for system administrators."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from assessment import settings
from assessment.access.roles import Actor, Role
from assessment.errors import SignInRefused
from assessment.services import sign_in as S
from assessment.services.accounts import DISABLED, create_user, list_users
from assessment.services.security_log import SecurityEventKind
from assessment.settings import database_url
from assessment.storage.store import Store
from tests.conftest import unescaped
from tests.people import ADMIN
from ui.pages import users_page

PASSWORD = "correct horse battery"
CREATE = "FormSubmitter:users_create_0-Add the user"
SET_PASSWORD = "FormSubmitter:users_password_form-Set the password"


@pytest.fixture(autouse=True)
def quick_hashes(cheap_passwords):
    """Cheap Argon2, so each sign-in takes milliseconds."""


@pytest.fixture
def db(data_dir) -> Iterator[Store]:
    """The page's database (the data folder's SQLite file), opened by the test too."""
    store = Store.open(database_url())
    yield store
    store.dispose()


def render() -> None:
    from ui.pages import users_page

    users_page.render()


def page(actor: Actor | None = None) -> AppTest:
    app = AppTest.from_function(render, default_timeout=60)
    if actor is not None:
        app.session_state["identity_actor"] = actor
    return run(app)


def run(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, app.exception
    return app


def table(app: AppTest, column: str) -> list[dict]:
    """The rows of the one table that has `column`."""
    (found,) = [d.value for d in app.dataframe if column in d.value.columns]
    return found.to_dict("records")


def users_table(app: AppTest) -> list[dict]:
    return table(app, "User name")


def log_table(app: AppTest) -> list[dict]:
    return table(app, "Detail")


def add_user(store: Store, username: str = "ines") -> None:
    create_user(store, ADMIN, username=username, display_name="Inês Duarte", password=PASSWORD)


def fill_create_form(app: AppTest, **values: object) -> AppTest:
    for name, value in values.items():
        if isinstance(value, bool):
            app.checkbox(key=f"users_new_{name}_0").set_value(value)
        else:
            app.text_input(key=f"users_new_{name}_0").input(value)
    app.button(key=CREATE).click()
    return run(app)


def test_someone_who_is_not_a_system_administrator_is_refused(db):
    lead = Actor(name="Lea", roles={1: Role.ADMIN})  # an organization's admin, not the system's
    app = page(lead)
    assert [e.value for e in app.error] == ["Only a system administrator manages user accounts."]
    assert not app.dataframe
    assert not app.text_input


def test_an_administrator_creates_a_user_who_can_then_sign_in(db):
    app = page()
    assert "No user account yet" in app.info[0].value
    assert any("12 to 1024 characters" in c.value for c in app.caption)
    fill_create_form(
        app,
        username="Ines",
        display="Inês Duarte",
        email="ines@example.org",
        password=PASSWORD,
        confirm=PASSWORD,
    )
    assert "Added the user 'ines'" in unescaped(app.success[0].value)
    assert app.text_input(key="users_new_username_1").value == ""  # the form starts afresh
    (row,) = users_table(app)
    assert row["User name"] == "ines"
    assert row["Display name"] == "Inês Duarte"
    assert row["E-mail"] == "ines@example.org"
    assert row["Active"]
    assert not row["Administrator"]
    assert row["Locked until"] == ""
    signed_in = S.sign_in(db, "ines", PASSWORD)
    assert signed_in.actor.name == "Inês Duarte"
    assert not signed_in.actor.is_admin
    assert users_table(run(app))[0]["Last sign-in"].endswith(" UTC")


def test_a_user_of_the_identity_provider_needs_an_e_mail_address(db):
    app = page()
    fill_create_form(app, username="oidc", display="Olga", no_password=True)
    assert "e-mail address" in app.error[0].value
    assert list_users(db, ADMIN) == []
    app.text_input(key="users_new_email_0").input("olga@example.org")
    app.button(key=CREATE).click()
    run(app)
    (user,) = list_users(db, ADMIN)
    assert user.email == "olga@example.org"
    with pytest.raises(SignInRefused):
        S.sign_in(db, "oidc", "")
    assert S.sign_in_by_email(db, "olga@example.org").actor.name == "Olga"


def test_a_short_password_is_refused_with_the_service_s_sentence(db):
    app = page()
    fill_create_form(app, username="shorty", display="Shorty", password="short", confirm="short")
    message = unescaped(app.error[0].value)
    assert "A password needs at least 12 characters; this one has 5." in message
    assert list_users(db, ADMIN) == []
    assert not app.success


def test_two_different_passwords_are_refused(db):
    app = page()
    fill_create_form(
        app, username="typo", display="Typo", password=PASSWORD, confirm="x" + PASSWORD
    )
    assert "The two passwords differ" in app.error[0].value
    assert list_users(db, ADMIN) == []


def test_an_account_is_disabled_then_enabled(db):
    add_user(db)
    app = page()
    app.button(key="users_toggle_active").click()
    run(app)
    assert "disabled" in unescaped(app.success[0].value)
    assert users_table(app)[0]["Active"] is False
    with pytest.raises(SignInRefused, match=DISABLED):
        S.sign_in(db, "ines", PASSWORD)
    assert app.button(key="users_toggle_active").label == "Enable the account"
    app.button(key="users_toggle_active").click()
    run(app)
    assert "is enabled" in unescaped(app.success[0].value)
    assert S.sign_in(db, "ines", PASSWORD).actor.username == "ines"


def test_a_password_is_reset_by_the_administrator(db):
    add_user(db)
    app = page()
    app.text_input(key="users_set_password").input("a brand new passphrase")
    app.text_input(key="users_set_password_confirm").input("a brand new passphrase")
    app.button(key=SET_PASSWORD).click()
    run(app)
    assert "Set a new password for 'ines'" in unescaped(app.success[0].value)
    assert S.sign_in(db, "ines", "a brand new passphrase").actor.username == "ines"
    with pytest.raises(SignInRefused):
        S.sign_in(db, "ines", PASSWORD)


def test_a_locked_account_is_unlocked_and_the_log_shows_the_failures(db, monkeypatch):
    monkeypatch.setenv(settings.LOCKOUT_ATTEMPTS.name, "2")
    add_user(db)
    for _ in range(2):
        with pytest.raises(SignInRefused):
            S.sign_in(db, "ines", "not the password")
    with pytest.raises(SignInRefused, match="locked"):
        S.sign_in(db, "ines", PASSWORD)
    app = page()
    assert users_table(app)[0]["Locked until"].endswith(" UTC")
    failures = [r for r in log_table(app) if r["Kind"] == "sign in failed"]
    assert len(failures) == 3  # two wrong passwords, then one refused while locked
    assert {r["Who"] for r in failures} == {"ines"}
    assert any("wrong password" in r["Detail"] for r in failures)
    assert log_table(app)[0]["Kind"] == "sign in failed"  # newest first

    app.button(key="users_unlock").click()
    run(app)
    assert "is unlocked" in unescaped(app.success[0].value)
    assert users_table(app)[0]["Locked until"] == ""
    assert not [b for b in app.button if b.key == "users_unlock"]
    assert S.sign_in(db, "ines", PASSWORD).actor.username == "ines"


def test_the_security_log_is_filtered_by_kind(db, monkeypatch):
    monkeypatch.setenv(settings.LOCKOUT_ATTEMPTS.name, "2")
    add_user(db)
    for _ in range(2):
        with pytest.raises(SignInRefused):
            S.sign_in(db, "ines", "not the password")
    app = page()
    kinds = {r["Kind"] for r in log_table(app)}
    assert {"account changed", "sign in failed", "locked out"} <= kinds
    app.selectbox(key="users_log_kind").select(SecurityEventKind.LOCKED_OUT)
    run(app)
    (locked,) = log_table(app)
    assert locked["Kind"] == "locked out"
    assert locked["Who"] == "ines"
    app.selectbox(key="users_log_kind").select(SecurityEventKind.ROLE_CHANGED)
    run(app)
    assert "No security event of this kind" in app.info[0].value


def test_a_lockout_that_has_run_out_is_not_shown(db, monkeypatch):
    monkeypatch.setenv(settings.LOCKOUT_ATTEMPTS.name, "2")
    add_user(db)
    long_ago = datetime.now(UTC) - timedelta(days=2)
    for _ in range(2):
        with pytest.raises(SignInRefused):
            S.sign_in(db, "ines", "not the password", now=long_ago)
    assert list_users(db, ADMIN)[0].locked_until is not None  # still stored, but in the past
    app = page()
    assert users_table(app)[0]["Locked until"] == ""
    assert not [b for b in app.button if b.key == "users_unlock"]
    assert "Not locked." in [c.value for c in app.caption]


def test_names_are_shown_literally(db):
    name = "**Eve** <b>x</b> [me](http://e.example)"
    create_user(db, ADMIN, username="eve", display_name=name)
    app = page()
    assert users_table(app)[0]["Display name"] == name
    assert "<b>" not in "".join(m.value for m in app.markdown)
    assert f"**{name}** (active)" in [unescaped(m.value) for m in app.markdown]
    assert users_page.NOT_ADMIN not in [e.value for e in app.error]
