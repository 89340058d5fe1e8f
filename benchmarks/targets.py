"""Measure the project's speed targets and print them as one table: now, target, met or not.

Each figure is a ratio of two things timed in this same run (medians), so it does not depend
on how fast the machine is:

- a score click and a Save on the Scoring page through app.py, against an empty script's
  click (bench_clicks.py);
- every page's warm rerun at 6,003 assessments against 63 (bench_pages.py, the sizes
  interleaved in one process; `--full` adds 60,003 against 63, whose seeding takes minutes);
- the PDF pack against its own flowables laid out once (bench_report_pdf.py, the demo);
- `iso10002 --help` and `iso10002 score FILE` against `python -c "import click, yaml,
  pydantic"`, each a fresh process, runs interleaved;
- the app's cold start in Chromium against a hello-world Streamlit app's (bench_cold_start.py);
- twenty simulated users over PostgreSQL, on one app process and on three behind a sticky load
  balancer, the p95 of an act against one user's (bench_users.py).

A target that cannot be measured here (the 60,003-assessment portfolio without `--full`) is
listed as such, never given a figure.

Run on demand (figures are printed; nothing is asserted):

    .venv/bin/python benchmarks/targets.py [--full] [--smoke]

`--smoke` is a check that the benchmark still runs, in a minute or so: tiny portfolios, two
rounds and runs of each; its figures are real but say nothing of speed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import bench_clicks
import bench_cold_start
import bench_pages
import bench_report_pdf
import bench_users
import streamlit.config
import streamlit.logger

REPO = Path(__file__).resolve().parent.parent
CLI = Path(sys.executable).with_name("iso10002")
EXAMPLE = REPO / "examples" / "northwind-2018.yaml"
# Pages that show every organization or assessment, or none: the rest show the one chosen.
PORTFOLIO_WIDE = {"Portfolio", "Organizations", "Checklists", "Users"}


@dataclass(frozen=True)
class Target:
    what: str
    now: float | None  # None: not measured yet
    limit: float  # the target: now <= limit

    @property
    def verdict(self) -> str:
        if self.now is None:
            return "not measured"
        return "yes" if self.now <= self.limit else "no"


def clicks(rounds: int) -> list[Target]:
    found = bench_clicks.run(rounds)
    return [
        Target(
            "score click on Scoring, through app.py, vs an empty click",
            found["score click"].ratio,
            3,
        ),
        Target("Save on Scoring, through app.py, vs the same empty click", found["Save"].ratio, 5),
    ]


def worst_of(growth: dict[str, float], what: str, limit: float) -> Target:
    worst = max(growth, key=lambda title: growth[title])
    return Target(f"{what} (worst: {worst})", round(growth[worst], 2), limit)


def pages(sizes: list[str], rounds: int) -> list[Target]:
    """The worst page's growth from the smallest portfolio to each larger one."""
    with contextlib.ExitStack() as stack, contextlib.redirect_stdout(io.StringIO()):
        prepared = [bench_pages.prepare(size, stack) for size in sizes]
        results = bench_pages.bench_sizes(prepared, rounds, bench_pages.app_pages())
    small, *large = zip(results, prepared, strict=True)
    targets = []
    for (result, data), limit in zip(large, (1.2, 1.3), strict=False):
        growth = {
            title: result.pages[title].median_ms / small[0].pages[title].median_ms
            for title in result.pages
        }
        sizes_said = f"{data.assessments:,} vs {small[1].assessments:,} assessments"
        own = {t: g for t, g in growth.items() if t not in PORTFOLIO_WIDE}
        targets.append(worst_of(growth, f"every page's rerun at {sizes_said}", limit))
        # Of those, the pages about the one assessment chosen in the sidebar.
        targets.append(worst_of(own, "  of them, a page of one assessment", limit))
    return targets


def pdf(runs: int, warm_up: bool) -> Target:
    with tempfile.TemporaryDirectory() as folder, contextlib.redirect_stdout(io.StringIO()):
        store = bench_report_pdf.Store.open(f"sqlite:///{folder}/bench.db")
        try:
            bench_report_pdf.load_demo(store, bench_report_pdf.ADMIN, today=bench_report_pdf.TODAY)
            demo = bench_report_pdf.gather_report(
                store, bench_report_pdf.ADMIN, 2, today=bench_report_pdf.TODAY
            )
        finally:
            store.dispose()
        ratio = bench_report_pdf.compare("demo", demo, runs, warm_up)
    return Target("PDF pack vs its own flowables laid out once (demo)", round(ratio, 2), 1.2)


