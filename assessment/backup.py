"""Backup and restore of the whole database and the evidence folder, as one zip archive.

Why an archive of JSON lines and not a copy of the database file: a copy only goes back into
the same engine, while the usual path is from a laptop (SQLite) to a team server (PostgreSQL),
and sometimes back. The table dump is engine-neutral: one JSON object per row, dates and
timestamps as ISO text (timestamps in UTC, which is how the schema stores them), decoded by the
target column's type on the way back.

Archive layout (format `iso10002-backup/1`)::

    manifest.json              format, created_at, engine, schema_revision, package_version,
                               tables {name: rows}, members {name: {sha256, size}}
    tables/<table>.jsonl       one JSON object per row, ordered by primary key
    evidence/<relative path>   each file of the evidence folder, byte for byte

Consistency while the app runs: every table comes from one snapshot of the database (SQLite:
the online backup API copies the live file, WAL included, in one step; PostgreSQL: one
REPEATABLE READ, READ ONLY transaction), so an audit event is never in a backup without the
change it records. The evidence folder is read after that snapshot: evidence files are only
ever added, so every file the snapshot names is already there.

Restore checks the whole archive before it touches anything, writes all rows in one
transaction (all or nothing), and only then writes evidence files. This module never imports
streamlit: the command line (and later the app) call it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import secrets
import sqlite3
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import cache, partial
from pathlib import Path, PureWindowsPath
from typing import IO, Annotated, Any

from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import (
    Connection,
    Engine,
    MetaData,
    Table,
    and_,
    bindparam,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    types,
    update,
)

from assessment import __version__
from assessment.errors import BackupError
from assessment.storage.database import data_dir
from assessment.storage.schema import MIGRATIONS, alembic_config, head_revision
from assessment.storage.store import Store
from assessment.storage.tables import Base

FORMAT = "iso10002-backup/1"
MANIFEST = "manifest.json"
TABLES = "tables/"
EVIDENCE = "evidence/"
SUPPORTED_ENGINES = ("sqlite", "postgresql")
CHUNK = 1 << 20  # bytes read at a time: evidence files may be large
BATCH = 500  # rows per INSERT round trip


# --- the manifest ---------------------------------------------------------------------------


class _Model(BaseModel):
    # strict: a manifest is written by us, so "5" where 5 belongs means damage, not a typo.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Member(_Model):
    """What a member of the archive must hash to, so damage or tampering is found before use."""

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)


class Manifest(_Model):
    """`manifest.json`: what the archive holds and which schema its rows fit."""

    format: str
    created_at: str
    engine: str
    schema_revision: str
    package_version: str
    tables: dict[str, Annotated[int, Field(ge=0)]]
    members: dict[str, Member]


@dataclass(frozen=True)
class BackupSummary:
    """What a backup wrote: rows per table, evidence files, and the archive's size in bytes."""

    path: Path
    tables: dict[str, int]
    evidence_files: int
    bytes: int

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


@dataclass(frozen=True)
class RestoreSummary:
    """What a restore wrote; evidence files already present with the same content are kept."""

    tables: dict[str, int]
    evidence_files: int
    evidence_unchanged: int
    schema_revision: str
    created_at: str
    replaced: bool

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def default_evidence_dir() -> Path:
    """The evidence folder, `evidence/` in the data folder (the evidence vault will keep it)."""
    return data_dir() / "evidence"


@cache
def known_revisions() -> tuple[str, ...]:
    """This version's schema revisions, oldest first (the migrations form one line).

    Cached: the migrations shipped with the code cannot change while it runs.
    """
    script = ScriptDirectory(str(MIGRATIONS))
    return tuple(revision.revision for revision in reversed(list(script.walk_revisions())))


# --- backup ---------------------------------------------------------------------------------


