"""The main journey in a real browser: Debian's Chromium driving `streamlit run` (Playwright).

Marked `browser`: skipped, with the reason, where /usr/bin/chromium is missing (the test
command installs it when it can). Screenshots go to the test's tmp folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser_support import (
    CHROMIUM,
    FIRST_START_TITLE,
    chromium,
    create_first_admin,
    data_store,
    new_page,
    served_app,
    sign_in,
    wait_until_drawn,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def app_url(data: Path, tmp_path: Path) -> Iterator[str]:
    """The app with sign-in on (the default) and an empty data folder of its own."""
    with served_app(data, tmp_path, ISO10002_AUTH="on") as url:
        yield url


@pytest.fixture
def browser_page():
    with chromium() as browser:
        yield new_page(browser, 1400, 1000)


PASSWORD = "a browser test password"


def _shot(page, tmp_path: Path, name: str) -> None:
    """A screenshot in the test's folder, to look at when the test fails (the README's
    pictures come from the tour: `python3 tasks.py tour --readme`)."""
    page.screenshot(path=str(tmp_path / name))


def test_the_main_journey_from_first_start_to_a_new_readiness(
    app_url, browser_page, data, tmp_path
):
    from assessment.access.roles import Actor
    from assessment.scoring.numbers import percent
    from assessment.services.assessments import open_assessment

    page = browser_page
    page.goto(app_url)  # the start page (Portfolio) lives at the root
    page.get_by_text(FIRST_START_TITLE).wait_for()
    create_first_admin(page, "rita", "Rita Root", PASSWORD)

    page.get_by_text("There is nothing here yet").wait_for()
    page.get_by_role("button", name="Load demo data").click()
    page.get_by_text("Demo data loaded").wait_for()
    page.get_by_text("Overdue actions").wait_for()
    _shot(page, tmp_path, "portfolio.png")

    store = data_store(data)
    reader = Actor.local_admin("test")
    before = open_assessment(store, reader, 2)  # the review in progress, opened first
    targets = [c.id for c in before.checklist.criteria if c.id not in before.responses][:3]

    page.get_by_role("link", name="Scoring").click()
    page.get_by_text("Completion").first.wait_for()
    for criterion_id in targets:
        # Streamlit keeps the previous run's elements, hidden, while it draws the next one:
        # only the visible ones are the page the user sees.
        save = page.get_by_role("button", name=f"Save {criterion_id}").filter(visible=True)
        if not save.count():
            page.get_by_role("button", name="Next unanswered").click()
            save.wait_for()
        clause = before.checklist.clause_of(criterion_id)
        index = [c.id for c in clause.criteria].index(criterion_id)
        scores = page.locator("[data-testid='stButtonGroup']").filter(visible=True).nth(index)
        scores.get_by_role("radio", name=re.compile(r"^4 ")).click()  # pills are radios
        save.click()
        page.get_by_text(f"Saved {criterion_id}.").wait_for()
        # The save reruns the whole page: let it finish before the next criterion's controls
        # are looked for, or a click may land on the run being replaced.
        wait_until_drawn(page)
    _shot(page, tmp_path, "scoring.png")

    last = targets[-1]
    clause = before.checklist.clause_of(last)
    index = [c.id for c in clause.criteria].index(last)
    evidence = (
        page.locator("[data-testid='stExpander']")
        .filter(has_text="Evidence (", visible=True)
        .nth(index)
    )
    page.wait_for_load_state("networkidle")
    evidence.locator("summary").click()
    evidence.get_by_text("Attach a file").wait_for()
    record = tmp_path / "register.txt"
    record.write_text("Complaint 2026-114: acknowledged within 2 working days.\n")
    evidence.locator("input[type=file]").set_input_files(str(record))
    evidence.get_by_text(record.name).wait_for()
    try:
        evidence.get_by_role("button", name="Attach file").filter(visible=True).click(timeout=20000)
    except Exception:
        page.screenshot(path=str(tmp_path / "failure.png"))
        raise
    page.get_by_text("The file was added as").wait_for()

    page.get_by_role("link", name="Corrective actions").click()
    page.get_by_role("button", name="Raise action").first.click()
    page.get_by_text("Raised action").wait_for()
    _shot(page, tmp_path, "actions.png")

    after = open_assessment(store, reader, 2)
    store.dispose()
    assert {cid: after.responses[cid].response.score for cid in targets} == dict.fromkeys(
        targets, 4
    )
    assert all(after.responses[cid].updated_by == "Rita Root" for cid in targets)
    assert len(after.actions) == len(before.actions) + 1
    new_readiness = percent(after.score.overall.readiness)
    assert new_readiness != percent(before.score.overall.readiness)

    page.get_by_role("link", name="Dashboard").click()  # through the sidebar, as a user would
    page.get_by_text("Readiness by section").wait_for()
    page.get_by_text(new_readiness).first.wait_for()
    _shot(page, tmp_path, "dashboard.png")

    page.get_by_role("link", name="Reports").click()
    page.get_by_text("What holds it back").wait_for()
    page.get_by_role("button", name="Build pdf").click()
    download_button = page.locator("[data-testid='stDownloadButton'] button").first
    download_button.wait_for()
    with page.expect_download() as download_info:
        download_button.click()
    pdf = tmp_path / "report.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert "Traceback" not in page.content()


@pytest.fixture
def two_clients(data: Path) -> Path:
    """The demo's two clients, a lead assessor of one and a viewer of the other."""
    from assessment.access.roles import Role
    from assessment.demo.builder import load_demo
    from assessment.services.accounts import actor_for, create_first_admin, create_user
    from assessment.services.memberships import grant_role
    from assessment.services.organizations import list_organizations

    data.mkdir(parents=True)
    store = data_store(data)
    root = create_first_admin(store, username="rita", display_name="Rita Root", password=PASSWORD)
    admin = actor_for(store, root.id)
    load_demo(store, admin)
    ids = {o.name: o.id for o in list_organizations(store, admin)}
    create_user(store, admin, username="kim", display_name="Kim Lead", password=PASSWORD)
    create_user(store, admin, username="ava", display_name="Ava Viewer", password=PASSWORD)
    grant_role(store, admin, "kim", ids["Kestrel Outdoor Supply (demo)"], Role.LEAD_ASSESSOR)
    grant_role(store, admin, "ava", ids["Alder Vale Community Clinics (demo)"], Role.VIEWER)
    store.dispose()
    return data


