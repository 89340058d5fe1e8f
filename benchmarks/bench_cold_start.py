"""Time the app's cold start in Chromium against a hello-world Streamlit app's.

A cold start is what someone meets when the app has just been started: from `streamlit run`
until the first page is drawn in the browser. Each round starts the app (on a data folder with
the demo loaded, single-user mode) and a two-line hello-world script, each in a process of its
own on a free port of 127.0.0.1, opens it in Debian's Chromium (a new browser context) and waits
until the page is completely drawn with its first words visible ("Overdue actions" on the
Portfolio, "Hello" on the other). The two alternate round by round, so drift falls on both
alike; the ratio of the medians is the price of our start above Streamlit's own.

Run on demand (figures are printed; nothing is asserted):

    .venv/bin/python benchmarks/bench_cold_start.py [--rounds 5] [--json] [--smoke]

It prints per app the median and slowest seconds from process start to drawn, split into the
server's start (until its health check answers) and the first page (browser), and the ratio of
the medians (`--json`: the same as JSON). Without Chromium at /usr/bin/chromium it says so and
exits with 1. `--smoke` is a check that the benchmark still runs, in seconds: one round; its
figures are real but say nothing of speed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the browser helpers live with the tests

from tests.browser_support import (  # noqa: E402
    CHROMIUM,
    chromium,
    data_store,
    new_page,
    served_app,
    wait_until_drawn,
)

HELLO = 'import streamlit as st\nst.title("Hello")\n'


@dataclass(frozen=True)
class Start:
    server_s: float  # process start until the health check answers
    page_s: float  # then until the first page is drawn in the browser

    @property
    def total_s(self) -> float:
        return self.server_s + self.page_s


def one_start(browser, data: Path, script: Path, expect: str) -> Start:
    started = time.perf_counter()
    with served_app(data, REPO, script=script, ISO10002_AUTH="off") as url:
        ready = time.perf_counter()
        page = new_page(browser, 1440, 900)
        try:
            page.goto(url)
            wait_until_drawn(page, expect)
        finally:
            page.context.close()
        drawn = time.perf_counter()
    return Start(ready - started, drawn - ready)


def summary(starts: list[Start]) -> dict[str, float]:
    return {
        "median_s": round(statistics.median(s.total_s for s in starts), 3),
        "slowest_s": round(max(s.total_s for s in starts), 3),
        "server_median_s": round(statistics.median(s.server_s for s in starts), 3),
        "page_median_s": round(statistics.median(s.page_s for s in starts), 3),
    }


def run(rounds: int) -> dict[str, dict[str, float]]:
    from assessment.access.roles import Actor
    from assessment.demo.builder import load_demo

    with tempfile.TemporaryDirectory(prefix="bench_cold_start_") as folder:
        data = Path(folder, "data")
        data.mkdir()
        store = data_store(data)
        try:
            load_demo(store, Actor.local_admin("benchmark"))
        finally:
            store.dispose()
        hello = Path(folder, "hello.py")
        hello.write_text(HELLO, encoding="utf-8")
        apps = {"app": (REPO / "app.py", "Overdue actions"), "hello world": (hello, "Hello")}
        starts: dict[str, list[Start]] = {name: [] for name in apps}
        with chromium() as browser:
            one_start(browser, data, hello, "Hello")  # untimed: the disk cache, the browser
            for number in range(rounds):
                for name in apps if number % 2 == 0 else reversed(list(apps)):
                    script, expect = apps[name]
                    starts[name].append(one_start(browser, data, script, expect))
    found = {name: summary(values) for name, values in starts.items()}
    found["ratio"] = {
        "median": round(found["app"]["median_s"] / found["hello world"]["median_s"], 2)
    }
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, help="starts of each app; default 5 (smoke: 1)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--smoke", action="store_true", help="does it still run? one round")
    args = parser.parse_args()
    rounds = args.rounds if args.rounds is not None else (1 if args.smoke else 5)
    if rounds < 1:
        parser.error("--rounds must be at least 1")
    if not CHROMIUM.exists():
        print(f"no Chromium at {CHROMIUM}: install Debian's chromium package", file=sys.stderr)
        return 1
    found = run(rounds)
    if args.json:
        print(json.dumps({"rounds": rounds, **found}, indent=2))
        return 0
    print(f"== cold start, s ({rounds} of each, alternating)")
    print(f"{'app':<12} {'median':>7} {'slowest':>8} {'server':>7} {'page':>6}")
    for name in ("app", "hello world"):
        f = found[name]
        print(
            f"{name:<12} {f['median_s']:7.2f} {f['slowest_s']:8.2f} "
            f"{f['server_median_s']:7.2f} {f['page_median_s']:6.2f}"
        )
    print(f"ratio        {found['ratio']['median']:6.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
