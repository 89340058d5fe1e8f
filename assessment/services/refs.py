"""Short references (A1, A2 ... for actions, E1, E2 ... for evidence), unique per assessment.

People say "A3" in a meeting and a portable file keys on it, so a reference is short, stable and
never reused within its assessment.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

__all__: list[str] = []  # nothing public: used by the other services only


def next_ref(
    session: Session,
    ref_column: InstrumentedAttribute[str],
    assessment_column: InstrumentedAttribute[int],
    assessment_id: int,
    prefix: str,
) -> str:
    """The first free `prefix<n>` after the number of references the assessment already has."""
    taken = set(session.scalars(select(ref_column).where(assessment_column == assessment_id)))
    number = len(taken) + 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"
