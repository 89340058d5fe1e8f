"""How well an assessment's scores are backed: coverage, and records about to expire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from assessment.access.roles import Actor, Permission
from assessment.services.assessment_rows import snapshot_checklist
from assessment.services.evidence import list_evidence
from assessment.services.evidence_support import supported_criteria
from assessment.services.guard import reachable_assessment
from assessment.storage.store import Store
from assessment.storage.tables import ResponseRow
from evidence.records import EvidenceRecord, expires_within

# The public surface (tests/test_services_contract.py holds it to the contract).
__all__ = [
    "EvidenceCoverage",
    "evidence_coverage",
    "expiring",
]


@dataclass(frozen=True)
class EvidenceCoverage:
    """Of the criteria scored above 0, how many have approved, unexpired evidence."""

    scored: int
    supported: int
    unsupported: tuple[str, ...]  # scored above 0, no approved and unexpired record

    @property
    def ratio(self) -> float | None:
        return self.supported / self.scored if self.scored else None


def evidence_coverage(
    store: Store, actor: Actor, assessment_id: int, today: date
) -> EvidenceCoverage:
    """Of the criteria scored above 0, how many have approved and unexpired evidence.

    Criteria scored 0 (nothing in place) and not applicable ones need no evidence.
    """
    with store.transaction() as session:
        row = reachable_assessment(
            session, store, actor, assessment_id, Permission.VIEW, what="see its evidence"
        )
        checklist = snapshot_checklist(session, row.checklist_hash)
        scored = set(
            session.scalars(
                select(ResponseRow.criterion_id).where(
                    ResponseRow.assessment_id == assessment_id, ResponseRow.score > 0
                )
            )
        )
        supported = supported_criteria(session, assessment_id, today)
    order = [c.id for c in checklist.criteria if c.id in scored]
    unsupported = tuple(cid for cid in order if cid not in supported)
    return EvidenceCoverage(len(order), len(order) - len(unsupported), unsupported)


def expiring(
    store: Store, actor: Actor, assessment_id: int, today: date, days: int = 30
) -> list[EvidenceRecord]:
    """Records valid today that expire within `days` days, soonest first (rejected ones left out)."""
    records = list_evidence(store, actor, assessment_id)
    soon = [r for r in records if expires_within(r.status, r.valid_until, today, days)]
    return sorted(soon, key=lambda r: (r.valid_until, r.ref))
