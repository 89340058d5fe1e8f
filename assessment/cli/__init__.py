"""The `iso10002` command line: a thin wrapper over the library (see each command's module)."""

from __future__ import annotations

import io
import sys

import click

from assessment import __version__
from assessment.cli.commands import LazyGroup
from assessment.cli.output import say
from assessment.errors import InvalidSetting
from assessment.settings import check_settings


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="iso10002")
@click.option(
    "--as",
    "as_user",
    metavar="USERNAME",
    default=None,
    help="Act as this account, under its roles (default: the local administrator). "
    "Also ISO10002_AS.",
)
def cli(as_user: str | None) -> None:
    """ISO 10002 self-assessment and certification readiness."""
    try:
        check_settings()  # every unusable setting at once, before any command runs
    except InvalidSetting as error:
        say(f"error: {error} (see the README's Configuration)", err=True)
        raise SystemExit(1) from None


def main() -> None:
    """The console script. Click's own refusals (a mistyped option, a missing file) repeat what
    was typed, so they too are written terminal-safe."""
    try:
        code = cli.main(prog_name="iso10002", standalone_mode=False)
    except click.ClickException as error:
        shown = io.StringIO()
        error.show(file=shown)
        say(shown.getvalue(), err=True, nl=False)
        sys.exit(error.exit_code)
    except click.Abort:
        say("Aborted.", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
