"""Demo data: a fictional consultancy's two clients, so a new user sees live data at once.

An empty portfolio teaches nothing. The demo fills it with what a consultant's database looks
like a few months into real work: a client assessed a year ago (final, every criterion answered)
and assessed again now (half-way through the workshops, with notes, N/A reasons, overrides and
corrective actions, some of them overdue), plus a second client that has only just begun.

Everything goes through the same import service as a user's portable file, so the demo is
audited, pinned to its checklist and scored exactly like real data; each record is credited to
the member of the assessment's team who wrote it in the story, on the day they did
(`assessment.demo.timeline`). Dates are relative to `today` and there is no randomness, so a
given `today` always yields the same data (tests rely on that). Every name is invented and ends in " (demo)"; every note and reason is our own wording,
never the standard's text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from assessment.access.roles import Actor
from assessment.checklist.loader import find_checklist
from assessment.checklist.model import Checklist
from assessment.demo.content import (
    ALDER_VALE,
    ALDER_VALE_ACTIONS,
    ASSESSOR,
    CLINICS_CONTACT,
    CONSULTANCY,
    KESTREL,
    KESTREL_BASELINE_ACTIONS,
    KESTREL_BASELINE_NA,
    KESTREL_BASELINE_NOTES,
    KESTREL_CONTACT,
    KESTREL_CURRENT_ACTIONS,
    KESTREL_CURRENT_NA,
    KESTREL_CURRENT_WORK,
    KESTREL_OVERRIDES,
    LEAD_ASSESSOR,
    NA,
    ActionWork,
    _Action,
)
from assessment.demo.register import MAPPING as REGISTER_MAPPING
from assessment.demo.register import demo_register
from assessment.demo.timeline import Timeline, timeline, working_day
from assessment.errors import InvalidChange
from assessment.portable.assessment_file import (
    ASSESSMENT_FORMAT,
    LoadedAssessment,
    PortableAction,
    PortableAssessment,
    PortableCheck,
    PortableOrganization,
    PortableResponse,
    PortableSignOff,
)
from assessment.portable.evidence_file import PortableEvidence
from assessment.scoring.engine import score_assessment
from assessment.scoring.findings import Finding
from assessment.scoring.verdict import Verdict
from assessment.services.complaints import import_register
from assessment.services.exchange import ImportItem, import_assessments
from assessment.services.guard import require_admin
from assessment.services.organizations import list_organizations
from assessment.storage.store import Store
from assessment.workflow.corrective_action import OPEN_STATUSES, ActionStatus, Priority, is_overdue
from assessment.workflow.stages import AssessmentStatus

DEMO_SOURCE = "demo data"
DEMO_CHECKLIST = "iso10002-2018"
RETAILER = "Kestrel Outdoor Supply (demo)"
CLINICS = "Alder Vale Community Clinics (demo)"
DEMO_ORGANIZATIONS = (RETAILER, CLINICS)


@dataclass(frozen=True)
class DemoSummary:
    """What was loaded, for the one line the command line and the app print afterwards."""

    organizations: tuple[str, ...]
    assessments: int
    responses: int
    actions: int
    overdue_actions: int
    complaints: int = 0  # rows of the complaint register imported for Kestrel


# --- building the portable assessments -------------------------------------------------------


def _one_year_before(day: date) -> date:
    """The same day a year earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _response(
    answer: int | str, note: str, na_reasons: Mapping[str, str], criterion_id: str
) -> PortableResponse:
    if isinstance(answer, int):
        return PortableResponse(score=answer, notes=note)
    if answer != NA:
        raise ValueError(f"demo table: {criterion_id} has {answer!r}; use a score, NA or None")
    return PortableResponse(not_applicable=na_reasons[criterion_id], notes=note)


def _with_override(
    response: PortableResponse, override: tuple[Finding, str] | None
) -> PortableResponse:
    if override is None:
        return response
    finding, reason = override
    return response.model_copy(update={"finding": finding, "finding_reason": reason})


