"""How the command line reports the library's domain errors: plainly, on stderr, exit 1."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from assessment.errors import ChecklistNotFound, FileFaults, MigrationRefused

F = TypeVar("F", bound=Callable[..., Any])


def reports_faults(command: F) -> F:
    """Print every fault of a refused file (FILE:LINE:COL: message) instead of a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except FileFaults as error:
            for fault in error.faults:
                click.echo(str(fault), err=True)
            raise SystemExit(1) from None
        except (ChecklistNotFound, MigrationRefused) as error:
            click.echo(f"error: {error}", err=True)
            raise SystemExit(1) from None

    return wrapper  # type: ignore[return-value]
