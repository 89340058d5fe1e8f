"""`iso10002 complaints ...`: import an organization's complaint register, and measure it."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import click

from assessment.cli.errors import reports_errors
from assessment.cli.output import render_table, say
from assessment.cli.session import acting_user, configured_store, organization_named
from assessment.complaints.indicators import Period
from assessment.complaints.register import ColumnMapping
from assessment.errors import InvalidInput, RegisterRefused
from assessment.files.sourcemap import load_file
from assessment.files.validation import validate_model


@click.group("complaints")
def complaints() -> None:
    """Complaint register: import it (CSV or Excel), compute its indicators."""


def _mapping(path: Path | None) -> ColumnMapping | None:
    """A mapping file (YAML or JSON) with located faults; None: the remembered or guessed one."""
    if path is None:
        return None
    document = load_file(path)
    if document.data is None:
        raise RegisterRefused(f"{path}: the mapping file cannot be read", tuple(document.faults))
    found, faults = validate_model(ColumnMapping, document.data, document.source)
    if faults or found is None:
        raise RegisterRefused(
            f"{path}: the mapping file is not valid", tuple([*document.faults, *faults])
        )
    return found


@complaints.command("import")
@click.argument("organization")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML or JSON: columns (field: header), date_order, timezone, hash_references, ignore. "
    "Default: the one remembered for the organization, else guessed from the headers.",
)
@reports_errors
def import_command(organization: str, file: Path, mapping_file: Path | None) -> None:
    """Import a complaint register into an organization; a register with a bad cell is refused
    with every fault and changes nothing. Rows already imported (same reference) are updated."""
    mapping = _mapping(mapping_file)
    from assessment.services.complaints import import_register

    with configured_store() as store:
        actor = acting_user(store)
        found = organization_named(store, actor, organization)
        say(f"reading {file.name} ...", err=True)
        done = import_register(store, actor, found.id, file, mapping=mapping)
    say(
        f"imported {done.rows:,} complaints into {found.name} ({done.added:,} added, "
        f"{done.updated:,} updated); SHA-256 {done.sha256}"
    )


def _period(start: str | None, end: str | None) -> Period:
    try:
        last = date.fromisoformat(end) if end else date.today()
        first = date.fromisoformat(start) if start else last - timedelta(days=364)
    except ValueError as error:
        raise InvalidInput(f"a period is given as YYYY-MM-DD dates ({error})") from None
    if first > last:
        raise InvalidInput(f"the period starts ({first}) after it ends ({last})")
    return Period(first, last)


@complaints.command("indicators")
@click.argument("organization")
@click.option(
    "--from", "start", metavar="YYYY-MM-DD", help="first day (default: a year before --to)"
)
@click.option("--to", "end", metavar="YYYY-MM-DD", help="last day (default: today)")
@click.option("--json", "as_json", is_flag=True, help="print the figures as JSON")
@reports_errors
def indicators_command(
    organization: str, start: str | None, end: str | None, as_json: bool
) -> None:
    """Compute the complaint-handling indicators of an organization for a period, each with
    its target and the criteria it informs."""
    from assessment.services.complaints import complaint_indicators

    period = _period(start, end)
    with configured_store() as store:
        actor = acting_user(store)
        found = organization_named(store, actor, organization)
        values = complaint_indicators(store, actor, found.id, period)
    if as_json:
        say(
            json.dumps(
                {
                    "organization": found.name,
                    "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
                    "indicators": [
                        {
                            "id": v.indicator.id,
                            "title": v.indicator.title,
                            "value": v.value,
                            "counted": v.counted,
                            "target": v.target,
                            "better": v.indicator.target.better,
                            "met": v.met,
                            "criteria": v.indicator.criteria,
                        }
                        for v in values
                    ],
                },
                indent=2,
                ensure_ascii=False,
            ),
            data=True,
        )
        return
    say(f"{found.name}: complaints received {period}")
    rows = [
        [
            v.indicator.title,
            v.shown,
            v.target_shown,
            {True: "yes", False: "no", None: "-"}[v.met],
            f"{v.counted:,}",
            ", ".join(v.indicator.criteria),
        ]
        for v in values
    ]
    say(
        render_table(
            ["indicator", "value", "target", "met", "complaints", "criteria"], rows, right=(1, 4)
        )
    )