def process_seconds(command: list[str], environment: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=environment, timeout=120)
    return time.perf_counter() - started


def command_line(runs: int) -> list[Target]:
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    commands = {
        "floor": [sys.executable, "-c", "import click, yaml, pydantic"],
        "--help": [str(CLI), "--help"],
        "score": [str(CLI), "score", str(EXAMPLE)],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for number in range(runs + 1):  # the first round warms the disk cache, untimed
        for name in commands if number % 2 == 0 else reversed(list(commands)):
            seconds = process_seconds(commands[name], environment)
            if number:
                times[name].append(seconds)
    floor = statistics.median(times["floor"])
    return [
        Target(
            f"`iso10002 {name}{' FILE' if name == 'score' else ''}` vs "
            '`python -c "import click, yaml, pydantic"`',
            round(statistics.median(times[name]) / floor, 2),
            2,
        )
        for name in ("--help", "score")
    ]


def cold_start(rounds: int) -> Target:
    what = "cold start of the app in Chromium vs a hello-world Streamlit app"
    if not bench_cold_start.CHROMIUM.exists():
        return Target(f"{what} (no Chromium)", None, 1.2)
    found = bench_cold_start.run(rounds)
    return Target(what, found["ratio"]["median"], 1.2)


def users(count: int, seconds: float, processes: int) -> list[Target]:
    found = bench_users.run(count, seconds, processes)
    one, spread = found["p95_ratio"], found["spread_p95_ratio"]
    assert isinstance(one, float)
    assert isinstance(spread, float)
    what = f"{count} simulated users on {found['engine']}"
    return [
        Target(f"{what}, one process, p95 vs one user", one, 1.5),
        Target(f"{what}, {processes} processes behind a balancer, p95 vs one user", spread, 1.5),
    ]


def table(targets: list[Target]) -> str:
    width = max(len(t.what) for t in targets)
    lines = [
        "== targets (each a ratio of two timings in this run, medians)",
        f"{'what':<{width}}  {'now':>7}  {'target':>7}  meets",
        "-" * (width + 30),
    ]
    for t in targets:
        now = "-" if t.now is None else f"{t.now:.2f}x"
        lines.append(f"{t.what:<{width}}  {now:>7}  {'<= ' + f'{t.limit:g}x':>7}  {t.verdict}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--full", action="store_true", help="add the 60,003-assessment portfolio")
    parser.add_argument("--smoke", action="store_true", help="does it still run? tiny and short")
    args = parser.parse_args()
    streamlit.config.set_option("logger.level", "error")  # no bare-mode chatter per run
    streamlit.logger.set_log_level("error")
    sizes = ["0.01", "0.02"] if args.smoke else ["0.1", "10", *(["100"] if args.full else [])]
    rounds = 2 if args.smoke else 20
    targets: list[Target] = []
    steps = [
        ("clicks through app.py", lambda: clicks(rounds)),
        ("pages across portfolio sizes", lambda: pages(sizes, 2 if args.smoke else 10)),
        ("the PDF pack", lambda: [pdf(1 if args.smoke else 5, not args.smoke)]),
        ("the command line", lambda: command_line(2 if args.smoke else 10)),
        ("cold starts in Chromium", lambda: [cold_start(1 if args.smoke else 5)]),
        ("users at once", lambda: users(3, 4.0, 2) if args.smoke else users(20, 30.0, 3)),
    ]
    for number, (name, step) in enumerate(steps, start=1):
        print(f"[{number}/{len(steps)}] {name} ...", flush=True)
        targets += step()
        if name.startswith("pages") and not args.full and not args.smoke:
            targets.append(
                Target("every page's rerun at 60,003 vs 63 assessments (--full)", None, 1.3)
            )
    print(table(targets))
    return 0


if __name__ == "__main__":
    sys.exit(main())
