"""The evidence store's files: into the archive, and back out to where they belong.

Works through the vault (`evidence.vault.Vault`), so a folder and an S3 bucket are backed up
and restored alike. Evidence files are only ever added, never changed, so a backup reads them
after the database snapshot, and a restore keeps a file already there with the same content.
Each file is checked against the manifest's hash before it is written back, and written whole
(a folder's through a temporary file and a rename, a bucket's in one request).
"""

from __future__ import annotations

import io
import zipfile
from functools import partial
from pathlib import Path

from assessment.backup.archive import (
    CHUNK,
    EVIDENCE,
    Manifest,
    Member,
    MemberWriter,
    hash_stream,
    refuse_unsafe_name,
)
from assessment.errors import BackupError
from assessment.services.vault_access import vault_errors
from evidence.vault import Vault


def inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def dump_evidence(vault: Vault, writer: MemberWriter) -> int:
    """Add every object of the evidence store; an absent store means no evidence yet."""
    count = 0
    with vault_errors():
        for stored in vault.object_names():
            name = EVIDENCE + stored
            refuse_unsafe_name(name)  # what we write, restore must accept
            source = vault.open_object(stored)
            if source is None:
                continue  # removed while we listed the store: a temporary file of a writer
            with source:
                writer.add(name, iter(partial(source.read, CHUNK), b""))
            count += 1
    return count


def evidence_targets(manifest: Manifest, vault: Vault) -> list[str]:
    """The evidence members to restore, by their name in the store; refused, before anything is
    written, if any of them could not be placed (see `Vault.restore_problem`)."""
    names = []
    for member in sorted(manifest.members):
        if not member.startswith(EVIDENCE):
            continue
        name = member.removeprefix(EVIDENCE)
        problem = vault.restore_problem(name)
        if problem is not None:
            raise BackupError(f"{member} cannot be restored: {problem}")
        names.append(name)
    return names


def restore_evidence(
    archive: zipfile.ZipFile, manifest: Manifest, vault: Vault, names: list[str]
) -> tuple[int, int]:
    """Write each evidence file that is not already there with the same content."""
    written = unchanged = 0
    for name in names:
        member = manifest.members[EVIDENCE + name]
        try:
            with vault_errors():
                if _holds(vault, name, member):
                    unchanged += 1
                    continue
                vault.write_object(name, _checked_content(archive, EVIDENCE + name, member))
        except (OSError, BackupError) as error:
            raise BackupError(
                f"the database was restored, but evidence file {EVIDENCE + name} could not be "
                f"written to {vault.where(name)} ({error}); fix that and run the restore again "
                "with --replace"
            ) from None
        written += 1
    return written, unchanged


def _holds(vault: Vault, name: str, member: Member) -> bool:
    return vault.object_size(name) == member.size and vault.content_digest(name) == member.sha256


def _checked_content(archive: zipfile.ZipFile, name: str, member: Member) -> bytes:
    """The member's bytes, known to match the manifest (checked again as they are read)."""
    content = io.BytesIO()
    with archive.open(name) as stream:
        found = hash_stream(stream, member.size, sink=content)
    if found != (member.sha256, member.size):
        raise BackupError(f"{name} changed while it was being restored; run the restore again")
    return content.getvalue()
