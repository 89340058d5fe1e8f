"""What every database command needs: the configured store, where it is, and who is acting."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from assessment.storage.database import database_url
from assessment.storage.store import Store


def command_line_actor() -> str:
    """The name the audit trail records for a command (the operating-system user)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        user = "unknown user"
    return f"{user} (command line)"


def database_location() -> str:
    """The configured database for a message, with any password hidden."""
    try:
        return make_url(database_url()).render_as_string(hide_password=True)
    except ArgumentError:
        return "DATABASE_URL (not a valid database URL)"


@contextmanager
def configured_store(*, upgrade: bool = True) -> Iterator[Store]:
    """The configured database (DATABASE_URL or the SQLite file), schema brought up to date
    unless `upgrade` is off (a backup must not change what it copies)."""
    store = Store.open(database_url(), upgrade=upgrade)
    try:
        yield store
    finally:
        store.dispose()
