"""Reading the five response cells of one Criteria row, and the rules a changed row must keep.

Each cell is checked on its own first (a formula, an error value, text in the score, a score
off the scale, an unknown finding class), so one pass reports every bad cell; then a row the
client changed is checked as a whole (N/A needs a reason, an override needs a reason, ...).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.worksheet import Worksheet

from assessment.checklist.model import Checklist, Scale
from assessment.reports.excel_layout import (
    CRITERIA,
    FINDING_CHOICES,
    NOT_APPLICABLE,
    NOT_APPLICABLE_WORDS,
    CellValues,
    cell_text,
    score_choice,
)
from assessment.reports.excel_preview import CellFault
from assessment.scoring.findings import Finding
from assessment.text_limits import excerpt, quoted
from assessment.workflow.response import Response

T = TypeVar("T")

_FINDING_WORDS = {
    **{label.lower(): f for label, f in FINDING_CHOICES.items()},
    **{f.value: f for f in Finding},
}


# "3 - Implemented and documented" with any dash Excel's autocorrect may have put in, and any
# spacing: a number, a dash, the rest. The number has at most nine digits (a longer one is no
# level, and Python refuses to read one of over 4,300 digits as a number).
_LABELLED = re.compile(r"(\d{1,9})\s*[-\u2010-\u2015]\s*(.+)", re.DOTALL)


def _plain(text: str) -> str:
    """Text compared without regard to case or spacing."""
    return " ".join(text.split()).casefold()


class CellError(Exception):
    """A cell that cannot be read; its fault is already recorded."""


class RowReader:
    """One Criteria row, reading its cells and collecting their faults."""

    def __init__(
        self, sheet: Worksheet, row: int, columns: dict[str, int], faults: list[CellFault]
    ) -> None:
        self.sheet, self.row, self.columns, self.faults = sheet, row, columns, faults

    def ref(self, key: str) -> str:
        return f"{get_column_letter(self.columns[key])}{self.row}"

    def fault(self, key: str, message: str) -> None:
        self.faults.append(CellFault(CRITERIA, self.ref(key), message))

    def raw(self, key: str) -> object:
        cell = self.sheet.cell(self.row, self.columns[key])
        value = cell.value
        if cell.data_type == "f" or isinstance(value, ArrayFormula | DataTableFormula):
            self.fault(key, "a formula is not taken here: type the value itself")
            raise CellError
        if cell.data_type == "e":
            self.fault(key, f"the cell shows the error {value}: type the value itself")
            raise CellError
        return value

    def text(self, key: str) -> str:
        value = self.raw(key)
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = value.date() if value.time() == time() else value
        if isinstance(value, date | time):
            return value.isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return cell_text(str(value))

    def is_blank(self) -> bool:
        return all(
            self.sheet.cell(self.row, column).value in (None, "")
            for column in self.columns.values()
        )


def read_score(row: RowReader, scale: Scale) -> tuple[int | None, bool]:
    """The score cell: (score, False), (None, True) for N/A, (None, False) when empty.

    Taken: a level as the drop-down offers it ("3 - Implemented and documented"), its bare
    number, typed ("3") or as a number, and N/A. A level whose label does not match its number
    is refused: which of the two was meant cannot be told.
    """
    value = row.raw("score")
    low, high = min(scale.values), scale.maximum
    if isinstance(value, str):
        text = cell_text(value)
        if not text:
            return None, False
        if text.lower() in NOT_APPLICABLE_WORDS:
            return None, True
        labelled = _LABELLED.fullmatch(text)
        if labelled:
            return _read_labelled(row, scale, text, int(labelled[1]), labelled[2]), False
        try:
            value = Decimal(text)
            if value.is_snan():  # "sNaN", a NaN that refuses even to be compared
                raise InvalidOperation
        except InvalidOperation:
            example = score_choice(scale, high)
            row.fault(
                "score",
                f"{quoted(text)} is not a score: pick {low} to {high} or {NOT_APPLICABLE} "
                f"from the list (such as {quoted(example)}), or type the number alone",
            )
            raise CellError from None
    if value is None:
        return None, False
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float | Decimal)
        or not math.isfinite(value)
    ):
        row.fault(
            "score",
            f"{excerpt(str(value))} is not a score: pick {low} to {high} or {NOT_APPLICABLE}",
        )
        raise CellError
    if value != int(value):
        row.fault(
            "score", f"{excerpt(str(value))} is not a whole number on the scale ({low} to {high})"
        )
        raise CellError
    if int(value) not in scale.values:
        row.fault("score", f"{excerpt(str(int(value)))} is not on the scale ({low} to {high})")
        raise CellError
    return int(value), False


def _read_labelled(row: RowReader, scale: Scale, text: str, number: int, label: str) -> int:
    """The number of a score given in drop-down form, when its label is that level's."""
    if number not in scale.values:
        row.fault(
            "score",
            f"{quoted(text)}: {number} is not on the scale ({min(scale.values)} to {scale.maximum})",
        )
        raise CellError
    if _plain(label) != _plain(scale.label(number)):
        row.fault(
            "score",
            f"{quoted(text)} does not match the scale, where {number} is "
            f"{quoted(score_choice(scale, number))}: pick the level from the list, or type "
            "the number alone",
        )
        raise CellError
    return number