def backup(store: Store, out: Path | str, evidence_dir: Path | None = None) -> BackupSummary:
    """Write the database and the evidence folder into the zip archive `out`.

    The archive is written to a temporary file next to `out` and renamed onto it only once it
    is complete, so a failed backup never leaves a half-written archive under the requested
    name (nor destroys an older archive of that name). The file is readable by its owner only:
    it holds every organization's data.
    """
    out = Path(out)
    folder = default_evidence_dir() if evidence_dir is None else Path(evidence_dir)
    _check_backup_target(store.engine, out, folder)
    try:
        with _written_atomically(out) as part:
            tables, evidence_files = _write_archive(store.engine, part, folder, scratch=out.parent)
    except OSError as error:
        raise BackupError(f"the backup failed and {out} was not written: {error}") from error
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not copy the database: {error}") from error
    return BackupSummary(out, tables, evidence_files, out.stat().st_size)


def _supported(engine: Engine) -> None:
    if engine.dialect.name not in SUPPORTED_ENGINES:
        raise BackupError(
            f"backup and restore work on SQLite and PostgreSQL, not on {engine.dialect.name}"
        )


def _sqlite_file(engine: Engine) -> Path | None:
    """The SQLite database file, or None for PostgreSQL and in-memory SQLite."""
    name = engine.url.database
    if engine.dialect.name != "sqlite" or not name or name == ":memory:":
        return None
    return Path(name)


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _check_backup_target(engine: Engine, out: Path, evidence: Path) -> None:
    """Refuse targets that cannot work before writing a byte, each with the reason."""
    _supported(engine)
    if out.is_dir():
        raise BackupError(
            f"{out} is a folder; name the archive file to write, e.g. {out}/backup.zip"
        )
    if not out.parent.is_dir():
        raise BackupError(f"the folder {out.parent} does not exist")
    if _inside(out, evidence):
        raise BackupError(f"the backup cannot be written inside the evidence folder {evidence}")
    database = _sqlite_file(engine)
    if database is None:
        return
    if not database.is_file():
        raise BackupError(f"there is no database at {database}, so there is nothing to back up")
    live_files = {database.resolve(), *(Path(f"{database.resolve()}{s}") for s in ("-wal", "-shm"))}
    if out.resolve() in live_files:
        raise BackupError(f"{out} is the database itself; write the backup to another file")


def _new_part_file(target: Path, mode: int) -> tuple[Path, IO[bytes]]:
    """A new, uniquely named temporary file beside `target` (same folder, so renaming is atomic)."""
    part = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    handle = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    return part, os.fdopen(handle, "wb")


