"""The databases a portfolio is seeded into and measured on: what differs between SQLite (a
temporary folder) and PostgreSQL (a schema of its own, dropped afterwards, also on failure).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, make_url, select, text

from assessment.checklist.loader import find_checklist
from assessment.services.assessment_rows import store_snapshot
from assessment.storage.store import Store
from assessment.storage.tables import Base
from support.portfolio_seed import (
    COLUMNS,
    POSTGRES_CODEC,
    POSTGRES_URL,
    SQLITE_CODEC,
    Codec,
    PostgresSink,
    Seeder,
    Sink,
    SqliteSink,
)


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
