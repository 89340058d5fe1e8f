"""Time a score click and a Save on the Scoring page through app.py, against an empty script's click.

What a user feels is the whole rerun a click causes: app.py's settings check, the store, the
sign-in gate, the sidebar and the navigation, then the page. So the app is run as a user runs
it (AppTest over app.py, Scoring chosen through the navigation, single-user mode) on the demo
data, with the demo's in-progress Kestrel review open. Three clicks are timed in the same
process, round by round in turn (direction alternating, so drift falls on all alike):

- an empty script's button click: a two-line script holding one `st.button`, clicked; the
  floor Streamlit itself sets for a click;
- a score click: another score picked for the first criterion on the page (the rerun before
  anything is saved);
- a Save: that criterion saved (a write to the database, its audit event, and the rerun).

Run on demand (figures are printed; nothing is asserted):

    .venv/bin/python benchmarks/bench_clicks.py [--rounds 30] [--json] [--smoke]

It prints per click its median and 95th percentile in ms and the ratio of its median to the
empty click's (`--json`: the same as JSON on stdout). `--smoke` is a check that the benchmark
still runs, in seconds: 2 rounds (unless --rounds says otherwise); its figures are real but say
nothing of speed.
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
from pathlib import Path

import streamlit.config
import streamlit.logger
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash
from support.stats import percentile

from assessment.access.roles import Actor
from assessment.demo.builder import load_demo
from assessment.services.assessments import open_assessment
from assessment.storage.store import Store

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # app.py imports the app's package `ui`, which is not installed

EMPTY_CLICK_SCRIPT = 'import streamlit as st\nst.button("Click", key="empty")\n'
TIMEOUT = 120


class ClickFailed(Exception):
    """The app raised or showed an error: the run stops and says where."""


@dataclass(frozen=True)
class Figures:
    median_ms: float
    p95_ms: float
    ratio: float  # median / the empty click's median


def timed(app: AppTest, what: str) -> float:
    started = time.perf_counter()
    app.run(timeout=TIMEOUT)
    elapsed = (time.perf_counter() - started) * 1000
    if app.exception:
        details = "\n".join(e.message for e in app.exception)
        raise ClickFailed(f"{what} raised:\n{details}")
    if app.error:
        raise ClickFailed(f"{what} shows an error: {app.error[0].value[:200]}")
    return elapsed


@contextlib.contextmanager
def demo_folder() -> Iterator[Path]:
    """A data folder with the demo, in use by the app (single-user mode)."""
    with tempfile.TemporaryDirectory(prefix="bench_clicks_") as folder:
        os.environ["ISO10002_DATA_DIR"] = folder
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder, 'iso10002.db').resolve()}"
        os.environ["ISO10002_AUTH"] = "off"
        store = Store.open(os.environ["DATABASE_URL"])
        try:
            load_demo(store, Actor.local_admin("benchmark"))
        finally:
            store.dispose()
        yield Path(folder)


def scoring_session() -> tuple[AppTest, str, str]:
    """The app on its Scoring page: (session, score key, save key) of the first criterion.

    AppTest switches pages only by file, and the app's pages are functions (st.Page with a URL
    path), so the session is pointed at Scoring's page the way Streamlit names it: the hash of
    its URL path (AppTest's own `_page_hash`, the one private name this benchmark uses).
    """
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    timed(app, "the app's first run")
    app._page_hash = calc_hash("scoring")
    timed(app, "opening Scoring")
    if not any("SCORING" in c.value for c in app.caption):
        raise ClickFailed("the app did not open its Scoring page")
    groups = [g for g in app.button_group if g.key and g.key.endswith("_score")]
    if not groups:
        raise ClickFailed("the Scoring page shows no score buttons")
    score_key = groups[0].key
    save_key = score_key.removesuffix("_score") + "_save"
    return app, score_key, save_key


def check_saved(score_key: str, expected: int) -> None:
    """The Saves timed were real writes: the criterion holds the last score picked."""
    # scoring_<assessment id>_<criterion id>_score (ui/components/response_editor.py)
    assessment_id, criterion_id = (
        score_key.removeprefix("scoring_").removesuffix("_score").split("_", 1)
    )
    store = Store.open(os.environ["DATABASE_URL"])
    try:
        opened = open_assessment(store, Actor.local_admin("benchmark"), int(assessment_id))
    finally:
        store.dispose()
    stored = opened.responses[criterion_id].response.score
    if stored != expected:
        raise ClickFailed(f"{criterion_id} holds {stored} after the last Save, not {expected}")


def run(rounds: int) -> dict[str, Figures]:
    with demo_folder():
        empty = AppTest.from_string(EMPTY_CLICK_SCRIPT, default_timeout=TIMEOUT)
        timed(empty, "the empty script")
        app, score_key, save_key = scoring_session()
        times: dict[str, list[float]] = {"empty click": [], "score click": [], "Save": []}

        def empty_click() -> None:
            empty.button(key="empty").click()
            times["empty click"].append(timed(empty, "the empty click"))

        def score_and_save(number: int) -> None:
            (group,) = [g for g in app.button_group if g.key == score_key]
            group.select(3 if number % 2 == 0 else 4)  # always another score than the last
            times["score click"].append(timed(app, "a score click"))
            app.button(key=save_key).click()
            times["Save"].append(timed(app, "a Save"))

        for number in range(rounds):
            if number % 2 == 0:
                empty_click()
                score_and_save(number)
            else:
                score_and_save(number)
                empty_click()
        check_saved(score_key, 3 if (rounds - 1) % 2 == 0 else 4)
        floor = statistics.median(times["empty click"])
        return {
            name: Figures(
                round(statistics.median(values), 2),
                round(percentile(values, 0.95), 2),
                round(statistics.median(values) / floor, 2),
            )
            for name, values in times.items()
        }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, help="clicks of each kind; default 30 (smoke: 2)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--smoke", action="store_true", help="does it still run? 2 rounds")
    args = parser.parse_args(argv)
    rounds = args.rounds if args.rounds is not None else (2 if args.smoke else 30)
    if rounds < 1:
        parser.error("--rounds must be at least 1")
    streamlit.config.set_option("logger.level", "error")
    streamlit.logger.set_log_level("error")
    try:
        found = run(rounds)
    except ClickFailed as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"rounds": rounds, **{k: asdict(v) for k, v in found.items()}}, indent=2))
        return 0
    print(f"== clicks through app.py on the demo, ms ({rounds} of each, interleaved)")
    print(f"{'click':<14} {'median':>8} {'p95':>8} {'median/empty':>13}")
    for name, value in found.items():
        print(f"{name:<14} {value.median_ms:8.1f} {value.p95_ms:8.1f} {value.ratio:12.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
