"""`iso10002 backup --out FILE` and `iso10002 restore FILE [--replace]`.

Both open the configured database (DATABASE_URL, else the SQLite file in ISO10002_DATA_DIR)
without migrating it: a backup must not change what it copies (taking one before an upgrade is
the point), and a restore brings the schema to the backup's revision itself.
"""

from __future__ import annotations

from pathlib import Path

import click

from assessment.backup import backup, restore
from assessment.cli.errors import reports_errors
from assessment.cli.output import say
from assessment.cli.session import acting_user, configured_store, database_location
from assessment.scoring.numbers import counted
from assessment.services.guard import require_admin


def _size(count: int) -> str:
    if count < 1024:
        return counted(count, "byte")
    amount = count / 1024
    for unit in ("KiB", "MiB"):
        if amount < 1024:
            return f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{amount:.1f} GiB"


@click.command("backup")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The zip archive to write (replaced only once the new one is complete).",
)
@reports_errors
def backup_command(out: Path) -> None:
    """Back up the database and the evidence store into one archive; safe while the app runs."""
    with configured_store(upgrade=False) as store:
        require_admin(store, acting_user(store), what="back up the whole database")
        summary = backup(store, out)
    say(
        f"backed up {counted(len(summary.tables), 'table')} ({counted(summary.rows, 'row')}) and "
        f"{counted(summary.evidence_files, 'evidence file')} from {database_location()} to {summary.path} "
        f"({_size(summary.bytes)})"
    )


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--replace",
    is_flag=True,
    help="Replace all data in a database that is not empty, its audit trail included.",
)
@reports_errors
def restore_command(archive: Path, replace: bool) -> None:
    """Restore a backup archive into the configured database and evidence store.

    The whole archive is checked first; the rows are written in one transaction. Without
    --replace the database must be empty.
    """
    with configured_store(upgrade=False) as store:
        if replace:  # an empty database has no accounts to check against yet
            require_admin(store, acting_user(store), what="replace the whole database")
        summary = restore(store, archive, replace=replace)
    replaced = "; the previous data was replaced" if summary.replaced else ""
    say(
        f"restored {counted(len(summary.tables), 'table')} ({counted(summary.rows, 'row')}) and "
        f"{counted(summary.evidence_files, 'evidence file')} ({summary.evidence_unchanged} already present) "
        f"into {database_location()} from the backup of {summary.created_at} "
        f"(schema revision {summary.schema_revision}){replaced}"
    )