def _kestrel_responses(*, current: bool) -> dict[str, PortableResponse]:
    """Last year's answers or this year's, from the one table that shows both side by side."""
    na_reasons = KESTREL_CURRENT_NA if current else KESTREL_BASELINE_NA
    responses = {}
    for criterion_id, (before, after, note_now) in KESTREL.items():
        answer = after if current else before
        if answer is None:
            continue
        note = note_now if current else KESTREL_BASELINE_NOTES.get(criterion_id, "")
        response = _response(answer, note, na_reasons, criterion_id)
        if current:
            response = _with_override(response, KESTREL_OVERRIDES.get(criterion_id))
        responses[criterion_id] = response
    return responses


def _action(
    spec: _Action, anchor: date, first: date, last: date, work: ActionWork | None = None
) -> PortableAction:
    """One action with a plausible history: raised about two months before it was due, closed
    a few days before its due date, and verified two weeks after closing; every step within
    the days its assessment was worked on (`first` to `last`), and due dates from `anchor`.
    `work` is its correction, root cause, method and plan."""
    correction, root_cause, method, plan = work or ("", "", None, "")
    due = anchor + timedelta(days=spec.due_in_days)
    raised = working_day(max(min(due - timedelta(days=60), last), first), first, last)
    closed = None
    if spec.status not in OPEN_STATUSES:
        closed = working_day(max(min(due - timedelta(days=5), last), raised), raised, last)
    check = None
    if spec.status is ActionStatus.VERIFIED and closed is not None:
        check = PortableCheck(
            checked_on=working_day(min(closed + timedelta(days=14), last), closed, last),
            checked_by=LEAD_ASSESSOR,
            effective=True,
            note="Sampled the records made since the change: the fix holds and nothing recurred.",
        )
    return PortableAction(
        id=spec.ref,
        title=spec.title,
        criteria=list(spec.criteria),
        correction=correction,
        root_cause=root_cause,
        root_cause_method=method,
        action_plan=plan,
        owner=spec.owner,
        due=due,
        priority=Priority.HIGH if is_overdue(due, spec.status, anchor) else Priority.MEDIUM,
        status=spec.status,
        raised_on=raised,
        closed_on=closed,
        check=check,
    )


def _actions(
    specs: tuple[_Action, ...],
    anchor: date,
    first: date,
    last: date,
    work: Mapping[str, ActionWork] | None = None,
) -> list[PortableAction]:
    return [_action(spec, anchor, first, last, (work or {}).get(spec.ref)) for spec in specs]


def _yesterday(today: date) -> date:
    """The last day of work so far in a live assessment: nothing in the story happens later
    than the moment the demo is loaded."""
    return today - timedelta(days=1)


def kestrel_baseline(checklist: Checklist, today: date) -> PortableAssessment:
    """Last year's first gap analysis: final, every criterion answered, its actions closed."""
    end = _one_year_before(today)
    start = end - timedelta(days=16)
    baseline = PortableAssessment(
        format=ASSESSMENT_FORMAT,
        checklist=checklist.id,
        organization=PortableOrganization(name=RETAILER),
        title=f"Complaints-handling gap analysis {end.year}",
        scope=(
            "Complaints from online customers on every channel (web form, e-mail, phone, chat, "
            f"post, social media). First gap analysis, carried out by {CONSULTANCY}."
        ),
        status=AssessmentStatus.FINAL,
        team=[LEAD_ASSESSOR, KESTREL_CONTACT],
        start_date=start,
        end_date=end,
        responses=_kestrel_responses(current=False),
        actions=_actions(KESTREL_BASELINE_ACTIONS, end, start, end),
    )
    return baseline.model_copy(update={"signed_off": _baseline_sign_off(baseline, checklist, end)})


def _baseline_sign_off(
    baseline: PortableAssessment, checklist: Checklist, end: date
) -> PortableSignOff:
    """The lead assessor signed the first gap analysis off on its last day, with the verdict
    it had then (a first gap analysis is rarely ready) and why it was signed off anyway."""
    verdict = score_assessment(
        checklist,
        baseline.scoring_responses(),
        baseline.action_links(),
        supported=baseline.supported_criteria(end),
    ).overall.verdict
    return PortableSignOff(
        by=LEAD_ASSESSOR,
        at=datetime.combine(working_day(end, end - timedelta(days=6), end), time(16, 30), UTC),
        verdict=verdict,
        statement=(
            None
            if verdict is Verdict.READY
            else "Agreed with Kestrel's head of customer care as the baseline gap analysis; "
            "every gap found is in the action plan."
        ),
    )


