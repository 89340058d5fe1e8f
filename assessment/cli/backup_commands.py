"""`iso10002 backup --out FILE` and `iso10002 restore FILE [--replace]`.

Both open the configured database (DATABASE_URL, else the SQLite file in ISO10002_DATA_DIR)
without migrating it: a backup must not change what it copies (taking one before an upgrade is
the point), and a restore brings the schema to the backup's revision itself.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from assessment.backup import backup, default_evidence_dir, restore
from assessment.errors import BackupError
from assessment.storage.database import database_url
from assessment.storage.store import Store

F = TypeVar("F", bound=Callable[..., Any])


def _where() -> str:
    """The configured database for a message, with any password hidden."""
    try:
        return make_url(database_url()).render_as_string(hide_password=True)
    except ArgumentError:
        return "DATABASE_URL (not a valid database URL)"


def _reports_failures(command: F) -> F:
    """A refusal or a database failure becomes one `error: ...` line on stderr and exit 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BackupError as error:
            click.echo(f"error: {error}", err=True)
        except SQLAlchemyError as error:
            detail = getattr(error, "orig", None) or error
            click.echo(
                f"error: the database at {_where()} failed: {type(error).__name__}: {detail}",
                err=True,
            )
        raise SystemExit(1)

    return wrapper  # type: ignore[return-value]


@contextmanager
def _configured_store() -> Iterator[Store]:
    store = Store.open(database_url(), upgrade=False)
    try:
        yield store
    finally:
        store.dispose()


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
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
@_reports_failures
def backup_command(out: Path) -> None:
    """Back up the database and the evidence folder into one archive; safe while the app runs."""
    with _configured_store() as store:
        summary = backup(store, out, default_evidence_dir())
    click.echo(
        f"backed up {len(summary.tables)} tables ({summary.rows} rows) and "
        f"{summary.evidence_files} evidence files from {_where()} to {summary.path} "
        f"({_size(summary.bytes)})"
    )


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--replace",
    is_flag=True,
    help="Replace all data in a database that is not empty, its audit trail included.",
)
@_reports_failures
def restore_command(archive: Path, replace: bool) -> None:
    """Restore a backup archive into the configured database and evidence folder.

    The whole archive is checked first; the rows are written in one transaction. Without
    --replace the database must be empty.
    """
    with _configured_store() as store:
        summary = restore(store, archive, default_evidence_dir(), replace=replace)
    replaced = "; the previous data was replaced" if summary.replaced else ""
    click.echo(
        f"restored {len(summary.tables)} tables ({summary.rows} rows) and "
        f"{summary.evidence_files} evidence files ({summary.evidence_unchanged} already present) "
        f"into {_where()} from the backup of {summary.created_at} "
        f"(schema revision {summary.schema_revision}){replaced}"
    )