def read_finding(row: RowReader) -> Finding | None:
    text = row.text("finding")
    if not text:
        return None
    found = _FINDING_WORDS.get(text.lower())
    if found is None:
        choices = ", ".join(FINDING_CHOICES)
        row.fault(
            "finding", f"{quoted(text)} is not a finding class: pick {choices}, or leave it empty"
        )
        raise CellError
    return found


def read_cell_values(row: RowReader, checklist: Checklist) -> CellValues:
    """The five response cells, each checked on its own; every bad one is recorded."""
    bad = False

    def read(reader: Callable[[], T], instead: T) -> T:
        """Read one cell; when it cannot be read (its fault recorded), go on to the next."""
        nonlocal bad
        try:
            return reader()
        except CellError:
            bad = True
            return instead

    unread: tuple[int | None, bool] = (None, False)
    score, not_applicable = read(lambda: read_score(row, checklist.scale), unread)
    not_applicable_reason = read(lambda: row.text("not_applicable"), "")
    notes = read(lambda: row.text("notes"), "")
    finding = read(lambda: read_finding(row), None)
    finding_reason = read(lambda: row.text("finding_reason"), "")
    if bad:
        raise CellError
    return CellValues(score, not_applicable, not_applicable_reason, notes, finding, finding_reason)


def check_rules(row: RowReader, values: CellValues) -> None:
    """The rules every response keeps (docs/scoring.md, "Responses"), on a row the client
    changed."""
    before = len(row.faults)
    if values.score is not None and values.not_applicable_reason:
        row.fault(
            "score",
            f"both a score ({values.score}) and a N/A reason ({row.ref('not_applicable')}) are given: keep one",
        )
    elif values.not_applicable and not values.not_applicable_reason:
        row.fault("not_applicable", "N/A needs a reason: say why this criterion does not apply")
    elif not values.not_applicable and values.not_applicable_reason:
        row.fault(
            "not_applicable",
            f"a N/A reason needs {NOT_APPLICABLE} in {row.ref('score')}: choose it there or clear the reason",
        )
    if values.finding is not None and not values.finding_reason:
        row.fault("finding_reason", "a finding override needs a reason")
    if values.finding is None and values.finding_reason:
        row.fault(
            "finding",
            f"a finding reason ({row.ref('finding_reason')}) needs a finding override here: pick one or clear the reason",
        )
    if values.finding is not None and values.not_applicable:
        row.fault("finding", "a criterion marked N/A cannot carry a finding override")
    if len(row.faults) > before:
        raise CellError


def first_difference(row: RowReader, new: CellValues, old: CellValues) -> str:
    """The cell to point at for a change: the first of the five that differs."""
    pairs = (
        ("score", (new.score, new.not_applicable) != (old.score, old.not_applicable)),
        ("not_applicable", new.not_applicable_reason != old.not_applicable_reason),
        ("notes", new.notes != old.notes),
        ("finding", new.finding != old.finding),
        ("finding_reason", new.finding_reason != old.finding_reason),
    )
    return row.ref(next((key for key, differs in pairs if differs), "score"))


def new_response(new: CellValues, old: CellValues, stored: Response | None) -> Response:
    """The response to store. A text the client did not change keeps its stored form (its
    exact line ends and blanks), so an import never rewrites what nobody touched."""
    stored = stored or Response()

    def text(new_text: str, old_text: str, stored_text: str | None) -> str:
        return (stored_text or "") if new_text == old_text else new_text

    return Response(
        score=new.score,
        not_applicable=text(
            new.not_applicable_reason, old.not_applicable_reason, stored.not_applicable
        )
        if new.not_applicable
        else None,
        notes=text(new.notes, old.notes, stored.notes),
        finding=new.finding,
        finding_reason=text(new.finding_reason, old.finding_reason, stored.finding_reason) or None,
    )
