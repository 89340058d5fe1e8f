"""`iso10002 score FILE`: score a portable assessment file, as a table or as JSON."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from assessment.cli.errors import reports_errors
from assessment.cli.output import render_table, say
from assessment.portable.assessment_file import load_assessment_file
from assessment.scoring.engine import AssessmentScore, score_assessment
from assessment.scoring.numbers import decimal, percent


def score_table(result: AssessmentScore) -> str:
    rows = [
        [
            "  " * c.depth + c.ref,
            c.title,
            percent(c.readiness),
            decimal(c.mean_score),
            f"{c.answered}/{c.total}",
            str(c.applicable),
        ]
        for c in result.clauses
    ]
    return render_table(
        ["clause", "title", "readiness", "mean score", "answered", "applicable"],
        rows,
        right=(2, 3, 4, 5),
    )


def overall_text(result: AssessmentScore) -> str:
    overall = result.overall
    lines = [
        f"Overall readiness: {percent(overall.readiness)}",
        f"Completion:        {percent(overall.completion)}",
        f"Verdict:           {overall.verdict.label}",
    ]
    if overall.reasons:
        lines.append("Held back by:")
        lines.extend(f"  - {reason.message}" for reason in overall.reasons)
    return "\n".join(lines)


@click.command("score")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--checklist",
    "checklist_path",
    type=click.Path(path_type=Path),
    help="Score against this checklist file instead of the one the file names.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@reports_errors
def score_command(file: Path, checklist_path: Path | None, as_json: bool) -> None:
    """Score a portable assessment file (YAML or JSON)."""
    loaded = load_assessment_file(file, checklist_path=checklist_path)
    a = loaded.assessment
    result = score_assessment(
        loaded.checklist,
        a.scoring_responses(),
        a.action_links(),
        supported=a.supported_criteria(date.today()),
    )
    if as_json:
        payload = {
            "checklist": {
                "id": loaded.checklist.id,
                "version": loaded.checklist.version,
                "hash": loaded.checklist.content_hash,
            },
            **result.to_dict(),
        }
        say(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    say(f"{a.organization.name} — {a.title}")
    say(f"{loaded.checklist.title} (version {loaded.checklist.version})\n")
    say(score_table(result))
    say()
    say(overall_text(result))
