"""The content-addressed evidence store: every file under its SHA-256, checked on every read.

A file's place is its hash (`ab/cdef…`, the first two hex digits naming a group), so a file is
stored once however often it is attached, and a name from the user never becomes a path or a
key. Once stored, a file is never overwritten (only a damaged one is replaced, by content known
to be right because it has the hash). Every read hashes the content again: a file that is
missing or altered raises `Damaged` and is never served.

`Vault` holds these rules; where the bytes live is its subclass's business: `FolderVault` here
(a folder on this machine, the default), `evidence.object_vault.ObjectVault` (a bucket on an
S3-compatible object store, for several app processes on several machines). Both are checked by
the same tests.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypeGuard

from evidence.errors import Damaged, Unreachable, Unwritable
from evidence.limits import check_size

SHA256 = re.compile(r"[0-9a-f]{64}")
STORED_NAME = re.compile(r"([0-9a-f]{2})/([0-9a-f]{62})")
CHUNK = 1024 * 1024
TEMPORARY_PREFIX = ".part-"


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def is_sha256(value: object) -> TypeGuard[str]:
    """A SHA-256 as the vault names files: 64 lowercase hex digits (so a str)."""
    return isinstance(value, str) and SHA256.fullmatch(value) is not None


def stored_name(sha256: str) -> str:
    """The name a file with this hash is stored under, `ab/cdef…`; anything but 64 lower-case
    hex digits is refused, so no other name can ever be made from a hash."""
    if not is_sha256(sha256):
        raise ValueError(f"not a SHA-256 in hex: {sha256!r}")
    return f"{sha256[:2]}/{sha256[2:]}"


def hash_of_name(name: str) -> str | None:
    """The SHA-256 a stored name stands for; None for anything else in the store (stray)."""
    match = STORED_NAME.fullmatch(name)
    return match.group(1) + match.group(2) if match else None


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    already_stored: bool  # the same content was in the vault already: nothing was written


@dataclass(frozen=True)
class VaultReport:
    """What `verify_vault` found. Missing and altered files are faults; the rest is information."""

    checked: int  # files hashed
    missing: tuple[str, ...]  # expected, not in the vault
    altered: tuple[str, ...]  # in the vault, content no longer matches the name
    unreferenced: tuple[str, ...]  # intact, but no record expects them
    stray: tuple[str, ...]  # other objects in the store (not named by a hash), by name

    @property
    def ok(self) -> bool:
        return not self.missing and not self.altered


class Vault(ABC):
    """The rules of the evidence store over a place that keeps named objects."""

    def __init__(self, *, max_bytes: int) -> None:
        self.max_bytes = max_bytes

    # What a place must provide. Names are relative, with `/` between parts.

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the files are, for messages: a folder, or s3://bucket/prefix."""

    @abstractmethod
    def open_object(self, name: str) -> BinaryIO | None:
        """The object's bytes as a stream to read, or None when there is no such object."""

    @abstractmethod
    def object_size(self, name: str) -> int | None:
        """The object's size in bytes, or None when there is no such object."""

    @abstractmethod
    def write_object(self, name: str, content: bytes) -> None:
        """Write the whole object at once (a reader never sees part of it), replacing any
        object of that name. Raises OSError when the place cannot be written."""

    @abstractmethod
    def object_names(self) -> Iterator[str]:
        """Every object in the store, in name order (stray ones included)."""

    def restore_problem(self, name: str) -> str | None:
        """Why an object of this name could not be restored here, or None (see FolderVault)."""
        return None

    @abstractmethod
    def check_reachable(self) -> None:
        """Raise Unreachable unless the place answers (a health check, before any file)."""

    # The rules, the same wherever the bytes are.

    def put(self, content: bytes) -> StoredFile:
        """Store `content` (within the size limit) under its hash; once, however often it comes.

        A file already there is checked first: an intact one is kept, a damaged one replaced
        by this content, which is known to be right because it has that hash.
        """
        check_size(len(content), self.max_bytes)
        digest = sha256_of(content)
        if self.problem(digest) is None:
            return StoredFile(digest, len(content), already_stored=True)
        try:
            self.write_object(stored_name(digest), content)
        except OSError as error:
            raise Unwritable(
                f"the evidence file could not be written to the vault at {self.location} "
                f"({getattr(error, 'strerror', None) or error}); nothing was stored"
            ) from error
        return StoredFile(digest, len(content), already_stored=False)

    def problem(self, sha256: str, size: int | None = None) -> str | None:
        """None when the file is there and intact; else "missing" or "altered"."""
        name = stored_name(sha256)
        if size is not None:
            found_size = self.object_size(name)
            if found_size is None:
                return "missing"
            if found_size != size:
                return "altered"
        found = self.content_digest(name)
        if found is None:
            return "missing"
        return None if found == sha256 else "altered"

    def read(self, sha256: str, *, what: str = "") -> bytes:
        """The file's content, hashed again on the way: a missing or altered file raises
        Damaged (`what` names the record in its message)."""
        name = stored_name(sha256)
        label = what or f"evidence file {sha256[:12]}…"
        stream = self.open_object(name)
        if stream is None:
            raise Damaged(
                sha256,
                "missing",
                f"{label}: the file is missing from the vault ({self.where(name)}); restore it "
                "from a backup",
            )
        with stream:
            content = stream.read()
        if sha256_of(content) != sha256:
            raise Damaged(
                sha256,
                "altered",
                f"{label}: the file in the vault ({self.where(name)}) was altered: its content "
                "no longer matches its SHA-256, so it is not served; restore it from a backup",
            )
        return content

    def where(self, name: str) -> str:
        """An object's full place, for messages."""
        return f"{self.location.rstrip('/')}/{name}"

    def content_digest(self, name: str) -> str | None:
        """The SHA-256 of the object's content, read in chunks; None when it is not there."""
        stream = self.open_object(name)
        if stream is None:
            return None
        digest = hashlib.sha256()
        with stream:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
        return digest.hexdigest()


