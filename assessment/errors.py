"""The errors a user is told about, in one family; and the faults of a user's file.

Everything the toolkit refuses, or cannot do for a reason the user can act on, is a
`UserError`: its message is one plain sentence, shown as it is by the one handler of each
interface (app.py, assessment/cli/errors.py). The four kinds say what happened: `NotFound`
(nothing of that name or id, or not open to you), `Refused` (not allowed now: a role, a final
assessment, a sign-in), `Conflict` (someone changed it since you read it) and `InvalidInput`
(what was given breaks a rule or a file's format). `StoreProblem` is the stored data itself
failing (a database that cannot be opened, an evidence file altered on disk). A programming
error is none of these and is never caught as one.

We collect every fault of a file before reporting, so a user fixes a file in one pass instead
of one error per run. Each fault points at a line and column because "somewhere in your file"
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


class UserError(Exception):
    """Something the user is told about in one plain sentence; nothing was changed."""


class NotFound(UserError):
    """No organization, assessment or other record with that id (or not visible to you)."""


class Refused(UserError):
    """Not allowed, as things stand: the message says what would allow it."""


class Conflict(UserError):
    """The record changed since it was read; nothing was written."""


class InvalidInput(UserError):
    """What was given breaks a rule or a format; the message (or its faults) says where."""


class StoreProblem(UserError):
    """The stored data or the place it is kept failed; the message says what and where."""


class FileFaults(InvalidInput):
    """A file was refused; `faults` lists every reason, in file order."""

    def __init__(self, faults: list[Fault]) -> None:
        self.faults = sorted(faults)
        super().__init__("\n".join(str(f) for f in self.faults))


class ChecklistError(FileFaults):
    """A checklist file (or an embedded checklist) is not valid."""


class AssessmentFileError(FileFaults):
    """A portable assessment file is not valid or does not fit its checklist."""


class IndicatorFileError(FileFaults):
    """A complaint-indicators file is not valid."""


class MappingError(FileFaults):
    """An edition mapping file is not valid or does not fit its checklists."""


class ChecklistNotFound(NotFound):
    """No checklist with that id or path exists."""


class MigrationRefused(Refused):
    """An assessment cannot be carried to the edition asked for."""


class ConflictError(Conflict):
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


class AssessmentLocked(Refused):
    """The assessment is final: it is read-only until someone reopens it with a reason."""


class InvalidChange(InvalidInput):
    """A change that the rules do not allow (a score off the scale, a forbidden status move...)."""


class ActionAlreadyRaised(InvalidChange):
    """The criteria already have a corrective action; a second one is raised only when asked."""

    def __init__(self, message: str, existing: tuple[str, ...]) -> None:
        self.existing = existing  # the refs of the actions already there
        super().__init__(message)


class BackupError(Refused):
    """A backup or restore was refused or failed; the message is a plain sentence for the user.

    Every refusal comes before anything is changed (a damaged, foreign or too-new archive, a
    target that holds data). The one failure after a change, an evidence file that cannot be
    written once the database is restored, says so in its message. The command line prints the
    message as it is, never a traceback.
    """


class EvidenceRefused(InvalidInput):
    """An evidence file, link or note was refused before anything was stored.

    The message is one plain sentence saying why (too large, empty, a program, an archive, a
    link that is not http or https...); the vault and the database are left as they were.
    """


class EvidenceIntegrityError(StoreProblem):
    """A stored evidence file is missing or no longer matches its SHA-256: it is never served.

    `problem` is "missing" or "altered"; `sha256` names the file the record expects.
    """

    def __init__(self, sha256: str, problem: str, message: str) -> None:
        self.sha256 = sha256
        self.problem = problem
        super().__init__(message)


class EvidenceStoreError(StoreProblem):
    """The vault could not be written (a full disk, a folder without permission); nothing was
    recorded. The message names the folder and the system's reason."""


class PermissionDenied(Refused):
    """The acting user's role does not allow this act; nothing was changed.

    The message names the act and the role, so the user knows whom to ask. Every refusal is
    also written to the security log.
    """


class SignInRefused(Refused):
    """A sign-in or a session was refused: wrong name or password, a locked or disabled
    account, an expired session. The message never says which of name or password was wrong."""


class InvalidSetting(InvalidInput):
    """A setting (an environment variable) has a value the toolkit cannot use; the message
    names the variable, the value and what it takes."""


class WorkbookRefused(InvalidInput):
    """A workshop workbook that cannot be brought back; nothing was written. `faults` lists
    every bad cell as `Sheet!Cell: reason` (empty when the whole workbook is refused, e.g. one
    of another assessment)."""

    def __init__(self, message: str, faults: tuple[object, ...] = ()) -> None:
        self.faults = faults
        super().__init__("\n".join([message, *(str(f) for f in faults)]))


class RegisterRefused(InvalidInput):
    """A complaint register that cannot be imported; nothing was stored. `faults` lists every
    bad cell (`FILE:ROW:COLUMN: reason` or `Sheet!B12: reason`), in file order."""

    def __init__(self, message: str, faults: tuple[object, ...] = ()) -> None:
        self.faults = faults
        super().__init__("\n".join([message, *(str(f) for f in faults)]))


class DatabaseUnavailable(StoreProblem):
    """The database cannot be opened, or is not at this version's schema; the message says
    why and what to run."""
