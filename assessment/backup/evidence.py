"""The evidence folder's files: into the archive, and back out to where they belong.

Evidence files are only ever added, never changed, so a backup reads them after the database
snapshot, and a restore keeps a file already there with the same content. Each file is
written back through a temporary file and a rename, and never outside the evidence folder.
"""

from __future__ import annotations

import os
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
    new_part_file,
    refuse_unsafe_name,
)
from assessment.errors import BackupError


def inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def dump_evidence(folder: Path, writer: MemberWriter) -> int:
    """Add every file under the evidence folder; a missing folder means no evidence yet."""
    if not folder.is_dir():
        return 0
    count = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = EVIDENCE + path.relative_to(folder).as_posix()
        refuse_unsafe_name(name)  # what we write, restore must accept
        try:
            source = path.open("rb")
        except FileNotFoundError:
            continue  # removed while we walked the folder: a temporary file of a writer
        with source:
            writer.add(name, iter(partial(source.read, CHUNK), b""))
        count += 1
    return count


def evidence_targets(manifest: Manifest, folder: Path) -> dict[str, Path]:
    """Where each evidence member goes; refused if any would land outside the folder."""
    if folder.exists() and not folder.is_dir():
        raise BackupError(f"the evidence folder {folder} is a file, not a folder")
    targets = {}
    for name in sorted(manifest.members):
        if not name.startswith(EVIDENCE):
            continue
        target = folder.joinpath(*name.removeprefix(EVIDENCE).split("/"))
        if not inside(target, folder):
            raise BackupError(f"{name} would be written outside {folder} through a link")
        if target.is_dir():
            raise BackupError(f"{name} cannot be restored: {target} is a folder")
        targets[name] = target
    return targets


def restore_evidence(
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
        return hash_stream(stream, member.size) == (member.sha256, member.size)


def _extract(archive: zipfile.ZipFile, name: str, member: Member, target: Path) -> None:
    """Write through a temporary file and a rename, so a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part, handle = new_part_file(target, 0o666)  # the umask applies, as for any new file
    try:
        with handle, archive.open(name) as stream:
            found = hash_stream(stream, member.size, sink=handle)
            handle.flush()
            os.fsync(handle.fileno())
        if found != (member.sha256, member.size):
            raise BackupError(f"{name} changed while it was being restored; run the restore again")
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
