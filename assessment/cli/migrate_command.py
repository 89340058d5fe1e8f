"""`iso10002 migrate FILE --to ID`: carry a portable assessment to another checklist edition."""

from __future__ import annotations

from pathlib import Path

import click

from assessment.checklist.editions import migrate
from assessment.cli.errors import reports_errors
from assessment.cli.output import say
from assessment.portable.assessment_file import (
    dump_assessment,
    load_assessment_file,
    write_assessment,
)
from assessment.scoring.numbers import counted, plural


@click.command("migrate")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--to", "to_id", required=True, help="Checklist id to carry the answers to, e.g. iso10002-2018."
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Write the new assessment here (.yaml or .json); default: standard output.",
)
@reports_errors
def migrate_command(file: Path, to_id: str, out: Path | None) -> None:
    """Carry a portable assessment's answers to another edition; list what could not be carried."""
    result = migrate(load_assessment_file(file), to_id)
    if out is None:
        say(dump_assessment(result.assessment), nl=False, data=True)
    else:
        write_assessment(result.assessment, out)
    say(f"carried {counted(len(result.carried), 'answer')} to {to_id}", err=True)
    if result.not_carried:
        say(f"could not carry {len(result.not_carried)}:", err=True)
        for item in result.not_carried:
            say(f"  - {item.criterion_id}: {item.reason}", err=True)
    if result.new_unanswered:
        say(
            f"{counted(len(result.new_unanswered), 'criterion', 'criteria')} of {to_id} "
            f"{plural(len(result.new_unanswered), 'has', 'have')} no earlier answer and "
            f"{plural(len(result.new_unanswered), 'starts', 'start')} unanswered",
            err=True,
        )
