"""Raising a corrective action from findings already scored: one click in a workshop.

The finding class and a title come from the scores given; a criterion that already has an
action is refused with the existing ones named, unless the caller says it means a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from assessment.access.roles import Actor, Permission
from assessment.errors import ActionAlreadyRaised, InvalidChange
from assessment.scoring.engine import score_assessment
from assessment.scoring.findings import Finding
from assessment.scoring.numbers import plural
from assessment.services.actions import add_action, to_record
from assessment.services.assessment_rows import editable_row
from assessment.services.assessments import load_parts
from assessment.storage.store import Store
from assessment.workflow.corrective_action import ActionLink, ActionRecord, Priority

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = ["raise_from_finding"]


def raise_from_finding(
    store: Store,
    actor: Actor,
    assessment_id: int,
    criteria: Iterable[str],
    *,
    title: str | None = None,
    owner: str = "",
    due: date | None = None,
    priority: Priority = Priority.MEDIUM,
    again: bool = False,
) -> ActionRecord:
    """Raise an action for the findings of some criteria, carrying over the worst finding.

    One click in a workshop: the finding class and a title come from the scores already given.
    A criterion that already has an action (of any status) is refused with the existing ones
    named, unless `again`: a second action on the same finding is usually a slip (a repeated
    command, a double click), and one that is meant says so.
    """
    criteria = list(dict.fromkeys(criteria))
    if not criteria:
        raise InvalidChange("name at least one criterion to raise an action from its finding")
    with store.transaction() as session:
        assessment = editable_row(
            session,
            store,
            actor,
            assessment_id,
            Permission.MANAGE_ACTIONS,
            what="raise a corrective action",
        )
        checklist, responses, links = load_parts(session, assessment)
        for cid in criteria:
            if not checklist.has_criterion(cid):
                raise InvalidChange(f"no criterion {cid} in checklist {checklist.id}")
        if not again:
            _refuse_if_raised(criteria, links)
        scores = score_assessment(checklist, {k: v.response for k, v in responses.items()}, links)
        findings = [scores.criterion(cid).finding for cid in criteria]
        order = [Finding.MAJOR, Finding.MINOR, Finding.OFI]
        worst = next((f for f in order if f in findings), None)
        if worst is None:
            raise InvalidChange(
                f"{', '.join(criteria)} has no finding to act on (not yet scored, or conforming)"
            )
        default_title = f"Address the {worst.label.lower()} on {', '.join(criteria)}"
        row = add_action(
            session,
            actor.name,
            assessment,
            title or default_title,
            criteria=criteria,
            owner=owner,
            due=due,
            finding=worst,
            priority=Priority(priority),
            raised_on=date.today(),
        )
        return to_record(row)


def _refuse_if_raised(criteria: list[str], links: Iterable[ActionLink]) -> None:
    existing = [link for link in links if set(link.criteria) & set(criteria)]
    if not existing:
        return
    covered = [c for c in criteria if any(c in link.criteria for link in existing)]
    listed = "; ".join(
        f"{link.id} '{link.title}' ({link.status.label.lower()}, on "
        f"{', '.join(c for c in link.criteria if c in covered)})"
        for link in existing
    )
    raise ActionAlreadyRaised(
        f"{', '.join(covered)} already {plural(len(covered), 'has', 'have')} "
        f"{plural(len(existing), 'a corrective action', 'corrective actions')}: {listed}",
        tuple(link.id for link in existing),
    )
