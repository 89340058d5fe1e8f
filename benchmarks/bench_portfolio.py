"""Open, answer and export one assessment in a portfolio of 1x and 100x the usual size.

The promise to check: what a user feels on one assessment does not grow with the number of
assessments stored. The portfolio (200 organizations, 600 assessments on ISO 10002:2018,
5,000 actions, most criteria answered, one audit event per answer; times 100 at 100x) is
seeded with bulk loads that bypass the service layer, then the three operations are timed
through the services on assessments picked at random across the whole portfolio. The scales of
one engine are seeded side by side and timed in alternation, so that other load on the machine
does not pass for growth. Every SQL statement the operations run is timed too and its plan
printed, so a query that grows shows itself.

Run on demand (figures are printed; nothing is asserted, speed targets do not belong in the
test suite):

    .venv/bin/python benchmarks/bench_portfolio.py [--scales 1 100] [--engines sqlite postgresql] [--runs 30] [--smoke]

It prints the seeding of each scale, every statement with its plan, then a summary: per engine
and scale the median / p95 ms of opening an assessment (warm, and with the checklist not
cached), setting one response and exporting one, with the open's ratio to the smallest scale.
A scale may be a fraction (0.05 is 10 organizations and 30 assessments). `--smoke` is a check
that the benchmark still runs, in seconds: scales 0.05 and 0.1, 1 run, SQLite only (unless
--scales, --runs or --engines say otherwise); its figures are real but say nothing of speed.

SQLite runs in a temporary folder; PostgreSQL (ISO10002_TEST_POSTGRES_URL, default
postgresql+psycopg://postgres@127.0.0.1:5432/test) in a schema of its own, dropped at the end,
also on failure or Ctrl-C. Without a PostgreSQL server the run says why and goes on with SQLite.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import math
import os
import random
import re
import signal
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from sqlalchemy import Engine, event, select
from sqlalchemy.engine.interfaces import DBAPICursor, ExecutionContext
from support.portfolio_databases import (
    Seeded,
    Target,
    postgres_reason,
    postgres_target,
    seed_portfolio,
    sqlite_target,
)
from support.portfolio_seed import ACTOR, SEED
from support.stats import percentile

import assessment.services.assessment_rows as assessment_rows
from assessment.portable.assessment_file import dump_assessment
from assessment.services.assessments import open_assessment
from assessment.services.exchange import export_assessment
from assessment.services.responses import set_response
from assessment.storage.store import SnapshotCache
from assessment.storage.tables import Assessment, ResponseRow
from assessment.workflow.response import Response

# --------------------------------------------------------------------------------------------
# Measuring


@dataclass(frozen=True)
class Figures:
    median: float
    p95: float

    def __str__(self) -> str:
        return f"{self.median:7.2f} /{self.p95:7.2f}"


Prepare = Callable[[], Callable[[], object]]


def measure(runs: int, prepares: dict[float, Prepare]) -> dict[float, Figures]:
    """Time one operation at every scale, alternating scales run by run.

    A busy spell on the machine (other people's tests) then falls on every scale alike instead
    of passing for growth. `prepare` picks the next assessment (untimed) and returns the work.
    """
    for prepare in prepares.values():
        prepare()()  # warm-up
    samples: dict[float, list[float]] = {scale: [] for scale in prepares}
    order = list(prepares)
    for run in range(runs):
        for scale in order if run % 2 == 0 else reversed(order):
            work = prepares[scale]()
            start = time.perf_counter()
            work()
            samples[scale].append((time.perf_counter() - start) * 1000)
    return {
        scale: Figures(statistics.median(taken), percentile(taken, 0.95))
        for scale, taken in samples.items()
    }


@contextlib.contextmanager
def cold_snapshots() -> Iterator[Callable[[], SnapshotCache]]:
    """Swap in an empty snapshot cache per run, as in a freshly started process.

    The swap is in the module whose snapshot_checklist() reads the cache; Bench.open_cold
    checks that each run filled the swapped one, so a move of the cache cannot go unnoticed.
    """
    original = assessment_rows.snapshot_cache

    def fresh() -> SnapshotCache:
        cache = SnapshotCache()
        assessment_rows.snapshot_cache = cache
        return cache

    try:
        yield fresh
    finally:
        assessment_rows.snapshot_cache = original


def short_sql(statement: str) -> str:
    """A statement in one readable line: columns and bound values elided."""
    line = " ".join(statement.split())
    line = re.sub(r"^SELECT .+? FROM ", "SELECT … FROM ", line)
    line = re.sub(r"^(INSERT INTO \w+) .*", r"\1 …", line)
    line = re.sub(r"^(UPDATE \w+ SET) .+? WHERE ", r"\1 … WHERE ", line)
    line = re.sub(r"\b\w+\.(\w+)", r"\1", line)
    return re.sub(r"%\(\w+\)s|\?", "?", line)


class StatementLog:
    """Time every statement the engine sends, to see which query (if any) grows."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.last: dict[str, Any] = {}
        self.calls = 0

    def _before(self, connection: Any, *_: Any) -> None:
        connection.info.setdefault("bench_started", []).append(time.perf_counter())

    def _after(
        self,
        connection: Any,
        _cursor: DBAPICursor,
        statement: str,
        parameters: Any,
        _context: ExecutionContext | None,
        executemany: bool,
    ) -> None:
        elapsed = (time.perf_counter() - connection.info["bench_started"].pop()) * 1000
        self.samples[statement].append(elapsed)
        if not executemany:
            self.last[statement] = parameters

    @contextlib.contextmanager
    def listening(self) -> Iterator[None]:
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        try:
            yield
        finally:
            event.remove(self.engine, "before_cursor_execute", self._before)
            event.remove(self.engine, "after_cursor_execute", self._after)


@dataclass
class Result:
    engine: str
    scale: float
    rows: int
    size: int
    seed_seconds: float
    stats_seconds: float
    open_warm: Figures
    open_cold: Figures
    set_response: Figures
    export: Figures
    statements: dict[tuple[str, str], Figures] = field(default_factory=dict)


class Bench:
    """The three operations users feel, each on assessments picked across the portfolio."""

    def __init__(self, target: Target, runs: int, seed: float) -> None:
        self.target = target
        self.store = target.store
        self.runs = runs
        self.rng = random.Random(seed)
        with self.store.transaction() as session:
            self.all_ids = list(session.scalars(select(Assessment.id)))
            self.editable_ids = list(
                session.scalars(select(Assessment.id).where(Assessment.status != "final"))
            )

    def open_warm(self) -> Callable[[], object]:
        assessment_id = self.rng.choice(self.all_ids)
        return lambda: open_assessment(self.store, ACTOR, assessment_id)

    def open_cold(self, fresh: Callable[[], SnapshotCache]) -> Callable[[], object]:
        assessment_id = self.rng.choice(self.all_ids)

        def work() -> object:
            cache = fresh()
            opened = open_assessment(self.store, ACTOR, assessment_id)
            if cache.get(opened.record.checklist_hash) is None:  # proves the run missed the cache
                raise RuntimeError("the cold open did not go through the swapped snapshot cache")
            return opened

        return work

    def set_one(self) -> Callable[[], object]:
        """An update of an answered criterion at its current version, as the open page would send."""
        assessment_id = self.rng.choice(self.editable_ids)
        with self.store.transaction() as session:
            answered = session.execute(
                select(
                    ResponseRow.criterion_id,
                    ResponseRow.version,
                    ResponseRow.score,
                    ResponseRow.notes,
                )
                .where(
                    ResponseRow.assessment_id == assessment_id,
                    ResponseRow.score.is_not(None),
                    ResponseRow.finding.is_(None),
                )
                .order_by(ResponseRow.criterion_id)
            ).all()
        criterion_id, version, score, notes = self.rng.choice(answered)
        response = Response(score=(score + self.rng.randint(1, 5)) % 6, notes=notes)
        return lambda: set_response(
            self.store, ACTOR, assessment_id, criterion_id, response, expected_version=version
        )

    def export_one(self) -> Callable[[], object]:
        assessment_id = self.rng.choice(self.all_ids)
        return lambda: dump_assessment(export_assessment(self.store, ACTOR, assessment_id))

    def profile(self) -> tuple[dict[tuple[str, str], Figures], dict[str, Any]]:
        """Per-statement medians for each operation (a second pass, so timings stay clean)."""
        found: dict[tuple[str, str], Figures] = {}
        last: dict[str, Any] = {}
        operations: dict[str, Prepare] = {
            "open": self.open_warm,
            "set response": self.set_one,
            "export": self.export_one,
        }
        for operation, prepare in operations.items():
            log = StatementLog(self.store.engine)
            for _ in range(self.runs):
                work = prepare()
                with log.listening():
                    work()
            for statement, samples in log.samples.items():
                found[(operation, statement)] = Figures(
                    statistics.median(samples), percentile(samples, 0.95)
                )
            last.update(log.last)
        return found, last


def print_statements(target: Target, scale: float, bench: Bench) -> dict[tuple[str, str], Figures]:
    statements, last = bench.profile()
    print(f"== {target.engine_name} {scale:g}x: statements (ms median / p95 per execution), plans")
    explained: set[str] = set()
    for (operation, statement), value in statements.items():
        print(f"   {operation:<13} {value}  {short_sql(statement)}")
        if statement in explained or statement.startswith("INSERT") or statement not in last:
            continue
        explained.add(statement)
        for line in target.explain(statement, last[statement]):
            print(f"{'':>34}| {line}")
    return statements


def benchmark(engine: str, scales: list[float], runs: int, seed: int) -> list[Result]:
    """Seed every scale of one engine side by side, then time them interleaved."""
    with contextlib.ExitStack() as stack:
        targets: dict[float, Target] = {}
        seeded: dict[float, Seeded] = {}
        for scale in scales:
            opened = sqlite_target() if engine == "sqlite" else postgres_target()
            targets[scale] = stack.enter_context(opened)
            seeded[scale] = seed_portfolio(targets[scale], scale, seed)

        # Other work on the machine shows up as noise in the figures, so say how busy it was.
        print(
            f"\n== {engine}: timing ({runs} runs per scale after one warm-up, scales alternating; "
            f"ms median / p95; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)",
            flush=True,
        )
        benches = {scale: Bench(target, runs, seed + scale) for scale, target in targets.items()}
        figures = {"open warm": measure(runs, {s: b.open_warm for s, b in benches.items()})}
        with cold_snapshots() as fresh:
            figures["open cold"] = measure(
                runs, {s: functools.partial(b.open_cold, fresh) for s, b in benches.items()}
            )
        figures["set response"] = measure(runs, {s: b.set_one for s, b in benches.items()})
        figures["export"] = measure(runs, {s: b.export_one for s, b in benches.items()})
        for label, by_scale in figures.items():
            print(f"   {label:<13}" + "".join(f"  {s:>4g}x {f}" for s, f in by_scale.items()))

        results = []
        for scale, target in targets.items():
            statements = print_statements(target, scale, benches[scale])
            done = seeded[scale]
            results.append(
                Result(
                    engine,
                    scale,
                    sum(done.counts.values()),
                    done.size,
                    done.load_seconds,
                    done.stats_seconds,
                    figures["open warm"][scale],
                    figures["open cold"][scale],
                    figures["set response"][scale],
                    figures["export"][scale],
                    statements,
                )
            )
        return results


# --------------------------------------------------------------------------------------------
# Report


def compact(count: int) -> str:
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f}M"
    return f"{count / 1_000:.0f}k" if count >= 10_000 else f"{count:,}"


