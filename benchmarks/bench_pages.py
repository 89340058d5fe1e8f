"""Time each page of the app headless (Streamlit's AppTest) against an empty Streamlit script,
and across portfolio sizes, in one process.

Every page of the app's menu (ui/navigation.py) is run as the component tests run it (a two-line script calling its
`render()`), with the demo's in-progress Kestrel review chosen in the sidebar the way the tests
choose it (session state). Per page: one cold run (the first run of a new session, in a process
that has already imported the app and opened the database) and N warm reruns of that same
session, which is what a user's click costs. An empty script (`st.write("")`) is timed the same
way in the same run, page and empty runs alternating round by round, so the ratio page/empty is
the price of our code above Streamlit's own per-run cost.

Sizes: "demo" is the demo data alone; a number is that multiple of bench_portfolio.py's 1x
portfolio (200 organizations, 600 assessments, 5,000 actions...) with the demo loaded on top:
0.1 is 60 assessments, 10 is 6,000, 100 is 60,000. Every size has its own data folder and
sessions, and the runs interleave: round by round, each page runs at every size in turn (the
app's database is switched between runs), so drift falls on all sizes alike. With two or more
portfolio sizes, a last table gives each page's warm median at every size against the
smallest: what a growing portfolio costs a click.

Run on demand (figures are printed; nothing is asserted):

    .venv/bin/python benchmarks/bench_pages.py [--rounds 20] [--sizes demo 0.1 10] [--json] [--smoke]

It prints one table per size: per page its cold run, warm median and p95 in ms and the ratio of
its warm median to the empty script's (`--json`: the same figures as JSON on stdout). A page
that raises stops the run with its exception and a non-zero exit. `--smoke` is a check that the
benchmark still runs, in seconds: the demo, 0.01x and 0.02x portfolios, 1 round (unless --rounds or
--sizes say otherwise); its figures are real but say nothing of speed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import streamlit.config
import streamlit.logger
from sqlalchemy import select
from streamlit.testing.v1 import AppTest
from support.portfolio_databases import seed_portfolio, sqlite_target
from support.portfolio_seed import SEED
from support.stats import percentile

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


@dataclass
class SizeData:
    """One size's data folder, in use while its pages run."""

    name: str  # "demo", or the portfolio multiple as given ("0.1", "10")
    folder: Path
    url: str
    review: int  # the Kestrel review's assessment id
    setup_seconds: float
    assessments: int

    def use(self) -> None:
        os.environ["ISO10002_DATA_DIR"] = str(self.folder)
        os.environ["DATABASE_URL"] = self.url


def count_assessments(store: Store) -> int:
    with store.transaction() as session:
        return len(session.scalars(select(Assessment.id)).all())


def prepare(size: str, stack: contextlib.ExitStack) -> SizeData:
    """A SQLite data folder seeded for `size`, kept until the stack closes."""
    started = time.perf_counter()
    if size == "demo":
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench_pages_")))
        url = f"sqlite:///{(folder / 'iso10002.db').resolve()}"
        store = Store.open(url)
        try:
            review = load_demo_data(store)
            count = count_assessments(store)
        finally:
            store.dispose()
    else:
        target = stack.enter_context(sqlite_target())  # bench_portfolio's bulk seeding
        url = target.store.engine.url.render_as_string(hide_password=False)
        folder = Path(str(target.store.engine.url.database)).parent
        seed_portfolio(target, float(size), SEED)  # prints its own progress and row counts
        review = load_demo_data(target.store)
        target.after_seed()  # planner statistics again, demo rows included
        count = count_assessments(target.store)
    return SizeData(size, folder, url, review, time.perf_counter() - started, count)


def figures(cold: float, warm: list[float], empty_median: float | None = None) -> Figures:
    median = statistics.median(warm)
    ratio = median / empty_median if empty_median else 1.0
    return Figures(
        round(cold, 3), round(median, 3), round(percentile(warm, 0.95), 3), round(ratio, 2)
    )


