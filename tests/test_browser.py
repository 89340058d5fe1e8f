"""The main journey in a real browser: Debian's Chromium driving `streamlit run` (Playwright).

Marked `browser`: skipped, with the reason, where /usr/bin/chromium is missing (the test
command installs it when it can). Screenshots go to the test's tmp folder.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[str]:
    """`streamlit run app.py` on a free port with an empty data folder of its own."""
    port = _free_port()
    env = {**os.environ, "ISO10002_DATA_DIR": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(REPO / "app.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("streamlit did not start")
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture
def browser_page(tmp_path: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.set_default_timeout(60_000)
        yield page
        browser.close()


def test_first_start_demo_dashboard_and_a_pdf(app_url, browser_page, tmp_path):
    page = browser_page
    page.goto(app_url)  # the start page (Portfolio) lives at the root
    page.get_by_text("There is nothing here yet").wait_for()
    page.get_by_role("button", name="Load demo data").click()
    page.get_by_text("Demo data loaded").wait_for()
    page.get_by_text("Overdue actions").wait_for()
    page.screenshot(path=str(tmp_path / "portfolio.png"))

    page.get_by_role("link", name="Dashboard").click()  # through the sidebar, as a user would
    page.get_by_text("Readiness by section").wait_for()
    page.get_by_text("ISO 10002 readiness review 2026").first.wait_for()
    assert page.get_by_text("58.1%").count() >= 1
    page.screenshot(path=str(tmp_path / "dashboard.png"))

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
