"""`iso10002 db ...`: bring the database schema up to date, or say where it stands."""

from __future__ import annotations

import click
from sqlalchemy.exc import SQLAlchemyError

from assessment.cli.errors import reports_errors
from assessment.cli.output import say
from assessment.services.vault_access import open_vault, vault_errors
from assessment.settings import database_url
from assessment.storage.database import make_engine
from assessment.storage.schema import (
    current_revision,
    head_revision,
    is_newer_schema,
    newer_schema_message,
    upgrade_database,
)


def _where(url: str) -> str:
    return make_engine(url).url.render_as_string(hide_password=True)


@click.group()
def db() -> None:
    """Database schema: upgrade, status and a health check."""


@db.command("upgrade")
def upgrade() -> None:
    """Apply every pending schema migration (the app does this on start for SQLite)."""
    url = database_url()
    try:
        before, after = upgrade_database(make_engine(url))
    except SQLAlchemyError as error:
        say(
            f"error: cannot upgrade the database at {_where(url)}: {error.__class__.__name__}: {error.orig if hasattr(error, 'orig') else error}",
            err=True,
        )
        raise SystemExit(1) from None
    if before == after:
        say(f"database at {_where(url)} is up to date (revision {after})")
    else:
        say(f"database at {_where(url)} upgraded from {before or 'empty'} to {after}")


@db.command("status")
def status() -> None:
    """Show the schema revision of the database and the newest one this version knows."""
    url = database_url()
    try:
        current = current_revision(make_engine(url))
    except SQLAlchemyError as error:
        say(
            f"error: cannot open the database at {_where(url)}: {error.__class__.__name__}",
            err=True,
        )
        raise SystemExit(1) from None
    say(f"database: {_where(url)}\nrevision: {current or 'empty'} (newest: {head_revision()})")


@db.command("check")
@reports_errors
def check() -> None:
    """Health check of a deployment: the database answers at this version's schema and the
    evidence store answers. Exit 0 when both do, 1 (with the reason) when not."""
    url = database_url()
    try:
        current = current_revision(make_engine(url))
    except SQLAlchemyError as error:
        say(
            f"error: the database at {_where(url)} does not answer: {error.__class__.__name__}",
            err=True,
        )
        raise SystemExit(1) from None
    if is_newer_schema(current):
        say(f"error: {newer_schema_message(_where(url), str(current))}", err=True)
        raise SystemExit(1)
    if current != head_revision():
        say(
            f"error: the database at {_where(url)} is at schema revision {current or 'empty'}; "
            f"this version needs {head_revision()}: run `iso10002 db upgrade`",
            err=True,
        )
        raise SystemExit(1)
    vault = open_vault()
    with vault_errors():
        vault.check_reachable()
    say(
        f"ok: database {_where(url)} at revision {current}; evidence store {vault.location} answers"
    )
