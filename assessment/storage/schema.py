"""Bring a database to the newest schema through the Alembic migrations, never by create_all.

Several app processes, or `iso10002 db upgrade` run from two terminals, may start on one
database at the same moment. The upgrade therefore runs under a database lock, taken before the
schema revision is read: on PostgreSQL a transaction-scoped advisory lock, on SQLite the file's
write lock (`BEGIN IMMEDIATE`). Whoever comes second waits, then finds the schema up to date and
does nothing. A database upgraded by a newer version of the toolkit is refused with a plain
message, never half-understood.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from assessment import __version__
from assessment.errors import DatabaseUnavailable

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# The key of PostgreSQL's advisory lock held while the schema is upgraded ("ISO 10002" in hex
# digits, so that it is recognisable in pg_locks). Any other process upgrading waits on it.
SCHEMA_LOCK_KEY = 0x150_10002


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option(
        "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
    )
    return config


@cache
def known_revisions() -> tuple[str, ...]:
    """This version's schema revisions, oldest first (the migrations form one line).

    Cached: the migrations shipped with the code cannot change while it runs.
    """
    script = ScriptDirectory(str(MIGRATIONS))
    return tuple(revision.revision for revision in reversed(list(script.walk_revisions())))


def head_revision() -> str:
    return known_revisions()[-1]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_newer_schema(revision: str | None) -> bool:
    """A revision this version has no migration for: a newer version of the toolkit wrote it."""
    return revision is not None and revision not in known_revisions()


def newer_schema_message(where: str, revision: str) -> str:
    return (
        f"The database at {where} is at schema revision {revision}, which this version of "
        f"iso10002 ({__version__}) does not know: a newer version has upgraded it. Run that "
        "newer version (every app process and command on this database must be upgraded "
        "together); this one changes nothing."
    )


def upgrade_database(engine: Engine) -> tuple[str | None, str]:
    """Apply every pending migration in one transaction, under the schema lock; returns the
    revision before and after. A database at a revision this version does not know raises
    DatabaseUnavailable and is left as it was."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        _take_schema_lock(connection)
        before = MigrationContext.configure(connection).get_current_revision()
        if is_newer_schema(before):
            where = engine.url.render_as_string(hide_password=True)
            raise DatabaseUnavailable(newer_schema_message(where, str(before)))
        if before != head_revision():
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    return before, head_revision()


def _take_schema_lock(connection: Connection) -> None:
    """Wait for any other upgrade of this database to finish; held until this one commits."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        # The write lock at once (busy_timeout lets a second process wait for it), rather than
        # the driver's BEGIN at the first write, after the revision has been read.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
