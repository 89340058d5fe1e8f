"""Checking an upload before anything is stored: size, type from content, and its name.

`inspect_upload` either refuses the file (Refused, nothing written anywhere) or says
what it is: its hash, size, detected type, cleaned original name, and notices for the person
uploading (a name that was cleaned, an ending that does not fit the content).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from evidence.errors import Refused
from evidence.filetypes import DetectedType, detect_type
from evidence.limits import check_size
from evidence.names import clean_name, name_ending
from evidence.vault import sha256_of


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    sha256: str
    size: int
    detected: DetectedType
    original_name: str  # cleaned: for display and metadata only, never a path
    notices: tuple[str, ...] = ()


def inspect_upload(content: bytes, original_name: str | None, *, max_bytes: int) -> CheckedUpload:
    check_size(len(content), max_bytes)
    detected = detect_type(content)
    name = clean_name(original_name)
    notices = []
    if original_name is not None and name != original_name:
        notices.append(
            f"the file name {original_name!r} was cleaned to {name!r} (it is kept as a label only)"
        )
    ending = name_ending(name)
    if ending and ending not in detected.extension_family:
        notices.append(
            f"the name ends in .{ending}, but the content is a {detected.label}; "
            f"it is kept as a {detected.label} (.{detected.extension})"
        )
    return CheckedUpload(content, sha256_of(content), len(content), detected, name, tuple(notices))


def read_upload(path: Path, *, max_bytes: int) -> bytes:
    """A file's bytes for an upload, its size checked before it is read into memory."""
    limit = max_bytes
    if not path.exists():
        raise Refused(f"there is no file {path}")
    if not path.is_file():
        raise Refused(f"{path} is not a file (a folder or a device cannot be evidence)")
    try:
        check_size(path.stat().st_size, limit)
        content = path.read_bytes()
    except OSError as error:
        raise Refused(f"{path} cannot be read ({error.strerror or error})") from None
    check_size(len(content), limit)  # it may have grown since
    return content
