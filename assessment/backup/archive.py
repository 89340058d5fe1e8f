"""The archive format `iso10002-backup/1`, and checking an archive before anything uses it.

Kept apart from the database code so the format is readable in one place::

    manifest.json              format, created_at, engine, schema_revision, package_version,
                               tables {name: rows}, members {name: {sha256, size}}
    tables/<table>.jsonl       one JSON object per row, ordered by primary key
    evidence/<relative path>   each file of the evidence store, byte for byte

Every member is hashed as it is written and checked against the manifest before restore
touches anything, member names are refused if they could write outside the target folder
(zip-slip), and files are written beside their target and renamed onto it, so nobody sees
half of one.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PureWindowsPath
from typing import IO, Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assessment import __version__
from assessment.errors import BackupError
from assessment.storage.schema import known_revisions
from assessment.storage.tables import Base

FORMAT = "iso10002-backup/1"
MANIFEST = "manifest.json"
TABLES = "tables/"
EVIDENCE = "evidence/"
CHUNK = 1 << 20  # bytes read at a time: evidence files may be large


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


# --- writing --------------------------------------------------------------------------------


def new_part_file(target: Path, mode: int) -> tuple[Path, IO[bytes]]:
    """A new, uniquely named temporary file beside `target` (same folder, so renaming is atomic)."""
    part = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    handle = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    return part, os.fdopen(handle, "wb")


@contextmanager
def written_atomically(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`, renamed onto it when the block succeeds, else removed."""
    part, handle = new_part_file(target, 0o600)
    handle.close()
    try:
        yield part
        with part.open("rb+") as written:
            os.fsync(written.fileno())
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


class MemberWriter:
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


def hash_stream(stream: IO[bytes], limit: int, sink: IO[bytes] | None = None) -> tuple[str, int]:
    """sha256 and size of a stream, reading at most `limit` + 1 bytes (a zip bomb stops there)."""
    digest, size = hashlib.sha256(), 0
    while size <= limit and (chunk := stream.read(CHUNK)):
        digest.update(chunk)
        size += len(chunk)
        if sink is not None:
            sink.write(chunk)
    return digest.hexdigest(), size


# --- checking an archive --------------------------------------------------------------------


def check_archive(path: Path | str) -> Manifest:
    """Check an archive as restore does before any change, and return its manifest."""
    with open_archive(Path(path)) as archive:
        return checked_manifest(archive)


@contextmanager
def open_archive(path: Path) -> Iterator[zipfile.ZipFile]:
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


def checked_manifest(archive: zipfile.ZipFile) -> Manifest:
    """Every check restore needs, cheapest first; the first fault raises BackupError."""
    names = archive.namelist()
    if len(names) != len(set(names)):
        raise BackupError("the archive holds a member twice; it is damaged or was tampered with")
    for name in names:
        refuse_unsafe_name(name)
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


def refuse_unsafe_name(name: str) -> None:
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


def _verify_member(archive: zipfile.ZipFile, name: str, member: Member) -> None:
    try:
        with archive.open(name) as stream:
            found = hash_stream(stream, member.size)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise BackupError(f"{name} is damaged ({error}); the archive is refused") from None
    if found != (member.sha256, member.size):
        raise BackupError(
            f"{name} does not match the checksum in the manifest: the archive is damaged or "
            "was changed after it was written"
        )
