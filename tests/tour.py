"""A screenshot tour of the app: `python3 tasks.py tour` (or `python -m tests.tour`).

It serves the app with sign-in on over a fresh, temporary data folder and walks through it in
Debian's Chromium as a new user would: the first start, the demo data, every page of the menu,
a final assessment, a viewer's menu and the Scoring page's presentation mode. Every stop is
photographed, whole page, at each viewport, and `index.html` beside the pictures shows them
all with the problems seen on the way (browser console errors, Streamlit exception blocks,
stops that failed or were skipped). The exit status is 1 when there was any problem.

A stop is data (`Stop`: a name, the menu page to open, the actions to do there, the text that
shows the page is drawn). An action whose control is not on the page skips its stop with the
reason instead of failing the tour, so a stop can be written for a control still being built.
This is not a pytest module (pytest collects `test_*.py` only); `tests/test_tour.py` runs its
machinery in a tiny mode.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from tests.browser_support import (
    CHROMIUM,
    FIRST_START_TITLE,
    REPO,
    chromium,
    create_first_admin,
    data_store,
    new_page,
    served_app,
    sign_in,
    wait_until_drawn,
)

DEFAULT_OUT = REPO / "tour"
CONTROL_WAIT_MS = 5_000  # the page is drawn by then: a control not there within this is missing
MAX_SHOT_HEIGHT = 16_000  # Chromium cannot capture much taller pictures


@dataclass(frozen=True)
class Viewport:
    width: int
    height: int

    @property
    def label(self) -> str:
        return f"{self.width}x{self.height}"

    @classmethod
    def parse(cls, text: str) -> Viewport:
        match = re.fullmatch(r"(\d{3,5})x(\d{3,5})", text.strip())
        if not match:
            raise argparse.ArgumentTypeError(f"a viewport is WIDTHxHEIGHT, e.g. 1440x900: {text!r}")
        return cls(int(match[1]), int(match[2]))


VIEWPORTS = (Viewport(1440, 900), Viewport(1920, 1080))


class Skip(Exception):
    """The control a stop needs is not on the page: the stop is skipped with this reason."""


@dataclass
class Session:
    """What actions share: the browser page, the app's URL and data folder, the accounts."""

    page: object
    url: str
    data: Path
    passwords: dict[str, str] = field(default_factory=dict)
    admin: str = "tina"


class Action(Protocol):
    def run(self, session: Session) -> None: ...


def _control(locator, description: str):
    """The first visible match of `locator`; Skip when there is none on the drawn page."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    visible = locator.filter(visible=True).first
    try:
        visible.wait_for(timeout=CONTROL_WAIT_MS)
    except PlaywrightTimeout:
        raise Skip(f"no {description} on the page") from None
    return visible


@dataclass(frozen=True)
class OpenApp:
    """Open the app's start page afresh: a new Streamlit session, so nobody is signed in."""

    def run(self, session: Session) -> None:
        session.page.goto(session.url)


@dataclass(frozen=True)
class CreateAdministrator:
    """Fill the first start's form for the administrator."""

    username: str = "tina"
    display_name: str = "Tina Tour"

    def run(self, session: Session) -> None:
        _control(session.page.get_by_text(FIRST_START_TITLE), "first-start form")
        password = "a tour password, thrown away with its database"
        create_first_admin(session.page, self.username, self.display_name, password)
        session.passwords[self.username] = password
        session.admin = self.username


@dataclass(frozen=True)
class Click:
    """Click the button (or other role) of that name."""

    name: str
    role: str = "button"

    def run(self, session: Session) -> None:
        locator = session.page.get_by_role(self.role, name=self.name, exact=True)
        _control(locator, f"{self.role} {self.name!r}").click()


