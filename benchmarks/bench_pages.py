"""Time each page of the app headless (Streamlit's AppTest) against an empty Streamlit script.

Every page of the app's menu (ui/navigation.py) is run as the component tests run it (a two-line script calling its
`render()`), with the demo's in-progress Kestrel review chosen in the sidebar the way the tests
choose it (session state). Per page: one cold run (the first run of a new session, in a process
that has already imported the app and opened the database) and N warm reruns of that same
session, which is what a user's click costs. An empty script (`st.write("")`) is timed the same
way in the same run, page and empty runs alternating round by round, so the ratio page/empty is
the price of our code above Streamlit's own per-run cost.

Scales: "demo" is the demo data alone; "large" is the 1x portfolio of bench_portfolio.py (200
organizations, 600 assessments, 5,000 actions...) with the demo loaded on top.

Run on demand (figures are printed; nothing is asserted):

    .venv/bin/python benchmarks/bench_pages.py [--rounds 20] [--scale demo|large|both] [--json] [--smoke]

It prints one table per scale: per page its cold run, warm median and p95 in ms and the ratio of
its warm median to the empty script's (`--json`: the same figures as JSON on stdout). A page
that raises stops the run with its exception and a non-zero exit. `--smoke` is a check that the
benchmark still runs, in seconds: the demo scale and 1 round (unless --rounds or --scale say
otherwise); its figures are real but say nothing of speed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import streamlit.config
import streamlit.logger
from bench_portfolio import SEED, percentile, seed_portfolio, sqlite_target
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from assessment.access.roles import Actor
from assessment.demo.builder import RETAILER, load_demo
from assessment.storage.store import Store
from assessment.storage.tables import Assessment, Organization

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the pages' package `ui` is not installed; the scripts import it

ADMIN = Actor.local_admin("benchmark")  # who loads the demo, and whose menu is timed
EMPTY_SCRIPT = 'import streamlit as st\nst.write("")\n'
TIMEOUT = 300  # seconds per run; a large portfolio on a busy machine is slow, not broken


class PageFailed(Exception):
    """A page raised: the run stops and says where."""


@dataclass(frozen=True)
class PageScript:
    title: str
    module: str  # e.g. "ui.pages.scoring_page"
    function: str  # e.g. "render"

    @property
    def source(self) -> str:
        return f"import {self.module} as page\npage.{self.function}()\n"


def app_pages() -> list[PageScript]:
    """The pages of the app's menu (ui/navigation.py, a system administrator's), in menu order."""
    from ui.navigation import menu_for  # after sys.path names the repository (see above)

    return [
        PageScript(entry.title, entry.render.__module__, entry.render.__name__)
        for entries in menu_for(ADMIN).values()
        for entry in entries
    ]


@dataclass(frozen=True)
class Figures:
    cold_ms: float
    median_ms: float
    p95_ms: float
    ratio: float  # warm median / empty script's warm median


@dataclass(frozen=True)
class ScaleResult:
    scale: str
    setup_seconds: float  # seeding the data folder
    assessment_id: int
    warmup_ms: float
    empty: Figures
    pages: dict[str, Figures]


def timed_run(app: AppTest, name: str) -> float:
    """One run of the script in milliseconds; a page that raised stops everything."""
    started = time.perf_counter()
    app.run(timeout=TIMEOUT)
    elapsed = (time.perf_counter() - started) * 1000
    if app.exception:
        details = "\n".join(f"{e.message}\n" + "\n".join(e.stack_trace) for e in app.exception)
        raise PageFailed(f"{name} raised:\n{details}")
    return elapsed


def load_demo_data(store: Store) -> int:
    """Load the demo as an administrator; return the id of its in-progress Kestrel review."""
    load_demo(store, ADMIN, today=date.today())
    return kestrel_review(store)


def kestrel_review(store: Store) -> int:
    """The demo's in-progress review (assessment 2 on the demo data alone)."""
    with store.transaction() as session:
        return session.scalars(
            select(Assessment.id)
            .join(Organization, Organization.id == Assessment.organization_id)
            .where(Organization.name == RETAILER, Assessment.status == "in_progress")
        ).one()


def use_folder(folder: Path) -> Path:
    """Point the app (and the evidence vault) at this data folder before anything is written."""
    os.environ["ISO10002_DATA_DIR"] = str(folder)
    os.environ["DATABASE_URL"] = f"sqlite:///{(folder / 'iso10002.db').resolve()}"
    return folder


