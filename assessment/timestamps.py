"""Moments in time as the toolkit keeps them: aware, in UTC.

Timestamps are stored in UTC; SQLite hands them back without their zone, so everything that
reads one makes it aware again with `as_utc` before comparing or showing it.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime, from an aware one in any zone or a naive one meant as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
