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