@pytest.fixture
def two_clients_url(two_clients: Path, tmp_path: Path) -> Iterator[str]:
    with served_app(two_clients, tmp_path, ISO10002_AUTH="on") as url:
        yield url


def test_two_users_of_different_clients_each_see_only_their_own(
    two_clients_url, browser_page, tmp_path
):
    url = two_clients_url
    page = browser_page
    seen = {}
    for username, own, other in (
        ("kim", "Kestrel Outdoor Supply", "Alder Vale"),
        ("ava", "Alder Vale Community Clinics", "Kestrel"),
    ):
        page.goto(url)
        page.get_by_text("Sign in").first.wait_for()
        sign_in(page, username, PASSWORD)
        page.get_by_text("Signed in as").wait_for()
        page.get_by_text(own).first.wait_for(state="attached")  # a cell of the portfolio table
        assert own in page.content()
        assert other not in page.content()  # nowhere in the page, hidden table cells included
        _shot(page, tmp_path, f"portfolio-{username}.png")
        page.get_by_role("link", name="Dashboard").click()
        page.locator("[data-testid='stSidebar']").get_by_text("Assessment").first.wait_for()
        page.wait_for_load_state("networkidle")
        assert own in page.content()
        assert other not in page.content()
        sidebar = page.locator("[data-testid='stSidebar']").inner_text()
        assert own in page.content()
        assert other not in page.content()  # nowhere in the page, hidden table cells included
        seen[username] = sidebar
        page.get_by_role("button", name="Sign out").click()
        page.get_by_text("You have signed out.").wait_for()
    assert "Scoring" in seen["kim"]
    assert "Scoring" not in seen["ava"]  # a viewer's menu has no scoring page
    assert "Users" not in seen["kim"]


def test_a_link_opened_before_signing_in_opens_once_signed_in(
    two_clients_url, browser_page, tmp_path
):
    url, page = two_clients_url, browser_page
    page.goto(f"{url}/dashboard?assessment=1")  # a colleague's link to Kestrel's gap analysis
    page.get_by_text("Sign in").first.wait_for()
    sign_in(page, "kim", PASSWORD)
    page.get_by_text("Readiness by section").wait_for()
    main = page.locator("[data-testid='stMain']")
    main.get_by_text("Complaints-handling gap analysis").first.wait_for()
    assert "/dashboard" in page.url
    assert "assessment=1" in page.url
    _shot(page, tmp_path, "link-after-sign-in.png")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You have signed out.").wait_for()

    # A viewer of the other client, given the same link, gets neither the page nor the client.
    page.goto(f"{url}/scoring?assessment=1")
    page.get_by_text("Sign in").first.wait_for()
    sign_in(page, "ava", PASSWORD)
    page.get_by_text("Signed in as").wait_for()
    page.get_by_text("Alder Vale Community Clinics").first.wait_for(state="attached")
    assert "/scoring" not in page.url
    assert "Kestrel" not in page.content()
