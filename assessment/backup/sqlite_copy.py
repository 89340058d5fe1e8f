"""SQLite's online backup API, used both ways: to take a snapshot and to swap in a restore.

Copying pages with the backup API is one transaction on each side: a snapshot holds exactly
the commits before it while writers go on, and a restored database replaces the live one so
that open connections see the old data or the new, never a mix (and keep working, which they
would not after replacing the file by a rename).
"""

from __future__ import annotations

import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event

from assessment.backup.archive import Manifest
from assessment.backup.revisions import refuse_unknown_schema
from assessment.backup.table_load import load_rows
from assessment.errors import BackupError


def sqlite_file(engine: Engine) -> Path | None:
    """The SQLite database file, or None for PostgreSQL and in-memory SQLite."""
    name = engine.url.database
    if engine.dialect.name != "sqlite" or not name or name == ":memory:":
        return None
    return Path(name)


@contextmanager
def sqlite_snapshot(engine: Engine, scratch: Path) -> Iterator[Connection]:
    """Copy the live database with SQLite's online backup API, then read the copy.

    The copy is made in one step (all pages at once), which SQLite runs as one read
    transaction: writers in WAL mode go on working and the copy holds exactly the commits that
    came before it. Reading tables one by one from the live file instead could mix states. The
    copy goes beside the archive, where the user chose to have room, not to a possibly small
    /tmp.
    """
    with tempfile.TemporaryDirectory(dir=scratch, prefix=".iso10002-backup-") as folder:
        copy = Path(folder) / "snapshot.db"
        live = engine.raw_connection()
        try:
            with closing(sqlite3.connect(copy)) as target:
                driver = live.driver_connection
                if not isinstance(driver, sqlite3.Connection):
                    raise TypeError("a SQLite snapshot needs an engine on Python's sqlite3")
                driver.backup(target)
        finally:
            live.close()
        snapshot = create_engine(f"sqlite:///{copy}")
        try:
            with snapshot.connect() as connection:
                yield connection
        finally:
            snapshot.dispose()


# --- replacing the live database through a new file -----------------------------------------


def replace_sqlite(engine: Engine, archive: zipfile.ZipFile, manifest: Manifest) -> dict[str, int]:
    """Build the restored database in a new file beside the live one, then copy it over.

    Deleting rows in place is not possible (the audit trail's triggers refuse it, as they
    should), and replacing the file by rename would leave the app's open connections on the old
    file. SQLite's backup API writes the new pages into the live database in one transaction:
    open connections see the old state or the new one.
    """
    live = sqlite_file(engine)
    if live is None:
        raise BackupError("an in-memory SQLite database cannot be replaced; restore into a file")
    with engine.connect() as connection:
        refuse_unknown_schema(connection)
    with tempfile.TemporaryDirectory(dir=live.parent, prefix=".iso10002-restore-") as folder:
        scratch = Path(folder) / "restore.db"
        counts = _build_sqlite(scratch, archive, manifest, page_size=_page_size(live))
        _copy_sqlite(scratch, live)
    return counts


def _page_size(database: Path) -> int:
    with closing(sqlite3.connect(database)) as connection:
        return int(connection.execute("PRAGMA page_size").fetchone()[0])


def _scratch_pragmas(dbapi_connection: Any, _record: Any, *, page_size: int) -> None:
    # The backup API cannot copy into a WAL database of another page size: use the live one's.
    dbapi_connection.execute(f"PRAGMA page_size = {int(page_size)}")
    dbapi_connection.execute("PRAGMA foreign_keys = ON")


def _build_sqlite(
    scratch: Path, archive: zipfile.ZipFile, manifest: Manifest, *, page_size: int
) -> dict[str, int]:
    engine = create_engine(f"sqlite:///{scratch}")
    event.listen(engine, "connect", partial(_scratch_pragmas, page_size=page_size))
    try:
        with engine.begin() as connection:
            return load_rows(connection, archive, manifest)
    finally:
        engine.dispose()


def _copy_sqlite(scratch: Path, live: Path) -> None:
    try:
        with (
            closing(sqlite3.connect(scratch)) as source,
            closing(sqlite3.connect(live, timeout=30)) as target,
        ):
            source.backup(target)
    except sqlite3.Error as error:
        raise BackupError(
            f"SQLite could not copy the restored database over {live} ({error}); it is unchanged"
        ) from None
