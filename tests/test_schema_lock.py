"""Schema upgrades when several processes start on one database at once, and a database that a
newer version upgraded: on SQLite and on PostgreSQL, with real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from assessment.errors import DatabaseUnavailable
from assessment.storage.schema import current_revision, head_revision, upgrade_database
from assessment.storage.store import Store
from tests.conftest import postgres_schema_url

UPGRADERS = 4


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database(request, tmp_path: Path, postgres_reason) -> Iterator[str]:
    """The URL of a database with no schema at all: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'iso10002.db'}"
        return
    yield from postgres_schema_url(postgres_reason)


def test_upgrades_started_together_migrate_the_database_once(empty_database, tmp_path):
    env = {**os.environ, "DATABASE_URL": empty_database, "ISO10002_DATA_DIR": str(tmp_path)}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "assessment", "db", "upgrade"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(UPGRADERS)
    ]
    results = [(run.wait(timeout=120), *run.communicate()) for run in runs]
    assert [code for code, _, _ in results] == [0] * UPGRADERS, results
    upgraded = [out for _, out, _ in results if "upgraded from empty to" in out]
    up_to_date = [out for _, out, _ in results if "is up to date" in out]
    assert (len(upgraded), len(up_to_date)) == (1, UPGRADERS - 1), results
    engine = create_engine(empty_database)
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM alembic_version")) == 1
    finally:
        engine.dispose()


def test_a_database_upgraded_by_a_newer_version_is_refused_plainly_and_left_alone(
    empty_database,
):
    store = Store.open(empty_database)
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    with pytest.raises(DatabaseUnavailable) as refused:
        upgrade_database(store.engine)
    assert "schema revision 0099_from_the_future" in str(refused.value)
    assert "a newer version has upgraded it" in str(refused.value)
    assert current_revision(store.engine) == "0099_from_the_future"
    store.dispose()


def test_the_command_line_says_a_newer_version_upgraded_the_database(empty_database, tmp_path):
    store = Store.open(empty_database)
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    store.dispose()
    env = {**os.environ, "DATABASE_URL": empty_database, "ISO10002_DATA_DIR": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-m", "assessment", "assessments"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0
    assert "a newer version has upgraded it" in run.stderr
    assert "Traceback" not in run.stderr + run.stdout


@pytest.mark.postgres
@pytest.mark.parametrize("revision", ["0099_from_the_future", None])
def test_the_app_says_plainly_when_the_schema_is_not_this_versions(
    postgres_reason, monkeypatch, tmp_path, revision
):
    """On PostgreSQL the app does not migrate: a newer schema and a missing one each get a
    sentence saying what to do, never a traceback."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import REPO

    for url in postgres_schema_url(postgres_reason):
        store = Store.open(url, upgrade=revision is not None)
        if revision is not None:
            with store.engine.begin() as connection:
                connection.execute(
                    text("UPDATE alembic_version SET version_num = :r"), {"r": revision}
                )
        store.dispose()
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("ISO10002_DATA_DIR", str(tmp_path / "data"))
        app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
        app.run()
        assert not app.exception
        shown = " ".join(e.value for e in app.error)
        if revision is None:
            assert "is at schema revision empty" in shown
            assert "Run `iso10002 db upgrade`" in shown
        else:
            assert "a newer version has upgraded it" in shown
            assert "db upgrade" not in shown