@dataclass(frozen=True)
class Choose:
    """Choose the first option starting with `option` in the select box labelled `label`
    (typed in, so the list holds only the matching options); a box that does not show the
    choice afterwards is a failure."""

    label: str
    option: str

    def run(self, session: Session) -> None:
        page = session.page
        box = page.get_by_role("combobox", name=self.label, exact=True)
        box = _control(box, f"{self.label!r} picker")
        if box.input_value().startswith(self.option):
            return
        box.click()
        box.fill(self.option)
        wanted = page.get_by_role("option", name=re.compile("^" + re.escape(self.option)))
        _control(wanted, f"{self.option!r} in the {self.label!r} picker").click()
        box.evaluate("(input) => { input.scrollLeft = 0; input.blur(); }")  # as a user leaves it
        wait_until_drawn(page)
        shown = box.input_value()
        if not shown.startswith(self.option):
            raise RuntimeError(f"the {self.label!r} picker shows {shown!r}, not {self.option!r}")


@dataclass(frozen=True)
class SwitchOn:
    """Turn on (or, with `on=False`, off) the toggle or checkbox labelled `label`; nothing if
    it is already so."""

    label: str
    on: bool = True

    def run(self, session: Session) -> None:
        page = session.page
        widget = page.locator("[data-testid='stCheckbox']").filter(
            has=page.get_by_text(self.label, exact=True)
        )
        widget = _control(widget, f"switch {self.label!r}")
        if widget.locator("input").is_checked() != self.on:
            widget.get_by_text(self.label, exact=True).click()


@dataclass(frozen=True)
class AddUser:
    """An account with a role in one organization, made through the core services (the way
    an administrator's script would), so the tour can sign in as a user of that role."""

    username: str
    display_name: str
    role: str
    organization: str

    def run(self, session: Session) -> None:
        from assessment.services.accounts import actor_for_username, create_user
        from assessment.services.memberships import grant_role
        from assessment.services.organizations import list_organizations

        password = f"the {self.role} password of the tour"
        store = data_store(session.data)
        try:
            admin = actor_for_username(store, session.admin)
            ids = {o.name: o.id for o in list_organizations(store, admin)}
            if self.organization not in ids:
                raise Skip(f"no organization {self.organization!r} (is the demo loaded?)")
            create_user(
                store,
                admin,
                username=self.username,
                display_name=self.display_name,
                password=password,
            )
            grant_role(store, admin, self.username, ids[self.organization], self.role)
        finally:
            store.dispose()
        session.passwords[self.username] = password


@dataclass(frozen=True)
class SignInAs:
    """Open the app afresh and sign in as an account the tour made."""

    username: str

    def run(self, session: Session) -> None:
        page = session.page
        page.goto(session.url)
        _control(page.get_by_role("button", name="Sign in", exact=True), "sign-in form")
        sign_in(page, self.username, session.passwords[self.username])


@dataclass(frozen=True)
class Stop:
    """One place of the tour: open the menu `page` (None: stay), do the actions, then wait for
    `expect` to be visible and photograph the page at every viewport."""

    name: str
    page: str | None
    expect: str
    actions: tuple[Action, ...] = ()


KESTREL = "Kestrel Outdoor Supply (demo)"
REVIEW = "ISO 10002 readiness review"  # the demo's review in progress (this year)
BASELINE = "Complaints-handling gap analysis"  # the demo's final assessment (last year)

# The demo opens on its review in progress; the choice then carries over from page to page,
# so it is made once here, and again only where the tour moves to another assessment.
THE_REVIEW = (Choose("Organization", KESTREL), Choose("Assessment", REVIEW))
THE_BASELINE = (Choose("Organization", KESTREL), Choose("Assessment", BASELINE))

MENU_STOPS = tuple(
    Stop(page, page, expect, actions)
    for page, expect, actions in (
        ("Portfolio", "Overdue actions", ()),
        ("Scoring", "Next unanswered", THE_REVIEW),
        ("Corrective actions", "Findings without an action", ()),
        ("Evidence", "Add evidence", ()),
        ("Dashboard", "Readiness by section", ()),
        ("Reports", "What holds it back", ()),
        ("Complaint performance", "Recurring causes", ()),
        ("History", "Days are UTC days", ()),
        ("Organizations", "Show archived organizations", ()),
        ("Checklists", "Available checklists", ()),
        ("Users", "Add a user", ()),
    )
)

