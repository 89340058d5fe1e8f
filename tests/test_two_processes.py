"""Two app processes on one PostgreSQL database and one S3 evidence store, as a team deployment
runs them: each `streamlit run app.py` on its own port, driven in Debian's Chromium.

What one person does in one process, another sees in the other; two people saving the same
criterion from different processes get the conflict message, never a lost update; evidence
added through one is served by the other; lockouts and sign-in sessions live in the database,
so they hold in every process. Skipped with the reason where PostgreSQL, the S3 server or
Chromium is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser_support import (
    CHROMIUM,
    chromium,
    new_page,
    served_app,
    sign_in,
    wait_until_drawn,
)
from tests.conftest import _postgres_store, store_url

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
]

PASSWORD = "a two-process test password"
REVIEW_ID = 2  # the demo's review in progress (Kestrel Outdoor Supply)


@pytest.fixture
def team(postgres_reason, s3_settings, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The demo on a PostgreSQL schema of its own, its evidence in a bucket of its own, and two
    lead assessors of the demo's Kestrel: the settings both app processes run with."""
    from assessment.access.roles import Role
    from assessment.demo.builder import load_demo
    from assessment.services.accounts import actor_for, create_first_admin, create_user
    from assessment.services.memberships import grant_role
    from assessment.services.organizations import list_organizations

    for store in _postgres_store(postgres_reason):
        root = create_first_admin(
            store, username="rita", display_name="Rita Root", password=PASSWORD
        )
        admin = actor_for(store, root.id)
        load_demo(store, admin)  # its evidence files go to the bucket (s3_settings)
        kestrel = next(o.id for o in list_organizations(store, admin) if "Kestrel" in o.name)
        for username, name in (("kim", "Kim Lead"), ("lee", "Lee Second")):
            create_user(store, admin, username=username, display_name=name, password=PASSWORD)
            grant_role(store, admin, username, kestrel, Role.LEAD_ASSESSOR)
        yield {
            **s3_settings,
            "DATABASE_URL": store_url(store),
            "ISO10002_AUTH": "on",
            "ISO10002_DATA_DIR": str(tmp_path / "unused-data"),
        }


@pytest.fixture
def two_processes(team, tmp_path: Path) -> Iterator[tuple[str, str]]:
    with (
        served_app(tmp_path / "one" / "data", tmp_path, **team) as first,
        served_app(tmp_path / "two" / "data", tmp_path, **team) as second,
    ):
        yield first, second


@pytest.fixture
def browser():
    with chromium() as opened:
        yield opened


def signed_in_page(browser, url: str, username: str, expect: str):
    """A new browser session at `url` (a page and its query), signed in as `username`; the
    page is drawn once `expect` shows. (Opening another address starts a new session, which
    must sign in again: the sign-in lives in the session.)"""
    page = new_page(browser, 1400, 1000)
    page.goto(url)
    page.get_by_text("Sign in").first.wait_for()
    sign_in(page, username, PASSWORD)
    page.get_by_text("Signed in as").wait_for()
    wait_until_drawn(page, expect)
    return page


def scoring_page(browser, url: str, username: str):
    return signed_in_page(browser, f"{url}/scoring?assessment={REVIEW_ID}", username, "Completion")


def show_criterion(page, criterion_id: str):
    """The Save button of the criterion, once its form is on screen."""
    save = page.get_by_role("button", name=f"Save {criterion_id}").filter(visible=True)
    if not save.count():
        page.get_by_role("button", name="Next unanswered").click()
        save.wait_for()
    return save


def choose_score(page, checklist, criterion_id: str, score: int) -> None:
    clause = checklist.clause_of(criterion_id)
    index = [c.id for c in clause.criteria].index(criterion_id)
    pills = page.locator("[data-testid='stButtonGroup']").filter(visible=True).nth(index)
    pills.get_by_role("radio", name=re.compile(rf"^{score} ")).click()


def stored_score(team: dict[str, str], criterion_id: str) -> int | None:
    from assessment.access.roles import Actor
    from assessment.services.assessments import open_assessment
    from assessment.storage.store import Store

    store = Store.open(team["DATABASE_URL"], upgrade=False)
    try:
        stored = open_assessment(store, Actor.local_admin("test"), REVIEW_ID).responses.get(
            criterion_id
        )
        return None if stored is None else stored.response.score
    finally:
        store.dispose()


def review(team: dict[str, str]):
    from assessment.access.roles import Actor
    from assessment.services.assessments import open_assessment
    from assessment.storage.store import Store

    store = Store.open(team["DATABASE_URL"], upgrade=False)
    try:
        return open_assessment(store, Actor.local_admin("test"), REVIEW_ID)
    finally:
        store.dispose()


