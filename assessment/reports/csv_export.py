"""CSV files of an assessment's criteria and corrective actions, for any spreadsheet or script.

UTF-8 with a byte-order mark, because Excel reads a CSV without one in the machine's legacy code
page and turns "Tomás" into "TomÃ¡s"; other readers skip the mark (Python: encoding
"utf-8-sig"). Every text cell goes through `spreadsheet_safety.neutralize`: a CSV is where
formula injection bites hardest, since a spreadsheet runs formulas in it on opening. The
headers are stable snake_case names, and codes (`major`, `in_progress`) rather than labels,
so scripts can rely on them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from assessment.reports.data import ReportData
from assessment.reports.spreadsheet_safety import neutralize, write_atomically
from assessment.scoring.numbers import decimal

CRITERIA_HEADER = (
    "criterion_id",
    "clause",
    "question",
    "target",
    "weight",
    "essential",
    "score",
    "not_applicable",
    "not_applicable_reason",
    "notes",
    "finding",
    "finding_overridden",
    "finding_reason",
    "gap",
    "attainment",
    "actions",
    "evidence",
    "updated_by",
    "updated_at",
)
ACTIONS_HEADER = (
    "ref",
    "title",
    "criteria",
    "finding",
    "priority",
    "owner",
    "due",
    "status",
    "overdue",
    "raised_on",
    "closed_on",
    "correction",
    "root_cause",
    "root_cause_method",
    "action_plan",
    "checked_on",
    "checked_by",
    "effective",
    "check_note",
)


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _iso(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _utc(moment: datetime) -> str:
    """A stored time in UTC, to the second (SQLite returns it naive, PostgreSQL aware)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="seconds") + "Z"


def criteria_rows(data: ReportData) -> list[list[object]]:
    """One row per criterion, in checklist order, as the CSV holds it (before neutralizing)."""
    opened = data.assessment
    rows: list[list[object]] = []
    for result in opened.score.criteria:
        stored = opened.responses.get(result.id)
        response = stored.response if stored else None
        rows.append(
            [
                result.id,
                result.clause_ref,
                opened.checklist.criterion(result.id).question,
                result.target,
                decimal(result.weight),
                _yes_no(result.essential),
                result.score if result.score is not None else "",
                _yes_no(result.not_applicable),
                (response.not_applicable or "") if response else "",
                response.notes if response else "",
                result.finding.value if result.finding else "",
                _yes_no(result.finding_overridden),
                result.finding_reason or "",
                result.gap if result.gap is not None else "",
                round(result.attainment, 4) if result.attainment is not None else "",
                "; ".join(a.ref for a in data.actions if result.id in a.criteria),
                "; ".join(e.ref for e in data.evidence if result.id in e.criteria),
                stored.updated_by if stored else "",
                _utc(stored.updated_at) if stored else "",
            ]
        )
    return rows


def actions_rows(data: ReportData) -> list[list[object]]:
    """One row per corrective action, as listed by the service (before neutralizing)."""
    rows: list[list[object]] = []
    for a in data.actions:
        check = a.check
        rows.append(
            [
                a.ref,
                a.title,
                "; ".join(a.criteria),
                a.finding.value if a.finding else "",
                a.priority.value,
                a.owner,
                _iso(a.due),
                a.status.value,
                _yes_no(a.is_overdue(data.today)),
                _iso(a.raised_on),
                _iso(a.closed_on),
                a.correction,
                a.root_cause,
                a.root_cause_method.value if a.root_cause_method else "",
                a.action_plan,
                _iso(check.checked_on) if check else "",
                check.checked_by if check else "",
                _yes_no(check.effective) if check else "",
                check.note if check else "",
            ]
        )
    return rows


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file as bytes: BOM, RFC 4180 quoting and line ends, every text cell neutralized."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([neutralize(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def criteria_csv_bytes(data: ReportData) -> bytes:
    return csv_bytes(CRITERIA_HEADER, criteria_rows(data))


def actions_csv_bytes(data: ReportData) -> bytes:
    return csv_bytes(ACTIONS_HEADER, actions_rows(data))


def write_criteria_csv(data: ReportData, out: Path) -> Path:
    """Write the criteria CSV to `out` atomically; returns `out`."""
    return write_atomically(Path(out), criteria_csv_bytes(data))


def write_actions_csv(data: ReportData, out: Path) -> Path:
    """Write the corrective actions CSV to `out` atomically; returns `out`."""
    return write_atomically(Path(out), actions_csv_bytes(data))
