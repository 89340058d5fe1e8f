"""What the browser tests and the screenshot tour share: the app served on a free port, Debian's
Chromium, signing in, the first administrator, and waiting for a page to be drawn.

Both drive `streamlit run app.py` in /usr/bin/chromium through Playwright (never a downloaded
browser). Playwright is imported inside the functions that need it, so this module can be
imported (and the browser tests skipped) where it is missing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
START_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served_app(
    data: Path, cwd: Path, script: Path = REPO / "app.py", **settings: str
) -> Iterator[str]:
    """`streamlit run app.py` (or another `script`) on a free port of 127.0.0.1 over the data
    folder `data`, until the block ends; yields the app's URL once its health check answers.

    `cwd` is where Streamlit looks for `.streamlit/config.toml` (the repository's gives the
    app its theme). The server's output goes to `streamlit.log` beside the data folder, so a
    long run never fills a pipe nobody reads, and a server that does not start says why.
    """
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # unless given below
    env |= {"ISO10002_DATA_DIR": str(data), **settings}
    log_path = data.parent / "streamlit.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(script),
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(url, server, log_path)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_for_health(url: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            tail = log_path.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"streamlit did not start at {url}; its output ends with:\n{tail}")
        time.sleep(0.3)


def data_store(data: Path):
    """The served app's database (SQLite in its data folder), for a test or the tour to prepare
    data through the core services or to check what the browser did."""
    from assessment.storage.store import Store

    return Store.open(f"sqlite:///{data / 'iso10002.db'}")


@contextmanager
def chromium() -> Iterator[object]:
    """Debian's Chromium under Playwright, closed when the block ends."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser, width: int, height: int):
    """A page in a context of its own (its own Streamlit session), with downloads accepted."""
    page = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
    page.set_default_timeout(60_000)
    return page


def sign_in(page, username: str, password: str) -> None:
    """Fill and send the sign-in form (it must be on the page)."""
    page.get_by_role("textbox", name="User name").fill(username)
    page.get_by_role("textbox", name="Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


FIRST_START_TITLE = "Welcome: create the administrator account"


def create_first_admin(page, username: str, display_name: str, password: str) -> None:
    """Fill and send the first start's form for the administrator (it must be on the page)."""
    page.get_by_role("textbox", name="User name").fill(username)
    page.get_by_label("Your name (shown in the audit trail)").fill(display_name)
    page.get_by_role("textbox", name="Password", exact=True).fill(password)
    page.get_by_label("Password again").fill(password)
    page.get_by_role("button", name="Create the administrator").click()


# True once Streamlit has finished the run the user sees: no run in progress (the status
# widget shows only then), no element left over from the previous run (Streamlit keeps them,
# marked stale, while it draws the next), no placeholder skeleton, every chart drawn, and the
# page unchanged over three polls in a row.
_SETTLED = """
() => {
  const busy =
    document.querySelector("[data-testid='stStatusWidget']") ||
    document.querySelector("[data-stale='true']") ||
    document.querySelector("[data-testid='stSkeleton']") ||
    [...document.querySelectorAll("[data-testid='stPlotlyChart']")].some(
      (chart) => !chart.querySelector(".main-svg"));
  const now = busy ? null : document.body.innerHTML.length + ":" + document.body.innerText;
  if (now === null || now !== window.__tourLastPage) {
    window.__tourLastPage = now;
    window.__tourStable = 0;
    return false;
  }
  window.__tourStable = (window.__tourStable || 0) + 1;
  return window.__tourStable >= 3;
}
"""


def wait_until_drawn(page, expect: str | None = None, timeout_ms: int = 60_000) -> None:
    """Wait until the page is completely drawn and, when given, `expect` is visible on it.

    The network going quiet is not enough (Streamlit talks over a websocket), nor is a text
    being present (the previous run's elements linger, hidden or faded, while the next is drawn).
    """
    page.wait_for_load_state("networkidle", timeout=timeout_ms)
    if expect:
        page.get_by_text(expect).filter(visible=True).first.wait_for(timeout=timeout_ms)
    page.wait_for_function(_SETTLED, polling=200, timeout=timeout_ms)
