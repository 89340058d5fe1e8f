"""What every database command needs: the configured store, where it is, and who is acting.

A command acts as the local administrator (named after the operating-system user) unless
`iso10002 --as USERNAME` names an account: then the same permission checks as in the app apply,
and the audit trail records that user. The command line does not ask for the password: whoever
can run it against the database already holds the database's own credentials, so `--as` is
about acting with less, never with more.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from assessment.access.roles import Actor, os_user_name
from assessment.errors import NotFound
from assessment.services.accounts import actor_for_username
from assessment.services.organizations import (
    OrganizationRecord,
    get_organization,
    organization_by_name,
)
from assessment.settings import ACT_AS, database_url
from assessment.storage.store import Store


def command_line_actor() -> str:
    """The name the audit trail records for a command (the operating-system user)."""
    return f"{os_user_name()} (command line)"


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


def acting_user(store: Store) -> Actor:
    """The actor of this command: the account named by --as (or ISO10002_AS), else the local
    administrator. Looked up once per command."""
    context = click.get_current_context(silent=True)
    root = context.find_root() if context else None
    cache = root.meta if root else {}
    actor = cache.get("iso10002.actor")  # click's meta holds anything: narrowed here
    if not isinstance(actor, Actor):
        username = (root.params.get("as_user") if root else None) or ACT_AS.text() or None
        if username:
            actor = actor_for_username(store, username)
        else:
            actor = Actor.local_admin(command_line_actor())
        cache["iso10002.actor"] = actor
    return actor


def organization_named(store: Store, actor: Actor, text: str) -> OrganizationRecord:
    """An organization as a command's ORGANIZATION argument names it: by its exact name or,
    failing that, by its id."""
    try:
        return organization_by_name(store, actor, text)
    except NotFound:
        if not text.strip().isdigit():
            raise
    return get_organization(store, actor, int(text))
