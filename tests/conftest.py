"""Shared fixtures: real files in tmp_path, built from small readable YAML texts."""

from __future__ import annotations

import os
import re
import textwrap
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from assessment.storage.store import Store
from tests.fuzz_settings import load_fuzz_profile
from tests.people import ADMIN

load_fuzz_profile()

REPO = Path(__file__).resolve().parent.parent

# A small valid checklist; tests derive faulty variants from it by text replacement.
SMALL_CHECKLIST = textwrap.dedent(
    """\
    format: iso10002-checklist/1
    id: small
    title: Small test checklist
    standard: ISO 10002
    edition: "2018"
    version: 1
    scale:
      levels:
        - {value: 0, label: None}
        - {value: 1, label: Some}
        - {value: 2, label: Partly}
        - {value: 3, label: Done}
        - {value: 4, label: Measured}
        - {value: 5, label: Improved}
      pass_threshold: 3
      major_gap: 2
    readiness: {ready_at: 0.90, conditional_at: 0.75}
    clauses:
      - ref: "4"
        title: Principles
        clauses:
          - ref: "4.1"
            title: General
            criteria:
              - id: "4.1.a"
                question: Are the principles written down?
                evidence: [Policy]
              - id: "4.1.b"
                question: Are they applied?
                weight: 2
      - ref: "7"
        title: Operation
        weight: 2
        clauses:
          - ref: "7.2"
            title: Receipt
            criteria:
              - id: "7.2.a"
                question: Is every complaint recorded?
                essential: true
                target: 4
    """
)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based number of the line holding the n-th occurrence of `needle`."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not found {occurrence} time(s)")


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


POSTGRES_URL = os.environ.get(
    "ISO10002_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_reason() -> str | None:
    """Why PostgreSQL tests cannot run here, or None when a server answers."""
    try:
        engine = create_engine(POSTGRES_URL)
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
    except Exception as error:  # any failure to connect means: skip, and say why
        return f"no PostgreSQL at {POSTGRES_URL} ({type(error).__name__}); set ISO10002_TEST_POSTGRES_URL"
    return None


@pytest.fixture(scope="session")
def postgres_reason() -> str | None:
    return _postgres_reason()


def postgres_schema_url(reason: str | None) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL schema (no tables at all), dropped afterwards."""
    if reason:
        pytest.skip(reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _postgres_store(reason: str | None) -> Iterator[Store]:
    """A store in a schema of its own, dropped afterwards, so tests never see each other's rows."""
    for url in postgres_schema_url(reason):
        store = Store.open(url)
        try:
            yield store
        finally:
            store.dispose()


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a real S3 API server (moto's, in its own process) for this test run; the
    tests that need it are skipped, with the reason, where it cannot be started."""
    from tests.object_store import s3_server

    try:
        with s3_server(tmp_path_factory.mktemp("s3")) as endpoint:
            yield endpoint
    except (RuntimeError, OSError) as error:
        pytest.skip(f"no S3 server could be started: {error}")


@pytest.fixture
def s3_settings(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """A bucket of this test's own, configured as the evidence store for this process (and
    returned, for the processes a test starts)."""
    from assessment.services.vault_access import s3_client
    from tests.object_store import S3_ENVIRONMENT, new_bucket

    settings = {
        **S3_ENVIRONMENT,
        "AWS_ENDPOINT_URL": s3_endpoint,
        "ISO10002_EVIDENCE_URL": f"s3://{new_bucket(s3_endpoint)}/evidence",
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    s3_client.cache_clear()
    yield settings
    s3_client.cache_clear()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, tmp_path: Path, postgres_reason) -> Iterator[Store]:
    """A freshly migrated database: a SQLite file in tmp_path, or a PostgreSQL schema."""
    if request.param == "sqlite":
        opened = Store.open(f"sqlite:///{tmp_path / 'iso10002.db'}")
        yield opened
        opened.dispose()
    else:
        yield from _postgres_store(postgres_reason)


def row_counts(store: Store) -> dict[str, int]:
    """Rows per table: what "nothing was written" means, checked table by table."""
    from sqlalchemy import func, select

    from assessment.storage.tables import Base

    with store.engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }


def store_url(store: Store) -> str:
    """The store's URL with its password, for a child process to open the same database."""
    return store.engine.url.render_as_string(hide_password=False)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data folder of the test's own, used as the app's and the CLI's default SQLite."""
    monkeypatch.setenv("ISO10002_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    # Page tests act as the one local user unless they sign someone in (tests of sign-in
    # and of roles set ISO10002_AUTH themselves).
    monkeypatch.setenv("ISO10002_AUTH", "off")
    return tmp_path / "data"


@pytest.fixture
def demo(data_dir: Path) -> Iterator[Store]:
    """The demo data loaded into that folder's database (assessment 2: the review in progress)."""
    from assessment.demo.builder import load_demo
    from assessment.settings import database_url

    store = Store.open(database_url())
    load_demo(store, ADMIN, complaint_register=False)  # tests of the register load it
    yield store
    store.dispose()


def unescaped(markdown: str) -> str:
    """Markdown text as the user reads it (pages backslash-escape user and file text)."""
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.fixture
def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Argon2 with the smallest cost, for tests that create accounts but are not about hashing
    (argon2-cffi's defaults take about 0.2 s a hash on purpose), and the sign-in settings at
    their defaults whatever the environment says."""
    from argon2 import PasswordHasher

    from assessment import settings
    from assessment.access import passwords

    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )
    passwords._dummy_hash.cache_clear()
    for name in (
        settings.LOCKOUT_ATTEMPTS.name,
        settings.LOCKOUT_MINUTES.name,
        settings.SESSION_MINUTES.name,
    ):
        monkeypatch.delenv(name, raising=False)
    yield
    passwords._dummy_hash.cache_clear()


def open_in_url(app, assessment_id: int) -> None:
    """Open an assessment the way a link or a reload does: through the URL's query."""
    app.query_params["assessment"] = str(assessment_id)
