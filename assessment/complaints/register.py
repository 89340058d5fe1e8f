"""Reading a complaint register (CSV or Excel) into the complaints the toolkit keeps.

The file is read in full and every bad cell becomes a fault at once: `FILE:ROW:COLUMN: reason`
for a CSV (ROW counted as a spreadsheet shows it, the header being row 1), `Sheet!B12: reason`
for a workbook. Nothing is kept unless every row is good. Columns the mapping does not name are
never read past the first rows (which decide whether one looks like personal data).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field

from assessment.complaints.fields import BY_NAME, FIELDS, REQUIRED, FieldKind, looks_personal
from assessment.complaints.values import (
    DateOrder,
    Outcome,
    read_flag,
    read_label,
    read_moment,
    read_outcome,
    read_score,
)
from assessment.errors import RegisterRefused

SAMPLE_ROWS = 50  # rows looked at to judge whether an unmapped column holds personal data
REFERENCE_LIMIT = 64


class ColumnMapping(BaseModel):
    """How a register's columns become the fields kept: remembered per organization, and
    given as a YAML or JSON file on the command line (`--mapping`)."""

    model_config = ConfigDict(extra="forbid")

    columns: dict[str, str] = Field(default_factory=dict)  # field -> the register's header
    date_order: DateOrder = DateOrder.DAY_FIRST
    timezone: str = "UTC"
    hash_references: bool = False
    # Headers of columns that hold personal data and are knowingly left out (never read).
    ignore: list[str] = Field(default_factory=list)

    def zone(self) -> tzinfo:
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise RegisterRefused(
                f"the mapping's time zone {self.timezone!r} is not one this machine knows "
                "(use a name such as Europe/Berlin, or UTC)"
            ) from None


@dataclass(frozen=True)
class Complaint:
    """One complaint as kept: no names, contacts or descriptions."""

    reference: str
    received: datetime
    channel: str | None = None
    category: str | None = None
    product: str | None = None
    acknowledged: datetime | None = None
    responded: datetime | None = None
    closed: datetime | None = None
    outcome: Outcome | None = None
    reopened: bool = False
    escalated_internally: bool = False
    escalated_externally: bool = False
    satisfaction: float | None = None
    vulnerable: bool = False
    root_cause: str | None = None


@dataclass(frozen=True)
class RegisterFault:
    where: str  # FILE:ROW:COLUMN or Sheet!B12
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class RegisterTable:
    """A register's cells as read: headers and rows, and how to name a cell in a fault."""

    name: str
    headers: list[str]
    rows: list[list[Any]]
    cell: Callable[[int, int], str]  # (row index in `rows`, column index) -> where
    sha256: str = ""
    faults: list[RegisterFault] = field(default_factory=list)


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_table(path: Path, content: bytes | None = None) -> RegisterTable:
    """The header row and the rows of a CSV file (comma, semicolon or tab; UTF-8, with or
    without a byte-order mark, or Windows-1252) or of an Excel workbook's first sheet."""
    data = path.read_bytes() if content is None else content
    digest = hashlib.sha256(data).hexdigest()
    if data[:4] == b"PK\x03\x04":
        table = _read_workbook(path.name, data)
    else:
        table = _read_csv(path.name, data)
    table.sha256 = digest
    if not table.headers or not any(h.strip() for h in table.headers):
        raise RegisterRefused(f"{path.name}: the first row holds no column headers")
    return table


def _read_csv(name: str, data: bytes) -> RegisterTable:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:20000], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        raise RegisterRefused(f"{name}: the file is empty")
    headers = [h.strip() for h in rows[0]]
    return RegisterTable(
        name, headers, rows[1:], lambda row, column: f"{name}:{row + 2}:{column + 1}"
    )


def _read_workbook(name: str, data: bytes) -> RegisterTable:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise RegisterRefused(f"{name}: the workbook cannot be read ({error})") from None
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    book.close()
    if not rows:
        raise RegisterRefused(f"{name}: the first sheet is empty")
    headers = ["" if h is None else str(h).strip() for h in rows[0]]
    title = sheet.title
    return RegisterTable(
        name, headers, rows[1:], lambda row, column: f"{title}!{_column_letters(column)}{row + 2}"
    )