@contextlib.contextmanager
def database(scale: str) -> Iterator[tuple[int, float]]:
    """A SQLite data folder seeded for `scale`, in use: (Kestrel review id, setup seconds)."""
    started = time.perf_counter()
    if scale == "demo":
        with tempfile.TemporaryDirectory(prefix="bench_pages_") as folder:
            use_folder(Path(folder))
            store = Store.open(os.environ["DATABASE_URL"])
            try:
                review = load_demo_data(store)
            finally:
                store.dispose()
            yield review, time.perf_counter() - started
        return
    with sqlite_target() as target:  # bench_portfolio's temporary folder and bulk seeding
        use_folder(Path(str(target.store.engine.url.database)).parent)
        seed_portfolio(target, 1, SEED)  # prints its own progress and row counts
        review = load_demo_data(target.store)
        target.after_seed()  # planner statistics again, demo rows included
        yield review, time.perf_counter() - started


def figures(cold: float, warm: list[float], empty_median: float | None = None) -> Figures:
    median = statistics.median(warm)
    ratio = median / empty_median if empty_median else 1.0
    return Figures(
        round(cold, 3), round(median, 3), round(percentile(warm, 0.95), 3), round(ratio, 2)
    )


def bench_scale(scale: str, rounds: int, pages: list[PageScript]) -> ScaleResult:
    with database(scale) as (review, setup):
        print(
            f"\n== {scale}: data ready in {setup:.1f} s; Kestrel review is assessment {review}",
            flush=True,
        )

        # Untimed for the pages: import every page module and open the app's cached store.
        imports = "".join(f"import {p.module}\n" for p in pages)
        warmup = AppTest.from_string(
            f"{imports}from ui.components.database import app_store\napp_store()\n",
            default_timeout=TIMEOUT,
        )
        warmup_ms = timed_run(warmup, "the warm-up script")

        sessions: dict[str, AppTest] = {
            "": AppTest.from_string(EMPTY_SCRIPT, default_timeout=TIMEOUT)
        }
        cold: dict[str, float] = {"": timed_run(sessions[""], "the empty script")}
        for page in pages:
            app = AppTest.from_string(page.source, default_timeout=TIMEOUT)
            app.session_state["selection_organization"] = RETAILER
            app.session_state["selection_assessment"] = review
            cold[page.title] = timed_run(app, page.title)
            if app.session_state["selection_assessment"] != review:
                raise PageFailed(f"{page.title} did not keep assessment {review} selected")
            for error in app.error:
                print(f"note: {page.title} shows an error: {error.value[:120]}", file=sys.stderr)
            sessions[page.title] = app

        warm: dict[str, list[float]] = {name: [] for name in sessions}
        order = list(sessions)
        for number in range(rounds):  # alternate direction so drift falls on all alike
            for name in order if number % 2 == 0 else reversed(order):
                warm[name].append(timed_run(sessions[name], name or "the empty script"))

        empty = figures(cold[""], warm[""])
        found = {p.title: figures(cold[p.title], warm[p.title], empty.median_ms) for p in pages}
        return ScaleResult(scale, setup, review, warmup_ms, empty, found)


def table(result: ScaleResult, rounds: int) -> str:
    lines = [
        f"\n== {result.scale}: page script runs, ms ({rounds} warm reruns per page after a cold run; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)",
        f"   process warm-up (import pages, open database): {result.warmup_ms:.0f} ms",
        f"{'page':<20} {'cold':>9} {'warm median':>12} {'warm p95':>9} {'median/empty':>13}",
        "-" * 67,
    ]
    rows = [("(empty script)", result.empty), *result.pages.items()]
    for name, value in rows:
        ratio = f"{value.ratio:.1f}x"
        lines.append(
            f"{name:<20} {value.cold_ms:9.1f} {value.median_ms:12.1f} {value.p95_ms:9.1f} {ratio:>13}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, help="warm reruns per page; default 20 (smoke: 1)")
    parser.add_argument("--scale", choices=("demo", "large", "both"), default="demo")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--smoke", action="store_true", help="does it still run? 1 round, demo")
    args = parser.parse_args(argv)
    if args.rounds is None:
        args.rounds = 1 if args.smoke else 20
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    # No bare-mode or deprecation chatter on every run (AppTest reapplies the configured level).
    streamlit.config.set_option("logger.level", "error")
    streamlit.logger.set_log_level("error")
    os.environ["ISO10002_AUTH"] = "off"  # the local single-user administrator, no sign-in
    scales = ["demo", "large"] if args.scale == "both" else [args.scale]
    results: list[ScaleResult] = []
    # With --json, progress goes to stderr so that stdout is the JSON alone.
    progress = sys.stderr if args.json else sys.stdout
    try:
        with contextlib.redirect_stdout(progress):
            pages = app_pages()
            for scale in scales:
                results.append(bench_scale(scale, args.rounds, pages))
                print(table(results[-1], args.rounds), flush=True)
    except PageFailed as error:
        print(f"\nFAILED: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"rounds": args.rounds, "scales": [asdict(r) for r in results]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