def bench_sizes(sizes: list[SizeData], rounds: int, pages: list[PageScript]) -> list[ScaleResult]:
    """Cold runs size by size, then warm reruns interleaved: page by page, size by size."""
    sessions: dict[tuple[str, str], AppTest] = {}
    cold: dict[tuple[str, str], float] = {}
    warmups: dict[str, float] = {}
    imports = "".join(f"import {p.module}\n" for p in pages)
    for data in sizes:
        data.use()
        print(
            f"\n== {data.name}: data ready in {data.setup_seconds:.1f} s; {data.assessments:,} "
            f"assessments; Kestrel review is assessment {data.review}",
            flush=True,
        )
        # Untimed for the pages: import every page module and open this size's store.
        warmup = AppTest.from_string(
            f"{imports}from ui.components.database import app_store\napp_store()\n",
            default_timeout=TIMEOUT,
        )
        warmups[data.name] = timed_run(warmup, "the warm-up script")
        empty = AppTest.from_string(EMPTY_SCRIPT, default_timeout=TIMEOUT)
        sessions[(data.name, "")] = empty
        cold[(data.name, "")] = timed_run(empty, "the empty script")
        for page in pages:
            app = AppTest.from_string(page.source, default_timeout=TIMEOUT)
            app.session_state["selection_organization"] = RETAILER
            app.session_state["selection_assessment"] = data.review
            cold[(data.name, page.title)] = timed_run(app, f"{page.title} ({data.name})")
            if app.session_state["selection_assessment"] != data.review:
                raise PageFailed(f"{page.title} did not keep assessment {data.review} selected")
            for error in app.error:
                print(f"note: {page.title} shows an error: {error.value[:120]}", file=sys.stderr)
            sessions[(data.name, page.title)] = app

    warm: dict[tuple[str, str], list[float]] = {key: [] for key in sessions}
    names = ["", *(p.title for p in pages)]
    by_name = {d.name: d for d in sizes}
    for number in range(rounds):  # alternate direction so drift falls on all alike
        order = names if number % 2 == 0 else names[::-1]
        for name in order:
            for size in sizes if number % 2 == 0 else sizes[::-1]:
                by_name[size.name].use()
                warm[(size.name, name)].append(
                    timed_run(sessions[(size.name, name)], name or "the empty script")
                )

    results = []
    for data in sizes:
        empty = figures(cold[(data.name, "")], warm[(data.name, "")])
        found = {
            p.title: figures(
                cold[(data.name, p.title)], warm[(data.name, p.title)], empty.median_ms
            )
            for p in pages
        }
        results.append(
            ScaleResult(
                data.name, data.setup_seconds, data.review, warmups[data.name], empty, found
            )
        )
    return results


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


def growth_table(results: list[ScaleResult], sizes: list[SizeData]) -> str:
    """Each page's warm median at every portfolio size against the smallest portfolio's."""
    portfolio = [(r, d) for r, d in zip(results, sizes, strict=True) if d.name != "demo"]
    smallest, small_data = min(portfolio, key=lambda pair: pair[1].assessments)
    others = [pair for pair in portfolio if pair[0] is not smallest]
    head = f"{'page':<20} {small_data.assessments:>9,}" + "".join(
        f" {d.assessments:>9,} {'ratio':>6}" for _, d in others
    )
    lines = [
        f"\n== growth: warm median in ms by assessments in the portfolio, ratio to "
        f"{small_data.assessments:,}",
        head,
        "-" * len(head),
    ]
    for title, base in smallest.pages.items():
        row = f"{title:<20} {base.median_ms:9.1f}"
        for result, _ in others:
            value = result.pages[title].median_ms
            row += f" {value:9.1f} {value / base.median_ms:5.2f}x"
        lines.append(row)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, help="warm reruns per page; default 20 (smoke: 1)")
    parser.add_argument(
        "--sizes",
        nargs="+",
        help='"demo" and portfolio multiples of 1x (600 assessments); default: demo 0.1 10',
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--smoke", action="store_true", help="does it still run? 1 round, tiny")
    args = parser.parse_args(argv)
    if args.rounds is None:
        args.rounds = 1 if args.smoke else 20
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.sizes is None:
        args.sizes = ["demo", "0.01", "0.02"] if args.smoke else ["demo", "0.1", "10"]
    for size in args.sizes:
        if size != "demo" and not re.fullmatch(r"\d+(\.\d+)?", size):
            parser.error(f"--sizes takes demo or a number such as 0.1 or 10, not {size!r}")
    if len(set(args.sizes)) != len(args.sizes):
        parser.error("--sizes names a size twice")

    # No bare-mode or deprecation chatter on every run (AppTest reapplies the configured level).
    streamlit.config.set_option("logger.level", "error")
    streamlit.logger.set_log_level("error")
    os.environ["ISO10002_AUTH"] = "off"  # the local single-user administrator, no sign-in
    # With --json, progress goes to stderr so that stdout is the JSON alone.
    progress = sys.stderr if args.json else sys.stdout
    try:
        with contextlib.redirect_stdout(progress), contextlib.ExitStack() as stack:
            pages = app_pages()
            sizes = [prepare(size, stack) for size in args.sizes]
            results = bench_sizes(sizes, args.rounds, pages)
            for result in results:
                print(table(result, args.rounds), flush=True)
            if sum(d.name != "demo" for d in sizes) >= 2:
                print(growth_table(results, sizes), flush=True)
    except PageFailed as error:
        print(f"\nFAILED: {error}", file=sys.stderr)
        return 1
    if args.json:
        payload = {
            "rounds": args.rounds,
            "sizes": [
                {**asdict(r), "assessments": d.assessments}
                for r, d in zip(results, sizes, strict=True)
            ],
        }
        print(json.dumps(payload, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
