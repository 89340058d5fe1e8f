"""What a person sees in the app, checked in Debian's Chromium (Playwright, `streamlit run`).

Each test walks one journey on the demo data and asserts what is on the screen: the client
named at the top of every page, chart tick labels in the SVG, "not assessed" in a legend, the
figures and confirmation before a sign-off, keys that score in presentation mode, a portfolio
row that opens its assessment, the upload limit an upload box states. Each test has a data
folder and a server of its own, so none depends on another's clicks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser_support import (
    CHROMIUM,
    REPO,
    chromium,
    data_store,
    new_page,
    served_app,
    wait_until_drawn,
)
from tests.people import ADMIN

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
]

KESTREL = "Kestrel Outdoor Supply (demo)"
ALDER = "Alder Vale Community Clinics (demo)"
BASELINE_ID, REVIEW_ID, DRAFT_ID = 1, 2, 3  # the demo's assessments


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A data folder with the demo loaded, for one person in single-user mode."""
    from assessment.demo.builder import load_demo

    folder = tmp_path / "data"
    folder.mkdir()
    store = data_store(folder)
    load_demo(store, ADMIN)
    store.dispose()
    return folder


@pytest.fixture
def url(data: Path, tmp_path: Path) -> Iterator[str]:
    with served_app(data, REPO, ISO10002_AUTH="off", ISO10002_EVIDENCE_MAX_MB="7") as served:
        yield served


@pytest.fixture
def page(url: str):
    with chromium() as browser:
        opened = new_page(browser, 1440, 900)
        opened.goto(url)
        wait_until_drawn(opened, "Overdue actions")
        yield opened


def go(page, title: str, expect: str | None = None) -> None:
    """Open a page through the sidebar menu, as a user does."""
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title).click()
    wait_until_drawn(page, expect)


def heading(page) -> str:
    """The organization named in large type at the top of the page."""
    return page.locator("[data-testid='stMain'] [data-testid='stHeading']").first.inner_text()


def choose(page, label: str, option: str) -> None:
    box = page.locator("[data-testid='stSidebar']").get_by_role("combobox", name=label)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=re.compile("^" + re.escape(option))).click()
    wait_until_drawn(page)


def test_the_chosen_assessment_stays_through_every_page_and_a_reload(page):
    go(page, "Dashboard", "Readiness by section")
    choose(page, "Assessment", "Complaints-handling gap analysis")  # not the default one
    for title in (
        "Scoring",
        "Corrective actions",
        "Evidence",
        "Dashboard",
        "Complaint performance",
        "History",
        "Reports",
    ):
        go(page, title)
        # The new page's own name at its top, so what follows is not read off the last page
        # while this one is still being drawn.
        main = page.locator("[data-testid='stMain']")
        main.get_by_text(title.upper(), exact=True).wait_for()
        wait_until_drawn(page)
        assert heading(page) == KESTREL, title
        assert (
            "Complaints-handling gap analysis"
            in page.locator("[data-testid='stMain']").inner_text()
        )
        assert f"assessment={BASELINE_ID}" in page.url, title
    go(page, "Portfolio", "Overdue actions")  # a page without the pickers keeps it in the URL
    assert f"assessment={BASELINE_ID}" in page.url
    page.reload()
    wait_until_drawn(page, "Overdue actions")
    go(page, "Dashboard", "Readiness by section")
    assert heading(page) == KESTREL
    assert "Complaints-handling gap analysis" in page.locator("[data-testid='stMain']").inner_text()
    choose(page, "Organization", ALDER)
    go(page, "Reports", "What holds it back")
    assert heading(page) == ALDER


def test_a_link_opens_the_assessment_it_names(page, url):
    page.goto(f"{url}/dashboard?org=2&assessment={DRAFT_ID}")
    wait_until_drawn(page, "Readiness by section")
    assert heading(page) == ALDER


def svg_texts(locator) -> list[str]:
    """The words an SVG draws (inner_text does not read SVG text)."""
    return [t for t in locator.evaluate_all("els => els.map(e => e.textContent)") if t]


def test_readiness_by_clause_reads_as_labelled_categories_with_not_assessed(page):
    go(page, "Dashboard", "Readiness by clause against the ready line")
    bars = page.locator("[data-testid='stPlotlyChart']").nth(3)
    bars.scroll_into_view_if_needed()
    ticks = svg_texts(bars.locator(".ytick text"))[::-1]  # drawn bottom up; read top down
    assert ticks[0] == "4.1 General"
    assert "4.10 Confidentiality" in ticks
    assert ticks.index("4.10 Confidentiality") == ticks.index("4.9 Information integrity") + 1
    assert not [t for t in ticks if re.fullmatch(r"\d+(\.\d+)?", t)], "no numeric clause axis"
    assert svg_texts(bars.locator(".xtick text"))[-1] == "100%"
    assert "Not assessed" in svg_texts(bars.locator(".legend text"))
    assert "not assessed" in svg_texts(bars.locator(".annotation text"))
    radar = page.locator("[data-testid='stPlotlyChart']").nth(1)
    assert "§ 8 · not assessed" in svg_texts(radar.locator("text"))


