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
import json
import math
import os
import random
import re
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any, Protocol

from sqlalchemy import Engine, create_engine, event, func, make_url, select, text
from sqlalchemy.engine.interfaces import DBAPICursor, ExecutionContext

import assessment.services.assessment_rows as assessment_rows
from assessment.access.roles import Actor
from assessment.checklist.loader import find_checklist
from assessment.checklist.model import Checklist
from assessment.portable.assessment_file import dump_assessment
from assessment.services.assessment_rows import store_snapshot
from assessment.services.assessments import open_assessment
from assessment.services.exchange import export_assessment
from assessment.services.responses import set_response
from assessment.storage.store import SnapshotCache, Store
from assessment.storage.tables import Assessment, Base, ResponseRow
from assessment.workflow.response import Response

POSTGRES_URL = os.environ.get(
    "ISO10002_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SEED = 10002
ACTOR = Actor.local_admin("benchmark")  # the services check who acts; an administrator sees all
CHUNK = 1_000  # assessments per bulk-load transaction (~125k responses)

# Column order of each bulk-loaded table; rows are tuples in this order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "organization": ("id", "name", "archived", "created_at", "version"),
    "assessment": (
        "id",
        "organization_id",
        "checklist_hash",
        "title",
        "scope",
        "status",
        "team",
        "start_date",
        "end_date",
        "baseline_id",
        "archived",
        "created_at",
        "version",
    ),
    "response": (
        "id",
        "assessment_id",
        "criterion_id",
        "score",
        "not_applicable",
        "notes",
        "finding",
        "finding_reason",
        "updated_by",
        "updated_at",
        "version",
    ),
    "corrective_action": (
        "id",
        "assessment_id",
        "ref",
        "title",
        "criteria",
        "owner",
        "due",
        "status",
        "created_at",
        "version",
    ),
    "audit_event": (
        "id",
        "at",
        "actor",
        "organization_id",
        "assessment_id",
        "entity",
        "entity_key",
        "field",
        "before",
        "after",
    ),
}

SECTORS = ("Utilities", "Retail", "Health", "Insurance", "Transport", "Telecom", "Banking")
STATUSES = ("draft",) * 10 + ("in_progress",) * 45 + ("in_review",) * 10 + ("final",) * 35
SCORES = (0,) * 5 + (1,) * 10 + (2,) * 20 + (3,) * 30 + (4,) * 22 + (5,) * 13
ACTION_STATUSES = ("open",) * 4 + ("in_progress",) * 3 + ("done",) * 2 + ("verified",)
NA_REASONS = (
    "No online channel is in the scope of this assessment",
    "Complaints are not handled by contractors",
    "Single site: nothing to compare between sites",
    "Not required by the agreed scope",
)
NOTES = (
    "Sampled 20 complaints from the register; all had an acknowledgement within 2 days.",
    "Procedure exists but the intranet copy is out of date.",
    "Interviewed the complaints manager and two front-line staff.",
    "Records kept in the CRM; monthly report reviewed for the last quarter.",
    "Targets set, but the figures are not reviewed by management.",
    "Evidence seen: policy v3, training records, the annual review minutes.",
    "Partly done: the web form does not say what happens next.",
)
ACTION_TITLES = (
    "Publish the complaints procedure on the website",
    "Train front-line staff on acknowledging complaints",
    "Set and review targets for response times",
    "Add a root-cause field to the complaints register",
    "Report complaint trends to management every month",
    "Survey complainants on their satisfaction with the handling",
    "Define escalation to an independent reviewer",
)


# --------------------------------------------------------------------------------------------
# Seeding


@dataclass(frozen=True)
class Codec:
    """How one engine's bulk loader wants timestamps, dates and booleans."""

    moment: Callable[[int], object]  # from whole seconds since the epoch (UTC)
    day: Callable[[date], object]
    flag: Callable[[bool], object]


def _sqlite_moment(seconds: int) -> str:
    # SQLAlchemy's SQLite DateTime stores UTC wall-clock text with microseconds and no offset.
    return datetime.fromtimestamp(seconds, UTC).isoformat(" ", "microseconds")[:26]


SQLITE_CODEC = Codec(_sqlite_moment, date.isoformat, int)
POSTGRES_CODEC = Codec(lambda seconds: datetime.fromtimestamp(seconds, UTC), lambda d: d, bool)


class Sink(Protocol):
    def write(self, table: str, rows: list[tuple[Any, ...]]) -> None: ...
    def commit(self) -> None: ...
    def close(self) -> None: ...