STOPS: tuple[Stop, ...] = (
    Stop("first start", None, FIRST_START_TITLE, (OpenApp(),)),
    Stop("empty portfolio", None, "There is nothing here yet", (CreateAdministrator(),)),
    Stop("demo loaded", None, "Demo data loaded", (Click("Load demo data"),)),
    *MENU_STOPS,
    Stop("final assessment: Scoring", "Scoring", "final and read-only", THE_BASELINE),
    Stop("final assessment: Dashboard", "Dashboard", "Readiness by section"),
    Stop("final assessment: Organizations", "Organizations", "Signed off as final by"),
    Stop("presentation mode", "Scoring", "Criterion", (*THE_REVIEW, SwitchOn("Presentation mode"))),
    Stop(
        "presentation mode off again",
        None,
        "Next unanswered",
        (SwitchOn("Presentation mode", on=False),),
    ),
    Stop(
        "a draft barely begun: Dashboard",
        "Dashboard",
        "So far",
        (Choose("Organization", "Alder Vale"),),
    ),
    Stop(
        "sign-off dialog",
        "Organizations",
        "I have read the figures above",
        (
            Choose("Organization", KESTREL),
            Click("Send to review"),
            Click("Sign off as final…"),
        ),
    ),
    Stop(
        "viewer: Portfolio",
        None,
        "Signed in as",
        (AddUser("vera", "Vera Viewer", "viewer", KESTREL), SignInAs("vera")),
    ),
    Stop("viewer: Dashboard", "Dashboard", "Readiness by section"),
)


@dataclass(frozen=True)
class Picture:
    viewport: Viewport
    file: str
    url: str


@dataclass
class StopResult:
    stop: Stop
    pictures: list[Picture] = field(default_factory=list)
    skipped: str | None = None
    problems: list[str] = field(default_factory=list)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _open_menu_page(page, title: str) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    link = page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title, exact=True)
    try:
        link.wait_for(timeout=CONTROL_WAIT_MS)
    except PlaywrightTimeout:
        raise RuntimeError(f"no {title!r} in the menu") from None
    link.click()
    wait_until_drawn(page)


def _content_height(page) -> int:
    """How tall the page is drawn: Streamlit scrolls its main area and its sidebar inside a
    window-high frame, so Playwright's full-page capture alone stops at the window's bottom."""
    return page.evaluate(
        """() => Math.max(document.scrollingElement.scrollHeight,
             ...[...document.querySelectorAll(
                  "[data-testid='stMain'], [data-testid='stSidebarContent']")]
               .map((e) => e.scrollHeight))"""
    )


def _photograph(page, viewport: Viewport, path: Path, expect: str) -> None:
    """The whole page at this viewport's width: the window is made as tall as the page."""
    page.set_viewport_size({"width": viewport.width, "height": viewport.height})
    wait_until_drawn(page, expect)
    height = viewport.height
    for _ in range(3):  # a taller window can reflow the page; follow it a few times
        wanted = min(max(_content_height(page), viewport.height), MAX_SHOT_HEIGHT)
        if wanted <= height:
            break
        height = wanted
        page.set_viewport_size({"width": viewport.width, "height": height})
        wait_until_drawn(page)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": viewport.width, "height": viewport.height})


def page_problems(page) -> list[str]:
    """Streamlit exception blocks on the page, and tracebacks printed as text."""
    problems = []
    blocks = page.locator("[data-testid='stException']")
    for index in range(blocks.count()):
        first_line = (blocks.nth(index).inner_text().strip().splitlines() or ["(empty)"])[0]
        problems.append(f"Streamlit exception on the page: {first_line}")
    if not problems and "Traceback" in page.locator("body").inner_text():
        problems.append("a Traceback is shown on the page")
    return problems