def report(results: list[Result]) -> None:
    print("\n== Summary (ms, median / p95)")
    header = (
        f"{'engine':<10} {'scale':>5} {'rows':>6} {'seed s':>7} "
        f"{'open warm':>15} {'open cold':>15} {'set response':>15} {'export':>15} "
        f"{'open vs smallest scale (warm, cold)':>36}"
    )
    print(header)
    print("-" * len(header))
    smallest: dict[str, Result] = {}
    for result in sorted(results, key=lambda r: (r.engine, r.scale)):
        base = smallest.setdefault(result.engine, result)
        ratio = ""
        if result is not base:
            warm = result.open_warm.median / base.open_warm.median
            cold = result.open_cold.median / base.open_cold.median
            ratio = f"{warm:.2f}, {cold:.2f}"
        print(
            f"{result.engine:<10} {result.scale:>4g}x {compact(result.rows):>6} "
            f"{result.seed_seconds + result.stats_seconds:7.1f} "
            f"{result.open_warm!s:>15} {result.open_cold!s:>15} {result.set_response!s:>15} "
            f"{result.export!s:>15} {ratio:>36}"
        )

    print("\n== Per statement, median ms per execution at each scale (largest/smallest)")
    for engine in sorted(smallest):
        runs = sorted((r for r in results if r.engine == engine), key=lambda r: r.scale)
        if len(runs) < 2:
            continue
        low, high = runs[0], runs[-1]
        print(f"{engine}: {low.scale:g}x -> {high.scale:g}x")
        for key, before in low.statements.items():
            after = high.statements.get(key)
            if after is None:
                continue
            print(
                f"   {key[0]:<13} {before.median:6.3f} -> {after.median:6.3f}  "
                f"x{after.median / before.median:5.2f}  {short_sql(key[1])[:90]}"
            )


