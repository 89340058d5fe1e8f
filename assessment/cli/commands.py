"""The command line's commands, each imported only when it runs.

A command's module brings what it needs (SQLAlchemy and the database driver, openpyxl,
reportlab, argon2...); importing them all made every run, `--help` and `score FILE` included,
wait about two seconds. The group below knows each command by name, module and one-line help,
and imports the module when that command is invoked (or its own help is asked for).
`tests/test_cli_start.py` checks that each one-line help here is the command's own.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import click


@dataclass(frozen=True)
class LazyCommand:
    module: str  # under assessment.cli
    attribute: str
    short_help: str  # the first line of the command's help, shown by `iso10002 --help`


COMMANDS: dict[str, LazyCommand] = {
    "checklist": LazyCommand(
        "checklist_commands",
        "checklist",
        "Validate, show and list checklists.",
    ),
    "db": LazyCommand(
        "db_commands",
        "db",
        "Database schema: upgrade, status and a health check.",
    ),
    "score": LazyCommand(
        "score_command",
        "score_command",
        "Score a portable assessment file (YAML or JSON).",
    ),
    "migrate": LazyCommand(
        "migrate_command",
        "migrate_command",
        "Carry a portable assessment's answers to another edition; list what could not be carried.",
    ),
    "assessments": LazyCommand(
        "assessment_commands",
        "assessments_command",
        "List the stored assessments of every organization, with their ids.",
    ),
    "show": LazyCommand(
        "assessment_commands",
        "show_command",
        "Score a stored assessment: readiness by clause, completion and verdict.",
    ),
    "export": LazyCommand(
        "assessment_commands",
        "export_command",
        "Write a stored assessment as a portable file (format iso10002-assessment/1).",
    ),
    "import": LazyCommand(
        "assessment_commands",
        "import_command",
        "Store a portable file as a new assessment; a faulty file changes nothing.",
    ),
    "compare": LazyCommand(
        "assessment_commands",
        "compare_command",
        "Compare an assessment with its baseline: readiness per clause, score per criterion.",
    ),
    "demo": LazyCommand(
        "demo_command",
        "demo_command",
        "Load demo data: a consultancy's two client organizations, with live assessments.",
    ),
    "complaints": LazyCommand(
        "complaint_commands",
        "complaints",
        "Complaint register: import it (CSV or Excel), compute its indicators.",
    ),
    "action": LazyCommand(
        "action_commands",
        "action",
        "Corrective actions: list, raise, move, check for effectiveness.",
    ),
    "report": LazyCommand(
        "report_commands",
        "report_command",
        "Write a readiness report of a stored assessment (its id) or of a portable file.",
    ),
    "import-xlsx": LazyCommand(
        "report_commands",
        "import_xlsx_command",
        "Bring back a workbook filled in offline: preview every change, then apply all or none.",
    ),
    "evidence": LazyCommand(
        "evidence_commands",
        "evidence_group",
        "Evidence for an assessment's scores: files, links and notes; list, review, verify.",
    ),
    "backup": LazyCommand(
        "backup_commands",
        "backup_command",
        "Back up the database and the evidence store into one archive; safe while the app runs.",
    ),
    "restore": LazyCommand(
        "backup_commands",
        "restore_command",
        "Restore a backup archive into the configured database and evidence store.",
    ),
    "user": LazyCommand(
        "user_commands",
        "user_group",
        "User accounts, their roles in organizations, and the security log.",
    ),
}


def load_command(name: str) -> click.Command:
    entry = COMMANDS[name]
    module = importlib.import_module(f"assessment.cli.{entry.module}")
    command = getattr(module, entry.attribute)
    assert isinstance(command, click.Command), f"{entry.module}.{entry.attribute}"
    return command


class LazyGroup(click.Group):
    """A group whose commands are imported when used; its help lists them without importing."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Refuse an argument that is not text: a shell passes bytes that are not UTF-8 as
        lone surrogates, which no database, file or terminal can take."""
        for arg in args:
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                shown = arg.encode("utf-8", "backslashreplace").decode("ascii", "replace")
                raise click.UsageError(
                    f"the argument '{shown}' holds bytes that are not UTF-8 text; "
                    "type it again in UTF-8",
                    ctx,
                ) from None
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name].short_help) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)