def test_a_save_in_one_process_is_seen_in_the_other_and_a_late_save_is_a_conflict(
    two_processes, team, browser, tmp_path
):
    first_url, second_url = two_processes
    opened = review(team)
    criterion = next(c.id for c in opened.checklist.criteria if c.id not in opened.responses)
    kim = scoring_page(browser, first_url, "kim")
    lee = scoring_page(browser, second_url, "lee")
    kim_save = show_criterion(kim, criterion)
    lee_save = show_criterion(lee, criterion)  # both have it on screen, unanswered

    choose_score(kim, opened.checklist, criterion, 4)
    kim_save.click()
    kim.get_by_text(f"Saved {criterion}.").wait_for()
    assert stored_score(team, criterion) == 4

    # Lee, in the other process, answers from the page read before Kim saved.
    choose_score(lee, opened.checklist, criterion, 1)
    lee_save.click()
    lee.get_by_text("Not saved:").wait_for()
    lee.get_by_text("Your answer is still below").wait_for()
    lee.screenshot(path=str(tmp_path / "conflict.png"))
    assert stored_score(team, criterion) == 4  # Kim's answer stands: no lost update

    lee.get_by_role("button", name="Load their version").click()
    lee.get_by_text("Last saved by Kim Lead").first.wait_for()
    assert "Traceback" not in kim.content() + lee.content()


def test_evidence_added_through_one_process_is_served_by_the_other(
    two_processes, team, browser, tmp_path, s3_endpoint
):
    from tests.object_store import objects

    first_url, second_url = two_processes
    opened = review(team)
    criterion = opened.checklist.criteria[0].id
    kim = scoring_page(browser, first_url, "kim")
    clause = opened.checklist.clause_of(criterion)
    index = [c.id for c in clause.criteria].index(criterion)
    evidence = (
        kim.locator("[data-testid='stExpander']")
        .filter(has_text="Evidence (", visible=True)
        .nth(index)
    )
    evidence.locator("summary").click()
    evidence.get_by_text("Attach a file").wait_for()
    register = tmp_path / "register-extract.txt"
    content = b"Complaint 2026-311: acknowledged the same day, closed in 9 working days.\n"
    register.write_bytes(content)
    evidence.locator("input[type=file]").set_input_files(str(register))
    evidence.get_by_text(register.name).wait_for()
    evidence.get_by_role("button", name="Attach file").filter(visible=True).click()
    kim.get_by_text("The file was added as").wait_for()
    bucket = team["ISO10002_EVIDENCE_URL"].removeprefix("s3://").split("/")[0]
    assert content in objects(s3_endpoint, bucket).values()

    lee = signed_in_page(browser, f"{second_url}/evidence?assessment={REVIEW_ID}", "lee", "Files")
    row = lee.locator("[data-testid='stHorizontalBlock']").filter(has_text=register.name)
    row.get_by_role("button", name="Check and download").click()
    download = lee.get_by_role("button", name=f"Download {register.name}")
    download.wait_for()
    with lee.expect_download() as got:
        download.click()
    saved = tmp_path / "downloaded.txt"
    got.value.save_as(saved)
    assert saved.read_bytes() == content


def test_a_lockout_in_one_process_holds_in_the_other_and_so_does_ending_a_session(
    two_processes, team, browser
):
    from assessment.services.accounts import actor_for_username, set_active
    from assessment.storage.store import Store

    first_url, second_url = two_processes
    attacker = new_page(browser, 1200, 900)
    attacker.goto(first_url)
    attacker.get_by_text("Sign in").first.wait_for()
    for _attempt in range(5):  # ISO10002_LOCKOUT_ATTEMPTS' default
        sign_in(attacker, "kim", "not the password at all")
        attacker.get_by_text("Wrong user name or password").first.wait_for()
        wait_until_drawn(attacker)

    elsewhere = new_page(browser, 1200, 900)
    elsewhere.goto(second_url)
    elsewhere.get_by_text("Sign in").first.wait_for()
    sign_in(elsewhere, "kim", PASSWORD)  # the right password, in the other process
    elsewhere.get_by_text("This account is locked until").wait_for()
    assert "Signed in as" not in elsewhere.content()

    # Lee is signed in through the second process; an administrator disables the account
    # (through the first process's database, the same one): Lee's next click ends the session.
    lee = scoring_page(browser, second_url, "lee")
    store = Store.open(team["DATABASE_URL"], upgrade=False)
    try:
        set_active(store, actor_for_username(store, "rita"), "lee", False)
    finally:
        store.dispose()
    lee.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Dashboard").click()
    lee.get_by_text("This account is disabled").first.wait_for()
    lee.get_by_role("button", name="Sign in").wait_for()
