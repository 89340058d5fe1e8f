"""`backup`: one snapshot of the database and the evidence store, written as one archive.

Consistency while the app runs: every table comes from one snapshot of the database (SQLite:
the online backup API copies the live file, WAL included, in one step; PostgreSQL: one
REPEATABLE READ, READ ONLY transaction), so an audit event is never in a backup without the
change it records. The evidence store is read after that snapshot: evidence files are only
ever added, so every file the snapshot names is already there.
"""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine

from assessment import __version__
from assessment.backup.archive import FORMAT, MANIFEST, Manifest, MemberWriter, written_atomically
from assessment.backup.evidence import dump_evidence, inside
from assessment.backup.revisions import source_revision
from assessment.backup.sqlite_copy import sqlite_file, sqlite_snapshot
from assessment.backup.table_dump import dump_table, present_tables, refuse_unsupported_engine
from assessment.errors import BackupError
from assessment.services.vault_access import vault_at
from assessment.storage.store import Store
from evidence.vault import FolderVault, Vault


@dataclass(frozen=True)
class BackupSummary:
    """What a backup wrote: rows per table, evidence files, and the archive's size in bytes."""

    path: Path
    tables: dict[str, int]
    evidence_files: int
    bytes: int

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def backup(store: Store, out: Path | str, evidence: Path | Vault | None = None) -> BackupSummary:
    """Write the database and the evidence store (the configured one, or `evidence`: a vault or
    a folder) into the zip archive `out`.

    The archive is written to a temporary file next to `out` and renamed onto it only once it
    is complete, so a failed backup never leaves a half-written archive under the requested
    name (nor destroys an older archive of that name). The file is readable by its owner only:
    it holds every organization's data.
    """
    out = Path(out)
    vault = vault_at(evidence)
    _check_backup_target(store.engine, out, vault)
    try:
        with written_atomically(out) as part:
            tables, evidence_files = _write_archive(store.engine, part, vault, scratch=out.parent)
    except OSError as error:
        raise BackupError(f"the backup failed and {out} was not written: {error}") from error
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not copy the database: {error}") from error
    return BackupSummary(out, tables, evidence_files, out.stat().st_size)


def _check_backup_target(engine: Engine, out: Path, vault: Vault) -> None:
    """Refuse targets that cannot work before writing a byte, each with the reason."""
    refuse_unsupported_engine(engine)
    if out.is_dir():
        raise BackupError(
            f"{out} is a folder; name the archive file to write, e.g. {out}/backup.zip"
        )
    if not out.parent.is_dir():
        raise BackupError(f"the folder {out.parent} does not exist")
    if isinstance(vault, FolderVault) and inside(out, vault.root):
        raise BackupError(f"the backup cannot be written inside the evidence folder {vault.root}")
    database = sqlite_file(engine)
    if database is None:
        return
    if not database.is_file():
        raise BackupError(f"there is no database at {database}, so there is nothing to back up")
    live_files = {database.resolve(), *(Path(f"{database.resolve()}{s}") for s in ("-wal", "-shm"))}
    if out.resolve() in live_files:
        raise BackupError(f"{out} is the database itself; write the backup to another file")


def _write_archive(
    engine: Engine, part: Path, vault: Vault, *, scratch: Path
) -> tuple[dict[str, int], int]:
    with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        writer = MemberWriter(archive)
        with _snapshot(engine, scratch) as connection:
            revision = source_revision(connection)
            tables = {
                table.name: dump_table(connection, table, writer)
                for table in present_tables(connection)
            }
        evidence_files = dump_evidence(vault, writer)
        manifest = Manifest(
            format=FORMAT,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            engine=engine.dialect.name,
            schema_revision=revision,
            package_version=__version__,
            tables=tables,
            members=writer.members,
        )
        archive.writestr(MANIFEST, manifest.model_dump_json(indent=2))
    return tables, evidence_files


@contextmanager
def _snapshot(engine: Engine, scratch: Path) -> Iterator[Connection]:
    """A connection that sees one consistent state of the database for as long as it is open."""
    if engine.dialect.name == "sqlite":
        with sqlite_snapshot(engine, scratch) as connection:
            yield connection
    else:
        with _postgresql_snapshot(engine) as connection:
            yield connection


@contextmanager
def _postgresql_snapshot(engine: Engine) -> Iterator[Connection]:
    """One REPEATABLE READ, READ ONLY transaction: every query in it sees the same snapshot."""
    with engine.connect() as connection:
        snapshot = connection.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
        with snapshot.begin():
            yield snapshot
