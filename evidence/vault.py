"""The content-addressed evidence store: every file under its SHA-256, checked on every read.

A file's place is its hash (`ab/cdef…`, the first two hex digits naming a folder), so a file is
stored once however often it is attached, and a name from the user never becomes a path. Files
are written to a temporary file in the vault and renamed into place, so a reader never sees
half a file; once there they are read-only. Every read hashes the file again: a file that is
missing or altered raises `Damaged` and is never served.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeGuard

from evidence.errors import Damaged, Unwritable
from evidence.limits import check_size

SHA256 = re.compile(r"[0-9a-f]{64}")
CHUNK = 1024 * 1024
TEMPORARY_PREFIX = ".part-"


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def is_sha256(value: object) -> TypeGuard[str]:
    """A SHA-256 as the vault names files: 64 lowercase hex digits (so a str)."""
    return isinstance(value, str) and SHA256.fullmatch(value) is not None


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
    stray: tuple[str, ...]  # other files in the folder (not named by a hash), relative paths

    @property
    def ok(self) -> bool:
        return not self.missing and not self.altered


class Vault:
    def __init__(self, root: Path | str, *, max_bytes: int) -> None:
        """The vault in folder `root`, taking files of at most `max_bytes` (both given by the
        toolkit's settings, through `assessment.services.vault_access.open_vault`)."""
        self.root = Path(root)
        self.max_bytes = max_bytes

    def __repr__(self) -> str:
        return f"Vault({str(self.root)!r})"

    def path_for(self, sha256: str) -> Path:
        """Where the file with this hash lives; anything but 64 lower-case hex digits is refused."""
        if not is_sha256(sha256):
            raise ValueError(f"not a SHA-256 in hex: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:]

    def put(self, content: bytes) -> StoredFile:
        """Store `content` (within the size limit) under its hash; once, however often it comes.

        A file already there is checked first: an intact one is kept, a damaged one replaced
        by this content, which is known to be right because it has that hash.
        """
        check_size(len(content), self.max_bytes)
        digest = sha256_of(content)
        target = self.path_for(digest)
        if self.problem(digest) is None:
            return StoredFile(digest, len(content), already_stored=True)
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
        except BaseException as error:
            with contextlib.suppress(OSError):
                part.unlink(missing_ok=True)
            if isinstance(error, OSError):
                raise Unwritable(
                    f"the evidence file could not be written to the vault at {self.root} "
                    f"({error.strerror or error}); nothing was stored"
                ) from error
            raise
        _sync_folder(target.parent)
        return StoredFile(digest, len(content), already_stored=False)

    def problem(self, sha256: str, size: int | None = None) -> str | None:
        """None when the file is there and intact; else "missing" or "altered"."""
        path = self.path_for(sha256)
        try:
            if size is not None and path.stat().st_size != size:
                return "altered"
            with path.open("rb") as handle:
                found = hashlib.file_digest(handle, "sha256").hexdigest()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return "missing"
        return None if found == sha256 else "altered"

    def read(self, sha256: str, *, what: str = "") -> bytes:
        """The file's content, hashed again on the way: a missing or altered file raises
        Damaged (`what` names the record in its message)."""
        path = self.path_for(sha256)
        label = what or f"evidence file {sha256[:12]}…"
        try:
            content = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise Damaged(
                sha256,
                "missing",
                f"{label}: the file is missing from the vault ({path}); restore it from a backup",
            ) from None
        if sha256_of(content) != sha256:
            raise Damaged(
                sha256,
                "altered",
                f"{label}: the file in the vault ({path}) was altered: its content no longer "
                "matches its SHA-256, so it is not served; restore it from a backup",
            )
        return content


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
    if vault.root.is_dir():
        for folder in sorted(os.scandir(vault.root), key=lambda e: e.name):
            if not (
                folder.is_dir(follow_symlinks=False) and re.fullmatch(r"[0-9a-f]{2}", folder.name)
            ):
                stray.append(folder.name)
                continue
            for entry in sorted(os.scandir(folder.path), key=lambda e: e.name):
                digest = folder.name + entry.name
                if not (entry.is_file(follow_symlinks=False) and is_sha256(digest)):
                    stray.append(f"{folder.name}/{entry.name}")
                    continue
                checked += 1
                present.add(digest)
                try:
                    with open(entry.path, "rb") as handle:
                        intact = hashlib.file_digest(handle, "sha256").hexdigest() == digest
                except OSError:
                    intact = False  # a file that cannot be checked cannot be trusted either
                if not intact:
                    altered.append(digest)
    missing = sorted(expected - present)
    unreferenced = sorted(present - expected - set(altered))
    return VaultReport(
        checked, tuple(missing), tuple(sorted(altered)), tuple(unreferenced), tuple(stray)
    )