class SqliteSink:
    """Raw sqlite3 executemany: SQLAlchemy Core inserts run at ~50k rows/s, this at ~170k."""

    def __init__(self, path: Path) -> None:
        # A connection of its own, without the app's per-row foreign-key checks: the rows
        # are consistent by construction and loaded parents first.
        self.connection = sqlite3.connect(path)
        self.connection.execute("PRAGMA synchronous=OFF")
        self.connection.execute("PRAGMA cache_size=-1048576")  # 1 GiB for index inserts
        self.connection.execute("PRAGMA foreign_keys=OFF")

    def write(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        columns = COLUMNS[table]
        marks = ", ".join("?" * len(columns))
        self.connection.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
        )

    def commit(self) -> None:
        self.connection.commit()

    def close(self) -> None:
        self.connection.close()


class PostgresSink:
    """COPY through psycopg, the fastest way into PostgreSQL (~130k rows/s here, indexes and all)."""

    def __init__(self, engine: Engine) -> None:
        self.pooled = engine.raw_connection()
        self.connection = self.pooled.driver_connection

    def write(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        statement = f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN"
        with self.connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    def commit(self) -> None:
        self.connection.commit()

    def close(self) -> None:
        self.pooled.close()  # back to the pool, rolled back if unfinished


@dataclass
class Planned:
    """What later rows of one assessment need to know about it."""

    id: int
    organization_id: int
    team: list[str]
    created: int


@dataclass
class Seeder:
    """Deterministic portfolio rows, loaded parents first, a chunk of assessments at a time."""

    scale: float
    checklist: Checklist
    codec: Codec
    seed: int = SEED
    _audit_id: int = field(default=0, init=False)
    _response_id: int = field(default=0, init=False)
    _action_id: int = field(default=0, init=False)

    def run(self, sink: Sink) -> None:
        rng = random.Random(self.seed)
        organizations = max(1, round(200 * self.scale))
        total = max(1, round(600 * self.scale))
        start = int(datetime(2021, 1, 1, tzinfo=UTC).timestamp())
        span = 4 * 365 * 86_400  # assessments are spread over four years, in id order

        org_rows, org_events = [], []
        for org in range(1, organizations + 1):
            created = start + rng.randrange(365 * 86_400)
            org_rows.append(
                (
                    org,
                    f"Organization {org:05d} {rng.choice(SECTORS)}",
                    self.codec.flag(rng.random() < 0.02),
                    self.codec.moment(created),
                    1,
                )
            )
            org_events.append(
                self._event(
                    created,
                    "admin@example.org",
                    org,
                    None,
                    "organization",
                    str(org),
                    "created",
                    None,
                    org_rows[-1][1],
                )
            )
        sink.write("organization", org_rows)

        planned: list[Planned] = []
        assessment_rows = []
        latest_of: dict[int, int] = {}
        for number in range(1, total + 1):
            org = rng.randint(1, organizations)
            created = start + (number - 1) * span // total + rng.randrange(3_600)
            team = [
                f"person{k}@org{org}.example" for k in rng.sample(range(1, 9), rng.randint(1, 4))
            ]
            status = rng.choice(STATUSES)
            begin = datetime.fromtimestamp(created, UTC).date()
            end = begin + timedelta(days=rng.randint(20, 90)) if status == "final" else None
            baseline = latest_of.get(org) if rng.random() < 0.6 else None
            latest_of[org] = number
            planned.append(Planned(number, org, team, created))
            assessment_rows.append(
                (
                    number,
                    org,
                    self.checklist.content_hash,
                    f"{begin.year} ISO 10002 self-assessment #{number}",
                    rng.choice(
                        ("Whole organization", "Customer service centre", "Online channels")
                    ),
                    status,
                    json.dumps(team),
                    self.codec.day(begin),
                    self.codec.day(end) if end else None,
                    baseline,
                    self.codec.flag(rng.random() < 0.03),
                    self.codec.moment(created),
                    rng.randint(1, 4),
                )
            )
        sink.write("assessment", assessment_rows)
        sink.write("audit_event", org_events)
        sink.commit()

        actions_of = [0] * total
        for _ in range(round(5_000 * self.scale)):
            actions_of[rng.randrange(total)] += 1

        began = time.perf_counter()
        for first in range(0, total, CHUNK):
            chunk = planned[first : first + CHUNK]
            responses: list[tuple[Any, ...]] = []
            actions: list[tuple[Any, ...]] = []
            events: list[tuple[Any, ...]] = []
            for item in chunk:
                self._assessment_rows(
                    rng, item, actions_of[item.id - 1], responses, actions, events
                )
            sink.write("response", responses)
            sink.write("corrective_action", actions)
            sink.write("audit_event", events)
            sink.commit()
            done = first + len(chunk)
            if self.scale > 1 and done % (total // 10) < CHUNK:
                print(
                    f"    {done:>7,} of {total:,} assessments loaded ({time.perf_counter() - began:6.1f} s)",
                    flush=True,
                )

    def _event(
        self,
        at: int,
        actor: str,
        org: int | None,
        assessment: int | None,
        entity: str,
        key: str,
        name: str,
        before: object,
        after: object,
    ) -> tuple[Any, ...]:
        self._audit_id += 1
        return (
            self._audit_id,
            self.codec.moment(at),
            actor,
            org,
            assessment,
            entity,
            key,
            name,
            json.dumps(before),
            json.dumps(after),
        )

    def _assessment_rows(
        self,
        rng: random.Random,
        item: Planned,
        action_count: int,
        responses: list[tuple[Any, ...]],
        actions: list[tuple[Any, ...]],
        events: list[tuple[Any, ...]],
    ) -> None:
        """80 to 100 % of the criteria answered, a few N/A, some notes; one audit event per answer."""
        criteria = self.checklist.criteria
        events.append(
            self._event(
                item.created,
                item.team[0],
                item.organization_id,
                item.id,
                "assessment",
                str(item.id),
                "created",
                None,
                f"assessment #{item.id}",
            )
        )
        answered = sorted(
            rng.sample(range(len(criteria)), round(len(criteria) * rng.uniform(0.8, 1.0)))
        )
        weak: list[str] = []
        for index in answered:
            criterion_id = criteria[index].id
            at = item.created + rng.randrange(60 * 86_400)
            actor = item.team[rng.randrange(len(item.team))]
            score: int | None = None
            not_applicable = finding = finding_reason = None
            if rng.random() < 0.04:
                not_applicable = rng.choice(NA_REASONS)
            else:
                score = SCORES[rng.randrange(len(SCORES))]
                if score <= 2:
                    weak.append(criterion_id)
                if rng.random() < 0.01:
                    finding, finding_reason = "ofi", "Auditor's judgement after the site visit"
            notes = rng.choice(NOTES) if rng.random() < 0.3 else ""
            self._response_id += 1
            responses.append(
                (
                    self._response_id,
                    item.id,
                    criterion_id,
                    score,
                    not_applicable,
                    notes,
                    finding,
                    finding_reason,
                    actor,
                    self.codec.moment(at),
                    1 if rng.random() < 0.85 else 2,
                )
            )
            name, value = (
                ("score", score) if score is not None else ("not_applicable", not_applicable)
            )
            events.append(
                self._event(
                    at,
                    actor,
                    item.organization_id,
                    item.id,
                    "response",
                    criterion_id,
                    name,
                    None,
                    value,
                )
            )
        pool = weak or [criteria[i].id for i in answered]
        for number in range(1, action_count + 1):
            self._action_id += 1
            created = item.created + rng.randrange(90 * 86_400)
            due = datetime.fromtimestamp(created, UTC).date() + timedelta(days=rng.randint(30, 180))
            actions.append(
                (
                    self._action_id,
                    item.id,
                    f"A{number}",
                    rng.choice(ACTION_TITLES),
                    json.dumps(rng.sample(pool, min(len(pool), rng.randint(1, 2)))),
                    item.team[rng.randrange(len(item.team))],
                    self.codec.day(due),
                    rng.choice(ACTION_STATUSES),
                    self.codec.moment(created),
                    1,
                )
            )


# --------------------------------------------------------------------------------------------
# Databases


class Target:
    """One database to seed and measure: what differs between SQLite and PostgreSQL."""

    engine_name: str
    codec: Codec

    def __init__(self, store: Store) -> None:
        self.store = store

    def sink(self) -> Sink:
        raise NotImplementedError

    def after_seed(self) -> None:
        """Statistics for the planner, as a database in use would have them."""
        raise NotImplementedError

    def size_bytes(self) -> int:
        raise NotImplementedError

    def explain(self, statement: str, parameters: Any) -> list[str]:
        raise NotImplementedError


class SqliteTarget(Target):
    engine_name = "sqlite"
    codec = SQLITE_CODEC

    def __init__(self, store: Store, path: Path) -> None:
        super().__init__(store)
        self.path = path

    def sink(self) -> Sink:
        return SqliteSink(self.path)

    def after_seed(self) -> None:
        with self.store.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.exec_driver_sql("PRAGMA optimize")
        with self.store.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.path.parent.iterdir())

    def explain(self, statement: str, parameters: Any) -> list[str]:
        with self.store.engine.connect() as connection:
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            return [str(row[-1]) for row in rows]


class PostgresTarget(Target):
    engine_name = "postgresql"
    codec = POSTGRES_CODEC

    def __init__(self, store: Store, schema: str) -> None:
        super().__init__(store)
        self.schema = schema

    def sink(self) -> Sink:
        return PostgresSink(self.store.engine)

    def after_seed(self) -> None:
        with self.store.engine.begin() as connection:
            for table in COLUMNS:  # ids were given explicitly: move the sequences past them
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                    )
                )
        # VACUUM as autovacuum would have by now (hint bits, visibility map), and ANALYZE.
        with self.store.engine.connect().execution_options(
            isolation_level="AUTOCOMMIT"
        ) as connection:
            connection.exec_driver_sql("VACUUM (ANALYZE)")

    def size_bytes(self) -> int:
        with self.store.engine.connect() as connection:
            return int(
                connection.scalar(
                    text(
                        "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                        "JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE n.nspname = :schema AND c.relkind = 'r'"
                    ),
                    {"schema": self.schema},
                )
            )

    def explain(self, statement: str, parameters: Any) -> list[str]:
        # SELECTs run for real to show rows and buffers touched; writes are only planned.
        analyze = "(ANALYZE, BUFFERS, TIMING OFF) " if statement.startswith("SELECT") else ""
        with self.store.engine.connect() as connection:
            rows = connection.exec_driver_sql(f"EXPLAIN {analyze}{statement}", parameters)
            plan = [str(row[0]) for row in rows]
            connection.rollback()
        return plan


