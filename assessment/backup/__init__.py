"""Backup and restore of the whole database and the evidence store (folder or S3 bucket), as one zip archive.

Why an archive of JSON lines and not a copy of the database file: a copy only goes back into
the same engine, while the usual path is from a laptop (SQLite) to a team server (PostgreSQL),
and sometimes back. The table dump is engine-neutral: one JSON object per row, dates and
timestamps as ISO text (timestamps in UTC, which is how the schema stores them), decoded by the
target column's type on the way back.

The modules, one concern each:

- `archive`: the zip format (manifest, members, checksums, safe names) and `check_archive`.
- `revisions`: which schema revisions this version knows, and migrating between them.
- `table_dump`: rows to JSON lines and back, by column type.
- `table_load`: inserting an archive's rows at its revision, then migrating them to the newest.
- `sqlite_copy`: SQLite's online backup API, to take a snapshot and to swap in a restore.
- `evidence`: the evidence store's files, into the archive and back out.
- `make_backup`: `backup`, from one snapshot of the database to a complete archive.
- `restore_backup`: `restore`, all rows in one transaction, then the evidence files.

This package never imports streamlit: the command line (and later the app) call it.
"""

from assessment.backup.archive import (
    CHUNK,
    EVIDENCE,
    FORMAT,
    MANIFEST,
    TABLES,
    Manifest,
    Member,
    check_archive,
)
from assessment.backup.make_backup import BackupSummary, backup
from assessment.backup.restore_backup import RestoreSummary, restore
from assessment.backup.table_dump import BATCH, SUPPORTED_ENGINES
from assessment.storage.schema import known_revisions

__all__ = [
    "BATCH",
    "CHUNK",
    "EVIDENCE",
    "FORMAT",
    "MANIFEST",
    "SUPPORTED_ENGINES",
    "TABLES",
    "BackupSummary",
    "Manifest",
    "Member",
    "RestoreSummary",
    "backup",
    "check_archive",
    "known_revisions",
    "restore",
]
