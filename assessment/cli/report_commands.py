"""`iso10002 report` (PDF, Excel, CSV) and `iso10002 import-xlsx` (the offline workshop's return)."""

from __future__ import annotations

from pathlib import Path

import click

from assessment.cli.errors import reports_errors
from assessment.cli.output import say
from assessment.cli.session import acting_user, configured_store
from assessment.errors import AssessmentLocked
from assessment.portable.assessment_file import load_assessment_file
from assessment.reports.csv_export import write_actions_csv, write_criteria_csv
from assessment.reports.data import ReportData, gather_report, gather_report_from_file
from assessment.reports.excel_export import write_workbook
from assessment.reports.excel_import import read_workbook
from assessment.reports.pdf import write_pdf
from assessment.scoring.numbers import counted
from assessment.services.assessments import open_assessment
from assessment.services.workbooks import apply_workbook_changes


def _report_data(source: str) -> ReportData:
    """A stored assessment by its id, or a portable file by its path."""
    if source.isdigit():
        with configured_store() as store:
            return gather_report(store, acting_user(store), int(source))
    return gather_report_from_file(load_assessment_file(Path(source)))


@click.command("report")
@click.argument("source", metavar="ASSESSMENT|FILE")
@click.option(
    "--format",
    "kind",
    type=click.Choice(["pdf", "xlsx", "csv"]),
    required=True,
    help="What to write.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The file to write; for csv, the name of two files: NAME-criteria.csv and NAME-actions.csv.",
)
@click.option(
    "--logo",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="PDF only: a logo for the cover.",
)
@reports_errors
def report_command(source: str, kind: str, out: Path, logo: Path | None) -> None:
    """Write a readiness report of a stored assessment (its id) or of a portable file."""
    data = _report_data(source)
    if kind == "pdf":
        written = [write_pdf(data, out, logo=logo)]
    elif kind == "xlsx":
        written = [write_workbook(data, out)]
    else:
        stem = out.with_suffix("")
        written = [
            write_criteria_csv(data, stem.with_name(f"{stem.name}-criteria.csv")),
            write_actions_csv(data, stem.with_name(f"{stem.name}-actions.csv")),
        ]
    record = data.assessment.record
    say(
        f"wrote {', '.join(str(p) for p in written)} for '{record.title}' ({record.organization_name})"
    )


@click.command("import-xlsx")
@click.argument("assessment_id", type=int, metavar="ASSESSMENT")
@click.argument("workbook", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Apply without asking (after the preview is shown).")
@reports_errors
def import_xlsx_command(assessment_id: int, workbook: Path, yes: bool) -> None:
    """Bring back a workbook filled in offline: preview every change, then apply all or none."""
    with configured_store() as store:
        actor = acting_user(store)
        current = open_assessment(store, acting_user(store), assessment_id)
        if current.record.status.value == "final":
            raise AssessmentLocked(
                f"assessment '{current.record.title}' is final and read-only; reopen it (with a reason) first"
            )
        changes = read_workbook(workbook, current)
        if changes.faults:
            for fault in changes.faults:
                say(str(fault), err=True)
            say(
                f"error: nothing was imported; fix the {counted(len(changes.faults), 'cell')} "
                "above first",
                err=True,
            )
            raise SystemExit(1)
        if not changes.changes:
            say("The workbook holds no changes.")
            return
        say(f"{counted(len(changes.changes), 'change')} in {workbook.name}:")
        for change in changes.changes:
            say(f"  {change}")
        for missing in changes.missing:
            say(f"  (row of {missing} deleted in the workbook: left as it is)")
        if not yes and not click.confirm("Apply them all?", default=False):
            say("Nothing was changed.")
            return
        written = apply_workbook_changes(store, actor, assessment_id, changes)
    say(f"applied {counted(len(written), 'change')} to assessment {assessment_id}")