def test_complaint_performance_reads_as_months_causes_and_indicators_against_targets(page):
    go(page, "Complaint performance", "Recurring causes")
    main = page.locator("[data-testid='stMain']")
    assert "Acknowledged within the target time" in main.inner_text()
    charts = page.locator("[data-testid='stPlotlyChart']")
    # In the page's order: the left column (volume, acknowledgement, backlog), then the right.
    volume, acknowledged, causes = charts.nth(0), charts.nth(1), charts.nth(3)
    months = svg_texts(volume.locator(".xtick text"))
    assert len(months) >= 12
    assert all(re.fullmatch(r"\d{4}-\d{2}", m) for m in months), months
    assert months == sorted(months)
    assert set(svg_texts(volume.locator(".legend text"))) >= {"Phone", "E-mail", "Post"}
    assert svg_texts(causes.locator(".xtick text"))[0] == "Late delivery"  # the Pareto's first
    assert "cumulative %" in svg_texts(causes.locator(".legend text"))
    assert "target (2 working days)" in svg_texts(acknowledged.locator(".legend text"))
    everyone = main.get_by_text(re.compile(r"^[\d,]+ complaints received from")).inner_text()
    box = main.get_by_role("combobox", name="Channels")
    box.click()
    page.get_by_role("option", name="Post", exact=True).click()
    page.keyboard.press("Escape")
    wait_until_drawn(page)
    letters = main.get_by_text(re.compile(r"^[\d,]+ complaints received from")).inner_text()
    assert int(letters.split()[0].replace(",", "")) < int(everyone.split()[0].replace(",", ""))
    assert svg_texts(charts.nth(0).locator(".legend text")) == ["Post"]


def test_signing_off_shows_the_figures_and_waits_for_a_confirmation(page, data):
    from assessment.services.assessments import get_assessment

    go(page, "Organizations", "Show archived organizations")
    box = page.get_by_role("combobox", name="Organization", exact=True)
    box.click()
    page.get_by_role("option", name=ALDER).click()
    wait_until_drawn(page, "Start work (in progress)")
    page.get_by_role("button", name="Start work (in progress)").click()
    wait_until_drawn(page, "Send to review")
    page.get_by_role("button", name="Send to review").click()
    wait_until_drawn(page, "Sign off as final…")
    page.get_by_role("button", name="Sign off as final…").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Unanswered criteria").wait_for()
    assert "Not ready" in dialog.inner_text()
    assert "open nonconformit" in dialog.inner_text()
    store = data_store(data)
    try:
        assert get_assessment(store, ADMIN, DRAFT_ID).status.value == "in_review"
        sign = dialog.get_by_role("button", name="Sign off as final")
        assert sign.is_disabled()
        dialog.get_by_text("I have read the figures above").click()
        wait_until_drawn(page)
        assert sign.is_disabled(), "a not-ready verdict needs a statement"
        dialog.get_by_role("textbox").fill("Kick-off only; signed off as the starting point.")
        dialog.get_by_role("textbox").press("Control+Enter")
        wait_until_drawn(page)
        sign.click()
        wait_until_drawn(page, "Signed off as final by")
        signed = get_assessment(store, ADMIN, DRAFT_ID)
    finally:
        store.dispose()
    assert signed.status.value == "final"
    assert signed.sign_off is not None
    assert signed.sign_off.statement == "Kick-off only; signed off as the starting point."


def test_presentation_mode_scores_with_a_key_and_moves_with_the_arrows(page, data):
    from assessment.services.assessments import open_assessment

    go(page, "Scoring", "Next unanswered")
    page.get_by_text("Presentation mode", exact=True).click()
    wait_until_drawn(page, "Criterion")
    assert not page.locator("[data-testid='stSidebarNav']").is_visible(), "sidebar folded"
    position = page.get_by_text(re.compile(r"^Criterion \d+ of 139")).inner_text()
    number = int(re.search(r"Criterion (\d+)", position)[1])
    criterion = page.locator("h2").filter(has_text=":").first.inner_text().split(":")[0].strip()
    page.mouse.click(5, 880)  # nothing focused: keys go to the page
    page.keyboard.press("4")
    wait_until_drawn(page, f"Saved {criterion}: 4 — Measured and managed")
    page.keyboard.press("ArrowRight")
    wait_until_drawn(page, f"Criterion {number + 1} of 139")
    store = data_store(data)
    try:
        saved = open_assessment(store, ADMIN, REVIEW_ID).responses[criterion]
    finally:
        store.dispose()
    assert saved.response.score == 4


def test_a_portfolio_row_opens_its_assessment_on_the_dashboard(page):
    table = page.locator("[data-testid='stDataFrame']").first
    box = table.bounding_box()
    # The third row (the demo lists Alder Vale's draft first, then Kestrel's two): its
    # selection box at the left edge of the grid, below the header row.
    table.click(position={"x": 12, "y": 35 + 35 * 2 + 17})
    wait_until_drawn(page, "Open on the Dashboard")
    assert box is not None
    page.get_by_role("button", name="Open on the Dashboard").click()
    wait_until_drawn(page, "Readiness by section")
    assert heading(page) == KESTREL
    assert "/dashboard" in page.url


def test_an_evidence_upload_box_states_the_evidence_limit(page):
    go(page, "Evidence", "Add evidence")
    limits = page.locator("[data-testid='stFileUploaderDropzoneInstructions']").all_inner_texts()
    assert limits
    assert all("7MB" in text.replace(" ", "") for text in limits), limits
    assert not any("200MB" in text.replace(" ", "") for text in limits)


def test_the_history_download_is_the_trail_as_csv(page, tmp_path):
    """The CSV is built when the button is clicked (not on every rerun); what arrives is the
    whole trail, oldest first, under its header."""
    from assessment.services.audit import events

    go(page, "History", "Download these events (CSV)")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download these events (CSV)").click()
    saved = tmp_path / "history.csv"
    download_info.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8-sig").splitlines()  # with the BOM Excel needs
    assert lines[0] == "at_utc,actor,entity,entity_key,field,before,after"
    assert download_info.value.suggested_filename == f"assessment-{REVIEW_ID}-history.csv"
    store = data_store(tmp_path / "data")
    try:
        assert len(lines) - 1 == len(events(store, ADMIN, REVIEW_ID))
    finally:
        store.dispose()