class FolderVault(Vault):
    """The vault in a folder of this machine (the default: `evidence/` in the data folder).

    Files are written to a temporary file beside their place and renamed into it, so a reader
    never sees half a file; once there they are read-only.
    """

    def __init__(self, root: Path | str, *, max_bytes: int) -> None:
        """The vault in folder `root`, taking files of at most `max_bytes` (both given by the
        toolkit's settings, through `assessment.services.vault_access.open_vault`)."""
        super().__init__(max_bytes=max_bytes)
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"FolderVault({str(self.root)!r})"

    @property
    def location(self) -> str:
        return str(self.root)

    def where(self, name: str) -> str:
        return str(self.root.joinpath(*name.split("/")))

    def path_for(self, sha256: str) -> Path:
        """Where the file with this hash lives; anything but 64 lower-case hex digits is refused."""
        return self.root.joinpath(*stored_name(sha256).split("/"))

    def open_object(self, name: str) -> BinaryIO | None:
        try:
            return self.root.joinpath(*name.split("/")).open("rb")
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None

    def object_size(self, name: str) -> int | None:
        path = self.root.joinpath(*name.split("/"))
        return path.stat().st_size if path.is_file() else None

    def write_object(self, name: str, content: bytes) -> None:
        target = self.root.joinpath(*name.split("/"))
        part = target.parent / f"{TEMPORARY_PREFIX}{secrets.token_hex(8)}"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with part.open("xb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            part.chmod(0o444)
            if target.exists():  # damaged: make room (a read-only file on some systems)
                target.chmod(0o644)
            os.replace(part, target)
        except BaseException:
            with contextlib.suppress(OSError):
                part.unlink(missing_ok=True)
            raise
        _sync_folder(target.parent)

    def object_names(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.rglob("*")):
            if path.is_file() or path.is_symlink():
                yield path.relative_to(self.root).as_posix()

    def check_reachable(self) -> None:
        if self.root.exists() and not self.root.is_dir():
            raise Unreachable(f"the evidence folder {self.root} is a file, not a folder")

    def restore_problem(self, name: str) -> str | None:
        """A restored file must land inside the folder (never through a link) and not on a
        folder of the same name."""
        if self.root.exists() and not self.root.is_dir():
            return f"the evidence folder {self.root} is a file, not a folder"
        target = self.root.joinpath(*name.split("/"))
        if not target.resolve().is_relative_to(self.root.resolve()):
            return f"it would be written outside {self.root} through a link"
        if target.is_dir():
            return f"{target} is a folder"
        return None


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX); where a folder cannot be opened, the rename stands."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def verify_vault(vault: Vault, expected: Iterable[str]) -> VaultReport:
    """Hash every file in the vault and compare with its name; list the expected ones that
    are missing. Files no record expects are listed, not counted as faults."""
    expected = set(expected)
    present: set[str] = set()
    altered: list[str] = []
    stray: list[str] = []
    checked = 0
    for name in vault.object_names():
        digest = hash_of_name(name)
        if digest is None:
            stray.append(name)
            continue
        checked += 1
        present.add(digest)
        try:
            intact = vault.content_digest(name) == digest
        except OSError:
            intact = False  # a file that cannot be checked cannot be trusted either
        if not intact:
            altered.append(digest)
    missing = sorted(expected - present)
    unreferenced = sorted(present - expected - set(altered))
    return VaultReport(
        checked, tuple(missing), tuple(sorted(altered)), tuple(unreferenced), tuple(stray)
    )