def kestrel_current(checklist: Checklist, today: date) -> PortableAssessment:
    """This year's review, half-way: the workshops have reached 7.5, a few weeks remain."""
    start = today - timedelta(days=75)
    return PortableAssessment(
        format=ASSESSMENT_FORMAT,
        checklist=checklist.id,
        organization=PortableOrganization(name=RETAILER),
        title=f"ISO 10002 readiness review {today.year}",
        scope=(
            "Complaints from online customers on every channel; the outlet store is out of scope "
            f"by board decision. Readiness review by {CONSULTANCY} a year after the first gap "
            "analysis; the workshops on the rest of clause 7 and on clause 8 are still to come."
        ),
        status=AssessmentStatus.IN_PROGRESS,
        team=[LEAD_ASSESSOR, ASSESSOR, KESTREL_CONTACT],
        start_date=start,
        end_date=today + timedelta(days=21),
        responses=_kestrel_responses(current=True),
        actions=_actions(
            KESTREL_CURRENT_ACTIONS, today, start, _yesterday(today), KESTREL_CURRENT_WORK
        ),
        evidence=_kestrel_evidence(checklist, _kestrel_responses(current=True), today, start),
    )


def _kestrel_evidence(
    checklist: Checklist, responses: Mapping[str, PortableResponse], today: date, start: date
) -> list[PortableEvidence]:
    """What the assessors saw, as notes: approved for most sections, still in review for the
    last ones reached, one record past its valid-until date and two about to expire, so the verdict has a few
    unsupported scores to show and the evidence page something to warn about. The records
    sampled date from the weeks before the review began."""
    at_target = [
        c.id
        for c in checklist.criteria
        if (r := responses.get(c.id)) is not None
        and r.score is not None
        and r.score >= checklist.target(c)
    ]
    items = []
    for number, criterion_id in enumerate(at_target, start=1):
        in_review = criterion_id.startswith("7.")
        expired, expiring = number == 3, number in (5, 9)
        items.append(
            PortableEvidence(
                id=f"E{number}",
                kind="note",
                title=f"Records sampled for {criterion_id}",
                criteria=[criterion_id],
                note=responses[criterion_id].notes
                or "Sampled the records; they show the practice.",
                owner=ASSESSOR,
                effective_date=start - timedelta(days=14),
                valid_until=today + timedelta(days=-2 if expired else 20 if expiring else 365),
                status="in_review" if in_review else "approved",
            )
        )
    return items


def alder_vale_start(checklist: Checklist, today: date) -> PortableAssessment:
    """A second client, a week in: a draft with the kick-off workshop's answers only."""
    start = today - timedelta(days=6)
    return PortableAssessment(
        format=ASSESSMENT_FORMAT,
        checklist=checklist.id,
        organization=PortableOrganization(name=CLINICS),
        title=f"Complaints-handling self-assessment {today.year}",
        scope=(
            "Complaints from patients and carers at the four Alder Vale clinics (family practice, "
            f"physiotherapy, dental), clinical and non-clinical. Assessment by {CONSULTANCY} for "
            "the clinics' board."
        ),
        status=AssessmentStatus.DRAFT,
        team=[ASSESSOR, CLINICS_CONTACT],
        start_date=start,
        end_date=today + timedelta(days=60),
        responses={cid: PortableResponse(score=s, notes=n) for cid, (s, n) in ALDER_VALE.items()},
        actions=_actions(ALDER_VALE_ACTIONS, today, start, _yesterday(today)),
    )


# --- loading ---------------------------------------------------------------------------------


