"""Rows as engine-neutral JSON lines, and back, by each column's type.

One JSON object per row: dates and times as ISO text, timestamps in UTC (which is how the
schema stores them), decimals as text, binary as base64. On the way back each value is decoded
by the target column's type, so a dump of SQLite loads into PostgreSQL and the other way round.
Tables are read as they are at the database's own revision (reflected, not the newest model).
"""

from __future__ import annotations

import base64
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, Table, inspect, select, types

from assessment.backup.archive import TABLES, MemberWriter
from assessment.errors import BackupError
from assessment.storage.tables import Base
from assessment.timestamps import as_utc

SUPPORTED_ENGINES = ("sqlite", "postgresql")
BATCH = 500  # rows per INSERT round trip


def refuse_unsupported_engine(engine: Engine) -> None:
    if engine.dialect.name not in SUPPORTED_ENGINES:
        raise BackupError(
            f"backup and restore work on SQLite and PostgreSQL, not on {engine.dialect.name}"
        )


def present_tables(connection: Connection) -> list[Table]:
    """The schema's tables that exist in this database, as they are there, parents first.

    Reflected rather than taken from `Base.metadata`: a database at an older revision has the
    columns of that revision, and reading or writing it with the newest columns would fail.
    """
    present = set(inspect(connection).get_table_names())
    reflected = MetaData()
    return [
        Table(declared.name, reflected, autoload_with=connection)
        for declared in Base.metadata.sorted_tables
        if declared.name in present
    ]


# --- writing rows ---------------------------------------------------------------------------


def dump_table(connection: Connection, table: Table, writer: MemberWriter) -> int:
    """Write `tables/<name>.jsonl`, one row per line, in primary-key order; returns the rows."""
    count = 0

    def lines() -> Iterator[bytes]:
        nonlocal count
        query = select(table).order_by(*table.primary_key.columns)
        # yield_per streams the rows (a server-side cursor on PostgreSQL) instead of loading
        # a whole table, the audit trail above all, into memory.
        for row in connection.execute(query.execution_options(yield_per=BATCH)).mappings():
            count += 1
            yield _encode_row(row)

    writer.add(f"{TABLES}{table.name}.jsonl", lines())
    return count


def _encode_row(row: Any) -> bytes:
    values = {column: _encode(value) for column, value in row.items()}
    return (json.dumps(values, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _encode(value: Any) -> Any:
    """A column value as JSON; JSON columns already hold JSON values and pass through."""
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


# --- reading rows ---------------------------------------------------------------------------


def read_rows(archive: zipfile.ZipFile, table: Table) -> Iterator[dict[str, Any]]:
    name = f"{TABLES}{table.name}.jsonl"
    decoders = {column.name: _decoder(column.type) for column in table.columns}
    with archive.open(name) as stream:
        for number, line in enumerate(io.TextIOWrapper(stream, encoding="utf-8"), start=1):
            yield _decode_row(f"{name} line {number}", line, decoders)


def _decode_row(
    where: str, line: str, decoders: dict[str, Callable[[Any], Any] | None]
) -> dict[str, Any]:
    try:
        data = json.loads(line)
    except ValueError:
        raise BackupError(f"{where} is not valid JSON") from None
    if not isinstance(data, dict) or set(data) != set(decoders):
        raise BackupError(f"{where} does not hold the columns of its table at this revision")
    try:
        return {column: _decoded(value, decoders[column]) for column, value in data.items()}
    except (ValueError, TypeError) as error:
        raise BackupError(f"{where} holds a value that does not fit its column: {error}") from None


def _decoded(value: Any, decode: Callable[[Any], Any] | None) -> Any:
    """A JSON value as its column takes it; null, and a value its column takes as it is, stay."""
    return value if value is None or decode is None else decode(value)


def _decoder(column_type: types.TypeEngine[Any]) -> Callable[[Any], Any] | None:
    """How to turn a JSON value back into what the target column takes (None: as it is)."""
    if isinstance(column_type, types.DateTime):
        return partial(_decode_datetime, aware=bool(column_type.timezone))
    if isinstance(column_type, types.Date):
        return date.fromisoformat
    if isinstance(column_type, types.Time):
        return time.fromisoformat
    if isinstance(column_type, types.LargeBinary):
        return base64.b64decode
    if isinstance(column_type, types.Numeric) and column_type.asdecimal:
        return Decimal
    return None


def _decode_datetime(value: str, *, aware: bool) -> datetime:
    """UTC, with its zone for a column that keeps one (PostgreSQL), without for one that does not."""
    moment = as_utc(datetime.fromisoformat(value))
    return moment if aware else moment.replace(tzinfo=None)
