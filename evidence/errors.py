"""What the evidence vault refuses or fails at; the toolkit shows each as one of its own errors.

The vault stands on its own (it imports nothing of `assessment`), so it has its own small
family. `assessment.services.vault_access` turns each into the toolkit's error of the same
meaning (EvidenceRefused, EvidenceIntegrityError, EvidenceStoreError), so the app and the
command line show it like any other.
"""

from __future__ import annotations


class VaultError(Exception):
    """Something the vault refused or could not do; the message is one plain sentence."""


class Refused(VaultError):
    """A file or link was not taken (too large, empty, a program, not http(s)...); nothing
    was written anywhere."""


class TooLarge(Refused):
    """A file above the size limit the vault was given."""


class Damaged(VaultError):
    """A stored file is missing or no longer matches its SHA-256, so it is never served.

    `problem` is "missing" or "altered"; `sha256` names the file the record expects.
    """

    def __init__(self, sha256: str, problem: str, message: str) -> None:
        self.sha256 = sha256
        self.problem = problem
        super().__init__(message)


class Unwritable(VaultError):
    """The vault could not be written (a full disk, a folder without permission)."""


class Unreachable(VaultError):
    """The place the files are kept did not answer as it should (an object store that cannot
    be reached, a bucket that does not exist, credentials refused); nothing was read or
    written, and nothing is known to be wrong with the files."""
