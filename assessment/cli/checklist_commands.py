"""`iso10002 checklist ...`: validate, show and list checklists."""

from __future__ import annotations

from pathlib import Path

import click

from assessment.checklist.editions import MAPPING_FORMAT, load_mapping
from assessment.checklist.loader import available_checklists, find_checklist, load_checklist
from assessment.checklist.model import Checklist
from assessment.cli.errors import reports_errors
from assessment.cli.output import render_table, say
from assessment.complaints import INDICATORS_FORMAT
from assessment.errors import ChecklistError, Fault, IndicatorFileError, MappingError
from assessment.files.sourcemap import load_file
from assessment.scoring.numbers import counted, plural


@click.group()
def checklist() -> None:
    """Validate, show and list checklists."""


def _faults_of(path: Path) -> tuple[list[Fault], str]:
    """Faults of a checklist, mapping or indicators file (told apart by `format`), and what
    it was."""
    document = load_file(path)
    data = document.data
    if isinstance(data, dict) and data.get("format") == INDICATORS_FORMAT:
        from assessment.complaints.indicators import load_indicators  # pandas: only when needed

        try:
            indicators = load_indicators(path)
        except IndicatorFileError as error:
            return error.faults, "indicators"
        return [], (
            f"complaint indicators for {indicators.checklist}, "
            f"{counted(len(indicators.indicators), 'indicator')}"
        )
    if isinstance(data, dict) and data.get("format") == MAPPING_FORMAT:
        try:
            loaded = load_mapping(path)
        except MappingError as error:
            return error.faults, "mapping"
        return (
            [],
            f"mapping {loaded.mapping.from_id} -> {loaded.mapping.to_id}, "
            f"{counted(len(loaded.mapping.criteria), 'criterion', 'criteria')}",
        )
    try:
        loaded_checklist = load_checklist(path)
    except ChecklistError as error:
        return error.faults, "checklist"
    clauses = sum(1 for _ in loaded_checklist.walk())
    return (
        [],
        f"checklist {loaded_checklist.id}, {counted(clauses, 'clause')}, "
        f"{counted(len(loaded_checklist.criteria), 'criterion', 'criteria')}",
    )


@checklist.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check checklist (and mapping, and indicators) files; print every fault as FILE:LINE:COL: message."""
    failed = 0
    for path in paths:
        faults, what = _faults_of(path)
        if faults:
            failed += 1
            for fault in faults:
                say(str(fault), err=True)
        else:
            say(f"ok  {path}  ({what})")
    if failed:
        say(
            f"{failed} of {counted(len(paths), 'file')} {plural(failed, 'has', 'have')} faults",
            err=True,
        )
        raise SystemExit(1)


def tree_rows(checklist: Checklist) -> list[list[str]]:
    rows = []
    for entry in checklist.walk():
        clause = entry.clause
        below = checklist.criteria_under(clause.ref)
        essential = sum(c.essential for c in below)
        title = clause.title + (
            f" ({', '.join(clause.alternative_titles)})" if clause.alternative_titles else ""
        )
        rows.append(
            [
                "  " * entry.depth + clause.ref,
                title,
                f"{clause.weight:g}",
                str(len(below)),
                str(essential),
            ]
        )
    return rows


@checklist.command("show")
@click.argument("checklist_ref", metavar="ID|PATH")
@reports_errors
def show(checklist_ref: str) -> None:
    """Print a checklist's clause tree with criteria counts."""
    loaded = find_checklist(checklist_ref)
    say(f"{loaded.title}")
    say(
        f"id {loaded.id} · edition {loaded.edition} · version {loaded.version} · {loaded.content_hash[:19]}"
    )
    scale = ", ".join(f"{lv.value} {lv.label}" for lv in loaded.scale.levels)
    say(f"scale: {scale} · pass at {loaded.scale.pass_threshold}\n")
    rows = tree_rows(loaded)
    say(render_table(["clause", "title", "weight", "criteria", "essential"], rows, right=(2, 3, 4)))
    leaves = sum(1 for e in loaded.walk() if not e.clause.clauses)
    essential = sum(c.essential for c in loaded.criteria)
    say(
        f"\n{counted(len(rows), 'clause')} ({counted(leaves, 'leaf clause')}), "
        f"{counted(len(loaded.criteria), 'criterion', 'criteria')}, {essential} essential"
    )


@checklist.command("list")
def list_checklists() -> None:
    """List the checklists found in the lookup folders."""
    rows = [
        [
            f.checklist.id,
            f.checklist.edition,
            str(f.checklist.version),
            str(len(f.checklist.criteria)),
            str(f.path),
        ]
        for f in available_checklists()
    ]
    say(render_table(["id", "edition", "version", "criteria", "file"], rows, right=(2, 3)))
