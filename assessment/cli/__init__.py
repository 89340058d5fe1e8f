"""The `iso10002` command line: a thin wrapper over the library (see each command's module)."""

from __future__ import annotations

import io
import sys

import click

from assessment import __version__
from assessment.cli.action_commands import action
from assessment.cli.assessment_commands import (
    assessments_command,
    compare_command,
    export_command,
    import_command,
    show_command,
)
from assessment.cli.backup_commands import backup_command, restore_command
from assessment.cli.checklist_commands import checklist
from assessment.cli.db_commands import db
from assessment.cli.demo_command import demo_command
from assessment.cli.evidence_commands import evidence_group
from assessment.cli.migrate_command import migrate_command
from assessment.cli.output import say
from assessment.cli.report_commands import import_xlsx_command, report_command
from assessment.cli.score_command import score_command
from assessment.cli.user_commands import user_group
from assessment.errors import InvalidSetting
from assessment.settings import check_settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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


cli.add_command(checklist)
cli.add_command(db)
cli.add_command(score_command)
cli.add_command(migrate_command)
cli.add_command(assessments_command)
cli.add_command(show_command)
cli.add_command(export_command)
cli.add_command(import_command)
cli.add_command(compare_command)
cli.add_command(demo_command)
cli.add_command(action)
cli.add_command(report_command)
cli.add_command(import_xlsx_command)
cli.add_command(evidence_group)
cli.add_command(backup_command)
cli.add_command(restore_command)
cli.add_command(user_group)


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
