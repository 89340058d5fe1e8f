"""A register cell's text read as what its field keeps: a moment, a label, an outcome, a flag,
a satisfaction score. Each reader returns the value or raises ValueError with the reason in a
few words, which the import turns into a located fault.

Dates come as real exports write them: ISO 8601 with or without a time and an offset
(`2026-03-02T09:15:00+01:00`, `2026-03-02 09:15`, `...Z`), day first (`02/03/2026 09:15`,
`02.03.2026`) or month first (`03/02/2026`), as the mapping says, and `2026-03-02` alone. A
moment without an offset is in the register's time zone (the mapping's, UTC by default). They
are kept in UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from enum import StrEnum

from assessment.text_limits import quoted

LABEL_LIMIT = 80


class DateOrder(StrEnum):
    DAY_FIRST = "day-first"
    MONTH_FIRST = "month-first"


class Outcome(StrEnum):
    UPHELD = "upheld"
    PARTLY = "partly upheld"
    NOT_UPHELD = "not upheld"


_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?"
)
_SLASHED = re.compile(
    r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?"
)


def _offset(text: str | None, zone: tzinfo) -> tzinfo:
    if not text:
        return zone
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def read_moment(value: object, zone: tzinfo, order: DateOrder) -> datetime | None:
    """A moment in UTC; None for an empty cell. `value` is a cell's text, or a datetime that a
    spreadsheet already holds (taken as in `zone` when it has no offset)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=zone)
        return moment.astimezone(UTC)
    text = str(value).strip()
    if not text:
        return None
    iso = _ISO.fullmatch(text)
    slashed = None if iso else _SLASHED.fullmatch(text)
    if iso:
        year, month, day, hour, minute, second, offset = iso.groups()
        meridiem = None
    elif slashed:
        first, second_part, year, hour, minute, second, meridiem, offset = slashed.groups()
        day, month = (first, second_part) if order is DateOrder.DAY_FIRST else (second_part, first)
    else:
        raise ValueError(f"{quoted(text)} is not a date (use 2026-03-02 or 02/03/2026 09:15)")
    hours = int(hour or 0)
    if meridiem:
        if not 1 <= hours <= 12:
            raise ValueError(f"{quoted(text)} has an hour that is not on a 12-hour clock")
        hours = hours % 12 + (12 if meridiem.lower() == "pm" else 0)
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day),
            hours,
            int(minute or 0),
            int(second or 0),
            tzinfo=_offset(offset, zone),
        )
    except ValueError:
        raise ValueError(f"{quoted(text)} is not a date of the calendar ({order.value})") from None
    return moment.astimezone(UTC)


def read_label(value: object) -> str | None:
    """A short label (channel, category...), spaces tidied; None for an empty cell."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    if not text:
        return None
    if len(text) > LABEL_LIMIT:
        raise ValueError(
            f"{quoted(text)} is longer than {LABEL_LIMIT} characters: a category, not a "
            "description (descriptions are not kept)"
        )
    return text


_OUTCOMES = {
    "upheld": Outcome.UPHELD,
    "yes": Outcome.UPHELD,
    "justified": Outcome.UPHELD,
    "partly upheld": Outcome.PARTLY,
    "partially upheld": Outcome.PARTLY,
    "partly": Outcome.PARTLY,
    "partial": Outcome.PARTLY,
    "partly justified": Outcome.PARTLY,
    "not upheld": Outcome.NOT_UPHELD,
    "no": Outcome.NOT_UPHELD,
    "rejected": Outcome.NOT_UPHELD,
    "not justified": Outcome.NOT_UPHELD,
}


def read_outcome(value: object) -> Outcome | None:
    text = " ".join(str(value or "").casefold().replace("-", " ").split())
    if not text:
        return None
    if text not in _OUTCOMES:
        raise ValueError(
            f"{quoted(str(value))} is not an outcome (upheld, partly upheld, not upheld)"
        )
    return _OUTCOMES[text]


_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0", ""}


def read_flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"{quoted(str(value))} is not yes or no")


def read_score(value: object) -> float | None:
    """Satisfaction with the handling on a 1 to 5 scale; None for an empty cell."""
    if value is None or str(value).strip() == "":
        return None
    try:
        score = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise ValueError(f"{quoted(str(value))} is not a number from 1 to 5") from None
    if not 1 <= score <= 5:
        raise ValueError(f"{quoted(str(value))} is not from 1 to 5")
    return score