def _refuse_if_loaded(store: Store, actor: Actor) -> None:
    """Refuse before writing anything, so a second run changes nothing."""
    names = {o.name for o in list_organizations(store, actor, include_archived=True)}
    for name in DEMO_ORGANIZATIONS:
        if name in names:
            raise InvalidChange(
                f"demo data is already loaded: the organization '{name}' exists "
                "(rename it to load the demo again)"
            )


def _overdue(portables: tuple[PortableAssessment, ...], today: date) -> int:
    return sum(is_overdue(a.due, a.status, today) for p in portables for a in p.actions)


def _credits(
    checklist: Checklist, portables: tuple[PortableAssessment, ...], today: date
) -> tuple[Timeline, ...]:
    """Who wrote what and when, assessment by assessment: last year's gap analysis over four
    workshops by the lead assessor and the client's head of customer care, signed off on its
    end date; this year's review over eight workshops until yesterday by the whole team; the
    clinics' kick-off workshop a few days ago."""
    baseline, current, clinics = portables
    return (
        timeline(
            checklist,
            baseline,
            last=baseline.end_date or _one_year_before(today),
            workshops=4,
            lead=LEAD_ASSESSOR,
            contact=KESTREL_CONTACT,
            scribes=(LEAD_ASSESSOR, KESTREL_CONTACT),
        ),
        timeline(
            checklist,
            current,
            last=_yesterday(today),
            workshops=8,
            lead=LEAD_ASSESSOR,
            contact=KESTREL_CONTACT,
            scribes=(ASSESSOR, LEAD_ASSESSOR, KESTREL_CONTACT),
        ),
        timeline(
            checklist,
            clinics,
            last=_yesterday(today),
            workshops=1,
            lead=ASSESSOR,
            contact=CLINICS_CONTACT,
            scribes=(ASSESSOR, CLINICS_CONTACT),
        ),
    )


REGISTER_FILE = "kestrel-helpdesk-export.csv"  # the demo register's file name, as imported


def load_demo(
    store: Store, actor: Actor, *, today: date | None = None, complaint_register: bool = True
) -> DemoSummary:
    """Load the demo consultancy's clients and their assessments; refuse if already loaded.

    The assessments are imported like portable files, with the current review linked to last
    year's as its baseline, all in one transaction: a failure
    or a second loader at the same moment leaves nothing half-loaded. A checklist that was
    replaced (ISO10002_CHECKLISTS_DIR) and does not fit the demo is refused the same way. `today` anchors every date, so a
    test can pin it; by default it is the real today, so some actions are overdue right now.
    Each record is credited to its team member in the story (see `_credits`); the audit trail
    says, under the actor (a system administrator) and at the real time, that it was loaded as
    demo data.

    Then, unless `complaint_register` is off (tests that do not need it, to save the half
    second), Kestrel's complaint register (`assessment.demo.register`) is imported the way a
    user's file is, in a second transaction of its own.
    """
    require_admin(store, actor, what="load the demo data")
    today = today or date.today()
    _refuse_if_loaded(store, actor)
    checklist = find_checklist(DEMO_CHECKLIST)
    portables = (
        kestrel_baseline(checklist, today),
        kestrel_current(checklist, today),
        alder_vale_start(checklist, today),
    )
    credits = _credits(checklist, portables, today)
    items = [
        ImportItem(LoadedAssessment(portable, checklist), DEMO_SOURCE, credit=credit.credit)
        for portable, credit in zip(portables, credits, strict=True)
    ]
    items[1] = replace(items[1], baseline=0)  # this year's review against last year's
    imported = import_assessments(store, actor, items)  # one transaction
    complaints = 0
    if complaint_register:
        kestrel = imported[0].assessment.organization_id
        register = import_register(
            store,
            actor,
            kestrel,
            Path(REGISTER_FILE),
            content=demo_register(today),
            mapping=REGISTER_MAPPING,
        )
        complaints = register.rows
    return DemoSummary(
        organizations=DEMO_ORGANIZATIONS,
        assessments=len(portables),
        responses=sum(len(p.responses) for p in portables),
        actions=sum(len(p.actions) for p in portables),
        overdue_actions=_overdue(portables, today),
        complaints=complaints,
    )
