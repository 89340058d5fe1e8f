"""`iso10002 demo`: load the demo consultancy's data, so there is something to look at."""

from __future__ import annotations

import click

from assessment.cli.errors import reports_errors
from assessment.cli.output import say
from assessment.cli.session import acting_user, configured_store
from assessment.demo.builder import load_demo
from assessment.scoring.numbers import counted


@click.command("demo")
@reports_errors
def demo_command() -> None:
    """Load demo data: a consultancy's two client organizations, with live assessments."""
    with configured_store() as store:
        summary = load_demo(store, acting_user(store))
    say(
        f"loaded demo data: {', '.join(summary.organizations)}; "
        f"{counted(summary.assessments, 'assessment')}, {counted(summary.responses, 'response')}, "
        f"{counted(summary.actions, 'action')} ({summary.overdue_actions} overdue), "
        f"{counted(summary.complaints, 'complaint')} in Kestrel's complaint register. "
        "Try `iso10002 assessments`."
    )