def postgres_reason() -> str | None:
    """Why PostgreSQL cannot be benchmarked here, or None when a server answers."""
    try:
        engine = create_engine(POSTGRES_URL)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # any failure to connect means: skip it and say why
        return f"no PostgreSQL at {POSTGRES_URL} ({type(error).__name__}: {str(error).strip().splitlines()[0]})"
    return None


@contextlib.contextmanager
def sqlite_target() -> Iterator[Target]:
    with tempfile.TemporaryDirectory(prefix="bench_portfolio_") as folder:
        path = Path(folder) / "iso10002.db"
        store = Store.open(f"sqlite:///{path}")
        try:
            yield SqliteTarget(store, path)
        finally:
            store.dispose()


@contextlib.contextmanager
def postgres_target() -> Iterator[Target]:
    """A schema of our own, dropped afterwards whatever happens (like tests/conftest.py)."""
    schema = f"bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL)
    store: Store | None = None
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        store = Store.open(url.render_as_string(hide_password=False))
        yield PostgresTarget(store, schema)
    finally:
        if store is not None:
            store.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


# --------------------------------------------------------------------------------------------
# Measuring


@dataclass(frozen=True)
class Figures:
    median: float
    p95: float

    def __str__(self) -> str:
        return f"{self.median:7.2f} /{self.p95:7.2f}"


def percentile(samples: Sequence[float], share: float) -> float:
    """Nearest-rank percentile: with 30 runs, p95 is the second slowest."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


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


def row_counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as connection:
        return {
            table.name: int(connection.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


@dataclass(frozen=True)
class Seeded:
    counts: dict[str, int]
    size: int
    load_seconds: float
    stats_seconds: float


def seed_portfolio(target: Target, scale: float, seed: int) -> Seeded:
    """Snapshot through the service, then bulk rows, then planner statistics."""
    checklist = find_checklist("iso10002-2018")
    with target.store.transaction() as session:
        store_snapshot(session, checklist)
    print(f"\n== {target.engine_name} {scale:g}x: seeding", flush=True)
    started = time.perf_counter()
    sink = target.sink()
    try:
        Seeder(scale, checklist, target.codec, seed).run(sink)
    finally:
        sink.close()
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    target.after_seed()
    stats = time.perf_counter() - started
    counts = row_counts(target.store)
    size = target.size_bytes()
    print(
        f"   loaded in {loaded:.1f} s, statistics in {stats:.1f} s; {size / 2**30:.2f} GiB; "
        + ", ".join(f"{table} {count:,}" for table, count in counts.items())
    )
    return Seeded(counts, size, loaded, stats)


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