def _visit(session: Session, number: int, stop: Stop, viewports, out: Path) -> StopResult:
    result = StopResult(stop)
    page = session.page
    first = viewports[0]
    page.set_viewport_size({"width": first.width, "height": first.height})
    try:
        if stop.page is not None:
            _open_menu_page(page, stop.page)
        for action in stop.actions:
            action.run(session)
            wait_until_drawn(page)
    except Skip as reason:
        result.skipped = str(reason)
        return result
    except Exception as error:  # recorded as a problem; the tour goes on to show the rest
        result.problems.append(f"failed: {type(error).__name__}: {error}")
    for viewport in viewports:
        name = f"{number:02d}-{_slug(stop.name)}-{viewport.label}.png"
        try:
            _photograph(page, viewport, out / name, stop.expect)
        except Exception as error:
            result.problems.append(f"at {viewport.label}: {type(error).__name__}: {error}")
            try:
                page.screenshot(path=str(out / name), full_page=True)  # what was there instead
            except Exception:  # the page itself is gone: no picture of this viewport
                continue
        result.pictures.append(Picture(viewport, name, page.url))
    result.problems.extend(page_problems(page))
    return result


def run_tour(
    stops: Sequence[Stop] = STOPS,
    viewports: Sequence[Viewport] = VIEWPORTS,
    out: Path = DEFAULT_OUT,
    progress: Callable[[str], None] = lambda line: print(line, flush=True),
) -> list[StopResult]:
    """Serve the app over a fresh data folder, visit every stop, write the pictures and the
    index into `out`; the results, in tour order."""
    out.mkdir(parents=True, exist_ok=True)
    # Pictures of an earlier tour would mislead; only the tour's own names are removed, so
    # `--out` pointed at a folder of other pictures loses none of them.
    for old in [*out.glob("[0-9][0-9]-*-[0-9]*x[0-9]*.png"), out / "index.html"]:
        old.unlink(missing_ok=True)
    results: list[StopResult] = []
    with tempfile.TemporaryDirectory(prefix="iso10002-tour-") as folder:
        data = Path(folder) / "data"
        with served_app(data, REPO, ISO10002_AUTH="on") as url, chromium() as browser:
            page = new_page(browser, viewports[0].width, viewports[0].height)
            console: list[str] = []

            def on_console(message) -> None:
                if message.type == "error":
                    console.append(f"browser console error: {message.text}")

            page.on("console", on_console)
            page.on("pageerror", lambda error: console.append(f"page error: {error}"))
            session = Session(page=page, url=url, data=data)
            for number, stop in enumerate(stops, start=1):
                console.clear()
                result = _visit(session, number, stop, viewports, out)
                result.problems.extend(dict.fromkeys(console))  # once each, in order
                results.append(result)
                progress(_progress_line(number, len(stops), result))
    write_index(results, out / "index.html")
    return results


def _progress_line(number: int, total: int, result: StopResult) -> str:
    head = f"[{number:>2}/{total}] {result.stop.name}"
    if result.skipped:
        return f"{head}: skipped: {result.skipped}"
    tail = f"{len(result.pictures)} picture(s)"
    if result.problems:
        tail += f", {len(result.problems)} problem(s): " + "; ".join(result.problems)
    return f"{head}: {tail}"


def problems_of(results: Sequence[StopResult]) -> list[str]:
    """Every problem of the tour, each named by its stop; a skipped stop is one."""
    found = []
    for result in results:
        if result.skipped:
            found.append(f"{result.stop.name}: skipped: {result.skipped}")
        found.extend(f"{result.stop.name}: {problem}" for problem in result.problems)
    return found


