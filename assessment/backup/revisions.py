"""The schema revisions this version knows, and moving a database between them.

A backup is written and read at the schema revision of the database it came from; backup and
restore both refuse a revision this version has no migration for, rather than leave out or
misplace tables it does not know.
"""

from __future__ import annotations

from alembic import command
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection

from assessment import __version__
from assessment.errors import BackupError
from assessment.storage.schema import alembic_config, known_revisions


def source_revision(connection: Connection) -> str:
    """The schema revision of the database being backed up; one this version must know.

    A database upgraded by a newer version may hold tables this version does not know of, and
    leaving them out silently would make an incomplete backup.
    """
    revision = MigrationContext.configure(connection).get_current_revision()
    if revision is None:
        raise BackupError("the database has no schema yet, so there is nothing to back up")
    if revision not in known_revisions():
        raise BackupError(
            f"the database is at schema revision {revision}, which this version of iso10002 "
            f"({__version__}) does not know; back it up with the newer version that upgraded it"
        )
    return revision


def refuse_unknown_schema(connection: Connection) -> None:
    current = MigrationContext.configure(connection).get_current_revision()
    if current is not None and current not in known_revisions():
        raise BackupError(
            f"the database is at schema revision {current}, which this version of iso10002 "
            f"({__version__}) does not know; restore with the newer version that upgraded it"
        )


def migrate(connection: Connection, revision: str) -> None:
    """Bring the schema on this connection to `revision`, up or down, inside its transaction."""
    current = MigrationContext.configure(connection).get_current_revision()
    if current == revision:
        return
    config = alembic_config(connection.engine)
    config.attributes["connection"] = connection
    order = known_revisions()
    if current is None or order.index(current) < order.index(revision):
        command.upgrade(config, revision)
    else:  # only ever on empty tables: the target was checked empty or truncated
        command.downgrade(config, revision)
