"""`iso10002 action ...`: raise, list, move and check corrective actions of a stored assessment."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import click

from assessment.cli.errors import reports_errors
from assessment.cli.output import render_table, say
from assessment.cli.session import acting_user, configured_store
from assessment.errors import ActionAlreadyRaised, NotFound
from assessment.services.action_raising import raise_from_finding
from assessment.services.actions import (
    check_effectiveness,
    create_action,
    list_actions,
    move_action,
)
from assessment.storage.store import Store
from assessment.workflow.corrective_action import (
    ActionStatus,
    EffectivenessCheck,
    Priority,
    load_by_owner,
    open_by_week,
)

DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.group("action")
def action() -> None:
    """Corrective actions: list, raise, move, check for effectiveness."""


@action.command("list")
@click.argument("assessment_id", type=int, metavar="ASSESSMENT")
@reports_errors
def list_command(assessment_id: int) -> None:
    """List an assessment's actions, overdue ones marked, then the load per owner."""
    today = date.today()
    with configured_store() as store:
        actions = list_actions(store, acting_user(store), assessment_id)
    if not actions:
        say("No corrective actions yet. Raise one with `iso10002 action raise`.")
        return
    rows = [
        [
            a.ref,
            a.title,
            ", ".join(a.criteria),
            a.owner,
            a.due.isoformat() if a.due else "",
            a.priority.value,
            a.status.label + (" (OVERDUE)" if a.is_overdue(today) else ""),
        ]
        for a in actions
    ]
    headers = ["id", "title", "criteria", "owner", "due", "priority", "status"]
    say(render_table(headers, rows))
    loads = load_by_owner(actions, today)
    if loads:
        say()
        say(
            render_table(
                ["owner", "open", "overdue"],
                [[o.owner, str(o.open), str(o.overdue)] for o in loads],
                right=(1, 2),
            )
        )


@action.command("raise")
@click.argument("assessment_id", type=int, metavar="ASSESSMENT")
@click.option("--criteria", "-c", multiple=True, help="A criterion whose finding it answers.")
@click.option("--title", help="Short title (default: from the finding, with --criteria).")
@click.option("--owner", default="", help="Who carries it out.")
@click.option("--due", type=DATE, help="Due date, YYYY-MM-DD.")
@click.option(
    "--priority", type=click.Choice([p.value for p in Priority]), default=Priority.MEDIUM.value
)
@click.option(
    "--again",
    is_flag=True,
    help="Raise it even though the criteria already have a corrective action.",
)
@reports_errors
def raise_command(
    assessment_id: int,
    criteria: tuple[str, ...],
    title: str | None,
    owner: str,
    due: datetime | None,
    priority: str,
    again: bool,
) -> None:
    """Raise an action from the findings of --criteria, or on its own with --title.

    A criterion that already has a corrective action is refused, naming it, unless --again.
    """
    due_date = due.date() if due else None
    with configured_store() as store:
        if criteria:
            try:
                raised = raise_from_finding(
                    store,
                    acting_user(store),
                    assessment_id,
                    criteria,
                    title=title,
                    owner=owner,
                    due=due_date,
                    priority=Priority(priority),
                    again=again,
                )
            except ActionAlreadyRaised as error:
                raise ActionAlreadyRaised(
                    f"no action was raised: {error} (add --again to raise another anyway)",
                    error.existing,
                ) from None
        else:
            if not title:
                raise click.UsageError("give --criteria, or --title for an action on its own")
            raised = create_action(
                store,
                acting_user(store),
                assessment_id,
                title,
                owner=owner,
                due=due_date,
                priority=Priority(priority),
            )
    say(f"raised {raised.ref}: {raised.title}")


@action.command("move")
@click.argument("assessment_id", type=int, metavar="ASSESSMENT")
@click.argument("ref")
@click.argument("status", type=click.Choice(["open", "in_progress", "done"]))
@click.option("--reason", default="", help="Why (needed to reopen a verified action).")
@reports_errors
def move_command(assessment_id: int, ref: str, status: str, reason: str) -> None:
    """Move an action to open, in_progress or done."""
    with configured_store() as store:
        current = _current(store, assessment_id, ref)
        moved = move_action(
            store,
            acting_user(store),
            assessment_id,
            ref,
            ActionStatus(status),
            expected_version=current,
            reason=reason,
        )
    say(f"{moved.ref} is now {moved.status.label.lower()}")


@action.command("check")
@click.argument("assessment_id", type=int, metavar="ASSESSMENT")
@click.argument("ref")
@click.option("--effective/--not-effective", required=True, help="What the check found.")
@click.option("--by", "checked_by", required=True, help="Who checked it.")
@click.option("--note", default="", help="What the check was based on.")
@click.option("--evidence", type=int, multiple=True, help="An evidence record id it relied on.")
@click.option("--on", "checked_on", type=DATE, help="Date of the check (default today).")
@reports_errors
def check_command(
    assessment_id: int,
    ref: str,
    effective: bool,
    checked_by: str,
    note: str,
    evidence: tuple[int, ...],
    checked_on: datetime | None,
) -> None:
    """Record the effectiveness check of a done action: verified, or reopened."""
    when = checked_on.date() if checked_on else date.today()
    check = EffectivenessCheck(when, checked_by, effective, note, evidence)
    with configured_store() as store:
        current = _current(store, assessment_id, ref)
        checked = check_effectiveness(
            store, acting_user(store), assessment_id, ref, check, expected_version=current
        )
    say(f"{checked.ref} is now {checked.status.label.lower()}")


def _current(store: Store, assessment_id: int, ref: str) -> int:
    """The version a command edits: the one it has just read (a command is one quick step)."""
    for a in list_actions(store, acting_user(store), assessment_id):
        if a.ref == ref:
            return a.version
    raise NotFound(f"no action {ref} in assessment {assessment_id}")


@action.command("burndown")
@click.argument("assessment_id", type=int, metavar="ASSESSMENT")
@click.option("--weeks", type=click.IntRange(1, 260), default=12, help="How many weeks back.")
@reports_errors
def burndown_command(assessment_id: int, weeks: int) -> None:
    """Actions still open at the end of each week: is the pile going down?"""
    today = date.today()
    with configured_store() as store:
        actions = list_actions(store, acting_user(store), assessment_id)
    series = open_by_week(actions, today - timedelta(weeks=weeks - 1), today)
    widest = max((count for _, count in series), default=0) or 1
    for monday, count in series:
        bar = "#" * round(30 * count / widest)
        say(f"week of {monday.isoformat()}  {count:4d}  {bar}")