@contextmanager
def _written_atomically(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`, renamed onto it when the block succeeds, else removed."""
    part, handle = _new_part_file(target, 0o600)
    handle.close()
    try:
        yield part
        with part.open("rb+") as written:
            os.fsync(written.fileno())
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


class _MemberWriter:
    """Adds members to the archive while hashing them, and remembers hash and size for the manifest."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self._archive = archive
        self.members: dict[str, Member] = {}

    def add(self, name: str, chunks: Iterable[bytes]) -> None:
        digest, size = hashlib.sha256(), 0
        # force_zip64: the size is not known in advance, and a table may pass 2 GiB one day.
        with self._archive.open(name, "w", force_zip64=True) as member:
            for chunk in chunks:
                member.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        self.members[name] = Member(sha256=digest.hexdigest(), size=size)


def _write_archive(
    engine: Engine, part: Path, evidence: Path, *, scratch: Path
) -> tuple[dict[str, int], int]:
    with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        writer = _MemberWriter(archive)
        with _snapshot(engine, scratch) as connection:
            revision = _source_revision(connection)
            tables = {
                table.name: _dump_table(connection, table, writer)
                for table in _present_tables(connection)
            }
        evidence_files = _dump_evidence(evidence, writer)
        manifest = Manifest(
            format=FORMAT,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            engine=engine.dialect.name,
            schema_revision=revision,
            package_version=__version__,
            tables=tables,
            members=writer.members,
        )
        archive.writestr(MANIFEST, manifest.model_dump_json(indent=2))
    return tables, evidence_files


@contextmanager
def _snapshot(engine: Engine, scratch: Path) -> Iterator[Connection]:
    """A connection that sees one consistent state of the database for as long as it is open."""
    if engine.dialect.name == "sqlite":
        with _sqlite_snapshot(engine, scratch) as connection:
            yield connection
    else:
        with _postgresql_snapshot(engine) as connection:
            yield connection


@contextmanager
def _sqlite_snapshot(engine: Engine, scratch: Path) -> Iterator[Connection]:
    """Copy the live database with SQLite's online backup API, then read the copy.

    The copy is made in one step (all pages at once), which SQLite runs as one read
    transaction: writers in WAL mode go on working and the copy holds exactly the commits that
    came before it. Reading tables one by one from the live file instead could mix states. The
    copy goes beside the archive, where the user chose to have room, not to a possibly small
    /tmp.
    """
    with tempfile.TemporaryDirectory(dir=scratch, prefix=".iso10002-backup-") as folder:
        copy = Path(folder) / "snapshot.db"
        live = engine.raw_connection()
        try:
            with closing(sqlite3.connect(copy)) as target:
                live.driver_connection.backup(target)  # type: ignore[union-attr]
        finally:
            live.close()
        snapshot = create_engine(f"sqlite:///{copy}")
        try:
            with snapshot.connect() as connection:
                yield connection
        finally:
            snapshot.dispose()


@contextmanager
def _postgresql_snapshot(engine: Engine) -> Iterator[Connection]:
    """One REPEATABLE READ, READ ONLY transaction: every query in it sees the same snapshot."""
    with engine.connect() as connection:
        snapshot = connection.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
        with snapshot.begin():
            yield snapshot


def _source_revision(connection: Connection) -> str:
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


def _present_tables(connection: Connection) -> list[Table]:
    """The schema's tables that exist in this database, as they are there, parents first.

    Reflected rather than taken from `Base.metadata`: a database at an older revision has the
    columns of that revision, and reading or writing it with the newest columns would fail.
    """
    present = set(inspect(connection).get_table_names())
    reflected = MetaData()
    return [
        Table(declared.name, reflected, autoload_with=connection)
        for declared in Base.metadata.sorted_tables
        if declared.name in present
    ]


def _dump_table(connection: Connection, table: Table, writer: _MemberWriter) -> int:
    """Write `tables/<name>.jsonl`, one row per line, in primary-key order; returns the rows."""
    count = 0

    def lines() -> Iterator[bytes]:
        nonlocal count
        query = select(table).order_by(*table.primary_key.columns)
        # yield_per streams the rows (a server-side cursor on PostgreSQL) instead of loading
        # a whole table, the audit trail above all, into memory.
        for row in connection.execute(query.execution_options(yield_per=BATCH)).mappings():
            count += 1
            yield _encode_row(row)

    writer.add(f"{TABLES}{table.name}.jsonl", lines())
    return count


def _encode_row(row: Any) -> bytes:
    values = {column: _encode(value) for column, value in row.items()}
    return (json.dumps(values, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def _utc(value: datetime) -> datetime:
    """The schema stores timestamps in UTC; SQLite hands them back without a zone."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _encode(value: Any) -> Any:
    """A column value as JSON; JSON columns already hold JSON values and pass through."""
    if isinstance(value, datetime):
        return _utc(value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _dump_evidence(folder: Path, writer: _MemberWriter) -> int:
    """Add every file under the evidence folder; a missing folder means no evidence yet."""
    if not folder.is_dir():
        return 0
    count = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = EVIDENCE + path.relative_to(folder).as_posix()
        _refuse_unsafe_name(name)  # what we write, restore must accept
        try:
            source = path.open("rb")
        except FileNotFoundError:
            continue  # removed while we walked the folder: a temporary file of a writer
        with source:
            writer.add(name, iter(partial(source.read, CHUNK), b""))
        count += 1
    return count


# --- checking an archive --------------------------------------------------------------------


def check_archive(path: Path | str) -> Manifest:
    """Check an archive as restore does before any change, and return its manifest."""
    with _open_archive(Path(path)) as archive:
        return _checked_manifest(archive)


@contextmanager
def _open_archive(path: Path) -> Iterator[zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupError(f"there is no file {path}") from None
    except zipfile.BadZipFile:
        raise BackupError(f"{path} is not a backup archive: it is not a zip file") from None
    except OSError as error:
        raise BackupError(f"cannot read {path}: {error.strerror or error}") from None
    with archive:
        yield archive


def _checked_manifest(archive: zipfile.ZipFile) -> Manifest:
    """Every check restore needs, cheapest first; the first fault raises BackupError."""
    names = archive.namelist()
    if len(names) != len(set(names)):
        raise BackupError("the archive holds a member twice; it is damaged or was tampered with")
    for name in names:
        _refuse_unsafe_name(name)
    manifest = _read_manifest(archive)
    _refuse_unknown_revision(manifest)
    _refuse_unlisted_members(names, manifest)
    _refuse_unknown_tables(manifest)
    for name, member in manifest.members.items():
        _verify_member(archive, name, member)
    return manifest


def _unsafe_reason(name: str) -> str | None:
    """Why a member name could write outside the target folder (zip-slip), or None if safe."""
    if name.startswith(("/", "\\")) or PureWindowsPath(name).drive:
        return "it is an absolute path"
    if "\\" in name:
        return "it holds a backslash"
    parts = name.split("/")
    if ".." in parts:
        return "it climbs out of its folder with '..'"
    if any(part in ("", ".") for part in parts):
        return "it is not a plain relative file name"
    return None


def _refuse_unsafe_name(name: str) -> None:
    reason = _unsafe_reason(name)
    if reason is not None:
        raise BackupError(f"member {name!r} has an unsafe name ({reason}); the archive is refused")


def _read_manifest(archive: zipfile.ZipFile) -> Manifest:
    try:
        raw = archive.read(MANIFEST)
    except KeyError:
        raise BackupError(
            f"the archive has no {MANIFEST}, so it is not an iso10002 backup (or it is damaged)"
        ) from None
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise BackupError(f"{MANIFEST} is damaged ({error}); the archive is refused") from None
    try:
        data = json.loads(raw)
    except ValueError:
        raise BackupError(f"{MANIFEST} is not valid JSON; the archive is damaged") from None
    found = data.get("format") if isinstance(data, dict) else None
    if found != FORMAT:
        raise BackupError(
            f"{MANIFEST} names format {found!r}, not {FORMAT!r}: this is not a backup this version reads"
        )
    try:
        return Manifest.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise BackupError(f"{MANIFEST} is malformed at {where}: {first['msg']}") from None


def _refuse_unknown_revision(manifest: Manifest) -> None:
    """A backup made at a schema revision this code has no migration for cannot be placed."""
    known = known_revisions()
    if manifest.schema_revision not in known:
        raise BackupError(
            f"the backup has schema revision {manifest.schema_revision} (made by iso10002 "
            f"{manifest.package_version}), which this version ({__version__}) does not know: it "
            f"knows revisions up to {known[-1]}. The backup is probably from a newer version; "
            "upgrade iso10002 to restore it"
        )


def _refuse_unlisted_members(names: list[str], manifest: Manifest) -> None:
    """The archive must hold exactly what its manifest lists, and only tables and evidence."""
    held, listed = set(names) - {MANIFEST}, set(manifest.members)
    if unlisted := sorted(held - listed):
        raise BackupError(f"the archive holds {unlisted[0]!r}, which its manifest does not list")
    if missing := sorted(listed - held):
        raise BackupError(f"the manifest lists {missing[0]!r}, which the archive does not hold")
    if strays := sorted(name for name in listed if not name.startswith((TABLES, EVIDENCE))):
        raise BackupError(f"the archive holds {strays[0]!r}, which is neither a table nor evidence")


def _refuse_unknown_tables(manifest: Manifest) -> None:
    if unknown := sorted(set(manifest.tables) - set(Base.metadata.tables)):
        raise BackupError(
            f"the backup holds table {unknown[0]!r}, which this version does not know"
        )
    dumped = {f"{TABLES}{table}.jsonl" for table in manifest.tables}
    rows_files = {name for name in manifest.members if name.startswith(TABLES)}
    if strays := sorted(rows_files - dumped):
        raise BackupError(f"the archive holds {strays[0]!r}, which is not one of its tables")
    if missing := sorted(dumped - rows_files):
        raise BackupError(f"the archive has no {missing[0]} for a table its manifest counts")


def _hash_stream(stream: IO[bytes], limit: int, sink: IO[bytes] | None = None) -> tuple[str, int]:
    """sha256 and size of a stream, reading at most `limit` + 1 bytes (a zip bomb stops there)."""
    digest, size = hashlib.sha256(), 0
    while size <= limit and (chunk := stream.read(CHUNK)):
        digest.update(chunk)
        size += len(chunk)
        if sink is not None:
            sink.write(chunk)
    return digest.hexdigest(), size


def _verify_member(archive: zipfile.ZipFile, name: str, member: Member) -> None:
    try:
        with archive.open(name) as stream:
            found = _hash_stream(stream, member.size)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise BackupError(f"{name} is damaged ({error}); the archive is refused") from None
    if found != (member.sha256, member.size):
        raise BackupError(
            f"{name} does not match the checksum in the manifest: the archive is damaged or "
            "was changed after it was written"
        )


# --- restore --------------------------------------------------------------------------------


def restore(
    store: Store,
    archive_path: Path | str,
    evidence_dir: Path | None = None,
    *,
    replace: bool = False,
) -> RestoreSummary:
    """Restore an archive into the store's database and the evidence folder.

    The whole archive is checked first. Then all rows are written in one transaction: on
    PostgreSQL inside the live database (with `replace`, after TRUNCATE ... RESTART IDENTITY,
    which does not fire the audit trail's row triggers: a restore replaces the whole history
    with the backup's); on SQLite with `replace`, into a new file that SQLite's backup API then
    copies over the live one in one step, so the app sees the old data or the new, never a mix.
    Without `replace` the database must hold no rows at all. Evidence files come last, each
    through a temporary file and a rename.
    """
    folder = default_evidence_dir() if evidence_dir is None else Path(evidence_dir)
    _supported(store.engine)
    with _open_archive(Path(archive_path)) as archive:
        manifest = _checked_manifest(archive)
        targets = _evidence_targets(manifest, folder)
        tables = _restore_database(store.engine, archive, manifest, replace=replace)
        written, unchanged = _restore_evidence(archive, manifest, targets)
    return RestoreSummary(
        tables=tables,
        evidence_files=written,
        evidence_unchanged=unchanged,
        schema_revision=manifest.schema_revision,
        created_at=manifest.created_at,
        replaced=replace,
    )


def _evidence_targets(manifest: Manifest, folder: Path) -> dict[str, Path]:
    """Where each evidence member goes; refused if any would land outside the folder."""
    if folder.exists() and not folder.is_dir():
        raise BackupError(f"the evidence folder {folder} is a file, not a folder")
    targets = {}
    for name in sorted(manifest.members):
        if not name.startswith(EVIDENCE):
            continue
        target = folder.joinpath(*name.removeprefix(EVIDENCE).split("/"))
        if not _inside(target, folder):
            raise BackupError(f"{name} would be written outside {folder} through a link")
        if target.is_dir():
            raise BackupError(f"{name} cannot be restored: {target} is a folder")
        targets[name] = target
    return targets


def _restore_database(
    engine: Engine, archive: zipfile.ZipFile, manifest: Manifest, *, replace: bool
) -> dict[str, int]:
    """Write the rows; a failure leaves the database's rows as they were.

    Without `replace` the emptiness check runs in the same transaction as the inserts, so
    nobody can add a row in between. SQLite commits schema changes (DDL) as it goes, so a
    refused restore into a brand-new SQLite file can leave it with the empty newest schema,
    which is what opening it with the app would have made anyway.
    """
    if replace and engine.dialect.name == "sqlite":
        return _replace_sqlite(engine, archive, manifest)
    with engine.begin() as connection:
        _refuse_unknown_schema(connection)
        if replace:
            _truncate_all(connection)
        else:
            _refuse_if_holds_data(connection)
        return _load(connection, archive, manifest)


def _refuse_unknown_schema(connection: Connection) -> None:
    current = MigrationContext.configure(connection).get_current_revision()
    if current is not None and current not in known_revisions():
        raise BackupError(
            f"the database is at schema revision {current}, which this version of iso10002 "
            f"({__version__}) does not know; restore with the newer version that upgraded it"
        )


def _row_counts(connection: Connection) -> dict[str, int]:
    present = set(inspect(connection).get_table_names())
    return {
        table.name: connection.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
        if table.name in present
    }


def _refuse_if_holds_data(connection: Connection) -> None:
    """Restoring next to existing rows would mix two histories (and clash on ids)."""
    counts = _row_counts(connection)
    total = sum(counts.values())
    if total:
        organizations = counts.get("organization", 0)
        raise BackupError(
            f"the database already holds data ({organizations} "
            f"organization{'' if organizations == 1 else 's'}, {total} rows in all); restore "
            "into an empty database, or pass --replace to replace all of its data with the backup"
        )


def _truncate_all(connection: Connection) -> None:
    """PostgreSQL: empty every table of the schema and restart its id sequences, in the transaction."""
    present = set(inspect(connection).get_table_names())
    quote = connection.dialect.identifier_preparer.quote
    names = [quote(table.name) for table in Base.metadata.sorted_tables if table.name in present]
    if names:
        # Identifiers only, from our own metadata and quoted: there is no Core construct for it.
        statement = f"TRUNCATE TABLE {', '.join(names)} RESTART IDENTITY CASCADE"
        connection.execute(text(statement))


def _migrate(connection: Connection, revision: str) -> None:
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


def _load(connection: Connection, archive: zipfile.ZipFile, manifest: Manifest) -> dict[str, int]:
    """Insert the backup's rows at its own schema revision, then migrate to the newest.

    Rows are inserted into the schema they were dumped from, so that every later migration
    carries them forward exactly as it carries a live database.
    """
    _migrate(connection, manifest.schema_revision)
    tables = _present_tables(connection)
    _refuse_missing_tables(tables, manifest)
    counts = {
        table.name: _insert_table(connection, table, archive, manifest.tables[table.name])
        for table in tables
    }
    _migrate(connection, head_revision())
    if connection.dialect.name == "postgresql":
        _reset_sequences(connection)
    return counts


def _refuse_missing_tables(tables: list[Table], manifest: Manifest) -> None:
    present = {table.name for table in tables}
    if missing := sorted(present - set(manifest.tables)):
        raise BackupError(
            f"the backup has no rows for table {missing[0]!r}, which schema revision "
            f"{manifest.schema_revision} has; the archive is incomplete"
        )
    if extra := sorted(set(manifest.tables) - present):
        raise BackupError(
            f"the backup holds table {extra[0]!r}, which schema revision "
            f"{manifest.schema_revision} does not have"
        )


def _insert_table(
    connection: Connection, table: Table, archive: zipfile.ZipFile, expected: int
) -> int:
    """Insert a table's rows in batches; references to its own rows are set afterwards.

    A row may point at a row of the same table inserted after it (an assessment's baseline);
    such columns are inserted empty and filled in once every row is there, since PostgreSQL
    checks a plain foreign key at each statement.
    """
    later = _nullable_self_references(table)
    links: list[dict[str, Any]] = []
    count = 0
    for batch in _batched(_read_rows(archive, table)):
        links.extend(_detach(batch, table, later))
        connection.execute(insert(table), batch)
        count += len(batch)
    if count != expected:
        raise BackupError(
            f"{TABLES}{table.name}.jsonl holds {count} rows, but the manifest says {expected}"
        )
    _reattach(connection, table, later, links)
    return count


def _nullable_self_references(table: Table) -> list[str]:
    return sorted(
        key.parent.name
        for key in table.foreign_keys
        if key.column.table.name == table.name and key.parent.nullable
    )


def _detach(rows: list[dict[str, Any]], table: Table, later: list[str]) -> list[dict[str, Any]]:
    """Empty the self-references of `rows` in place; returns what to set them to afterwards."""
    links = []
    for row in rows:
        if any(row[column] is not None for column in later):
            links.append(
                {f"pk_{c.name}": row[c.name] for c in table.primary_key.columns}
                | {f"to_{column}": row[column] for column in later}
            )
            row.update(dict.fromkeys(later))
    return links


def _reattach(
    connection: Connection, table: Table, later: list[str], links: list[dict[str, Any]]
) -> None:
    if not links:
        return
    where = and_(*(c == bindparam(f"pk_{c.name}") for c in table.primary_key.columns))
    values = {column: bindparam(f"to_{column}") for column in later}
    connection.execute(update(table).where(where).values(values), links)


def _batched(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _read_rows(archive: zipfile.ZipFile, table: Table) -> Iterator[dict[str, Any]]:
    name = f"{TABLES}{table.name}.jsonl"
    decoders = {column.name: _decoder(column.type) for column in table.columns}
    with archive.open(name) as stream:
        for number, line in enumerate(io.TextIOWrapper(stream, encoding="utf-8"), start=1):
            yield _decode_row(f"{name} line {number}", line, decoders)


def _decode_row(
    where: str, line: str, decoders: dict[str, Callable[[Any], Any] | None]
) -> dict[str, Any]:
    try:
        data = json.loads(line)
    except ValueError:
        raise BackupError(f"{where} is not valid JSON") from None
    if not isinstance(data, dict) or set(data) != set(decoders):
        raise BackupError(f"{where} does not hold the columns of its table at this revision")
    try:
        return {
            column: value if value is None or decoders[column] is None else decoders[column](value)
            for column, value in data.items()
        }
    except (ValueError, TypeError) as error:
        raise BackupError(f"{where} holds a value that does not fit its column: {error}") from None


def _decoder(column_type: types.TypeEngine[Any]) -> Callable[[Any], Any] | None:
    """How to turn a JSON value back into what the target column takes (None: as it is)."""
    if isinstance(column_type, types.DateTime):
        return partial(_decode_datetime, aware=bool(column_type.timezone))
    if isinstance(column_type, types.Date):
        return date.fromisoformat
    if isinstance(column_type, types.Time):
        return time.fromisoformat
    if isinstance(column_type, types.LargeBinary):
        return base64.b64decode
    if isinstance(column_type, types.Numeric) and column_type.asdecimal:
        return Decimal
    return None


def _decode_datetime(value: str, *, aware: bool) -> datetime:
    """UTC, with its zone for a column that keeps one (PostgreSQL), without for one that does not."""
    moment = _utc(datetime.fromisoformat(value))
    return moment if aware else moment.replace(tzinfo=None)


def _reset_sequences(connection: Connection) -> None:
    """PostgreSQL: move each id sequence past the restored ids, so new rows do not collide."""
    quote = connection.dialect.identifier_preparer.quote
    for table in Base.metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        sequence = func.pg_get_serial_sequence(quote(table.name), column.name)
        highest = select(func.max(column)).scalar_subquery()
        # setval is strict: with no rows (NULL) it leaves the sequence where TRUNCATE put it.
        connection.execute(select(func.setval(sequence, highest)))


# --- SQLite: replace through a new file -----------------------------------------------------


def _replace_sqlite(engine: Engine, archive: zipfile.ZipFile, manifest: Manifest) -> dict[str, int]:
    """Build the restored database in a new file beside the live one, then copy it over.

    Deleting rows in place is not possible (the audit trail's triggers refuse it, as they
    should), and replacing the file by rename would leave the app's open connections on the old
    file. SQLite's backup API writes the new pages into the live database in one transaction:
    open connections see the old state or the new one.
    """
    live = _sqlite_file(engine)
    if live is None:
        raise BackupError("an in-memory SQLite database cannot be replaced; restore into a file")
    with engine.connect() as connection:
        _refuse_unknown_schema(connection)
    with tempfile.TemporaryDirectory(dir=live.parent, prefix=".iso10002-restore-") as folder:
        scratch = Path(folder) / "restore.db"
        counts = _build_sqlite(scratch, archive, manifest, page_size=_page_size(live))
        _copy_sqlite(scratch, live)
    return counts


def _page_size(database: Path) -> int:
    with closing(sqlite3.connect(database)) as connection:
        return int(connection.execute("PRAGMA page_size").fetchone()[0])


def _scratch_pragmas(dbapi_connection: Any, _record: Any, *, page_size: int) -> None:
    # The backup API cannot copy into a WAL database of another page size: use the live one's.
    dbapi_connection.execute(f"PRAGMA page_size = {int(page_size)}")
    dbapi_connection.execute("PRAGMA foreign_keys = ON")


def _build_sqlite(
    scratch: Path, archive: zipfile.ZipFile, manifest: Manifest, *, page_size: int
) -> dict[str, int]:
    engine = create_engine(f"sqlite:///{scratch}")
    event.listen(engine, "connect", partial(_scratch_pragmas, page_size=page_size))
    try:
        with engine.begin() as connection:
            return _load(connection, archive, manifest)
    finally:
        engine.dispose()


def _copy_sqlite(scratch: Path, live: Path) -> None:
    try:
        with (
            closing(sqlite3.connect(scratch)) as source,
            closing(sqlite3.connect(live, timeout=30)) as target,
        ):
            source.backup(target)
    except sqlite3.Error as error:
        raise BackupError(
            f"SQLite could not copy the restored database over {live} ({error}); it is unchanged"
        ) from None


# --- evidence -------------------------------------------------------------------------------


def _restore_evidence(
    archive: zipfile.ZipFile, manifest: Manifest, targets: dict[str, Path]
) -> tuple[int, int]:
    """Write each evidence file that is not already there with the same content."""
    written = unchanged = 0
    for name, target in targets.items():
        member = manifest.members[name]
        try:
            if _holds(target, member):
                unchanged += 1
                continue
            _extract(archive, name, member, target)
        except OSError as error:
            raise BackupError(
                f"the database was restored, but evidence file {name} could not be written to "
                f"{target} ({error}); fix that and run the restore again with --replace"
            ) from None
        written += 1
    return written, unchanged


def _holds(path: Path, member: Member) -> bool:
    if not path.is_file() or path.stat().st_size != member.size:
        return False
    with path.open("rb") as stream:
        return _hash_stream(stream, member.size) == (member.sha256, member.size)


def _extract(archive: zipfile.ZipFile, name: str, member: Member, target: Path) -> None:
    """Write through a temporary file and a rename, so a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part, handle = _new_part_file(target, 0o666)  # the umask applies, as for any new file
    try:
        with handle, archive.open(name) as stream:
            found = _hash_stream(stream, member.size, sink=handle)
            handle.flush()
            os.fsync(handle.fileno())
        if found != (member.sha256, member.size):
            raise BackupError(f"{name} changed while it was being restored; run the restore again")
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
