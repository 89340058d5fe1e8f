"""The whole app (app.py) behind its sign-in gate, run headless with AppTest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from assessment.access.roles import Role
from assessment.errors import SignInRefused
from assessment.services.accounts import create_first_admin, create_user, set_active
from assessment.services.memberships import grant_role
from assessment.services.organizations import create_organization
from assessment.services.security_log import SecurityEventKind, security_log
from assessment.services.sign_in import resume_session, sign_in, sign_out
from assessment.settings import database_url
from assessment.storage.store import Store
from tests.conftest import unescaped
from tests.people import ADMIN

PASSWORD = "correct horse battery staple"


@pytest.fixture
def signed_in_app(data_dir, monkeypatch, cheap_passwords):
    """The app with sign-in on (the data_dir fixture switches it off for page tests)."""
    monkeypatch.setenv("ISO10002_AUTH", "on")
    return data_dir


@pytest.fixture
def store(signed_in_app):
    opened = Store.open(database_url())
    yield opened
    opened.dispose()


def app() -> AppTest:
    return AppTest.from_file("../app.py", default_timeout=60)


def sign_in_with(at: AppTest, username: str, password: str) -> AppTest:
    fields = {t.label: t for t in at.text_input}
    fields["User name"].input(username)
    fields["Password"].input(password)
    at.button[0].click()
    return at.run()


def texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.error, *at.info, *at.warning, *at.success, *at.caption)]
    parts += [m.value for m in at.markdown]
    return "\n".join(str(p) for p in parts)


def test_first_start_asks_for_the_administrator_and_signs_them_in(store):
    at = app().run()
    assert not at.exception
    assert at.title[0].value == "Welcome: create the administrator account"
    fields = {t.label.split(" (")[0]: t for t in at.text_input}
    fields["User name"].input("root")
    fields["Your name"].input("Rita Root")
    fields["Password"].input(PASSWORD)
    fields["Password again"].input(PASSWORD)
    at.button[0].click()
    at.run()
    assert not at.exception
    assert "Signed in as **Rita Root** (system administrator)" in texts(at)
    assert sign_in(store, "root", PASSWORD).actor.is_admin


def test_differing_passwords_and_a_short_password_are_refused_plainly(store):
    at = app().run()
    fields = {t.label.split(" (")[0]: t for t in at.text_input}
    fields["User name"].input("root")
    fields["Your name"].input("Rita Root")
    fields["Password"].input("short")
    fields["Password again"].input("short")
    at.button[0].click()
    at.run()
    assert not at.exception
    assert "at least 12 characters" in at.error[0].value


def test_wrong_password_is_refused_and_logged_then_the_right_one_signs_in(store):
    create_first_admin(store, username="root", display_name="Rita Root", password=PASSWORD)
    at = app().run()
    assert at.title[0].value == "Sign in"
    sign_in_with(at, "root", "not the password at all")
    assert not at.exception
    assert at.error[0].value == "Wrong user name or password."
    assert security_log(store, ADMIN, kind=SecurityEventKind.SIGN_IN_FAILED)
    sign_in_with(at, "root", PASSWORD)
    assert not at.exception
    assert "Signed in as **Rita Root**" in texts(at)


def test_an_ended_session_sends_the_user_back_to_sign_in(store):
    create_first_admin(store, username="root", display_name="Rita Root", password=PASSWORD)
    at = app().run()
    sign_in_with(at, "root", PASSWORD)
    token = at.session_state["identity_token"]
    sign_out(store, token)  # as if it expired: the database no longer accepts the token
    at.run()
    assert not at.exception
    assert at.title[0].value == "Sign in"
    assert "session has expired" in at.info[0].value


def test_a_disabled_account_is_signed_out_on_its_next_click(store):
    create_first_admin(store, username="root", display_name="Rita Root", password=PASSWORD)
    create_user(store, ADMIN, username="ana", display_name="Ana Ruiz", password=PASSWORD)
    at = app().run()
    sign_in_with(at, "ana", PASSWORD)
    assert "Signed in as **Ana Ruiz**" in texts(at)
    set_active(store, ADMIN, "ana", False)
    at.run()
    assert not at.exception
    assert at.title[0].value == "Sign in"
    assert "disabled" in at.info[0].value


def test_sign_out_ends_the_session(store):
    create_first_admin(store, username="root", display_name="Rita Root", password=PASSWORD)
    at = app().run()
    sign_in_with(at, "root", PASSWORD)
    token = at.session_state["identity_token"]
    next(b for b in at.sidebar.button if b.label == "Sign out").click()
    at.run()
    assert at.title[0].value == "Sign in"
    assert "You have signed out." in unescaped(at.info[0].value)
    assert security_log(store, ADMIN, kind=SecurityEventKind.SIGNED_OUT)
    with pytest.raises(SignInRefused, match="expired"):
        resume_session(store, token)


def test_a_viewer_sees_only_their_organization_and_no_scoring(store):
    create_first_admin(store, username="root", display_name="Rita Root", password=PASSWORD)
    mine = create_organization(store, ADMIN, "Kestrel Outdoor Supply")
    create_organization(store, ADMIN, "Alder Vale Clinics")
    create_user(store, ADMIN, username="vera", display_name="Vera Viewer", password=PASSWORD)
    grant_role(store, ADMIN, "vera", mine.id, Role.VIEWER)
    at = app().run()
    sign_in_with(at, "vera", PASSWORD)
    assert not at.exception
    assert "Signed in as **Vera Viewer** (1 organization(s))" in texts(at)
    assert "Alder Vale" not in texts(at)


def test_single_user_mode_says_so(data_dir):
    at = app().run()  # data_dir sets ISO10002_AUTH=off
    assert not at.exception
    assert any("Single-user mode (ISO10002_AUTH=off)" in w.value for w in at.sidebar.warning)


def test_a_save_after_the_session_ended_is_refused_and_nothing_is_stored(store):
    """A score is chosen in a fragment (app.py does not run again), so the save itself checks
    the session against the database."""
    from assessment.demo.builder import load_demo
    from assessment.services.assessments import open_assessment

    create_first_admin(store, username="root", display_name="Rita Root", password=PASSWORD)
    load_demo(store, ADMIN)
    signed = sign_in(store, "root", PASSWORD)
    criterion = next(
        c.id
        for c in open_assessment(store, ADMIN, 2).checklist.criteria
        if c.id not in open_assessment(store, ADMIN, 2).responses
    )
    at = AppTest.from_string(
        "from ui.pages import scoring_page\nscoring_page.render()\n", default_timeout=60
    )
    at.session_state["identity_actor"] = signed.actor
    at.session_state["identity_token"] = signed.token
    at.run()
    assert not at.exception
    (pills,) = [b for b in at.button_group if b.key == f"scoring_2_{criterion}_score"]
    pills.select(4)
    at.run()
    sign_out(store, signed.token)  # it ends (expires, or is signed out elsewhere) meanwhile
    at.button(key=f"scoring_2_{criterion}_save").click()
    at.run()
    assert not at.exception
    assert criterion not in open_assessment(store, ADMIN, 2).responses
    assert any("Please sign in" in w.value for w in at.warning)
