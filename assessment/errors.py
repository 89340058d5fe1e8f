"""Domain errors, and the faults found in a user's file that some of them carry.

We collect every fault before reporting, so a user fixes a file in one pass instead of
one error per run. Each fault points at a line and column because "somewhere in your file"
is no help in a 900-line checklist.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Fault:
    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class FileFaults(Exception):
    """A file was refused; `faults` lists every reason, in file order."""

    def __init__(self, faults: list[Fault]) -> None:
        self.faults = sorted(faults)
        super().__init__("\n".join(str(f) for f in self.faults))


class ChecklistError(FileFaults):
    """A checklist file (or an embedded checklist) is not valid."""


class AssessmentFileError(FileFaults):
    """A portable assessment file is not valid or does not fit its checklist."""


class MappingError(FileFaults):
    """An edition mapping file is not valid or does not fit its checklists."""


class ChecklistNotFound(LookupError):
    """No checklist with that id or path exists."""


class MigrationRefused(Exception):
    """An assessment cannot be carried to the edition asked for."""


class NotFound(LookupError):
    """No organization, assessment or other record with that id (or not visible to you)."""


class ConflictError(Exception):
    """Someone else changed the record since you read it; nothing was written."""

    def __init__(
        self, what: str, changed_by: str, changed_at: object, current_version: int
    ) -> None:
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.current_version = current_version
        super().__init__(
            f"{what} was changed by {changed_by} at {changed_at} since you opened it; reload to see their change"
        )


class AssessmentLocked(Exception):
    """The assessment is final: it is read-only until someone reopens it with a reason."""


class InvalidChange(ValueError):
    """A change that the rules do not allow (a score off the scale, a forbidden status move...)."""


class ActionAlreadyRaised(InvalidChange):
    """The criteria already have a corrective action; a second one is raised only when asked."""

    def __init__(self, message: str, existing: tuple[str, ...]) -> None:
        self.existing = existing  # the refs of the actions already there
        super().__init__(message)


class BackupError(Exception):
    """A backup or restore was refused or failed; the message is a plain sentence for the user.

    Every refusal comes before anything is changed (a damaged, foreign or too-new archive, a
    target that holds data). The one failure after a change, an evidence file that cannot be
    written once the database is restored, says so in its message. The command line prints the
    message as it is, never a traceback.
    """


class EvidenceRefused(ValueError):
    """An evidence file, link or note was refused before anything was stored.

    The message is one plain sentence saying why (too large, empty, a program, an archive, a
    link that is not http or https...); the vault and the database are left as they were.
    """


class EvidenceIntegrityError(Exception):
    """A stored evidence file is missing or no longer matches its SHA-256: it is never served.

    `problem` is "missing" or "altered"; `sha256` names the file the record expects.
    """

    def __init__(self, sha256: str, problem: str, message: str) -> None:
        self.sha256 = sha256
        self.problem = problem
        super().__init__(message)


class EvidenceStoreError(Exception):
    """The vault could not be written (a full disk, a folder without permission); nothing was
    recorded. The message names the folder and the system's reason."""


class PermissionDenied(Exception):
    """The acting user's role does not allow this act; nothing was changed.

    The message names the act and the role, so the user knows whom to ask. Every refusal is
    also written to the security log.
    """


class SignInRefused(Exception):
    """A sign-in or a session was refused: wrong name or password, a locked or disabled
    account, an expired session. The message never says which of name or password was wrong."""
