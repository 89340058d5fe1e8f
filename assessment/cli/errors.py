"""The command line's one handler of the errors a user is told about: plainly, on stderr,
exit 1. A programming error is not caught here, so it shows as the bug it is."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from assessment.cli.output import say
from assessment.errors import FileFaults, UserError

P = ParamSpec("P")
R = TypeVar("R")


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Print every fault of a refused file (FILE:LINE:COL: message) or the refusal, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except FileFaults as error:
            for fault in error.faults:
                say(str(fault), err=True)
            raise SystemExit(1) from None
        except UserError as error:  # every error a user is told about: one sentence
            say(f"error: {error}", err=True)
            raise SystemExit(1) from None
        except Exception as error:
            # Imported only when something failed: `score FILE` and `--help` never load the
            # database layer.
            from sqlalchemy.exc import SQLAlchemyError

            from assessment.cli.session import database_location

            if not isinstance(error, SQLAlchemyError):
                raise  # a programming error shows as the bug it is
            detail = getattr(error, "orig", None) or error
            say(
                f"error: the database at {database_location()} failed: {type(error).__name__}: {detail}",
                err=True,
            )
            raise SystemExit(1) from None

    return wrapper
