"""`restore`: an archive back into the database and the evidence store, all rows or none.

Restore checks the whole archive before it touches anything, writes all rows in one
transaction (all or nothing), and only then writes evidence files.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, func, inspect, select, text

from assessment.backup.archive import Manifest, checked_manifest, open_archive
from assessment.backup.evidence import evidence_targets, restore_evidence
from assessment.backup.revisions import refuse_unknown_schema
from assessment.backup.sqlite_copy import replace_sqlite
from assessment.backup.table_dump import refuse_unsupported_engine
from assessment.backup.table_load import load_rows
from assessment.errors import BackupError
from assessment.scoring.numbers import counted
from assessment.services.vault_access import vault_at
from assessment.storage.store import Store
from assessment.storage.tables import Base
from evidence.vault import Vault


@dataclass(frozen=True)
class RestoreSummary:
    """What a restore wrote; evidence files already present with the same content are kept."""

    tables: dict[str, int]
    evidence_files: int
    evidence_unchanged: int
    schema_revision: str
    created_at: str
    replaced: bool

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def restore(
    store: Store,
    archive_path: Path | str,
    evidence: Path | Vault | None = None,
    *,
    replace: bool = False,
) -> RestoreSummary:
    """Restore an archive into the store's database and the evidence store (the configured one,
    or `evidence`: a vault or a folder).

    The whole archive is checked first. Then all rows are written in one transaction: on
    PostgreSQL inside the live database (with `replace`, after TRUNCATE ... RESTART IDENTITY,
    which does not fire the audit trail's row triggers: a restore replaces the whole history
    with the backup's); on SQLite with `replace`, into a new file that SQLite's backup API then
    copies over the live one in one step, so the app sees the old data or the new, never a mix.
    Without `replace` the database must hold no rows at all. Evidence files come last, each
    through a temporary file and a rename.
    """
    vault = vault_at(evidence)
    refuse_unsupported_engine(store.engine)
    with open_archive(Path(archive_path)) as archive:
        manifest = checked_manifest(archive)
        names = evidence_targets(manifest, vault)
        tables = _restore_database(store.engine, archive, manifest, replace=replace)
        written, unchanged = restore_evidence(archive, manifest, vault, names)
    return RestoreSummary(
        tables=tables,
        evidence_files=written,
        evidence_unchanged=unchanged,
        schema_revision=manifest.schema_revision,
        created_at=manifest.created_at,
        replaced=replace,
    )


def _restore_database(
    engine: Engine, archive: zipfile.ZipFile, manifest: Manifest, *, replace: bool
) -> dict[str, int]:
    """Write the rows; a failure leaves the database's rows as they were.

    Without `replace` the emptiness check runs in the same transaction as the inserts, so
    nobody can add a row in between. SQLite commits schema changes (DDL) as it goes, so a
    refused restore into a brand-new SQLite file can leave it with the empty newest schema,
    which is what opening it with the app would have made anyway.
    """
    if replace and engine.dialect.name == "sqlite":
        return replace_sqlite(engine, archive, manifest)
    with engine.begin() as connection:
        refuse_unknown_schema(connection)
        if replace:
            _truncate_all(connection)
        else:
            _refuse_if_holds_data(connection)
        return load_rows(connection, archive, manifest)


def _row_counts(connection: Connection) -> dict[str, int]:
    present = set(inspect(connection).get_table_names())
    return {
        table.name: connection.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
        if table.name in present
    }


def _refuse_if_holds_data(connection: Connection) -> None:
    """Restoring next to existing rows would mix two histories (and clash on ids)."""
    counts = _row_counts(connection)
    total = sum(counts.values())
    if total:
        organizations = counts.get("organization", 0)
        raise BackupError(
            f"the database already holds data ({counted(organizations, 'organization')}, "
            f"{counted(total, 'row')} in all); restore "
            "into an empty database, or pass --replace to replace all of its data with the backup"
        )


def _truncate_all(connection: Connection) -> None:
    """PostgreSQL: empty every table of the schema and restart its id sequences, in the transaction."""
    present = set(inspect(connection).get_table_names())
    quote = connection.dialect.identifier_preparer.quote
    names = [quote(table.name) for table in Base.metadata.sorted_tables if table.name in present]
    if names:
        # Identifiers only, from our own metadata and quoted: there is no Core construct for it.
        statement = f"TRUNCATE TABLE {', '.join(names)} RESTART IDENTITY CASCADE"
        connection.execute(text(statement))
