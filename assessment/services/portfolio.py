"""The portfolio: every assessment a user can see, with the figures a manager scans first.

Scoring 600 assessments takes seconds, and a portfolio is drawn on every click. Each
assessment's figures are therefore kept per store and reused while nothing in it changed:
every transaction that changes an assessment counts one more on its `change_count`
(storage/store.py), so the counts tell which ones must be scored again. A score given in one
assessment rescores that one, not the portfolio.

And most clicks change nothing at all: the whole list is kept too, while a few sums over the
assessments and organizations (`_state`, two aggregate queries) stay the same, so reading it
again costs those two queries rather than every assessment's row.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from threading import Lock
from weakref import WeakKeyDictionary

from sqlalchemy import case, func, select

from assessment.access.roles import Actor
from assessment.scoring.verdict import Verdict
from assessment.services.assessments import AssessmentRecord, list_assessments, open_assessment
from assessment.storage.store import Store
from assessment.storage.tables import ActionRow, Assessment, Organization
from assessment.workflow.corrective_action import OPEN_STATUSES

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = [
    "PortfolioEntry",
    "is_empty",
    "portfolio",
]


@dataclass(frozen=True)
class PortfolioEntry:
    record: AssessmentRecord
    completion: float
    readiness: float | None
    verdict: Verdict
    open_actions: int
    overdue_actions: int


def is_empty(store: Store) -> bool:
    """True before anything was created: the app then offers demo data and import."""
    with store.transaction() as session:
        return session.scalar(select(Organization.id).limit(1)) is None


def _action_counts(store: Store, ids: list[int], today: date) -> dict[int, tuple[int, int]]:
    """(open, overdue) actions per assessment, counted by the database in one grouped query.

    The overdue test is `is_overdue` written in SQL (due before today, status open); the
    portfolio tests hold the two to the same counts.
    """
    open_statuses = [s.value for s in OPEN_STATUSES]
    overdue = case((ActionRow.due.is_not(None) & (ActionRow.due < today), 1), else_=0)
    with store.transaction() as session:
        query = (
            select(ActionRow.assessment_id, func.count(ActionRow.id), func.sum(overdue))
            .where(ActionRow.status.in_(open_statuses))
            .group_by(ActionRow.assessment_id)
        )
        if len(ids) <= 1000:
            query = query.where(ActionRow.assessment_id.in_(ids))
        return {aid: (count, int(late or 0)) for aid, count, late in session.execute(query)}


@dataclass(frozen=True)
class _Figures:
    completion: float
    readiness: float | None
    verdict: Verdict


_Stamp = tuple[int, int, str, date]  # change count, version, checklist, today
_figures: WeakKeyDictionary[Store, dict[int, tuple[_Stamp, _Figures]]] = WeakKeyDictionary()
_figures_lock = Lock()

# The last lists, per store: (state, who may see what, archived shown, today) -> entries.
_ListKey = tuple[tuple[int, ...], frozenset[int] | None, bool, date]
_lists: WeakKeyDictionary[Store, OrderedDict[_ListKey, list[PortfolioEntry]]] = WeakKeyDictionary()
KEPT_LISTS = 16  # a few users' views of one portfolio, each with and without archived ones


def _state(store: Store) -> tuple[int, ...]:
    """What moves with any change a portfolio shows: a new or deleted assessment (the count),
    any change in one (its change count; an edit of its own fields bumps its version too), an
    organization renamed, archived or added (their count and versions)."""
    with store.transaction() as session:
        assessments = session.execute(
            select(
                func.count(Assessment.id),
                func.coalesce(func.sum(Assessment.change_count), 0),
                func.coalesce(func.sum(Assessment.version), 0),
                func.coalesce(func.max(Assessment.id), 0),
            )
        ).one()
        organizations = session.execute(
            select(func.count(Organization.id), func.coalesce(func.sum(Organization.version), 0))
        ).one()
    return (*(int(v) for v in assessments), *(int(v) for v in organizations))


def _figures_of(store: Store, actor: Actor, record: AssessmentRecord, stamp: _Stamp) -> _Figures:
    with _figures_lock:
        cached = _figures.setdefault(store, {}).get(record.id)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    overall = open_assessment(store, actor, record.id, today=stamp[-1]).score.overall
    figures = _Figures(overall.completion, overall.readiness, overall.verdict)
    with _figures_lock:
        _figures.setdefault(store, {})[record.id] = (stamp, figures)
    return figures


def portfolio(
    store: Store, actor: Actor, *, today: date | None = None, include_archived: bool = False
) -> list[PortfolioEntry]:
    """Each assessment the actor can see, scored, with its open and overdue action counts
    (overdue as of `today`)."""
    today = today or date.today()
    key = (_state(store), actor.visible_organizations(), include_archived, today)
    with _figures_lock:
        kept = _lists.setdefault(store, OrderedDict())
        if key in kept:
            kept.move_to_end(key)
            return list(kept[key])
    records = list_assessments(store, actor, include_archived=include_archived)
    counts = _action_counts(store, [r.id for r in records], today)
    entries = []
    for record in records:
        stamp = (record.change_count, record.version, record.checklist_hash, today)
        figures = _figures_of(store, actor, record, stamp)
        entries.append(
            PortfolioEntry(
                record,
                figures.completion,
                figures.readiness,
                figures.verdict,
                *counts.get(record.id, (0, 0)),
            )
        )
    with _figures_lock:
        kept = _lists.setdefault(store, OrderedDict())
        kept[key] = entries
        while len(kept) > KEPT_LISTS:
            kept.popitem(last=False)
    return list(entries)