def write_index(results: Sequence[StopResult], path: Path) -> None:
    """One page with every picture (stop, viewport, the page's URL) and the problems first."""
    e = html.escape
    problems = problems_of(results)
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8"><title>App tour</title>',
        "<style>body{font-family:sans-serif;margin:2rem;max-width:1400px}"
        "figure{margin:0 0 2rem}img{width:100%;border:1px solid #ccc}"
        ".problems li{color:#a00}figcaption{margin:.3rem 0}</style></head><body>",
        "<h1>App tour</h1>",
        f"<h2>Problems ({len(problems)})</h2>",
    ]
    if problems:
        parts.append('<ul class="problems">')
        parts.extend(f"<li>{e(problem)}</li>" for problem in problems)
        parts.append("</ul>")
    else:
        parts.append("<p>None: no stop was skipped, no console error, no exception.</p>")
    parts.append("<h2>Stops</h2><ol>")
    parts.extend(
        f'<li><a href="#stop-{number}">{e(result.stop.name)}</a>'
        + (" (skipped)" if result.skipped else "")
        + "</li>"
        for number, result in enumerate(results, start=1)
    )
    parts.append("</ol>")
    for number, result in enumerate(results, start=1):
        parts.append(f'<h2 id="stop-{number}">{number}. {e(result.stop.name)}</h2>')
        if result.skipped:
            parts.append(f"<p>skipped: {e(result.skipped)}</p>")
        for picture in result.pictures:
            parts.append(
                f"<figure><figcaption>{e(result.stop.name)} · {e(picture.viewport.label)} · "
                f'<a href="{e(picture.url)}">{e(picture.url)}</a></figcaption>'
                f'<a href="{e(picture.file)}"><img src="{e(picture.file)}" '
                f'alt="{e(result.stop.name)} at {e(picture.viewport.label)}"></a></figure>'
            )
    parts.append("</body></html>")
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")


# The README's pictures: (stop, viewport) -> file in docs/, the first screen of that picture.
README_PICTURES = {
    ("Portfolio", "1440x900"): "portfolio.png",
    ("Scoring", "1440x900"): "scoring.png",
    ("presentation mode", "1920x1080"): "presentation.png",
    ("Corrective actions", "1440x900"): "actions.png",
    ("Dashboard", "1440x900"): "dashboard.png",
    ("Reports", "1440x900"): "reports.png",
    ("Complaint performance", "1440x900"): "complaints.png",
    ("sign-off dialog", "1440x900"): "sign-off.png",
}
DOCS = REPO / "docs"


def update_readme_pictures(
    results: Sequence[StopResult], out: Path, docs: Path = DOCS
) -> list[Path]:
    """Copy the first screen of the README's pictures from the tour into `docs` (Pillow comes
    with Streamlit); returns the files written."""
    from PIL import Image

    written = []
    for result in results:
        for picture in result.pictures:
            name = README_PICTURES.get((result.stop.name, picture.viewport.label))
            if name is None:
                continue
            with Image.open(out / picture.file) as image:
                screen = image.crop((0, 0, picture.viewport.width, picture.viewport.height))
                screen.save(docs / name, optimize=True)
            written.append(docs / name)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 tasks.py tour",
        description="Photograph every page of the app, from the first start to a viewer's menu.",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="folder for the pictures (default: tour/)"
    )
    parser.add_argument(
        "--viewport",
        type=Viewport.parse,
        action="append",
        help="WIDTHxHEIGHT; repeat for several (default: 1440x900 and 1920x1080)",
    )
    parser.add_argument(
        "--readme",
        action="store_true",
        help="also copy the first screen of the README's pictures into docs/",
    )
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"The tour needs Debian's Chromium at {CHROMIUM} (apt-get install chromium).")
        return 2
    out = args.out.resolve()
    print(f"Touring the app over a fresh data folder; the pictures go to {out}", flush=True)
    results = run_tour(viewports=args.viewport or VIEWPORTS, out=out)
    if args.readme:
        for written in update_readme_pictures(results, out):
            print(f"README picture: {written.relative_to(REPO)}")
    problems = problems_of(results)
    if problems:
        print(f"{len(problems)} problem(s):")
        for problem in problems:
            print(f"  {problem}")
    print(f"Index: {out / 'index.html'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
