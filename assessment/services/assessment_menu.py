"""What the pickers of organization and assessment offer, read without loading every assessment.

A consultant's portfolio may hold thousands of assessments and organizations, and the sidebar
pickers are drawn on every rerun of every page. So the menu reads, whatever the portfolio's
size: the organizations to list (at most `organization_limit` of them, found by part of their
name when there are more), the assessments of the organizations the page may show, and the
assessment being worked on; a few indexed queries, only what the actor may see.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, func, or_, select

from assessment.access.roles import Actor
from assessment.services.assessments import RECORD_COLUMNS, AssessmentRecord, record_from_row
from assessment.services.organizations import name_holds
from assessment.storage.store import Store
from assessment.storage.tables import Assessment, ChecklistSnapshot, Organization
from assessment.workflow.stages import WORKING_STAGES

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = [
    "ORGANIZATION_LIMIT",
    "AssessmentMenu",
    "assessment_menu",
]

# A drop-down longer than this is no longer read, only searched: past it, the picker lists the
# first ones by name and a search box finds the others.
ORGANIZATION_LIMIT = 300


@dataclass(frozen=True)
class AssessmentMenu:
    """`organizations`: organizations with an assessment that is not archived, by name, at most
    the limit asked for, and only those whose name holds the search text when one is given.
    `more_organizations`: whether more than those match.
    `candidates`: every assessment (not archived) of the organizations asked about, of those
    of the assessments asked about and of `current_work`'s, so a choice among them can be
    resolved and its organization's assessments listed.
    `current_work`: the newest assessment being worked on (in progress or in review), else the
    newest of all; None when there is none.
    """

    organizations: dict[int, str]
    more_organizations: bool
    candidates: tuple[AssessmentRecord, ...]
    current_work: AssessmentRecord | None

    def of_organization(self, organization_id: int) -> list[AssessmentRecord]:
        return [r for r in self.candidates if r.organization_id == organization_id]


def assessment_menu(
    store: Store,
    actor: Actor,
    *,
    assessment_ids: Collection[int] = (),
    organization_ids: Collection[int] = (),
    organization_search: str = "",
    organization_limit: int | None = None,
) -> AssessmentMenu:
    """The pickers' choices around the assessments and organizations a page may show (those
    in its link or this session's choice). `organization_search` finds organizations by part
    of their name, ignoring case (on SQLite, case is ignored for unaccented letters only);
    `organization_limit` defaults to ORGANIZATION_LIMIT."""
    limit = ORGANIZATION_LIMIT if organization_limit is None else organization_limit
    with store.transaction() as session:
        visible = actor.visible_organizations()
        shown: ColumnElement[bool] = Assessment.archived.is_(False)
        if visible is not None:
            shown = shown & Assessment.organization_id.in_(visible)
        has_open = exists().where(Assessment.organization_id == Organization.id, shown)
        query = select(Organization.id, Organization.name).where(has_open)
        search = organization_search.strip()
        if search:
            query = query.where(Organization.name.ilike(name_holds(search), escape="\\"))
        # By the name's index, so the first ones come without sorting every organization.
        names = session.execute(query.order_by(Organization.name).limit(limit + 1))
        listed = names.all()
        # Two aggregates, not a sort of every assessment by stage.
        current_id = session.scalar(
            select(func.max(Assessment.id)).where(
                shown, Assessment.status.in_([s.value for s in WORKING_STAGES])
            )
        ) or session.scalar(select(func.max(Assessment.id)).where(shown))
        wanted_ids = {*assessment_ids, *([current_id] if current_id is not None else [])}
        organizations_asked = select(Assessment.organization_id).where(
            Assessment.id.in_(sorted(wanted_ids))
        )
        rows = session.execute(
            select(*RECORD_COLUMNS)
            .join(Organization, Organization.id == Assessment.organization_id)
            .join(ChecklistSnapshot, ChecklistSnapshot.content_hash == Assessment.checklist_hash)
            .where(shown)
            .where(
                or_(
                    Assessment.organization_id.in_(sorted(set(organization_ids))),
                    Assessment.organization_id.in_(organizations_asked),
                )
            )
            .order_by(Assessment.id)
        )
        candidates = tuple(
            record_from_row(row, row.organization_name, row.checklist_id) for row in rows
        )
    more = len(listed) > limit
    by_name = sorted(listed[:limit], key=lambda pair: (pair[1].casefold(), pair[0]))
    current = next((r for r in candidates if r.id == current_id), None)
    return AssessmentMenu(dict(by_name), more, candidates, current)
