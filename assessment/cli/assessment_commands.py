"""Stored assessments from the command line: list, show, export, import, compare."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assessment.cli.errors import reports_errors
from assessment.cli.output import render_table, say
from assessment.cli.score_command import overall_text, score_table
from assessment.cli.session import acting_user, configured_store
from assessment.portable.assessment_file import (
    dump_assessment,
    load_assessment_file,
    write_assessment,
)
from assessment.scoring.comparison import Comparison
from assessment.scoring.numbers import counted, percent, points
from assessment.services.assessments import list_assessments, open_assessment
from assessment.services.comparisons import compare_with_baseline
from assessment.services.exchange import export_assessment, import_assessment


@click.command("assessments")
@click.option("--archived", is_flag=True, help="Include archived assessments.")
@reports_errors
def assessments_command(archived: bool) -> None:
    """List the stored assessments of every organization, with their ids."""
    with configured_store() as store:
        records = list_assessments(store, acting_user(store), include_archived=archived)
    if not records:
        say("No assessments yet. `iso10002 demo` loads demo data; `iso10002 import` a file.")
        return
    rows = [
        [
            str(r.id),
            r.organization_name,
            r.title + (" (archived)" if r.archived else ""),
            r.checklist_id,
            r.status.label,
            str(r.baseline_id or ""),
        ]
        for r in records
    ]
    say(render_table(["id", "organization", "title", "checklist", "status", "baseline"], rows))


@click.command("show")
@click.argument("assessment_id", type=int, metavar="ASSESSMENT")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@reports_errors
def show_command(assessment_id: int, as_json: bool) -> None:
    """Score a stored assessment: readiness by clause, completion and verdict."""
    with configured_store() as store:
        opened = open_assessment(store, acting_user(store), assessment_id)
    if as_json:
        say(json.dumps(opened.score.to_dict(), indent=2, ensure_ascii=False))
        return
    record = opened.record
    say(f"{record.organization_name} — {record.title} ({record.status.label.lower()})")
    say(f"{opened.checklist.title} (version {opened.checklist.version})\n")
    say(score_table(opened.score))
    say()
    say(overall_text(opened.score))


@click.command("export")
@click.argument("assessment_id", type=int, metavar="ASSESSMENT")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="File to write: .json for JSON, anything else for YAML; - for standard output.",
)
@click.option(
    "--embed-checklist",
    is_flag=True,
    help="Put the pinned checklist in the file even when a built-in one matches it.",
)
@reports_errors
def export_command(assessment_id: int, out: Path, embed_checklist: bool) -> None:
    """Write a stored assessment as a portable file (format iso10002-assessment/1)."""
    with configured_store() as store:
        portable = export_assessment(
            store, acting_user(store), assessment_id, embed_checklist=embed_checklist
        )
    if str(out) == "-":
        say(dump_assessment(portable), nl=False, data=True)
        return
    write_assessment(portable, out)
    say(
        f"exported assessment {assessment_id} to {out} "
        f"({counted(len(portable.responses), 'response')}, "
        f"{counted(len(portable.actions), 'action')})"
    )


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--checklist",
    "checklist_path",
    type=click.Path(path_type=Path),
    help="Check the file against this checklist instead of the one it names.",
)
@click.option("--organization", help="Store it under this organization instead of the file's.")
@reports_errors
def import_command(file: Path, checklist_path: Path | None, organization: str | None) -> None:
    """Store a portable file as a new assessment; a faulty file changes nothing."""
    loaded = load_assessment_file(file, checklist_path=checklist_path)
    with configured_store() as store:
        result = import_assessment(
            store,
            acting_user(store),
            loaded,
            source=file.name,
            organization_name=organization,
        )
    record = result.assessment
    new = " (new organization)" if result.organization_created else ""
    say(
        f"imported {file} as assessment {record.id} '{record.title}' for {record.organization_name}{new}: "
        f"{counted(result.responses, 'response')}, {counted(result.actions, 'action')}"
    )


def comparison_text(comparison: Comparison) -> str:
    clause_rows = [
        [
            "  " * c.depth + c.ref,
            c.title,
            percent(c.before),
            percent(c.after),
            points(c.delta),
            f"{c.answered}/{c.total}",
        ]
        for c in comparison.clauses
    ]
    lines = [
        render_table(
            ["clause", "title", "before", "after", "change", "answered now"],
            clause_rows,
            right=(2, 3, 4, 5),
        ),
        "(unanswered criteria count as 0: a clause not fully answered yet may look worse than it is)",
    ]
    changed = comparison.changed()
    if changed:
        lines += ["", "Criteria that changed:"]
        criterion_rows = [
            [
                c.id,
                "" if c.before is None else str(c.before),
                "" if c.after is None else str(c.after),
                c.change.value,
            ]
            for c in changed
        ]
        lines.append(
            render_table(["criterion", "before", "after", "change"], criterion_rows, right=(1, 2))
        )
    lines += [
        "",
        f"Overall readiness: {percent(comparison.readiness_before)} -> "
        f"{percent(comparison.readiness_after)} ({points(comparison.readiness_delta)})",
    ]
    return "\n".join(lines)


@click.command("compare")
@click.argument("assessment_id", type=int, metavar="ASSESSMENT")
@click.option("--baseline", "baseline_id", type=int, help="Compare with this assessment instead.")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@reports_errors
def compare_command(assessment_id: int, baseline_id: int | None, as_json: bool) -> None:
    """Compare an assessment with its baseline: readiness per clause, score per criterion."""
    with configured_store() as store:
        current, baseline, comparison = compare_with_baseline(
            store, acting_user(store), assessment_id, baseline_id
        )
    if as_json:
        payload = {"assessment": current.record.id, "baseline": baseline.record.id}
        say(json.dumps({**payload, **comparison.to_dict()}, indent=2))
        return
    say(f"{current.record.title} (assessment {current.record.id})")
    say(f"  against {baseline.record.title} (assessment {baseline.record.id})\n")
    say(comparison_text(comparison))
