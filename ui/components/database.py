"""The app's handle on the database: opened once per process, with a plain message if it fails.

A SQLite database is brought up to date on start (one user, one file, nothing to coordinate).
A shared PostgreSQL database is upgraded on purpose with `iso10002 db upgrade`, so several app
processes never race to migrate it; until then the app says what to run.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from assessment.errors import DatabaseUnavailable
from assessment.settings import database_url
from assessment.storage.schema import (
    current_revision,
    head_revision,
    is_newer_schema,
    newer_schema_message,
)
from assessment.storage.store import Store


def _open(url: str) -> Store:
    store = Store.open(url, upgrade=url.startswith("sqlite"))
    where = store.engine.url.render_as_string(hide_password=True)
    current, head = current_revision(store.engine), head_revision()
    if current != head:
        store.dispose()
        if is_newer_schema(current):
            raise DatabaseUnavailable(newer_schema_message(where, str(current)))
        raise DatabaseUnavailable(
            f"The database at {where} is at schema revision {current or 'empty'}; this version "
            f"needs {head}. Run `iso10002 db upgrade` (after a backup), then reload this page."
        )
    return store


@st.cache_resource(show_spinner="Opening the database…")
def _cached_store(url: str) -> Store:
    return _open(url)


def app_store() -> Store:
    """The configured store; on failure show why and stop the page (never a traceback)."""
    url = database_url()
    try:
        return _cached_store(url)
    except DatabaseUnavailable as error:
        reason = str(error)
    except SQLAlchemyError as error:
        detail = getattr(error, "orig", None) or error
        reason = f"The database cannot be opened: {type(error).__name__}: {detail}"
    except OSError as error:
        reason = f"The data folder cannot be used: {error}"
    st.error(
        f"{reason}\n\nCheck `DATABASE_URL` and `ISO10002_DATA_DIR` (see the README's Configuration)."
    )
    st.stop()
    raise AssertionError("st.stop() returns only in tests")  # pragma: no cover
