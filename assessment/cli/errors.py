"""How the command line reports the library's domain errors: plainly, on stderr, exit 1."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click
from sqlalchemy.exc import SQLAlchemyError

from assessment.cli.session import database_location
from assessment.errors import (
    AssessmentLocked,
    BackupError,
    ChecklistNotFound,
    ConflictError,
    EvidenceIntegrityError,
    EvidenceRefused,
    EvidenceStoreError,
    FileFaults,
    InvalidChange,
    MigrationRefused,
    NotFound,
    PermissionDenied,
    SignInRefused,
)
from assessment.reports.excel_preview import WorkbookRefused

F = TypeVar("F", bound=Callable[..., Any])

# Refusals whose message is already a plain sentence for the user.
PLAIN_REFUSALS = (
    ChecklistNotFound,
    MigrationRefused,
    NotFound,
    InvalidChange,
    ConflictError,
    AssessmentLocked,
    BackupError,
    EvidenceRefused,
    EvidenceIntegrityError,
    EvidenceStoreError,
    WorkbookRefused,
    PermissionDenied,
    SignInRefused,
)


def reports_errors(command: F) -> F:
    """Print every fault of a refused file (FILE:LINE:COL: message) or the refusal, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except FileFaults as error:
            for fault in error.faults:
                click.echo(str(fault), err=True)
            raise SystemExit(1) from None
        except PLAIN_REFUSALS as error:
            click.echo(f"error: {error}", err=True)
            raise SystemExit(1) from None
        except SQLAlchemyError as error:
            detail = getattr(error, "orig", None) or error
            click.echo(
                f"error: the database at {database_location()} failed: {type(error).__name__}: {detail}",
                err=True,
            )
            raise SystemExit(1) from None

    return wrapper  # type: ignore[return-value]
