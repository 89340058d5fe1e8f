"""Inserting an archive's rows into a database, at the archive's own schema revision.

Rows go into the schema they were dumped from, and the migrations then carry them to the
newest revision exactly as they carry a live database. Both restore paths use this: in the
live PostgreSQL transaction, and in the new SQLite file that replaces the live one.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    Table,
    and_,
    bindparam,
    func,
    insert,
    select,
    update,
)

from assessment.backup.archive import TABLES, Manifest
from assessment.backup.revisions import migrate
from assessment.backup.table_dump import BATCH, present_tables, read_rows
from assessment.errors import BackupError
from assessment.scoring.numbers import counted
from assessment.storage.schema import head_revision
from assessment.storage.tables import Base


def load_rows(
    connection: Connection, archive: zipfile.ZipFile, manifest: Manifest
) -> dict[str, int]:
    """Insert the backup's rows at its own schema revision, then migrate to the newest.

    Rows are inserted into the schema they were dumped from, so that every later migration
    carries them forward exactly as it carries a live database.
    """
    migrate(connection, manifest.schema_revision)
    tables = present_tables(connection)
    _refuse_missing_tables(tables, manifest)
    counts = {
        table.name: _insert_table(connection, table, archive, manifest.tables[table.name])
        for table in tables
    }
    migrate(connection, head_revision())
    if connection.dialect.name == "postgresql":
        _reset_sequences(connection)
    return counts


def _refuse_missing_tables(tables: list[Table], manifest: Manifest) -> None:
    present = {table.name for table in tables}
    if missing := sorted(present - set(manifest.tables)):
        raise BackupError(
            f"the backup has no rows for table {missing[0]!r}, which schema revision "
            f"{manifest.schema_revision} has; the archive is incomplete"
        )
    if extra := sorted(set(manifest.tables) - present):
        raise BackupError(
            f"the backup holds table {extra[0]!r}, which schema revision "
            f"{manifest.schema_revision} does not have"
        )


def _insert_table(
    connection: Connection, table: Table, archive: zipfile.ZipFile, expected: int
) -> int:
    """Insert a table's rows in batches; references to its own rows are set afterwards.

    A row may point at a row of the same table inserted after it (an assessment's baseline);
    such columns are inserted empty and filled in once every row is there, since PostgreSQL
    checks a plain foreign key at each statement.
    """
    later = _nullable_self_references(table)
    links: list[dict[str, Any]] = []
    count = 0
    for batch in _batched(read_rows(archive, table)):
        links.extend(_detach(batch, table, later))
        connection.execute(insert(table), batch)
        count += len(batch)
    if count != expected:
        raise BackupError(
            f"{TABLES}{table.name}.jsonl holds {counted(count, 'row')}, but the manifest says {expected}"
        )
    _reattach(connection, table, later, links)
    return count


def _nullable_self_references(table: Table) -> list[str]:
    return sorted(
        key.parent.name
        for key in table.foreign_keys
        if key.column.table.name == table.name and key.parent.nullable
    )


def _detach(rows: list[dict[str, Any]], table: Table, later: list[str]) -> list[dict[str, Any]]:
    """Empty the self-references of `rows` in place; returns what to set them to afterwards."""
    links = []
    for row in rows:
        if any(row[column] is not None for column in later):
            links.append(
                {f"pk_{c.name}": row[c.name] for c in table.primary_key.columns}
                | {f"to_{column}": row[column] for column in later}
            )
            row.update(dict.fromkeys(later))
    return links


def _reattach(
    connection: Connection, table: Table, later: list[str], links: list[dict[str, Any]]
) -> None:
    if not links:
        return
    where = and_(*(c == bindparam(f"pk_{c.name}") for c in table.primary_key.columns))
    values: dict[str, BindParameter[Any]] = {column: bindparam(f"to_{column}") for column in later}
    connection.execute(update(table).where(where).values(values), links)


def _batched(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _reset_sequences(connection: Connection) -> None:
    """PostgreSQL: move each id sequence past the restored ids, so new rows do not collide."""
    quote = connection.dialect.identifier_preparer.quote
    for table in Base.metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        sequence = func.pg_get_serial_sequence(quote(table.name), column.name)
        highest = select(func.max(column)).scalar_subquery()
        # setval is strict: with no rows (NULL) it leaves the sequence where TRUNCATE put it.
        connection.execute(select(func.setval(sequence, highest)))
