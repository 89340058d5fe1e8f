"""An organization's complaint register: imported (all rows or none), remembered, measured.

Importing reads the whole file first; a file with one bad cell is refused with every fault
listed and changes nothing. A good file is written in one transaction: complaints already there
(by reference) are updated, the others added, and the import itself is recorded (file name,
SHA-256, rows, who, when) with an event in the history. The mapping used is remembered for the
organization, so the next export of the same system imports without questions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from threading import Lock

import pandas as pd
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from assessment.access.roles import Actor, Permission
from assessment.complaints.indicators import IndicatorSet, Period, Value, compute, load_indicators
from assessment.complaints.performance import Filter, Performance, performance
from assessment.complaints.register import ColumnMapping, Complaint, complaints_of, read_table
from assessment.complaints.suggestions import Suggestion, suggestions
from assessment.errors import RegisterRefused
from assessment.services.assessments import get_assessment
from assessment.services.audit import record
from assessment.services.guard import reachable_organization
from assessment.storage.store import Store
from assessment.storage.tables import ComplaintImport, ComplaintRow, ComplaintSettings

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = [
    "RegisterImport",
    "complaint_indicators",
    "complaint_performance",
    "criterion_suggestions",
    "import_register",
    "register_mapping",
]

BATCH = 5000
TOP_SCORE = 5  # the built-in checklists' scale runs 0 to 5
# Kept per process, so a rerun does not read and measure a large register again.
KEPT_REGISTERS = 4  # registers (a large one is a few hundred MB in memory)
KEPT_SUGGESTIONS = 32  # assessments' suggestions
KEPT_PERFORMANCE = 32  # the Complaint performance page's figures, per period and filter
_REGISTERS: dict[object, _Register] = {}
_SUGGESTIONS: dict[object, dict[str, Suggestion]] = {}
_PERFORMANCE: dict[object, Performance] = {}
_KEPT_LOCK = Lock()  # rows per INSERT or UPDATE statement

_MOMENTS = {
    "received": "received_at",
    "acknowledged": "acknowledged_at",
    "responded": "responded_at",
    "closed": "closed_at",
}


@dataclass(frozen=True)
class RegisterImport:
    """What an import did."""

    file_name: str
    sha256: str
    rows: int
    added: int
    updated: int


def _row_values(complaint: Complaint) -> dict[str, object]:
    values = asdict(complaint)
    for field, column in _MOMENTS.items():
        values[column] = values.pop(field)
    values["outcome"] = None if complaint.outcome is None else str(complaint.outcome)
    return values


def _may_import(session: Session, store: Store, actor: Actor, organization_id: int) -> None:
    """Importing a register is managing the organization's data: lead assessors and admins."""
    reachable_organization(
        session,
        store,
        actor,
        organization_id,
        Permission.MANAGE_ASSESSMENTS,
        what="import its complaint register",
    )


def import_register(
    store: Store,
    actor: Actor,
    organization_id: int,
    path: Path,
    *,
    content: bytes | None = None,
    mapping: ColumnMapping | None = None,
) -> RegisterImport:
    """Import the register at `path` (or its `content`, for an upload named `path`) with
    `mapping`, else the one remembered for the organization, else the one guessed from the
    headers. RegisterRefused, with every fault, if any row is bad; nothing is written then."""
    with store.transaction() as session:
        _may_import(session, store, actor, organization_id)
    table = read_table(path, content)
    if mapping is None:
        mapping = register_mapping(store, actor, organization_id, table.headers)
    complaints, faults = complaints_of(table, mapping)
    if faults:
        raise RegisterRefused(
            f"{table.name}: {len(faults)} cell(s) cannot be read; nothing was imported",
            tuple(faults),
        )
    if not complaints:
        raise RegisterRefused(
            f"{table.name}: the register holds no complaints; nothing was imported"
        )
    with store.transaction() as session:
        _may_import(session, store, actor, organization_id)
        existing = {
            reference: row_id
            for reference, row_id in session.execute(
                select(ComplaintRow.reference, ComplaintRow.id).where(
                    ComplaintRow.organization_id == organization_id
                )
            )
        }
        done = ComplaintImport(
            organization_id=organization_id,
            file_name=table.name[:255],
            sha256=table.sha256,
            rows=len(complaints),
            added=sum(c.reference not in existing for c in complaints),
            updated=sum(c.reference in existing for c in complaints),
            imported_by=actor.name,
        )
        session.add(done)
        session.flush()
        new = [
            {**_row_values(c), "organization_id": organization_id, "import_id": done.id}
            for c in complaints
            if c.reference not in existing
        ]
        changed = [
            {**_row_values(c), "id": existing[c.reference], "import_id": done.id}
            for c in complaints
            if c.reference in existing
        ]
        for start in range(0, len(new), BATCH):
            session.execute(insert(ComplaintRow), new[start : start + BATCH])
        for start in range(0, len(changed), BATCH):
            session.execute(update(ComplaintRow), changed[start : start + BATCH])
        settings = session.get(ComplaintSettings, organization_id)
        remembered = mapping.model_dump(mode="json")
        if settings is None:
            session.add(
                ComplaintSettings(organization_id=organization_id, mapping=remembered, targets={})
            )
        elif settings.mapping != remembered:
            settings.mapping = remembered
        record(
            session,
            actor.name,
            "complaint_register",
            str(organization_id),
            "imported",
            None,
            f"{done.file_name}: {done.rows} complaints ({done.added} added, {done.updated} updated), SHA-256 {done.sha256[:12]}…",
            organization_id=organization_id,
        )
        return RegisterImport(done.file_name, done.sha256, done.rows, done.added, done.updated)


