"""The portfolio the benchmarks measure: seeded in bulk on SQLite or PostgreSQL.

200 organizations, 600 assessments on ISO 10002:2018, 5,000 actions, most criteria answered
and one audit event per answer at 1x (a scale may be any multiple or fraction), loaded with
each engine's bulk path, bypassing the service layer; a database of its own for each run
(a temporary SQLite folder, or a PostgreSQL schema dropped afterwards). Used by
bench_portfolio.py, bench_pages.py, bench_users.py and the others that need a portfolio.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine

from assessment.access.roles import Actor
from assessment.checklist.model import Checklist

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