def _interrupted(_signal: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # so the `finally` that drops the PostgreSQL schema runs


def scale_arg(text: str) -> float:
    """A scale as typed: 1 or 100 stay whole numbers (their seeds as before), 0.05 is a fraction."""
    value = float(text)
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"a scale is a number above 0, not {text!r}")
    return int(value) if value.is_integer() else value


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scales", type=scale_arg, nargs="+", help="default: 1 100")
    parser.add_argument(
        "--engines",
        nargs="+",
        choices=("sqlite", "postgresql"),
        help="default: sqlite postgresql",
    )
    parser.add_argument("--runs", type=int, help="timed runs per operation and scale; default 30")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--smoke", action="store_true", help="does it still run? scales 0.05 0.1, 1 run, SQLite"
    )
    args = parser.parse_args(argv)
    scales = args.scales or ([0.05, 0.1] if args.smoke else [1, 100])
    engines = args.engines or (["sqlite"] if args.smoke else ["sqlite", "postgresql"])
    runs = args.runs if args.runs is not None else 1 if args.smoke else 30
    if runs < 1:
        parser.error("--runs must be at least 1")
    signal.signal(signal.SIGTERM, _interrupted)

    results: list[Result] = []
    for engine in engines:
        if engine == "postgresql":
            reason = postgres_reason()
            if reason:
                print(f"\n== postgresql skipped: {reason}; set ISO10002_TEST_POSTGRES_URL")
                continue
        results += benchmark(engine, sorted(set(scales)), runs, args.seed)
    report(results)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
