"""What the toolkit keeps of a complaint register, and how a register's own columns map to it.

Only what the indicators need is kept: dates, channel, category, product or service, outcome,
whether it was reopened or escalated, satisfaction with the handling, the vulnerable-customer
flag and the root-cause category, with the complaint's reference (kept as given, or hashed).
Names, e-mail addresses, phone numbers, postal addresses and free-text descriptions are never
stored: a column that looks like one is refused unless the mapping names it, explicitly, as one
of the fields below (which then keeps only what that field keeps).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class FieldKind(StrEnum):
    MOMENT = "date and time"
    TEXT = "short text"  # a label: channel, category, product, root cause
    OUTCOME = "outcome"
    FLAG = "yes or no"
    SCORE = "satisfaction score"
    REFERENCE = "reference"


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: FieldKind
    # Header words that suggest this field (lower case, compared after removing spaces,
    # underscores and punctuation), most specific first.
    hints: tuple[str, ...]


FIELDS: tuple[Field, ...] = (
    Field(
        "reference",
        "Complaint reference",
        FieldKind.REFERENCE,
        (
            "complaintid",
            "caseid",
            "ticketid",
            "reference",
            "ref",
            "casenumber",
            "ticketnumber",
            "ticket",
            "case",
            "id",
        ),
    ),
    Field(
        "received",
        "Received",
        FieldKind.MOMENT,
        (
            "received",
            "datereceived",
            "receivedat",
            "opened",
            "created",
            "createdat",
            "logged",
            "datelogged",
            "date",
        ),
    ),
    Field("channel", "Channel", FieldKind.TEXT, ("channel", "source", "via", "medium", "origin")),
    Field(
        "category",
        "Category",
        FieldKind.TEXT,
        ("category", "type", "complainttype", "issue", "subject"),
    ),
    Field(
        "product",
        "Product or service",
        FieldKind.TEXT,
        ("product", "service", "productorservice", "productservice"),
    ),
    Field(
        "acknowledged",
        "Acknowledged",
        FieldKind.MOMENT,
        ("acknowledged", "acknowledgedat", "ackdate", "acknowledgement", "firstresponse"),
    ),
    Field(
        "responded",
        "Response sent",
        FieldKind.MOMENT,
        ("responsesent", "responded", "finalresponse", "resolved", "resolvedat", "resolution"),
    ),
    Field("closed", "Closed", FieldKind.MOMENT, ("closed", "closedat", "dateclosed", "closeddate")),
    Field("outcome", "Outcome", FieldKind.OUTCOME, ("outcome", "decision", "upheld", "result")),
    Field("reopened", "Reopened", FieldKind.FLAG, ("reopened", "reopen")),
    Field(
        "escalated_internally",
        "Escalated internally",
        FieldKind.FLAG,
        ("escalatedinternally", "internalescalation", "escalated"),
    ),
    Field(
        "escalated_externally",
        "Escalated externally",
        FieldKind.FLAG,
        ("escalatedexternally", "externalescalation", "ombudsman", "referred"),
    ),
    Field(
        "satisfaction",
        "Satisfaction with the handling",
        FieldKind.SCORE,
        ("satisfactionwithhandling", "handlingsatisfaction", "satisfaction", "csat"),
    ),
    Field(
        "vulnerable",
        "Vulnerable customer",
        FieldKind.FLAG,
        ("vulnerable", "vulnerablecustomer", "vulnerability"),
    ),
    Field(
        "root_cause",
        "Root-cause category",
        FieldKind.TEXT,
        ("rootcause", "rootcausecategory", "cause"),
    ),
)
BY_NAME = {f.name: f for f in FIELDS}
REQUIRED = ("received",)

# Headers that name personal data or free text. Such a column is refused unless the mapping
# names it as a field (its content is then kept only as that field keeps it).
_PERSONAL = re.compile(
    r"(name|surname|firstname|lastname|customer$|complainant$|client$|e-?mail|mail|phone|"
    r"mobile|telephone|tel$|address|street|postcode|zip|city|dob|birth|description|details|"
    r"comment|notes?$|text|message|body|summary|narrative|account(number|no)?$|iban|ssn|"
    r"passport|nationalid)"
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.IGNORECASE)
_PHONE = re.compile(r"^\+?[\d\s().-]{8,}$")


def header_key(header: str) -> str:
    """A header as compared with the hints: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", header.casefold())


def looks_personal(header: str, samples: list[str]) -> str | None:
    """Why a column looks like personal data or free text, or None: its header, or its
    values (e-mail addresses, phone numbers, long sentences)."""
    if _PERSONAL.search(header_key(header)) or _PERSONAL.search(header.casefold()):
        return f"its header '{header}' names personal data or free text"
    filled = [s for s in samples if s.strip()]
    if not filled:
        return None
    if sum(bool(_EMAIL.search(s)) for s in filled) * 2 > len(filled):
        return "its values are e-mail addresses"
    if sum(bool(_PHONE.fullmatch(s.strip())) for s in filled) * 2 > len(filled):
        return "its values look like phone numbers"
    if sum(len(s.split()) >= 8 for s in filled) * 2 > len(filled):
        return "its values are sentences of free text"
    return None


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """{field: header} guessed from the headers: for each field, the first header whose key
    equals one of its hints, most specific hint first; each header used once."""
    keys = {header_key(h): h for h in reversed(headers)}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for field in FIELDS:
        for hint in field.hints:
            header = keys.get(hint)
            if header is not None and header not in used:
                mapping[field.name] = header
                used.add(header)
                break
    return mapping
