"""A person's own settings of the app (presentation mode), kept in the database.

A consultant turns presentation mode on once and finds it on again in the next workshop, on
any browser: so it is stored per person, not per browser. Each person reads and writes only
their own; nothing here needs a role.
"""

from __future__ import annotations

from enum import StrEnum

from assessment.access.roles import Actor
from assessment.errors import InvalidChange
from assessment.storage.store import Store
from assessment.storage.tables import UserPreference

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = [
    "Preference",
    "preference_on",
    "set_preference",
]


class Preference(StrEnum):
    PRESENTATION_MODE = "presentation_mode"


_TRUE, _FALSE = "on", "off"


def _owner(actor: Actor) -> str:
    """An account by its id (a renamed person keeps their settings); single-user mode by name."""
    return f"user:{actor.user_id}" if actor.user_id is not None else f"local:{actor.name}"[:220]


def preference_on(store: Store, actor: Actor, preference: Preference) -> bool:
    """Whether the person turned this setting on (off until they do)."""
    with store.transaction() as session:
        row = session.get(UserPreference, (_owner(actor), preference.value))
        return row is not None and row.value == _TRUE


def set_preference(store: Store, actor: Actor, preference: Preference, on: bool) -> None:
    """Turn the person's own setting on or off."""
    if not isinstance(preference, Preference):
        raise InvalidChange(f"there is no setting called {preference!r}")
    with store.transaction() as session:
        key = (_owner(actor), preference.value)
        row = session.get(UserPreference, key)
        if row is None:
            session.add(UserPreference(owner=key[0], name=key[1], value=_TRUE if on else _FALSE))
        else:
            row.value = _TRUE if on else _FALSE
