"""What every database command needs: the configured store, and who is acting."""

from __future__ import annotations

import getpass

from assessment.storage.database import database_url
from assessment.storage.store import Store


def command_line_actor() -> str:
    """The name the audit trail records for a command (the operating-system user)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        user = "unknown user"
    return f"{user} (command line)"


def open_store() -> Store:
    """The configured database (DATABASE_URL or the SQLite file), schema brought up to date."""
    return Store.open(database_url())
