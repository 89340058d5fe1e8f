"""Load/validate the 2018 checklist, and score a synthetic 2,000-criterion checklist.

Run on demand: `.venv/bin/python benchmarks/bench_checklists.py` (figures are printed; nothing
is asserted, because speed targets do not belong in the test suite).
"""

from __future__ import annotations

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
        f"{label:<58} median {statistics.median(samples):8.2f} ms   min {min(samples):8.2f} ms   ({runs} runs)"
    )


def synthetic_checklist_text(fanout: tuple[int, ...] = (5, 2, 4, 5, 2), per_leaf: int = 5) -> str:
    """5 levels of clauses (sections, then 4 levels below) with 2,000 criteria at the leaves."""
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


def main() -> None:
    path = ROOT / "checklists" / "iso10002-2018.yaml"
    timed("load + validate iso10002-2018.yaml (139 criteria)", lambda: load_checklist(path), 30)

    text = synthetic_checklist_text()
    synthetic = checklist_from_text(text, "synthetic.yaml")
    count = len(synthetic.criteria)
    depth = 1 + max(e.depth for e in synthetic.walk())
    print(
        f"synthetic checklist: {count} criteria, {depth} levels of clauses, {len(text) // 1024} KiB of YAML"
    )
    timed(
        f"load + validate synthetic ({count} criteria)",
        lambda: checklist_from_text(text, "synthetic.yaml"),
        5,
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
        30,
    )


if __name__ == "__main__":
    main()