def register_mapping(
    store: Store, actor: Actor, organization_id: int, headers: list[str] | None = None
) -> ColumnMapping:
    """The mapping remembered for the organization; without one, the one guessed from
    `headers` (the user confirms or corrects it before importing)."""
    from assessment.complaints.fields import guess_mapping

    with store.transaction() as session:
        reachable_organization(
            session, store, actor, organization_id, Permission.VIEW, what="see its register"
        )
        settings = session.get(ComplaintSettings, organization_id)
        if settings is not None:
            return ColumnMapping.model_validate(settings.mapping)
    return ColumnMapping(columns=guess_mapping(headers or []))


@dataclass(frozen=True)
class _Register:
    frame: pd.DataFrame  # shared between callers: never changed
    targets: dict[str, float]
    mapped: frozenset[str]
    stamp: tuple[object, ...]  # what it was read at: database, organization, import, settings


def _register(store: Store, actor: Actor, organization_id: int) -> _Register:
    """The organization's complaints as one table (moments as UTC timestamps), its targets
    and the fields its register has.

    Pages ask for it on every rerun, and a register may hold half a million complaints: the
    table is kept per process (the last KEPT_REGISTERS) and read again only when an import or
    a change of the settings has happened since (two values tell).
    """
    with store.transaction() as session:
        reachable_organization(
            session, store, actor, organization_id, Permission.VIEW, what="see its complaints"
        )
        settings = session.get(ComplaintSettings, organization_id)
        last_import = session.scalar(
            select(func.max(ComplaintImport.id)).where(
                ComplaintImport.organization_id == organization_id
            )
        )
        key = (
            str(store.engine.url),
            organization_id,
            last_import,
            settings.version if settings is not None else None,
        )
        with _KEPT_LOCK:
            kept = _REGISTERS.get(key)
        if kept is not None:
            return kept
        targets = dict(settings.targets) if settings is not None else {}
        mapped = (
            frozenset(ColumnMapping.model_validate(settings.mapping).columns)
            if settings is not None
            else frozenset()
        )
        columns = [
            c
            for c in ComplaintRow.__table__.columns
            if c.name not in {"id", "organization_id", "import_id"}
        ]
        rows = session.execute(
            select(*columns).where(ComplaintRow.organization_id == organization_id)
        )
        frame = pd.DataFrame(rows.all(), columns=[c.name for c in columns])
    frame = frame.rename(columns={column: field for field, column in _MOMENTS.items()})
    for field in _MOMENTS:
        frame[field] = pd.to_datetime(frame[field], utc=True)
    found = _Register(frame, targets, mapped, key)
    with _KEPT_LOCK:
        _REGISTERS[key] = found
        while len(_REGISTERS) > KEPT_REGISTERS:
            _REGISTERS.pop(next(iter(_REGISTERS)))
    return found


def _values(
    register: _Register,
    frame: pd.DataFrame,
    period: Period,
    indicators: IndicatorSet | None,
    holidays: tuple[date, ...],
) -> list[Value]:
    return [
        compute(
            indicator,
            frame,
            period,
            target=register.targets.get(indicator.id),
            holidays=holidays,
            fields=register.mapped,
        )
        for indicator in (indicators or load_indicators()).indicators
    ]


def complaint_indicators(
    store: Store,
    actor: Actor,
    organization_id: int,
    period: Period,
    *,
    indicators: IndicatorSet | None = None,
    holidays: tuple[date, ...] = (),
) -> list[Value]:
    """Every indicator over the complaints received in `period` (and, for the backlog, those
    open at its end), with the organization's own targets where it set them."""
    register = _register(store, actor, organization_id)
    return _values(register, register.frame, period, indicators, holidays)


def complaint_performance(
    store: Store,
    actor: Actor,
    organization_id: int,
    period: Period,
    *,
    chosen: Filter | None = None,
    holidays: tuple[date, ...] = (),
) -> Performance:
    """The Complaint performance page's figures and indicators, for the complaints of the
    chosen channels and categories (all when none are chosen)."""
    chosen = chosen or Filter()
    register = _register(store, actor, organization_id)
    key = (register.stamp, period, chosen, holidays)
    with _KEPT_LOCK:
        if key in _PERFORMANCE:
            return _PERFORMANCE[key]
    kept = chosen.apply(register.frame)
    values = _values(register, kept, period, None, holidays)
    found = performance(register.frame, period, values, chosen, holidays)
    with _KEPT_LOCK:
        _PERFORMANCE[key] = found
        while len(_PERFORMANCE) > KEPT_PERFORMANCE:
            _PERFORMANCE.pop(next(iter(_PERFORMANCE)))
    return found


def criterion_suggestions(
    store: Store, actor: Actor, assessment_id: int, *, today: date | None = None
) -> dict[str, Suggestion]:
    """{criterion id: the score the organization's complaint register suggests for it}, over
    the year up to `today`; empty without a register, or when the indicators are written for
    another checklist than the assessment's."""
    opened = get_assessment(store, actor, assessment_id)
    indicators = load_indicators()
    if indicators.checklist != opened.checklist_id:
        return {}
    last = today or date.today()
    period = Period(last - timedelta(days=364), last)
    register = _register(store, actor, opened.organization_id)
    if register.frame.empty:
        return {}
    key = (register.stamp, period, indicators.checklist)
    with _KEPT_LOCK:
        if key in _SUGGESTIONS:
            return _SUGGESTIONS[key]
    values = _values(register, register.frame, period, indicators, ())
    found = suggestions(values, period, TOP_SCORE)
    with _KEPT_LOCK:
        _SUGGESTIONS[key] = found
        while len(_SUGGESTIONS) > KEPT_SUGGESTIONS:
            _SUGGESTIONS.pop(next(iter(_SUGGESTIONS)))
    return found
