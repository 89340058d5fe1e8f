"""Load/validate the 2018 checklist, and score a synthetic 2,000-criterion checklist.

Run on demand: `.venv/bin/python benchmarks/bench_checklists.py [--smoke]` (figures are printed;
nothing is asserted, because speed targets do not belong in the test suite). Each timing prints
one line: its median and minimum in ms over its runs, after one warm-up. `--smoke` is a check
that the benchmark still runs, in about a second: a 160-criterion synthetic checklist and 3 runs
of each timing; its figures are real but say nothing of speed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from assessment.checklist.loader import checklist_from_text, load_checklist
from assessment.scoring.engine import score_assessment
from assessment.workflow.response import Response

ROOT = Path(__file__).resolve().parent.parent


def timed(label: str, work: Callable[[], object], runs: int) -> None:
    work()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
    print(
        f"{label:<58} median {statistics.median(samples):8.2f} ms   min {min(samples):8.2f} ms   ({runs} run{'s' if runs != 1 else ''})"
    )


def synthetic_checklist_text(fanout: tuple[int, ...] = (5, 2, 4, 5, 2), per_leaf: int = 5) -> str:
    """5 levels of clauses (sections, then 4 levels below) with 2,000 criteria at the leaves.

    `fanout` is the number of clauses at each level, `per_leaf` the criteria of each leaf clause
    (at most 10): the defaults make 5 x 2 x 4 x 5 x 2 = 400 leaves of 5.
    """
    counter = 0

    def clause(ref: str, depth: int) -> dict:
        nonlocal counter
        node: dict = {"ref": ref, "title": f"Clause {ref}", "weight": 1 + depth % 2}
        if depth < len(fanout):
            node["clauses"] = [clause(f"{ref}.{i}", depth + 1) for i in range(1, fanout[depth] + 1)]
        else:
            node["criteria"] = []
            for letter in "abcdefghij"[:per_leaf]:
                counter += 1
                node["criteria"].append(
                    {
                        "id": f"{ref}.{letter}",
                        "question": f"Question {counter}?",
                        "evidence": ["a record"],
                        "weight": 1 + counter % 3,
                        "essential": counter % 7 == 0,
                    }
                )
        return node

    tree = [clause(str(s), 1) for s in range(1, fanout[0] + 1)]
    document = {
        "format": "iso10002-checklist/1",
        "id": "synthetic",
        "title": "Synthetic",
        "standard": "ISO 10002",
        "edition": "bench",
        "version": 1,
        "clauses": tree,
    }
    return yaml.safe_dump(document, sort_keys=False)


# Smoke mode: 2 clauses at each of the 5 levels, 32 leaves of 5 criteria.
SMOKE_FANOUT = (2, 2, 2, 2, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--smoke", action="store_true", help="does it still run? 160 criteria, 3 runs each"
    )
    smoke = parser.parse_args().smoke
    many, few = (3, 3) if smoke else (30, 5)

    path = ROOT / "checklists" / "iso10002-2018.yaml"
    timed("load + validate iso10002-2018.yaml (139 criteria)", lambda: load_checklist(path), many)

    text = synthetic_checklist_text(SMOKE_FANOUT) if smoke else synthetic_checklist_text()
    synthetic = checklist_from_text(text, "synthetic.yaml")
    count = len(synthetic.criteria)
    depth = 1 + max(e.depth for e in synthetic.walk())
    print(
        f"synthetic checklist: {count} criteria, {depth} levels of clauses, {len(text) // 1024} KiB of YAML"
    )
    timed(
        f"load + validate synthetic ({count} criteria)",
        lambda: checklist_from_text(text, "synthetic.yaml"),
        few,
    )

    rng = random.Random(10002)
    responses = {}
    for criterion in synthetic.criteria:
        roll = rng.random()
        if roll < 0.1:
            responses[criterion.id] = Response(not_applicable="not relevant")
        elif roll < 0.9:
            responses[criterion.id] = Response(score=rng.randint(0, 5))
    timed(
        f"score synthetic ({len(responses)} of {count} answered)",
        lambda: score_assessment(synthetic, responses),
        many,
    )


if __name__ == "__main__":
    main()
