"""The demo client's complaint register: a helpdesk export of eighteen months, made up.

Deterministic (a seeded generator, dates counted back from `today`), so the story is the same
every time: volumes peak before Christmas and in early summer; in one quarter (nine to six
months ago) a staff shortage lets the backlog build and resolution times stretch; letters by
post are acknowledged slowly all along; delivery and billing are the recurring causes. Written
as the CSV a helpdesk would export (with its own headers and a column of customer names that
the import must leave out), so loading the demo goes through the same import a user's file does.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime, time, timedelta

from assessment.complaints.register import ColumnMapping
from assessment.complaints.values import DateOrder

SEED = 10002
MONTHS = 18
PER_MONTH = 180  # before the seasons: about 3,300 complaints in all

HEADERS = [
    "Ticket ID",
    "Created At",
    "Customer name",
    "Channel",
    "Category",
    "Product",
    "First response",
    "Resolved",
    "Closed",
    "Outcome",
    "Reopened",
    "Escalated to ombudsman",
    "CSAT",
    "Vulnerable",
    "Root cause",
]
MAPPING = ColumnMapping(
    columns={
        "reference": "Ticket ID",
        "received": "Created At",
        "channel": "Channel",
        "category": "Category",
        "product": "Product",
        "acknowledged": "First response",
        "responded": "Resolved",
        "closed": "Closed",
        "outcome": "Outcome",
        "reopened": "Reopened",
        "escalated_externally": "Escalated to ombudsman",
        "satisfaction": "CSAT",
        "vulnerable": "Vulnerable",
        "root_cause": "Root cause",
    },
    date_order=DateOrder.DAY_FIRST,
    timezone="Europe/London",
    ignore=["Customer name"],
)

# (channel, share, hours to acknowledge: typical, slowest)
CHANNELS = (
    ("Phone", 0.34, 2, 30),
    ("E-mail", 0.28, 16, 80),
    ("Web form", 0.22, 12, 70),
    ("Social media", 0.09, 6, 40),
    ("Post", 0.07, 110, 300),  # the slow channel: letters wait for the weekly batch
)
CAUSES = (
    ("Late delivery", 0.31),
    ("Billing error", 0.19),
    ("Faulty product", 0.15),
    ("Staff conduct", 0.09),
    ("Website fault", 0.08),
    ("Returns process", 0.08),
    ("Stock information", 0.05),
    ("Other", 0.05),
)
PRODUCTS = ("Tents", "Footwear", "Clothing", "Climbing gear", "Delivery service")
NAMES = ("A. Walker", "B. Singh", "C. Moreau", "D. Okafor", "E. Novak", "F. Lindqvist")
SEASON = {11: 1.6, 12: 1.9, 1: 1.3, 6: 1.25, 7: 1.2}


def _pick(chooser: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return chooser.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


def _shown(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%d/%m/%Y %H:%M")


def demo_register(today: date, *, scale: float = 1.0) -> bytes:
    """The register as CSV bytes, ending yesterday. `scale` multiplies the volume (a
    benchmark asks for 500,000 rows with the same story)."""
    chooser = random.Random(SEED)  # noqa: S311 (made-up data, the same every time; no secret)
    first_month = date(today.year, today.month, 1)
    for _ in range(MONTHS - 1):
        first_month = (first_month - timedelta(days=1)).replace(day=1)
    short_staffed = (today - timedelta(days=270), today - timedelta(days=180))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    number = 0
    month = first_month
    while month <= today:
        following = (month + timedelta(days=32)).replace(day=1)
        days = (min(following, today) - month).days
        count = round(PER_MONTH * SEASON.get(month.month, 1.0) * scale * days / 30)
        for _ in range(count):
            number += 1
            day = month + timedelta(days=chooser.randrange(max(days, 1)))
            received = datetime.combine(day, time(8)) + timedelta(minutes=chooser.randrange(600))
            channel = chooser.choices([c[0] for c in CHANNELS], [c[1] for c in CHANNELS])[0]
            _, _, typical, slowest = next(c for c in CHANNELS if c[0] == channel)
            strained = short_staffed[0] <= day <= short_staffed[1]
            ack_hours = chooser.triangular(0.2, slowest * (1.6 if strained else 1.0), typical)
            acknowledged: datetime | None = received + timedelta(hours=ack_hours)
            resolve_days = chooser.lognormvariate(2.3 + (0.6 if strained else 0.0), 0.6)
            resolved = received + timedelta(days=resolve_days)
            closed = resolved + timedelta(days=chooser.uniform(0, 3))
            open_now = closed.date() >= today or (strained and chooser.random() < 0.06)
            if acknowledged is not None and acknowledged.date() >= today:
                acknowledged = None
            cause = _pick(chooser, CAUSES)
            outcome = chooser.choices(
                ["Upheld", "Partly upheld", "Not upheld"], [0.42, 0.23, 0.35]
            )[0]
            satisfied = None
            if not open_now and chooser.random() < 0.38:
                base = 4.3 - (0.9 if strained else 0) - (0.8 if outcome == "Not upheld" else 0)
                satisfied = max(1, min(5, round(chooser.gauss(base, 0.8))))
            writer.writerow(
                [
                    f"KOS-{number:06d}",
                    _shown(received),
                    chooser.choice(NAMES),
                    channel,
                    "Service" if cause in {"Staff conduct", "Returns process"} else "Product",
                    chooser.choice(PRODUCTS),
                    _shown(acknowledged),
                    "" if open_now else _shown(resolved),
                    "" if open_now else _shown(closed),
                    "" if open_now else outcome,
                    "yes" if not open_now and chooser.random() < 0.04 else "no",
                    "yes" if not open_now and chooser.random() < 0.015 else "no",
                    "" if satisfied is None else str(satisfied),
                    "yes" if chooser.random() < 0.06 else "no",
                    cause,
                ]
            )
        month = following
    return out.getvalue().encode("utf-8")