def check_mapping(table: RegisterTable, mapping: ColumnMapping) -> dict[str, int]:
    """{field: column index}; every problem of the mapping against the headers at once."""
    problems = []
    index = {h: i for i, h in enumerate(table.headers)}
    columns: dict[str, int] = {}
    for name, header in mapping.columns.items():
        if name not in BY_NAME:
            problems.append(
                f"the mapping names an unknown field {name!r} (fields: {', '.join(BY_NAME)})"
            )
        elif header not in index:
            problems.append(f"the mapping's column {header!r} for {name} is not in the file")
        else:
            columns[name] = index[header]
    for name in REQUIRED:
        if name not in columns:
            problems.append(
                f"no column is mapped to '{BY_NAME[name].label}' ({name}), which is needed"
            )
    mapped = set(columns.values())
    for i, header in enumerate(table.headers):
        if i in mapped or not header or header in mapping.ignore:
            continue
        samples = [
            "" if r[i] is None else str(r[i]) for r in table.rows[:SAMPLE_ROWS] if i < len(r)
        ]
        reason = looks_personal(header, samples)
        if reason:
            problems.append(
                f"column {header!r} looks like personal data ({reason}): it is not kept; map it "
                "to a field or list it under `ignore` to go on without it"
            )
    if problems:
        raise RegisterRefused(f"{table.name}: the columns cannot be used:\n" + "\n".join(problems))
    return columns


def complaints_of(
    table: RegisterTable, mapping: ColumnMapping
) -> tuple[list[Complaint], list[RegisterFault]]:
    """Every row as a Complaint, and every bad cell as a fault (all of them, in file order)."""
    columns = check_mapping(table, mapping)
    zone = mapping.zone()
    readers: dict[FieldKind, Callable[[Any], Any]] = {
        FieldKind.MOMENT: lambda v: read_moment(v, zone, mapping.date_order),
        FieldKind.TEXT: read_label,
        FieldKind.OUTCOME: read_outcome,
        FieldKind.FLAG: read_flag,
        FieldKind.SCORE: read_score,
        FieldKind.REFERENCE: _read_reference,
    }
    complaints: list[Complaint] = []
    faults: list[RegisterFault] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(table.rows):
        if all(v is None or str(v).strip() == "" for v in row):
            continue  # a blank line at the end of an export
        values, row_faults = _read_row(table, columns, readers, number, row)
        reference = values.pop("reference", None) or f"row {number + 2}"
        if mapping.hash_references and "reference" in columns:
            reference = hashlib.sha256(reference.encode("utf-8")).hexdigest()[:32]
        if reference in seen:
            row_faults.append(
                _fault(
                    table,
                    columns,
                    number,
                    "reference",
                    f"the same reference as row {seen[reference] + 2}; each complaint once",
                )
            )
        seen.setdefault(reference, number)
        faults += row_faults
        if not row_faults:
            complaints.append(Complaint(reference=reference, **values))
    return complaints, faults


def _fault(
    table: RegisterTable, columns: dict[str, int], number: int, name: str, message: str
) -> RegisterFault:
    column = columns[name]
    return RegisterFault(table.cell(number, column), f"{table.headers[column]}: {message}")


def _read_row(
    table: RegisterTable,
    columns: dict[str, int],
    readers: dict[FieldKind, Callable[[Any], Any]],
    number: int,
    row: list[Any],
) -> tuple[dict[str, Any], list[RegisterFault]]:
    """One row's values by field, and the faults of its cells."""
    values: dict[str, Any] = {}
    faults: list[RegisterFault] = []
    for name, column in columns.items():
        cell = row[column] if column < len(row) else None
        try:
            values[name] = readers[BY_NAME[name].kind](cell)
        except ValueError as error:
            faults.append(_fault(table, columns, number, name, str(error)))
    received = values.get("received")
    if received is None and "received" in values:
        faults.append(
            _fault(
                table,
                columns,
                number,
                "received",
                "empty; every complaint needs the date it was received",
            )
        )
    for later in ("acknowledged", "responded", "closed"):
        moment = values.get(later)
        if received is not None and moment is not None and moment < received:
            faults.append(
                _fault(
                    table,
                    columns,
                    number,
                    later,
                    f"{moment:%Y-%m-%d %H:%M} UTC is before it was received",
                )
            )
    return values, faults


def _read_reference(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    if not text:
        return None
    if len(text) > REFERENCE_LIMIT:
        raise ValueError(f"a reference of at most {REFERENCE_LIMIT} characters, not {len(text)}")
    return text


__all__ = ["FIELDS", "ColumnMapping", "Complaint", "RegisterFault", "complaints_of", "read_table"]
